import { invalidCharacter, invalidPattern } from './filter-error.js';
import type { Scanner } from './filter-scanner.js';
import { compare, numericField, readLiteral, readOperator } from './filter-values.js';

type Fields = Map<string, string>;
type Condition = (fields: Fields) => boolean;

type Column = { kind: 'ellipsis' } | { kind: 'field'; name?: string; condition?: Condition };

const NAME_CHAR = (ch: string) => /^[A-Za-z0-9_\-]$/.test(ch);

/**
 * `[ip, user, ..., status_code = 4* && bytes > 1000, size]`: the message is split into fields at spaces
 * (text inside "..." or [...] is one field), the columns name them in order, `...` stands for any number
 * of fields (once at most), and every condition must hold. Conditions may refer to any named column;
 * when two columns share a name, the later one's field counts.
 */
export function parseDelimitedPattern(s: Scanner): (message: string) => boolean {
  s.skipSpace();
  s.expect('[');
  const columns: Column[] = [];
  for (;;) {
    s.skipSpace();
    if (s.eat('...')) columns.push({ kind: 'ellipsis' });
    // `[a, b,]`: an empty column (here from the trailing comma) is an unnamed field, as in AWS's
    // `[..., request=*.html*, status_code=4*,]`.
    else if (s.peek() === ',' || s.peek() === ']') columns.push({ kind: 'field' });
    else columns.push(parseColumn(s));
    s.skipSpace();
    if (s.eat(',')) continue;
    if (s.eat(']')) break;
    if (s.done) throw invalidPattern();
    throw invalidCharacter(s.peek());
  }
  s.skipSpace();
  if (!s.done) throw invalidPattern();
  // One `...` at most, as CDK's SpaceDelimitedTextPattern also enforces.
  if (columns.filter((c) => c.kind === 'ellipsis').length > 1) throw invalidPattern();
  const conditions = columns.flatMap((c) => (c.kind === 'field' && c.condition ? [c.condition] : []));
  return (message) => alignColumns(columns, splitFields(message), conditions);
}

function parseColumn(s: Scanner): Column {
  const first = readName(s);
  s.skipSpace();
  if (s.peek() === ',' || s.peek() === ']') return { kind: 'field', name: first };
  return { kind: 'field', name: first, condition: parseOr(s, first) };
}

function readName(s: Scanner): string {
  const name = s.readWhile(NAME_CHAR);
  if (!name) {
    if (s.done) throw invalidPattern();
    throw invalidCharacter(s.peek());
  }
  return name;
}

function parseOr(s: Scanner, firstName?: string): Condition {
  const parts = [parseAnd(s, firstName)];
  for (;;) {
    s.skipSpace();
    if (!s.eat('||')) break;
    parts.push(parseAnd(s));
  }
  return parts.length === 1 ? parts[0]! : (f) => parts.some((p) => p(f));
}

function parseAnd(s: Scanner, firstName?: string): Condition {
  const parts = [parseAtom(s, firstName)];
  for (;;) {
    s.skipSpace();
    if (!s.eat('&&')) break;
    parts.push(parseAtom(s));
  }
  return parts.length === 1 ? parts[0]! : (f) => parts.every((p) => p(f));
}

function parseAtom(s: Scanner, knownName?: string): Condition {
  s.skipSpace();
  if (knownName === undefined && s.eat('(')) {
    const inner = parseOr(s);
    s.skipSpace();
    s.expect(')');
    return inner;
  }
  const name = knownName ?? readName(s);
  s.skipSpace();
  const op = readOperator(s);
  if (!op) {
    if (s.done) throw invalidPattern();
    throw invalidCharacter(s.peek());
  }
  const literal = readLiteral(s, op, 'anywhere');
  return (fields) => {
    const text = fields.get(name);
    return text !== undefined && compare(op, literal, text, numericField(text));
  };
}

/**
 * Binds fields to columns: without `...` the counts must be equal; with it, the columns before it take the
 * first fields, those after it the last ones, and `...` whatever lies between (possibly nothing).
 */
function alignColumns(columns: Column[], fields: string[], conditions: Condition[]): boolean {
  const ellipsis = columns.findIndex((c) => c.kind === 'ellipsis');
  const fixed = ellipsis === -1 ? columns.length : columns.length - 1;
  if (ellipsis === -1 ? fields.length !== fixed : fields.length < fixed) return false;
  const bound: Fields = new Map();
  columns.forEach((column, ci) => {
    if (column.kind !== 'field' || column.name === undefined) return;
    const fi = ellipsis === -1 || ci < ellipsis ? ci : fields.length - (columns.length - ci);
    bound.set(column.name, fields[fi]!);
  });
  return conditions.every((c) => c(bound));
}

/** Space-separated fields; a field opened by `"` or `[` runs to the closing `"` or `]`, which are dropped. */
export function splitFields(message: string): string[] {
  const fields: string[] = [];
  let i = 0;
  const n = message.length;
  while (i < n) {
    while (i < n && isSpace(message.charCodeAt(i))) i++;
    if (i >= n) break;
    const open = message[i];
    const close = open === '"' ? '"' : open === '[' ? ']' : undefined;
    if (close) {
      const end = message.indexOf(close, i + 1);
      const stop = end === -1 ? n : end;
      fields.push(message.slice(i + 1, stop));
      i = stop + 1;
      continue;
    }
    const start = i;
    while (i < n && !isSpace(message.charCodeAt(i))) i++;
    fields.push(message.slice(start, i));
  }
  return fields;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}
