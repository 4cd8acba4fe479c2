import { invalidCharacter, invalidPattern } from './filter-error.js';
import type { Scanner } from './filter-scanner.js';
import { compare, readLiteral, readOperator, type CompareOp, type Literal } from './filter-values.js';

type Step = string | number;
type Condition = (root: unknown) => boolean;

// Property names in selectors: letters, digits, '-' and '_' (AWS: `$.detail-type` works unquoted).
const NAME_CHAR = (ch: string) => /^[A-Za-z0-9_\-]$/.test(ch);
const DIGIT = (ch: string) => ch >= '0' && ch <= '9';
const KEYWORD_CHAR = (ch: string) => /^[A-Za-z]$/.test(ch);
const MISSING = Symbol('missing');

/**
 * `{ $.a.b[0] = "x" && ($.n > 3 || $.flag IS TRUE) }`: conditions on fields of a JSON message,
 * combined with `&&` (binds tighter) and `||`, grouped with parentheses.
 */
export function parseJsonPattern(s: Scanner): (message: string) => boolean {
  s.skipSpace();
  s.expect('{');
  const condition = parseOr(s);
  s.skipSpace();
  if (!s.eat('}')) throw unexpected(s);
  s.skipSpace();
  if (!s.done) throw invalidPattern();
  return (message) => {
    const root = parseJsonMessage(message);
    return root !== MISSING && condition(root);
  };
}

/** A stray `,` or `;` is an invalid character to AWS; anything else out of place breaks the structure. */
function unexpected(s: Scanner) {
  const ch = s.peek();
  return ch && !/[\w\s(){}$&|=!<>"%*.+-]/.test(ch) ? invalidCharacter(ch) : invalidPattern();
}

function parseOr(s: Scanner): Condition {
  const parts = [parseAnd(s)];
  for (;;) {
    s.skipSpace();
    if (!s.eat('||')) break;
    parts.push(parseAnd(s));
  }
  return parts.length === 1 ? parts[0]! : (root) => parts.some((p) => p(root));
}

function parseAnd(s: Scanner): Condition {
  const parts = [parsePrimary(s)];
  for (;;) {
    s.skipSpace();
    if (!s.eat('&&')) break;
    parts.push(parsePrimary(s));
  }
  return parts.length === 1 ? parts[0]! : (root) => parts.every((p) => p(root));
}

function parsePrimary(s: Scanner): Condition {
  s.skipSpace();
  if (s.eat('(')) {
    const inner = parseOr(s);
    s.skipSpace();
    if (!s.eat(')')) throw unexpected(s);
    return inner;
  }
  if (s.peek() !== '$') {
    if (s.done || s.peek() === '}' || s.peek() === ')') throw invalidPattern();
    throw invalidCharacter(s.peek());
  }
  const path = parseSelector(s);
  s.skipSpace();
  const keyword = s.readWhile(KEYWORD_CHAR).toUpperCase();
  if (keyword) return parsePostfix(s, keyword, path);
  const op = readOperator(s);
  if (!op) {
    if (s.done || s.peek() === '}') throw invalidPattern();
    throw invalidCharacter(s.peek());
  }
  return comparison(path, op, readLiteral(s, op, 'edges'));
}

/** `$`, then `.name` and `[index]` steps. */
function parseSelector(s: Scanner): Step[] {
  const start = s.pos;
  s.expect('$');
  const path: Step[] = [];
  for (;;) {
    if (s.eat('.')) {
      const name = s.readWhile(NAME_CHAR);
      // AWS quotes the selector read so far with the offending character: `$."sc-status"` → '$."'.
      if (!name) throw invalidCharacter(s.text.slice(start, s.pos + 1));
      path.push(name);
    } else if (s.eat('[')) {
      const digits = s.readWhile(DIGIT);
      if (!digits || !s.eat(']')) throw invalidCharacter(s.text.slice(start, s.pos + 1));
      path.push(Number(digits));
    } else break;
  }
  const next = s.peek();
  if (next && !/[\s=!<>)}&|]/.test(next)) throw invalidCharacter(s.text.slice(start, s.pos + 1));
  return path;
}

/** `IS NULL`, `IS TRUE`, `IS FALSE`, `NOT EXISTS`. */
function parsePostfix(s: Scanner, keyword: string, path: Step[]): Condition {
  s.skipSpace();
  const second = s.readWhile(KEYWORD_CHAR).toUpperCase();
  if (keyword === 'IS' && second === 'NULL') return (root) => resolve(root, path) === null;
  if (keyword === 'IS' && second === 'TRUE') return (root) => resolve(root, path) === true;
  if (keyword === 'IS' && second === 'FALSE') return (root) => resolve(root, path) === false;
  if (keyword === 'NOT' && second === 'EXISTS') return (root) => resolve(root, path) === MISSING;
  throw invalidPattern();
}

/**
 * A comparison applies only to a value node: a missing field, null, an object or an array never
 * matches, whatever the operator ("both {$.users = 1} and {$.users != 1} fail ... where users is an array").
 */
function comparison(path: Step[], op: CompareOp, literal: Literal): Condition {
  return (root) => {
    const value = resolve(root, path);
    switch (typeof value) {
      case 'string':
        return compare(op, literal, value, undefined);
      case 'number':
        return compare(op, literal, String(value), value);
      case 'boolean':
        return literal.kind === 'number' ? op === '!=' : compare(op, literal, String(value), undefined);
      default:
        return false;
    }
  };
}

function resolve(root: unknown, path: Step[]): unknown {
  let node: unknown = root;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(node) || step >= node.length) return MISSING;
      node = node[step];
    } else {
      if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, step)) return MISSING;
      node = (node as Record<string, unknown>)[step];
    }
  }
  return node;
}

/** Only messages that are a JSON object or array are candidates; the first-character test skips text lines cheaply. */
function parseJsonMessage(message: string): unknown {
  let i = 0;
  while (i < message.length && message.charCodeAt(i) <= 32) i++;
  const first = message[i];
  if (first !== '{' && first !== '[') return MISSING;
  try {
    return JSON.parse(message) as unknown;
  } catch {
    return MISSING;
  }
}
