import { invalidToken } from './errors.js';

/**
 * A place between events: every event (timestamp, seq) with seq ≥ 1 sorts strictly after
 * (timestamp, 0), so positions with seq 0 fall between timestamps and never on an event.
 */
export interface Position {
  timestamp: number;
  seq: number;
}

// AWS's event ids and GetLogEvents tokens carry 56 decimal digits; ours are the timestamp and the sequence.
const TS_DIGITS = 16;
const SEQ_DIGITS = 40;

export function positionDigits(p: Position): string {
  return String(p.timestamp).padStart(TS_DIGITS, '0') + String(p.seq).padStart(SEQ_DIGITS, '0');
}

function parseDigits(digits: string): Position {
  const timestamp = Number(digits.slice(0, TS_DIGITS));
  const seq = Number(digits.slice(TS_DIGITS));
  if (!Number.isSafeInteger(timestamp) || !Number.isSafeInteger(seq)) throw invalidToken();
  return { timestamp, seq };
}

/** The eventId of FilterLogEvents: unique, and in the same order as the events. */
export const eventId = positionDigits;

/** GetLogEvents tokens look like AWS's: `f/<56 digits>/s` forward, `b/<56 digits>/s` backward. */
export function streamToken(direction: 'f' | 'b', p: Position): string {
  return `${direction}/${positionDigits(p)}/s`;
}

export function parseStreamToken(token: string): { direction: 'f' | 'b'; position: Position } {
  const match = /^([fb])\/(\d{56})(?:\/s)?$/.exec(token);
  if (!match) throw invalidToken();
  return { direction: match[1] as 'f' | 'b', position: parseDigits(match[2]!) };
}

/** Describe* pages: the sort key of the last item returned. */
export function listToken(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function parseListToken(token: string): unknown[] {
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key)) return key;
  } catch {
    // fall through
  }
  throw invalidToken();
}
