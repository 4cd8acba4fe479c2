import type { Connection } from '../aws/connect.js';
import type { StackFile } from '../stack/types.js';
import { countsOf, queueAttributes, queueUrlOf, readTable, type QueueCounts } from './aws-reads.js';

/** Tables up to this many items are read whole, so `fire --wait` can show which items changed. */
export const ITEM_DIFF_LIMIT = 50;

export interface TableState {
  /** undefined: the table does not exist. */
  count?: number;
  /** Every item, when the table has at most ITEM_DIFF_LIMIT. */
  items?: Record<string, unknown>[];
}

export interface StackSnapshot {
  queues: Record<string, QueueCounts | undefined>;
  tables: Record<string, TableState>;
}

/** Reads the message counts of every queue and the items (or count) of every table of the stack, in parallel. */
export function snapshotReader(conn: Connection, stack: StackFile): () => Promise<StackSnapshot> {
  const urls = new Map<string, Promise<string | undefined>>();
  const queues = Object.keys(stack.queues ?? {});
  const tables = Object.keys(stack.tables ?? {});
  return async () => {
    const [sqs, ddb] = await Promise.all([queues.length ? conn.clients.sqs() : undefined, tables.length ? conn.clients.dynamodb() : undefined]);
    const queueStates = await Promise.all(
      queues.map(async (name) => {
        if (!urls.has(name)) urls.set(name, queueUrlOf(sqs!, name));
        const url = await urls.get(name);
        if (!url) urls.delete(name);
        const attributes = url ? await queueAttributes(sqs!, url) : undefined;
        return [name, attributes ? countsOf(attributes) : undefined] as const;
      }),
    );
    const tableStates = await Promise.all(
      tables.map(async (name) => {
        const read = await readTable(ddb!, name, ITEM_DIFF_LIMIT);
        const state: TableState = read ? { count: read.count, items: read.complete ? read.items : undefined } : {};
        return [name, state] as const;
      }),
    );
    return { queues: Object.fromEntries(queueStates), tables: Object.fromEntries(tableStates) };
  };
}
