import type { PutEventsEntry } from './types.js';

/** AWS's limit for one PutEvents entry and for the whole request. */
export const MAX_PUT_EVENTS_BYTES = 256 * 1024;
/** AWS's limit of entries per PutEvents request. */
export const MAX_PUT_EVENTS_ENTRIES = 10;

/**
 * The size AWS counts for one entry ("Calculating PutEvents event entry size" in the EventBridge guide):
 * 14 bytes for Time when set, plus the UTF-8 bytes of Source, DetailType, Detail and each Resource.
 * EventBusName and TraceHeader do not count.
 */
export function entrySize(entry: PutEventsEntry): number {
  let size = entry.Time !== undefined ? 14 : 0;
  size += Buffer.byteLength(entry.Source, 'utf8');
  size += Buffer.byteLength(entry.DetailType, 'utf8');
  size += Buffer.byteLength(entry.Detail, 'utf8');
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource, 'utf8');
  return size;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
}
