import { describeSdkError } from '../aws/resources/errors.js';
import { chunkEntries } from './chunk.js';
import type { PreparedEntry, PutEventsEntry } from './types.js';

/** What one PutEvents call returns, per entry and in order (the SDK's PutEventsResponse). */
export interface PutEventsResult {
  Entries?: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[];
}
export type PutEventsCall = (entries: PutEventsEntry[]) => Promise<PutEventsResult>;

export interface SentEntry {
  file: string;
  index: number;
  line?: number;
  bus: string;
  source: string;
  detailType: string;
  eventId?: string;
  errorCode?: string;
  errorMessage?: string;
}

/**
 * Sends entries in PutEvents requests of ≤ 10 entries and ≤ 256 KB. Failures are per entry, as AWS reports
 * them; a request that fails as a whole marks its entries failed with the error and the next chunk is still
 * sent (except when `isFatal` says the endpoint is gone: then the error is thrown).
 */
export async function sendInChunks(entries: readonly PreparedEntry[], putEvents: PutEventsCall, isFatal: (err: unknown) => boolean = () => false): Promise<SentEntry[]> {
  const sent: SentEntry[] = [];
  for (const chunk of chunkEntries(entries, (e) => e.size)) {
    let results: PutEventsResult['Entries'];
    let whole: { code: string; message: string } | undefined;
    try {
      results = (await putEvents(chunk.map((e) => e.entry))).Entries ?? [];
    } catch (err) {
      if (isFatal(err)) throw err;
      whole = describeSdkError(err);
    }
    chunk.forEach((prepared, i) => {
      const result = results?.[i];
      const base: SentEntry = {
        file: prepared.file,
        index: prepared.index,
        line: prepared.line,
        bus: prepared.entry.EventBusName ?? 'default',
        source: prepared.entry.Source,
        detailType: prepared.entry.DetailType,
      };
      if (whole) sent.push({ ...base, errorCode: whole.code, errorMessage: whole.message });
      else if (result?.ErrorCode || !result?.EventId) {
        sent.push({ ...base, errorCode: result?.ErrorCode ?? 'NoEventId', errorMessage: result?.ErrorMessage ?? 'the endpoint returned no EventId for this entry' });
      } else sent.push({ ...base, eventId: result.EventId });
    });
  }
  return sent;
}
