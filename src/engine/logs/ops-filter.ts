import { compileFilterPattern, FilterPatternError, type MessageMatcher } from './filter-pattern.js';
import { advanceCursor, decodeCursor, encodeCursor, lowestWatermark, pendingBelowTop, startCursor, type FilterCursor } from './filter-cursor.js';
import { findGroup, type Operation } from './context.js';
import { invalidParameter } from './errors.js';
import { EventMerger } from './merge.js';
import { compareEvents, firstAfter, firstIngestedAfter, type LogEvent, type LogGroup, type LogStream } from './state.js';
import { eventId, type Position } from './tokens.js';
import { readGroupReference, readInteger, readString, readStreamName, readStringList } from './validation.js';

// A page holds up to 10,000 events or 1 MB (API reference); each event counts its message plus 26 bytes,
// as PutLogEvents counts them.
const PAGE_BYTES = 1_048_576;
const EVENT_OVERHEAD_BYTES = 26;
/** Events examined per call at most, so that a rare match in a huge group cannot stall the engine. */
const SCAN_BUDGET = 250_000;

export const filterLogEvents: Operation = (input, ctx) => {
  const group = findGroup(ctx, readGroupReference(input));
  const names = readStringList(input, 'logStreamNames', 1, 100);
  const prefix = readStreamName(input, 'logStreamNamePrefix', false);
  if (names && prefix !== undefined) throw invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  const startTime = readInteger(input, 'startTime', 0);
  const endTime = readInteger(input, 'endTime', 0);
  const limit = readInteger(input, 'limit', 1, 10_000) ?? 10_000;
  const matches = compile(readString(input, 'filterPattern', { max: 1024 }));
  const token = readString(input, 'nextToken', { min: 1 });
  const cursor = token ? decodeCursor(token) : startCursor(startTime);

  const streams = selectStreams(group, names, prefix);
  const page = new Page(limit, matches, startTime, endTime);
  const ingestedUpTo = ctx.state.seq;

  // Late arrivals first: they sort before everything after the cursor's top.
  const late = lateArrivals(group, cursor, streams);
  let lateIndex = 0;
  while (lateIndex < late.length && page.offer(late[lateIndex]!)) lateIndex++;

  const merger = new EventMerger();
  if (lateIndex === late.length) {
    const from = maxPosition(cursor.top, { timestamp: startTime ?? 0, seq: 0 });
    for (const s of streams) merger.add(s.events, firstAfter(s.events, from.timestamp, from.seq));
    for (let e = merger.peek(); e && (endTime === undefined || e.timestamp <= endTime); e = merger.peek()) {
      if (!page.offer(e)) break;
      merger.next();
    }
  }

  const head = merger.peek();
  const more = lateIndex < late.length || (head !== undefined && (endTime === undefined || head.timestamp <= endTime));
  const result: Record<string, unknown> = { events: page.events, searchedLogStreams: [] };
  if (more) result.nextToken = encodeCursor(advanceCursor(cursor, page.last ?? cursor.top, ingestedUpTo));
  return result;
};

/** Collects matching events until the page is full; `last` is the last event examined. */
class Page {
  readonly events: Record<string, unknown>[] = [];
  last: Position | undefined;
  private bytes = 0;
  private examined = 0;

  constructor(
    private readonly limit: number,
    private readonly matches: MessageMatcher,
    private readonly startTime: number | undefined,
    private readonly endTime: number | undefined,
  ) {}

  /** Examines the event, or returns false (leaving it for the next page) when the page is full. */
  offer(e: LogEvent): boolean {
    if (this.events.length >= this.limit || this.examined >= SCAN_BUDGET) return false;
    const inRange = (this.startTime === undefined || e.timestamp >= this.startTime) && (this.endTime === undefined || e.timestamp <= this.endTime);
    if (inRange && this.matches(e.message)) {
      const size = Buffer.byteLength(e.message, 'utf8') + EVENT_OVERHEAD_BYTES;
      if (this.events.length > 0 && this.bytes + size > PAGE_BYTES) return false;
      this.bytes += size;
      this.events.push({ logStreamName: e.stream, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: eventId(e) });
    }
    this.examined++;
    this.last = { timestamp: e.timestamp, seq: e.seq };
    return true;
  }
}

/** Events below the cursor's top that arrived after an earlier page was read, in (timestamp, seq) order. */
function lateArrivals(group: LogGroup, cursor: FilterCursor, streams: LogStream[]): LogEvent[] {
  const watermark = lowestWatermark(cursor);
  if (watermark === undefined) return [];
  const start = firstIngestedAfter(group.ingested, watermark);
  if (start === group.ingested.length) return [];
  const selected = streams.length === group.streams.size ? undefined : new Set(streams.map((s) => s.name));
  const { top } = cursor;
  const late: LogEvent[] = [];
  for (let i = start; i < group.ingested.length; i++) {
    const e = group.ingested[i]!;
    const belowTop = e.timestamp < top.timestamp || (e.timestamp === top.timestamp && e.seq <= top.seq);
    if (belowTop && (!selected || selected.has(e.stream)) && pendingBelowTop(cursor, e)) late.push(e);
  }
  return late.sort(compareEvents);
}

function selectStreams(group: LogGroup, names: string[] | undefined, prefix: string | undefined): LogStream[] {
  if (names) return [...new Set(names)].flatMap((n) => group.streams.get(n) ?? []);
  const all = [...group.streams.values()];
  return prefix === undefined ? all : all.filter((s) => s.name.startsWith(prefix));
}

function compile(pattern: string | undefined): MessageMatcher {
  try {
    return compileFilterPattern(pattern);
  } catch (err) {
    if (err instanceof FilterPatternError) throw invalidParameter(err.message);
    throw err;
  }
}

function maxPosition(a: Position, b: Position): Position {
  return a.timestamp > b.timestamp || (a.timestamp === b.timestamp && a.seq >= b.seq) ? a : b;
}
