/**
 * In-memory CloudWatch Logs data: regions → log groups → log streams → events. Each stream keeps its
 * events in one array sorted by (timestamp, ingestion sequence), so time-range reads are binary searches
 * and readers across streams can merge by the same key.
 */
import { expireByRetention, overCap, trimToCap, type LogDrops } from './retention.js';

export interface LogEvent {
  /** Name of the stream holding the event (FilterLogEvents reports it; the string is shared, not copied). */
  stream: string;
  timestamp: number;
  message: string;
  ingestionTime: number;
  /** Engine-wide ingestion order: breaks timestamp ties and makes every event's position unique. */
  seq: number;
}

export interface LogStream {
  name: string;
  creationTime: number;
  events: LogEvent[];
  lastIngestionTime?: number;
  /** Counts uploads (PutLogEvents calls and internal appends); sequence tokens are derived from it. */
  uploads: number;
}

export interface LogGroup {
  name: string;
  creationTime: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  logGroupClass: string;
  tags: Record<string, string>;
  streams: Map<string, LogStream>;
  /** Every event of every stream in ingestion (seq) order: finds what arrived since a given moment. */
  ingested: LogEvent[];
  storedBytes: number;
}

/** The default of `evlab up --max-log-events`: events kept per log group before the oldest are dropped. */
export const DEFAULT_MAX_LOG_EVENTS = 10_000;

export class LogsState {
  private readonly regions = new Map<string, Map<string, LogGroup>>();
  /** Last ingestion sequence number handed out. */
  seq = 0;
  /** What the caps and retention policies dropped since the engine started. */
  readonly drops: LogDrops = { overCap: 0, expired: 0 };

  constructor(readonly maxEventsPerGroup = DEFAULT_MAX_LOG_EVENTS) {}

  groups(region: string): Map<string, LogGroup> {
    let groups = this.regions.get(region);
    if (!groups) {
      groups = new Map();
      this.regions.set(region, groups);
    }
    return groups;
  }

  allRegions(): IterableIterator<[string, Map<string, LogGroup>]> {
    return this.regions.entries();
  }

  /**
   * Appends events (already validated) to a stream of the group, creating nothing. Events arriving in timestamp order —
   * the usual case, and always so for one PutLogEvents batch — are pushed; older ones are merged in.
   */
  append(group: LogGroup, stream: LogStream, batch: readonly { timestamp: number; message: string }[], now: number): void {
    if (batch.length === 0) return;
    const stored: LogEvent[] = new Array(batch.length);
    let bytes = 0;
    let ordered = true;
    for (let i = 0; i < batch.length; i++) {
      const { timestamp, message } = batch[i]!;
      stored[i] = { stream: stream.name, timestamp, message, ingestionTime: now, seq: ++this.seq };
      group.ingested.push(stored[i]!);
      bytes += Buffer.byteLength(message, 'utf8');
      if (i > 0 && timestamp < batch[i - 1]!.timestamp) ordered = false;
    }
    if (!ordered) stored.sort(compareEvents);
    const events = stream.events;
    const last = events[events.length - 1];
    if (!last || last.timestamp <= stored[0]!.timestamp) {
      for (const e of stored) events.push(e);
    } else {
      stream.events = mergeSorted(events, stored);
    }
    stream.lastIngestionTime = now;
    stream.uploads++;
    group.storedBytes += bytes;
    if (overCap(group, this.maxEventsPerGroup)) this.drops.overCap += trimToCap(group, this.maxEventsPerGroup);
  }

  /** Applies every group's retention policy (a timer calls this; so does PutRetentionPolicy). */
  expire(now: number): void {
    for (const groups of this.regions.values()) {
      for (const group of groups.values()) this.drops.expired += expireByRetention(group, now);
    }
  }

  /** Events held, over all groups (health). */
  eventCount(): number {
    let n = 0;
    for (const groups of this.regions.values()) for (const group of groups.values()) n += group.ingested.length;
    return n;
  }
}

export function newGroup(name: string, now: number, options: Partial<Pick<LogGroup, 'kmsKeyId' | 'logGroupClass' | 'tags'>> = {}): LogGroup {
  return {
    name,
    creationTime: now,
    kmsKeyId: options.kmsKeyId,
    logGroupClass: options.logGroupClass ?? 'STANDARD',
    tags: { ...options.tags },
    streams: new Map(),
    ingested: [],
    storedBytes: 0,
  };
}

export function newStream(name: string, now: number): LogStream {
  return { name, creationTime: now, events: [], uploads: 0 };
}

export function compareEvents(a: LogEvent, b: LogEvent): number {
  return a.timestamp - b.timestamp || a.seq - b.seq;
}

/** Index of the first event whose (timestamp, seq) is greater than the position. */
export function firstAfter(events: readonly LogEvent[], timestamp: number, seq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = events[mid]!;
    if (e.timestamp < timestamp || (e.timestamp === timestamp && e.seq <= seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first event (in a seq-ordered array) ingested after `seq`. */
export function firstIngestedAfter(events: readonly LogEvent[], seq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first event at or after `timestamp`. */
export function firstAtOrAfter(events: readonly LogEvent[], timestamp: number): number {
  return firstAfter(events, timestamp, 0);
}

function mergeSorted(a: LogEvent[], b: LogEvent[]): LogEvent[] {
  const out: LogEvent[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compareEvents(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** Deletes a stream with its events. */
export function removeStream(group: LogGroup, name: string): void {
  const stream = group.streams.get(name);
  if (!stream) return;
  group.streams.delete(name);
  let bytes = 0;
  for (const e of stream.events) bytes += Buffer.byteLength(e.message, 'utf8');
  group.storedBytes = Math.max(0, group.storedBytes - bytes);
  if (stream.events.length > 0) group.ingested = group.ingested.filter((e) => e.stream !== name);
}
