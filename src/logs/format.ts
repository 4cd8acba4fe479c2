import type { ChalkInstance } from 'chalk';
import type { TailedEvent } from './tail-core.js';

export type LineKind = 'error' | 'report' | 'meta' | 'plain';

// What Lambda runtimes print when something goes wrong: Python's logging and tracebacks, Node's
// `ERROR` lines and error objects, the platform's timeout and runtime errors.
const ERROR_PATTERN =
  /^\[ERROR\]|\tERROR\t|Traceback \(most recent call last\)|Task timed out after|\b[A-Z]\w*(?:Error|Exception)\b|"errorMessage"|"level"\s*:\s*"(?:ERROR|FATAL)"|\bRuntime\.\w+|\bUnhandled\b/;
const REPORT_PATTERN = /^REPORT RequestId:/;
const META_PATTERN = /^(?:START|END|INIT_START|EXTENSION|TELEMETRY|INIT_REPORT)\b/;

export function classifyMessage(message: string): LineKind {
  if (REPORT_PATTERN.test(message)) return 'report';
  if (META_PATTERN.test(message)) return 'meta';
  if (ERROR_PATTERN.test(message)) return 'error';
  return 'plain';
}

/**
 * A message with its JSON pretty-printed: a whole-message JSON object or array, or a JSON object after the
 * last tab (the `[INFO]\ttime\trequestId\t{...}` form of Python's Lambda logging).
 */
export function prettyMessage(message: string): string {
  const text = message.replace(/\s+$/, '');
  const whole = parseJson(text);
  if (whole !== undefined) return JSON.stringify(whole, null, 2);
  const tab = text.lastIndexOf('\t');
  if (tab >= 0) {
    const tail = parseJson(text.slice(tab + 1));
    if (tail !== undefined) return `${text.slice(0, tab + 1)}${JSON.stringify(tail, null, 2)}`;
  }
  return text;
}

/** The message as one compact line (for --json, where structure is kept in fields). */
export function compactMessage(message: string): string {
  return message.replace(/\s+$/, '');
}

function parseJson(text: string): object | undefined {
  const t = text.trim();
  if (!(t.startsWith('{') && t.endsWith('}')) && !(t.startsWith('[') && t.endsWith(']'))) return undefined;
  try {
    const value = JSON.parse(t) as unknown;
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

const PALETTE = ['cyan', 'magenta', 'green', 'blue', 'yellow', 'cyanBright', 'magentaBright', 'greenBright', 'blueBright'] as const;

export interface LineFormat {
  c: ChalkInstance;
  /** Width of the name column (the longest function name). */
  nameWidth: number;
  /** Colour of each source, by name (see colourFor). */
  colourIndex: (name: string) => number;
  /** Time rendering; default local HH:MM:SS.mmm. */
  time?: (timestamp: number) => string;
}

export function clockTime(timestamp: number): string {
  const d = new Date(timestamp);
  return `${hoursMinutesSeconds(d)}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** An unambiguous local time for headers: `2024-05-01 16:51:26` (24-hour, with the date). */
export function localDateTime(timestamp: number): string {
  const d = new Date(timestamp);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${hoursMinutesSeconds(d)}`;
}

/** Local `HH:MM:SS`. */
function hoursMinutesSeconds(d: Date): string {
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `12:00:01.123 counter  message`; continuation lines (pretty JSON, tracebacks) are indented under the message. */
export function formatLogEvent(event: TailedEvent, format: LineFormat): string {
  const { c } = format;
  const time = (format.time ?? clockTime)(event.timestamp);
  const colour = c[PALETTE[format.colourIndex(event.source.name) % PALETTE.length]!];
  const prefix = `${c.dim(time)} ${colour(event.source.name.padEnd(format.nameWidth))} `;
  const indent = ' '.repeat(time.length + 1 + format.nameWidth + 1);
  const kind = classifyMessage(event.message);
  const paint = kind === 'error' ? c.red : kind === 'report' || kind === 'meta' ? c.dim : (s: string) => s;
  const lines = prettyMessage(event.message).split(/\r?\n|\r/);
  return lines.map((line, i) => (i === 0 ? prefix : indent) + paint(line)).join('\n');
}

/** The NDJSON record of `evlab tail --json`. */
export function logEventRecord(event: TailedEvent) {
  return {
    function: event.source.name,
    logGroup: event.source.logGroupName,
    logStream: event.logStreamName ?? null,
    eventId: event.eventId,
    timestamp: event.timestamp,
    time: new Date(event.timestamp).toISOString(),
    kind: classifyMessage(event.message),
    message: compactMessage(event.message),
  };
}
