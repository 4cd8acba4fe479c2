/**
 * PutEvents: AWS's request limits, per-entry validation (a bad entry fails alone, in its own place in the
 * answer), and the event envelope each accepted entry becomes.
 */
import { busRef } from './arns.js';
import { AcceptedEvent, compactJson, isoSeconds, newEventId } from './envelope.js';
import { constraintViolation, validation } from './errors.js';
import type { Input } from './validation.js';

/** AWS limits: 10 entries and 256 KB per request ("Calculating PutEvents event entry size"). */
export const MAX_ENTRIES = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

export type ResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: ResultEntry[];
}

/** Hands an accepted event to its bus. AWS accepts events for buses that do not exist (and drops them). */
export type RouteEvent = (event: AcceptedEvent, region: string, bus: string) => void;

export function putEvents(entries: unknown, region: string, accountId: string, route: RouteEvent): PutEventsResult {
  if (entries === undefined || entries === null) throw constraintViolation('entries', undefined, 'Member must not be null');
  if (!Array.isArray(entries)) throw validation('Invalid type for parameter Entries: expected a list.');
  if (entries.length < 1) throw constraintViolation('entries', '[]', 'Member must have length greater than or equal to 1');
  for (const entry of entries) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw validation('Invalid type for parameter Entries: expected a list of structures.');
  }
  const list = entries as Input[];
  if (list.length > MAX_ENTRIES) {
    throw validation(
      `1 validation error detected: Value '[${list.map(describeEntry).join(', ')}]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`,
    );
  }
  let total = 0;
  for (const entry of list) total += entrySize(entry);
  if (total > MAX_REQUEST_BYTES) throw validation('Total size of the entries in the request is over the limit.');

  const now = Date.now();
  const ingestionTime = isoSeconds(now);
  const results: ResultEntry[] = [];
  let failed = 0;
  for (const entry of list) {
    const checked = checkEntry(entry);
    if ('ErrorCode' in checked) {
      results.push(checked);
      failed++;
      continue;
    }
    const { name: bus, region: busRegion } = busRef(typeof entry.EventBusName === 'string' ? entry.EventBusName : undefined);
    const id = newEventId();
    const event = new AcceptedEvent({
      id,
      source: entry.Source as string,
      detailType: entry.DetailType as string,
      time: entry.Time === undefined || entry.Time === null ? ingestionTime : isoSeconds(timeOf(entry.Time)),
      region: busRegion ?? region,
      account: accountId,
      resources: checked.resources,
      detail: checked.detail,
      detailText: compactJson(entry.Detail as string),
      ingestionTime,
    });
    route(event, busRegion ?? region, bus);
    results.push({ EventId: id });
  }
  return { FailedEntryCount: failed, Entries: results };
}

type Checked = { detail: Record<string, unknown>; resources: string[] } | { ErrorCode: string; ErrorMessage: string };

// Wording and order of the checks as AWS answers them (moto and LocalStack reproduce the same messages).
function checkEntry(entry: Input): Checked {
  if (!isFilled(entry.Source)) return invalidArgument('Parameter Source is not valid. Reason: Source is a required argument.');
  if (!isFilled(entry.DetailType)) return invalidArgument('Parameter DetailType is not valid. Reason: DetailType is a required argument.');
  if (!isFilled(entry.Detail)) return invalidArgument('Parameter Detail is not valid. Reason: Detail is a required argument.');
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail as string);
  } catch {
    return malformed();
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return malformed();
  const resources = entry.Resources ?? [];
  if (!Array.isArray(resources) || resources.some((r) => typeof r !== 'string')) {
    return invalidArgument('Parameter Resources is not valid. Reason: Resources must be a list of strings.');
  }
  return { detail: detail as Record<string, unknown>, resources: resources as string[] };
}

const isFilled = (v: unknown) => typeof v === 'string' && v.length > 0;
const invalidArgument = (message: string) => ({ ErrorCode: 'InvalidArgument', ErrorMessage: message });
const malformed = () => ({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });

/** Time arrives as epoch seconds from the SDKs (JSON timestamps); ISO strings are accepted too. */
function timeOf(value: unknown): number {
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? (/^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value)) : NaN;
  if (!Number.isFinite(ms)) throw validation(`Parameter Time is not valid. Reason: ${JSON.stringify(value)} is not a timestamp.`);
  return ms;
}

/** The size AWS counts for an entry: 14 bytes for Time when set, plus the UTF-8 bytes of Source, DetailType, Detail and each Resource. */
export function entrySize(entry: Input): number {
  let size = entry.Time !== undefined && entry.Time !== null ? 14 : 0;
  if (typeof entry.Source === 'string') size += Buffer.byteLength(entry.Source);
  if (typeof entry.DetailType === 'string') size += Buffer.byteLength(entry.DetailType);
  if (typeof entry.Detail === 'string') size += Buffer.byteLength(entry.Detail);
  if (Array.isArray(entry.Resources)) for (const r of entry.Resources) if (typeof r === 'string') size += Buffer.byteLength(r);
  return size;
}

/** How AWS's validation message prints an entry (the Java toString of the request entry). */
function describeEntry(entry: Input): string {
  const show = (v: unknown) => (v === undefined || v === null ? 'null' : Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
  return (
    `PutEventsRequestEntry(time=${show(entry.Time)}, source=${show(entry.Source)}, resources=${show(entry.Resources)}, ` +
    `detailType=${show(entry.DetailType)}, detail=${show(entry.Detail)}, eventBusName=${show(entry.EventBusName)}, ` +
    `traceHeader=${show(entry.TraceHeader)}, kmsKeyIdentifier=null, internalMetadata=null)`
  );
}
