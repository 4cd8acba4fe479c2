import { findGroup, findStream, type Operation } from './context.js';
import { constraintViolation, invalidParameter } from './errors.js';
import { readGroupName, readStreamName, readString } from './validation.js';

// PutLogEvents limits (API reference): 10,000 events and 1,048,576 bytes per batch, each event counting
// its UTF-8 message plus 26 bytes; events more than 14 days old or 2 hours ahead are rejected, and the
// accepted ones may span 24 hours at most.
const MAX_EVENTS = 10_000;
const MAX_BATCH_BYTES = 1_048_576;
const EVENT_OVERHEAD_BYTES = 26;
const DAY_MS = 86_400_000;
const MAX_AGE_MS = 14 * DAY_MS;
const MAX_AHEAD_MS = 2 * 3_600_000;
const MAX_SPAN_MS = DAY_MS;

export const putLogEvents: Operation = (input, ctx) => {
  const groupName = readGroupName(input)!;
  const streamName = readStreamName(input)!;
  readString(input, 'sequenceToken'); // accepted and ignored, as AWS has done since January 2023
  const events = readEvents(input.logEvents);

  const group = findGroup(ctx, groupName);
  const stream = findStream(group, streamName);

  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    bytes += Buffer.byteLength(events[i]!.message, 'utf8') + EVENT_OVERHEAD_BYTES;
    if (i > 0 && events[i]!.timestamp < events[i - 1]!.timestamp) {
      throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
    }
  }
  if (bytes > MAX_BATCH_BYTES) throw invalidParameter(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);

  // The batch is chronological, so expired and too-old events form a prefix and too-new ones a suffix.
  const now = ctx.now();
  const retentionStart = group.retentionInDays === undefined ? -Infinity : now - group.retentionInDays * DAY_MS;
  let expiredEnd = 0;
  let tooOldEnd = 0;
  let tooNewStart = events.length;
  for (let i = 0; i < events.length; i++) {
    const t = events[i]!.timestamp;
    if (t < retentionStart) expiredEnd = i + 1;
    else if (t < now - MAX_AGE_MS) tooOldEnd = i + 1;
    else if (t > now + MAX_AHEAD_MS) {
      tooNewStart = i;
      break;
    }
  }
  const firstValid = Math.max(expiredEnd, tooOldEnd);
  const accepted = events.slice(firstValid, tooNewStart);
  if (accepted.length > 1 && accepted[accepted.length - 1]!.timestamp - accepted[0]!.timestamp > MAX_SPAN_MS) {
    throw invalidParameter('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }

  ctx.state.append(group, stream, accepted, now);
  if (accepted.length === 0) stream.uploads++;

  const result: Record<string, unknown> = { nextSequenceToken: sequenceToken(stream.uploads) };
  const rejected: Record<string, number> = {};
  if (tooNewStart < events.length) rejected.tooNewLogEventStartIndex = tooNewStart;
  if (tooOldEnd > 0) rejected.tooOldLogEventEndIndex = tooOldEnd;
  if (expiredEnd > 0) rejected.expiredLogEventEndIndex = expiredEnd;
  if (Object.keys(rejected).length > 0) result.rejectedLogEventsInfo = rejected;
  return result;
};

/** AWS's sequence tokens are 56-digit decimal strings; ours count the uploads to the stream. */
export function sequenceToken(uploads: number): string {
  return String(uploads).padStart(56, '0');
}

function readEvents(value: unknown): { timestamp: number; message: string }[] {
  if (value === undefined || value === null) throw constraintViolation('logEvents', undefined, 'Member must not be null');
  if (!Array.isArray(value)) throw invalidParameter("Invalid type for field 'logEvents': expected a list.");
  if (value.length < 1) throw constraintViolation('logEvents', '[]', 'Member must have length greater than or equal to 1');
  if (value.length > MAX_EVENTS) {
    throw constraintViolation('logEvents', `[${value.length} events]`, `Member must have length less than or equal to ${MAX_EVENTS}`);
  }
  return value.map((raw, i) => {
    const field = `logEvents.${i + 1}.member`;
    const e = (raw ?? {}) as { timestamp?: unknown; message?: unknown };
    if (e.timestamp === undefined || e.timestamp === null) throw constraintViolation(`${field}.timestamp`, undefined, 'Member must not be null');
    if (typeof e.timestamp !== 'number' || !Number.isSafeInteger(e.timestamp)) throw invalidParameter(`Invalid type for field '${field}.timestamp': expected a long.`);
    if (e.timestamp < 0) throw constraintViolation(`${field}.timestamp`, e.timestamp, 'Member must have value greater than or equal to 0');
    if (e.message === undefined || e.message === null) throw constraintViolation(`${field}.message`, undefined, 'Member must not be null');
    if (typeof e.message !== 'string') throw invalidParameter(`Invalid type for field '${field}.message': expected a string.`);
    if (e.message.length < 1) throw constraintViolation(`${field}.message`, e.message, 'Member must have length greater than or equal to 1');
    return { timestamp: e.timestamp, message: e.message };
  });
}
