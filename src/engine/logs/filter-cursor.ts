import { invalidToken } from './errors.js';
import type { LogEvent } from './state.js';
import type { Position } from './tokens.js';

/**
 * Where a FilterLogEvents pagination stands, so that no page repeats an event and none is skipped even
 * when events arrive between pages — including late ones, whose timestamp sorts before what was already
 * returned (a slow producer, a PutLogEvents with older timestamps).
 *
 * Still to return: every event after `top`, plus, below it, the events that arrived after each page was
 * read. `steps` describes that lower part: step i covers positions in (steps[i+1].below, steps[i].below]
 * (the last step reaches down to the beginning) and holds the events with seq > steps[i].after.
 */
export interface FilterCursor {
  top: Position;
  steps: { below: Position; after: number }[];
}

// Each page cut short among late arrivals adds a step. Past this many, the two lowest merge into one that
// keeps the older watermark: a late event may then come twice, but none is ever lost.
const MAX_STEPS = 32;

export function startCursor(startTime: number | undefined): FilterCursor {
  return { top: { timestamp: startTime ?? 0, seq: 0 }, steps: [] };
}

/** The smallest watermark: only events ingested after it can belong to the lower part. */
export function lowestWatermark(cursor: FilterCursor): number | undefined {
  let min: number | undefined;
  for (const s of cursor.steps) if (min === undefined || s.after < min) min = s.after;
  return min;
}

/** Whether an event below `top` is still to be returned. */
export function pendingBelowTop(cursor: FilterCursor, e: LogEvent): boolean {
  for (let i = cursor.steps.length - 1; i >= 0; i--) {
    const step = cursor.steps[i]!;
    if (!atOrBefore(e, step.below)) continue;
    const lower = cursor.steps[i + 1];
    if (lower && atOrBefore(e, lower.below)) continue;
    return e.seq > step.after;
  }
  return false;
}

/**
 * The cursor after a page that examined everything still pending up to `last`, read when the engine had
 * handed out sequence numbers up to `ingestedUpTo`.
 */
export function advanceCursor(cursor: FilterCursor, last: Position, ingestedUpTo: number): FilterCursor {
  if (comparePositions(last, cursor.top) >= 0) return { top: last, steps: [{ below: last, after: ingestedUpTo }] };
  const steps = cursor.steps.filter((s) => comparePositions(s.below, last) > 0);
  steps.push({ below: last, after: ingestedUpTo });
  while (steps.length > MAX_STEPS) {
    const lowest = steps.pop()!;
    const next = steps.pop()!;
    steps.push({ below: next.below, after: Math.min(lowest.after, next.after) });
  }
  return { top: cursor.top, steps };
}

export function encodeCursor(cursor: FilterCursor): string {
  const compact = [cursor.top.timestamp, cursor.top.seq, ...cursor.steps.flatMap((s) => [s.below.timestamp, s.below.seq, s.after])];
  return Buffer.from(`v1:${compact.join('.')}`).toString('base64url');
}

export function decodeCursor(token: string): FilterCursor {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!/^v1:\d+(\.\d+)*$/.test(text)) throw invalidToken();
  const n = text.slice(3).split('.').map(Number);
  if (n.some((x) => !Number.isSafeInteger(x)) || n.length < 2 || (n.length - 2) % 3 !== 0) throw invalidToken();
  const steps: FilterCursor['steps'] = [];
  for (let i = 2; i < n.length; i += 3) steps.push({ below: { timestamp: n[i]!, seq: n[i + 1]! }, after: n[i + 2]! });
  return { top: { timestamp: n[0]!, seq: n[1]! }, steps };
}

export function comparePositions(a: Position, b: Position): number {
  return a.timestamp - b.timestamp || a.seq - b.seq;
}

function atOrBefore(e: LogEvent, p: Position): boolean {
  return e.timestamp < p.timestamp || (e.timestamp === p.timestamp && e.seq <= p.seq);
}
