/**
 * JSON text helpers for event files. Values always come from JSON.parse (exact semantics); this scanner
 * adds what JSON.parse does not say reliably across Node versions: the line and column of a syntax error,
 * and the line where each entry of the file starts (so problems can say `events.json:entry 3 (line 14)`).
 */

export interface TextPosition {
  line: number;
  column: number;
}

export class JsonTextError extends Error {
  readonly position: TextPosition;
  readonly hint?: string;
  constructor(message: string, position: TextPosition, hint?: string) {
    super(message);
    this.name = 'JsonTextError';
    this.position = position;
    this.hint = hint;
  }
}

export interface ScannedJson {
  value: unknown;
  /** Start offsets of the elements of the top-level array, or of the top-level object's `Entries` array. */
  entryOffsets: number[];
  /** Offset → 1-based line and column. */
  positionOf(offset: number): TextPosition;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

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

/** Parses one JSON document; throws JsonTextError with the position of the first syntax error. */
export function scanJson(input: string): ScannedJson {
  const text = input.charCodeAt(0) === 0xfeff ? ' ' + input.slice(1) : input;
  const positionOf = lineIndex(text);
  const entryOffsets: number[] = [];
  let i = 0;

  const fail = (message: string, hint?: string, offset = i): never => {
    throw new JsonTextError(message, positionOf(offset), hint);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) fail('comments are not allowed in JSON', 'remove the comment');
      else break;
    }
  };
  const unexpected = (context: string): never => {
    const c = text[i];
    if (c === undefined) return fail(`unexpected end of file ${context}`, 'the text is cut short: close every { and [');
    if (c === "'") return fail(`unexpected ' ${context}`, 'JSON strings use double quotes: "like this"');
    return fail(`unexpected ${JSON.stringify(c)} ${context}`);
  };
  // Returns the string's value only when asked (object keys): event files carry big Detail strings.
  const string = (wantValue = false): string => {
    const start = i;
    i++;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c) || c === 10) return fail('unterminated string', 'close the string with "', start);
      if (c === 34) {
        i++;
        return wantValue ? (JSON.parse(text.slice(start, i)) as string) : '';
      }
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape in string', 'use \\u followed by 4 hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return fail(`invalid escape \\${e ?? ''} in string`, 'valid escapes: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX');
      } else if (c < 32) return fail('control character in string', 'escape it (\\n, \\t, ...)');
      else i++;
    }
  };
  // depth 0 = the document; entries are the elements of a top-level array or of top-level "Entries".
  const value = (depth: number, collect: boolean): void => {
    ws();
    const c = text[i];
    if (c === '{') return object(depth);
    if (c === '[') return array(depth, collect);
    if (c === '"') {
      string();
      return;
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) return fail('invalid number');
      i += m[0].length;
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    unexpected('where a value was expected');
  };
  const object = (depth: number): void => {
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') {
        if (text[i] === '}') fail('trailing comma before }', 'remove the last comma');
        unexpected('where a property name in double quotes was expected');
      }
      const key = string(true);
      ws();
      if (text[i] !== ':') unexpected(`after the property name "${key}" (expected :)`);
      i++;
      value(depth + 1, depth === 0 && key === 'Entries');
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      if (text[i] === '"') fail(`missing comma after the value of "${key}"`, 'separate properties with ,');
      unexpected(`after the value of "${key}" (expected , or })`);
    }
  };
  const array = (depth: number, collect: boolean): void => {
    const mine = collect || depth === 0;
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === ']') fail('trailing comma before ]', 'remove the last comma');
      if (mine) entryOffsets.push(i);
      value(depth + 1, false);
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      unexpected('in an array (expected , or ])');
    }
  };

  ws();
  if (i >= text.length) fail('the text is empty', 'write a JSON value');
  value(0, false);
  ws();
  if (i < text.length) fail(`unexpected ${JSON.stringify(text[i])} after the end of the JSON value`, 'one JSON value per file, or one per line in NDJSON (.ndjson)');
  return { value: JSON.parse(text) as unknown, entryOffsets, positionOf };
}

/** The position of a syntax error in a JSON string (for Detail strings and --payload), or undefined when it parses. */
export function jsonSyntaxError(text: string): JsonTextError | undefined {
  try {
    scanJson(text);
    return undefined;
  } catch (err) {
    if (err instanceof JsonTextError) return err;
    throw err;
  }
}
