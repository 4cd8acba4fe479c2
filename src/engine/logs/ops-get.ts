import { findGroup, findStream, type Operation } from './context.js';
import { firstAfter, firstAtOrAfter, type LogEvent } from './state.js';
import { parseStreamToken, streamToken, type Position } from './tokens.js';
import { readBoolean, readGroupReference, readInteger, readStreamName, readString } from './validation.js';

const PAGE_BYTES = 1_048_576;
const EVENT_OVERHEAD_BYTES = 26;
const END_OF_TIME = Number.MAX_SAFE_INTEGER;

/**
 * GetLogEvents reads one stream by position. A forward token `f/P` means "the events after P", a backward
 * token `b/P` "the events before P"; a page that finds nothing gives back the token it was passed, which is
 * how clients know they reached the end. startTime is inclusive, endTime exclusive (API reference).
 */
export const getLogEvents: Operation = (input, ctx) => {
  const group = findGroup(ctx, readGroupReference(input));
  const stream = findStream(group, readStreamName(input)!);
  const startTime = readInteger(input, 'startTime', 0);
  const endTime = readInteger(input, 'endTime', 0);
  const limit = readInteger(input, 'limit', 1, 10_000) ?? 10_000;
  const startFromHead = readBoolean(input, 'startFromHead') ?? false;
  const token = readString(input, 'nextToken', { min: 1 });

  const events = stream.events;
  const lo = startTime === undefined ? 0 : firstAtOrAfter(events, startTime);
  const hi = endTime === undefined ? events.length : firstAtOrAfter(events, endTime);
  const parsed = token ? parseStreamToken(token) : undefined;
  const direction = parsed?.direction ?? (startFromHead ? 'f' : 'b');
  const position: Position =
    parsed?.position ?? (direction === 'f' ? { timestamp: startTime ?? 0, seq: 0 } : { timestamp: endTime ?? END_OF_TIME, seq: 0 });

  let page: LogEvent[];
  if (direction === 'f') {
    const from = Math.max(lo, firstAfter(events, position.timestamp, position.seq));
    page = takeForward(events, from, hi, limit);
  } else {
    const to = Math.min(hi, firstAfter(events, position.timestamp, position.seq - 1));
    page = takeBackward(events, lo, to, limit);
  }

  const first = page[0];
  const last = page[page.length - 1];
  let nextForwardToken: string;
  let nextBackwardToken: string;
  if (first && last) {
    nextForwardToken = streamToken('f', last);
    nextBackwardToken = streamToken('b', first);
  } else if (direction === 'f') {
    nextForwardToken = token ?? streamToken('f', position);
    nextBackwardToken = streamToken('b', { timestamp: position.timestamp, seq: position.seq + 1 });
  } else {
    nextBackwardToken = token ?? streamToken('b', position);
    nextForwardToken = streamToken('f', { timestamp: position.timestamp, seq: Math.max(0, position.seq - 1) });
  }
  return {
    events: page.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
    nextForwardToken,
    nextBackwardToken,
  };
};

function takeForward(events: LogEvent[], from: number, to: number, limit: number): LogEvent[] {
  const page: LogEvent[] = [];
  let bytes = 0;
  for (let i = from; i < to && page.length < limit; i++) {
    const size = Buffer.byteLength(events[i]!.message, 'utf8') + EVENT_OVERHEAD_BYTES;
    if (page.length > 0 && bytes + size > PAGE_BYTES) break;
    bytes += size;
    page.push(events[i]!);
  }
  return page;
}

/** The last `limit` events before `to`, in ascending order. */
function takeBackward(events: LogEvent[], from: number, to: number, limit: number): LogEvent[] {
  let bytes = 0;
  let i = to;
  while (i > from && to - i < limit) {
    const size = Buffer.byteLength(events[i - 1]!.message, 'utf8') + EVENT_OVERHEAD_BYTES;
    if (i < to && bytes + size > PAGE_BYTES) break;
    bytes += size;
    i--;
  }
  return events.slice(i, to);
}
