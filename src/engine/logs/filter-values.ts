import { invalidCharacter, invalidPattern } from './filter-error.js';
import type { Scanner } from './filter-scanner.js';

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** The right-hand side of a JSON or space-delimited condition, compiled once. */
export type Literal =
  | { kind: 'number'; text: string; value: number }
  | { kind: 'string'; test: (text: string) => boolean }
  | { kind: 'regex'; regex: RegExp };

/** Where `*` acts as a wildcard: JSON values honour it only at either end ("Ev*ent only matches Ev*ent"). */
export type WildcardMode = 'edges' | 'anywhere';

// An integer or decimal with an optional sign and exponent, as AWS documents numeric filter values.
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Unquoted values: AWS requires quotes around anything but letters, digits and these few characters. */
const BARE_CHAR = (ch: string) => /^[A-Za-z0-9_.*+\-]$/.test(ch);

const OPERATORS: CompareOp[] = ['!=', '<=', '>=', '=', '<', '>'];

export function readOperator(s: Scanner): CompareOp | undefined {
  for (const op of OPERATORS) if (s.eat(op)) return op;
  return undefined;
}

/** Reads the value after an operator; ordering operators accept numbers only. */
export function readLiteral(s: Scanner, op: CompareOp, wildcards: WildcardMode): Literal {
  s.skipSpace();
  let literal: Literal;
  if (s.peek() === '%') literal = { kind: 'regex', regex: s.readRegex() };
  else if (s.peek() === '"') literal = { kind: 'string', test: wildcardTest(s.readQuoted(), wildcards) };
  else {
    const text = s.readWhile(BARE_CHAR);
    if (text.length === 0) {
      if (s.done || s.peek() === '}' || s.peek() === ']' || s.peek() === ')' || s.peek() === ',') throw invalidPattern();
      throw invalidCharacter(s.peek());
    }
    literal = NUMBER.test(text) ? { kind: 'number', text, value: Number(text) } : { kind: 'string', test: wildcardTest(text, wildcards) };
  }
  if (op !== '=' && op !== '!=' && literal.kind !== 'number') throw invalidPattern();
  return literal;
}

/**
 * Compares a field's text with a literal. `numeric` is the field as a number when the field is one
 * (a JSON number, or a space-delimited field that reads as a number); numbers then compare by value.
 */
export function compare(op: CompareOp, literal: Literal, text: string, numeric: number | undefined): boolean {
  switch (literal.kind) {
    case 'regex':
      return literal.regex.test(text) === (op === '=');
    case 'string':
      return literal.test(text) === (op === '=');
    case 'number':
      if (numeric === undefined) {
        if (op === '=') return text === literal.text;
        if (op === '!=') return text !== literal.text;
        return false;
      }
      return compareNumbers(op, numeric, literal.value);
  }
}

function compareNumbers(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

/** `text` as a number when all of it reads as one (space-delimited fields are plain text). */
export function numericField(text: string): number | undefined {
  return NUMBER.test(text) ? Number(text) : undefined;
}

/** Case-sensitive equality with `*` wildcards. */
export function wildcardTest(pattern: string, mode: WildcardMode): (text: string) => boolean {
  if (!pattern.includes('*')) return (text) => text === pattern;
  if (/^\*+$/.test(pattern)) return () => true;
  if (mode === 'edges') {
    const leading = pattern.startsWith('*');
    const trailing = pattern.endsWith('*');
    const core = pattern.replace(/^\*+/, '').replace(/\*+$/, '');
    if (leading && trailing) return (text) => text.includes(core);
    if (leading) return (text) => text.endsWith(core);
    if (trailing) return (text) => text.startsWith(core);
    return (text) => text === pattern;
  }
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`, 's');
  return (text) => regex.test(text);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
