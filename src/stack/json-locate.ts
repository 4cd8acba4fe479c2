import { formatPath, type JsonPath } from './paths.js';

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

export interface JsonLayout {
  /** Where each value starts (for object members: where its key starts), by formatted path. */
  positions: Map<string, TextPosition>;
  /** Keys that appear twice in one object: JSON.parse silently keeps the last one. */
  duplicates: { path: string; position: TextPosition }[];
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Parses JSON text for evlab's files: the value comes from JSON.parse (exact semantics); this scanner adds
 * what JSON.parse does not tell: the line and column of a syntax error (V8's messages often give neither),
 * the position of every key for error messages, and repeated keys.
 */
export function parseJsonWithLayout(text: string): { value: unknown; layout: JsonLayout } {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const layout = scanJson(source);
  return { value: JSON.parse(source) as unknown, layout };
}

export function scanJson(text: string): JsonLayout {
  const positions = new Map<string, TextPosition>();
  const duplicates: JsonLayout['duplicates'] = [];
  let i = 0;

  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) lineStarts.push(k + 1);
  const at = (offset: number): TextPosition => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  const fail = (message: string, hint?: string, offset = i): never => {
    throw new JsonSyntaxError(message, at(offset), hint);
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
    if (c === undefined) return fail(`unexpected end of file ${context}`, 'the file is cut short: close every { and [');
    if (c === "'") return fail(`unexpected ' ${context}`, 'JSON strings use double quotes: "like this"');
    return fail(`unexpected ${JSON.stringify(c)} ${context}`);
  };

  const string = (): string => {
    const start = i;
    i++;
    let out = '';
    for (;;) {
      const c = text[i];
      if (c === undefined || c === '\n') return fail('unterminated string', 'close the string with "', start);
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape in string', 'use \\u followed by 4 hex digits');
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          out += e;
          i += 2;
        } else return fail(`invalid escape \\${e ?? ''} in string`, 'valid escapes: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX');
      } else if (c < ' ') return fail('control character in string', 'escape it (\\n, \\t, ...)');
      else {
        out += c;
        i++;
      }
    }
  };

  const value = (path: JsonPath): void => {
    ws();
    const c = text[i];
    if (c === '{') return object(path);
    if (c === '[') return array(path);
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

  const object = (path: JsonPath): void => {
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    const seen = new Set<string>();
    for (;;) {
      ws();
      if (text[i] !== '"') {
        if (text[i] === '}') fail('trailing comma before }', 'remove the last comma');
        unexpected('where a property name in double quotes was expected');
      }
      const keyStart = i;
      const key = string();
      const childPath = [...path, key];
      const formatted = formatPath(childPath);
      if (seen.has(key)) duplicates.push({ path: formatted, position: at(keyStart) });
      seen.add(key);
      positions.set(formatted, at(keyStart));
      ws();
      if (text[i] !== ':') unexpected(`after the property name "${key}" (expected :)`);
      i++;
      value(childPath);
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

  const array = (path: JsonPath): void => {
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (let index = 0; ; index++) {
      ws();
      if (text[i] === ']') fail('trailing comma before ]', 'remove the last comma');
      positions.set(formatPath([...path, index]), at(i));
      value([...path, index]);
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
  if (i >= text.length) fail('the file is empty', 'a stack file is a JSON object: {}');
  value([]);
  ws();
  if (i < text.length) fail(`unexpected ${JSON.stringify(text[i])} after the end of the JSON value`);
  return { positions, duplicates };
}
