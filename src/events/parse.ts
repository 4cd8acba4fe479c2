import type { Problem } from '../errors.js';
import { JsonSyntaxError, scanJson } from './json-text.js';
import type { EventFileFormat, RawEventItem } from './types.js';

export interface ParsedEventFile {
  file: string;
  format: EventFileFormat;
  items: RawEventItem[];
  /** Syntax and shape problems; when any is present, items may be incomplete. */
  problems: Problem[];
}

const NDJSON_EXTENSIONS = /\.(ndjson|jsonl)$/i;

/**
 * Reads an event file in any of the accepted shapes:
 * - a PutEvents entries array `[{"Source", "DetailType", "Detail"}, ...]` (or event envelopes),
 * - a PutEvents request `{"Entries": [...]}` (what `aws events put-events --cli-input-json` takes),
 * - one event (an entry or a full envelope `{"source", "detail-type", "detail"}`),
 * - NDJSON: one entry or envelope per line (by extension .ndjson/.jsonl, or when every line is a JSON object).
 */
export function parseEventFile(text: string, file: string): ParsedEventFile {
  if (NDJSON_EXTENSIONS.test(file)) return parseNdjson(text, file);
  let scanned: ReturnType<typeof scanJson>;
  try {
    scanned = scanJson(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    if (looksLikeNdjson(text)) return parseNdjson(text, file);
    return { file, format: 'entries', items: [], problems: [syntaxProblem(file, err)] };
  }
  const { value, entryOffsets, positionOf } = scanned;
  const lineOf = (index: number) => {
    const offset = entryOffsets[index];
    return offset === undefined ? undefined : positionOf(offset).line;
  };
  if (Array.isArray(value)) {
    if (value.length === 0) return { file, format: 'entries', items: [], problems: [noEvents(file, 'the array is empty')] };
    return { file, format: 'entries', items: value.map((v, i) => ({ index: i + 1, line: lineOf(i), value: v })), problems: [] };
  }
  if (isObject(value) && 'Entries' in value) {
    const problems: Problem[] = [];
    for (const key of Object.keys(value)) {
      // EndpointId belongs to global endpoints, which local endpoints do not have; anything else is a typo.
      if (key !== 'Entries') problems.push({ path: file, message: `unexpected property "${key}" next to "Entries"`, hint: 'a PutEvents request file holds only "Entries": [...]' });
    }
    const entries = value.Entries;
    if (!Array.isArray(entries)) {
      problems.push({ path: `${file}:Entries`, message: `"Entries" must be an array of entries, not ${describe(entries)}`, hint: '{"Entries": [{"Source": "...", "DetailType": "...", "Detail": "{}"}]}' });
      return { file, format: 'put-events-request', items: [], problems };
    }
    if (entries.length === 0) problems.push(noEvents(file, '"Entries" is empty'));
    return { file, format: 'put-events-request', items: entries.map((v, i) => ({ index: i + 1, line: lineOf(i), value: v })), problems };
  }
  if (isObject(value)) return { file, format: 'event', items: [{ index: 1, line: 1, value }], problems: [] };
  return {
    file,
    format: 'entries',
    items: [],
    problems: [{ path: file, message: `expected events, found ${describe(value)}`, hint: 'write an array of entries, {"Entries": [...]}, one event object, or NDJSON (one event per line)' }],
  };
}

function parseNdjson(text: string, file: string): ParsedEventFile {
  const items: RawEventItem[] = [];
  const problems: Problem[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    try {
      const { value } = scanJson(line);
      items.push({ index: items.length + 1, line: n + 1, value });
    } catch (err) {
      if (!(err instanceof JsonSyntaxError)) throw err;
      // Keep counting entries so later problems still name the right entry number.
      items.push({ index: items.length + 1, line: n + 1, value: SYNTAX_ERROR });
      problems.push(syntaxProblem(file, err, n));
    }
  }
  if (items.length === 0) problems.push(noEvents(file, 'the file has no lines with events'));
  return { file, format: 'ndjson', items: items.filter((item) => item.value !== SYNTAX_ERROR), problems };
}

const SYNTAX_ERROR = Symbol('syntax error');

// A file that is not one JSON document but whose first two non-empty lines are each a JSON object is NDJSON
// whatever its extension; anything else gets the whole-document syntax error, which is what people expect.
function looksLikeNdjson(text: string): boolean {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2) return false;
  return lines.slice(0, 2).every((l) => {
    try {
      return isObject(scanJson(l).value);
    } catch {
      return false;
    }
  });
}

function syntaxProblem(file: string, err: JsonSyntaxError, lineOffset = 0): Problem {
  const { line, column } = err.position;
  return { path: `${file}:${line + lineOffset}:${column}`, message: `JSON syntax error: ${err.message}`, hint: err.hint };
}

function noEvents(file: string, why: string): Problem {
  return { path: file, message: `no events: ${why}`, hint: 'add at least one event: {"Source": "cli", "DetailType": "test", "Detail": {}}' };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? value.slice(0, 37) + '...' : value)})`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value} (${String(value)})`;
}
