import { ParseErrorCode, stripComments, visit } from 'jsonc-parser';

/**
 * evlab's one JSON reader with positions (stack file, event files, payloads, Detail strings). jsonc-parser
 * does the scanning; this module turns its first error into a message that says what was expected where
 * (`missing comma after the value of "Source"`), and reports where each key and array element starts so
 * that later problems can name a line. Values come from JSON.parse, for its exact semantics.
 */

export interface TextPosition {
  line: number;
  column: number;
}

export class JsonSyntaxError extends Error {
  readonly position: TextPosition;
  readonly hint?: string;
  constructor(message: string, position: TextPosition, hint?: string) {
    super(message);
    this.name = 'JsonSyntaxError';
    this.position = position;
    this.hint = hint;
  }
}

export type JsonPathSegment = string | number;

export interface ScanJsonOptions {
  /** `//` and `/* *\/` comments (the stack file allows them; event files and payloads are plain JSON). */
  comments?: boolean;
  /** How messages name the input: "the file is cut short" or "the text is cut short". */
  subject?: 'file' | 'text';
  /** The hint for an empty input. */
  emptyHint?: string;
  /** The hint for text after the end of the document. */
  afterEndHint?: string;
  /** Called for every object member with the path of its value and where its key starts. */
  onProperty?(path: readonly JsonPathSegment[], keyOffset: number, duplicate: boolean): void;
  /** Called for every array element with its path and where it starts. */
  onElement?(path: readonly JsonPathSegment[], offset: number): void;
}

export interface ScannedJson {
  value: unknown;
  /** Offset → 1-based line and column. */
  positionOf(offset: number): TextPosition;
}

export function lineIndex(text: string): (offset: number) => TextPosition {
  const starts = [0];
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) starts.push(k + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  };
}

// What the parser expects next inside one open object or array (or at the top level).
type Expect = 'key' | 'colon' | 'value' | 'comma-or-end' | 'end';
interface Frame {
  kind: 'object' | 'array' | 'top';
  path: JsonPathSegment[];
  expect: Expect;
  afterComma: boolean;
  key?: string;
  index: number;
  seen?: Set<string>;
}

/** Parses one JSON document; throws JsonSyntaxError at the first syntax error. A byte-order mark is ignored. */
export function scanJson(input: string, options: ScanJsonOptions = {}): ScannedJson {
  // A space keeps every offset where it was.
  const text = input.charCodeAt(0) === 0xfeff ? ' ' + input.slice(1) : input;
  const positionOf = lineIndex(text);
  const subject = options.subject ?? 'text';
  if (text.trim() === '') throw new JsonSyntaxError(`the ${subject} is empty`, positionOf(text.length), options.emptyHint ?? 'write a JSON value');

  const stack: Frame[] = [{ kind: 'top', path: [], expect: 'value', afterComma: false, index: 0 }];
  const top = () => stack[stack.length - 1]!;
  // A value starts: an array records its element; then the frame waits for what follows the value.
  const valueStarts = (offset: number) => {
    const frame = top();
    if (frame.kind === 'array') options.onElement?.([...frame.path, frame.index], offset);
  };
  const valueEnds = () => {
    const frame = top();
    frame.expect = frame.kind === 'top' ? 'end' : 'comma-or-end';
    frame.afterComma = false;
  };
  const childPath = (frame: Frame): JsonPathSegment[] => (frame.kind === 'object' ? [...frame.path, frame.key!] : frame.kind === 'array' ? [...frame.path, frame.index] : []);
  const open = (kind: 'object' | 'array', offset: number) => {
    valueStarts(offset);
    const parent = top();
    stack.push({ kind, path: childPath(parent), expect: kind === 'object' ? 'key' : 'value', afterComma: false, index: 0, ...(kind === 'object' ? { seen: new Set<string>() } : {}) });
  };
  // jsonc-parser ends an object or array before it reports a missing } or ], so that error is about this one.
  let closed: Frame | undefined;
  const close = () => {
    closed = stack.pop();
    valueEnds();
  };

  let failure: JsonSyntaxError | undefined;
  visit(
    text,
    {
      onObjectBegin: (offset) => open('object', offset),
      onArrayBegin: (offset) => open('array', offset),
      onObjectEnd: close,
      onArrayEnd: close,
      onObjectProperty: (key, offset) => {
        const frame = top();
        const duplicate = frame.seen!.has(key);
        frame.seen!.add(key);
        frame.key = key;
        frame.expect = 'colon';
        options.onProperty?.([...frame.path, key], offset, duplicate);
      },
      onLiteralValue: (_value, offset) => {
        valueStarts(offset);
        valueEnds();
      },
      onSeparator: (character) => {
        const frame = top();
        if (character === ':') frame.expect = 'value';
        else {
          frame.expect = frame.kind === 'object' ? 'key' : 'value';
          frame.afterComma = true;
          if (frame.kind === 'array') frame.index++;
        }
      },
      onError: (code, offset, length) => {
        if (failure) return;
        const missingEnd = code === ParseErrorCode.CloseBraceExpected || code === ParseErrorCode.CloseBracketExpected;
        const { message, hint, at } = describeError(text, code, offset, length, (missingEnd && closed) || top(), options);
        failure = new JsonSyntaxError(message, positionOf(at), hint);
      },
    },
    { disallowComments: !options.comments, allowTrailingComma: false, allowEmptyContent: false },
  );
  if (failure) throw failure;

  const plain = options.comments ? stripComments(text, ' ') : text;
  try {
    return { value: JSON.parse(plain) as unknown, positionOf };
  } catch (err) {
    // jsonc-parser accepted what JSON.parse refuses: report it without a better position than the start.
    throw new JsonSyntaxError((err as Error).message, { line: 1, column: 1 });
  }
}

function describeError(text: string, code: ParseErrorCode, offset: number, length: number, frame: Frame, options: ScanJsonOptions): { message: string; hint?: string; at: number } {
  const token = text.slice(offset, offset + length);
  switch (code) {
    case ParseErrorCode.InvalidCommentToken:
      return { message: 'comments are not allowed in JSON', hint: 'remove the comment', at: offset };
    case ParseErrorCode.UnexpectedEndOfComment:
      return { message: 'unterminated comment', hint: 'close the comment with */', at: offset };
    case ParseErrorCode.UnexpectedEndOfString:
      return { message: 'unterminated string', hint: 'close the string with "', at: offset };
    case ParseErrorCode.InvalidCharacter:
      return { message: 'control character in string', hint: 'escape it (\\n, \\t, ...)', at: offset + firstMatch(token, /[\u0000-\u001f]/) };
    case ParseErrorCode.InvalidUnicode:
      return { message: 'invalid \\u escape in string', hint: 'use \\u followed by 4 hex digits', at: offset + firstMatch(token, /\\u(?![0-9a-fA-F]{4})/) };
    case ParseErrorCode.InvalidEscapeCharacter: {
      const at = firstMatch(token, /\\[^"\\/bfnrtu]/);
      return { message: `invalid escape \\${token[at + 1] ?? ''} in string`, hint: 'valid escapes: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX', at: offset + at };
    }
    case ParseErrorCode.InvalidNumberFormat:
    case ParseErrorCode.UnexpectedEndOfNumber:
      return { message: 'invalid number', at: offset };
    default:
      return { ...unexpected(text, offset, frame, options), at: offset };
  }
}

// Index of the first match of re in s (0 when none: the token's start).
function firstMatch(s: string, re: RegExp): number {
  const m = re.exec(s);
  return m ? m.index : 0;
}

/** "unexpected X where Y was expected", from what the open object or array was waiting for. */
function unexpected(text: string, offset: number, frame: Frame, options: ScanJsonOptions): { message: string; hint?: string } {
  const c = text[offset];
  if (c === '}' && frame.expect === 'key' && frame.afterComma) return { message: 'trailing comma before }', hint: 'remove the last comma' };
  if (c === ']' && frame.kind === 'array' && frame.expect === 'value' && frame.afterComma) return { message: 'trailing comma before ]', hint: 'remove the last comma' };
  if (c === '"' && frame.kind === 'object' && frame.expect === 'comma-or-end') return { message: `missing comma after the value of "${frame.key}"`, hint: 'separate properties with ,' };
  const context = contextOf(frame);
  if (c === undefined) return { message: `unexpected end of file ${context}`, hint: `the ${options.subject ?? 'text'} is cut short: close every { and [` };
  if (c === "'") return { message: `unexpected ' ${context}`, hint: 'JSON strings use double quotes: "like this"' };
  const hint = frame.expect === 'end' ? options.afterEndHint : undefined;
  return { message: `unexpected ${JSON.stringify(c)} ${context}`, ...(hint ? { hint } : {}) };
}

function contextOf(frame: Frame): string {
  switch (frame.expect) {
    case 'key':
      return 'where a property name in double quotes was expected';
    case 'colon':
      return `after the property name "${frame.key}" (expected :)`;
    case 'value':
      return 'where a value was expected';
    case 'end':
      return 'after the end of the JSON value';
    case 'comma-or-end':
      return frame.kind === 'object' ? `after the value of "${frame.key}" (expected , or })` : 'in an array (expected , or ])';
  }
}
