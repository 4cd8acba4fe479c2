/**
 * Keeps CloudWatch Logs bounded: a group holds at most `maxEvents` events (the oldest ingested go first)
 * and, with a retention policy, no event older than `retentionInDays`. What is dropped is counted, so that
 * `/_evlab/health` shows it instead of the engine forgetting silently.
 */
import { firstAtOrAfter, type LogEvent, type LogGroup } from './state.js';

const DAY_MS = 86_400_000;

export interface LogDrops {
  /** Events dropped because their group was over the engine's cap (`evlab up --max-log-events`). */
  overCap: number;
  /** Events dropped because they were older than their group's retentionInDays. */
  expired: number;
}

/**
 * Trimming costs a pass over the group, so a group may run over its cap by an eighth before it is cut back to
 * exactly the cap: the cost per appended event stays constant.
 */
export function overCap(group: LogGroup, maxEvents: number): boolean {
  return group.ingested.length > maxEvents + Math.max(1, Math.floor(maxEvents / 8));
}

/** Drops the oldest-ingested events until the group holds `maxEvents`; returns how many went. */
export function trimToCap(group: LogGroup, maxEvents: number): number {
  const excess = group.ingested.length - maxEvents;
  if (excess <= 0) return 0;
  const removed = group.ingested.splice(0, excess);
  // `ingested` is in seq order, so everything at or below the last removed seq is gone.
  const lastSeq = removed[removed.length - 1]!.seq;
  const streams = new Set<string>();
  let bytes = 0;
  for (const e of removed) {
    streams.add(e.stream);
    bytes += Buffer.byteLength(e.message, 'utf8');
  }
  for (const name of streams) {
    const stream = group.streams.get(name);
    if (stream) stream.events = stream.events.filter((e) => e.seq > lastSeq);
  }
  group.storedBytes = Math.max(0, group.storedBytes - bytes);
  return removed.length;
}

/** Drops events whose timestamp is older than the group's retention; returns how many went. */
export function expireByRetention(group: LogGroup, now: number): number {
  if (group.retentionInDays === undefined) return 0;
  const cutoff = now - group.retentionInDays * DAY_MS;
  let count = 0;
  let bytes = 0;
  for (const stream of group.streams.values()) {
    // Stream events are sorted by timestamp: the expired ones are a prefix.
    const end = firstAtOrAfter(stream.events, cutoff);
    if (end === 0) continue;
    const gone: LogEvent[] = stream.events.splice(0, end);
    count += gone.length;
    for (const e of gone) bytes += Buffer.byteLength(e.message, 'utf8');
  }
  if (count > 0) {
    group.ingested = group.ingested.filter((e) => e.timestamp >= cutoff);
    group.storedBytes = Math.max(0, group.storedBytes - bytes);
  }
  return count;
}
