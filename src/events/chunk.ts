import { MAX_PUT_EVENTS_BYTES, MAX_PUT_EVENTS_ENTRIES } from './size.js';

export interface ChunkLimits {
  maxEntries?: number;
  maxBytes?: number;
}

/**
 * Splits entries, in order, into PutEvents requests of at most 10 entries and 256 KB (AWS's limits).
 * An entry bigger than maxBytes on its own (validation rejects those first) still gets a chunk of its own.
 */
export function chunkEntries<T>(items: readonly T[], sizeOf: (item: T) => number, limits: ChunkLimits = {}): T[][] {
  const maxEntries = limits.maxEntries ?? MAX_PUT_EVENTS_ENTRIES;
  const maxBytes = limits.maxBytes ?? MAX_PUT_EVENTS_BYTES;
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && (current.length >= maxEntries || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
