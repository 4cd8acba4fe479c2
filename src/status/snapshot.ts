import type { Connection } from '../aws/connect.js';
import type { StackFile } from '../stack/types.js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { countItems, countsOf, queueAttributes, queueUrlOf, readTable, type QueueCounts } from './aws-reads.js';

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

/** While polling, a big table's count (a full COUNT scan) is refreshed at most this often. */
export const BIG_TABLE_REFRESH_MS = 750;

export type SnapshotRead = (options?: { fresh?: boolean }) => Promise<StackSnapshot>;

/**
 * Reads the message counts of every queue and the items (or count) of every table of the stack, in parallel.
 * Tables known to be big skip the item scan and count at most every BIG_TABLE_REFRESH_MS, unless `fresh`.
 */
export function snapshotReader(conn: Connection, stack: StackFile, now: () => number = Date.now): SnapshotRead {
  const urls = new Map<string, Promise<string | undefined>>();
  const queues = Object.keys(stack.queues ?? {});
  const tables = Object.keys(stack.tables ?? {});
  const big = new Map<string, { count: number; at: number }>();
  const readOne = async (ddb: DynamoDBClient, name: string, fresh: boolean): Promise<TableState> => {
    const known = big.get(name);
    if (known && !fresh && now() - known.at < BIG_TABLE_REFRESH_MS) return { count: known.count };
    if (known) {
      const count = await countItems(ddb, name);
      if (count === undefined) big.delete(name);
      else big.set(name, { count, at: now() });
      if (count !== undefined && count > ITEM_DIFF_LIMIT) return { count };
    }
    const read = await readTable(ddb, name, ITEM_DIFF_LIMIT);
    if (!read) return {};
    if (read.complete) big.delete(name);
    else big.set(name, { count: read.count, at: now() });
    return { count: read.count, items: read.complete ? read.items : undefined };
  };
  return async (options = {}) => {
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
    const tableStates = await Promise.all(tables.map(async (name) => [name, await readOne(ddb!, name, options.fresh === true)] as const));
    return { queues: Object.fromEntries(queueStates), tables: Object.fromEntries(tableStates) };
  };
}
