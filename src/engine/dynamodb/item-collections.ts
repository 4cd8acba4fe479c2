import { callDynalite, type DynaliteHandler } from './dynalite-call.js';
import { itemSize } from './dynalite-rules.js';

export interface TableDescription {
  TableName: string;
  KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  LocalSecondaryIndexes?: unknown[];
  [field: string]: unknown;
}

export interface ItemCollectionMetrics {
  ItemCollectionKey: Record<string, unknown>;
  SizeEstimateRangeGB: [number, number];
}

const GB = 1024 ** 3;

/**
 * ReturnItemCollectionMetrics: SIZE (which dynalite ignores). AWS answers it only for tables with a local secondary
 * index, whose item collections (the items sharing a partition key) are limited to 10 GB. The estimate here is the
 * collection's item sizes, read with a query, as a [lower, upper] range of whole gigabytes as AWS gives it.
 */
export async function itemCollectionMetrics(handler: DynaliteHandler, table: TableDescription, item: Record<string, unknown>): Promise<ItemCollectionMetrics | undefined> {
  if (!table.LocalSecondaryIndexes?.length) return undefined;
  const hash = table.KeySchema.find((k) => k.KeyType === 'HASH')?.AttributeName;
  const value = hash ? item[hash] : undefined;
  if (!hash || value === undefined) return undefined;
  let bytes = 0;
  let start: unknown;
  do {
    const reply = await callDynalite(handler, 'Query', {
      TableName: table.TableName,
      KeyConditionExpression: '#k = :k',
      ExpressionAttributeNames: { '#k': hash },
      ExpressionAttributeValues: { ':k': value },
      ConsistentRead: true,
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
    if (reply.status !== 200) return undefined;
    for (const found of reply.body.Items ?? []) bytes += itemSize(found);
    start = reply.body.LastEvaluatedKey;
  } while (start);
  const lower = Math.floor(bytes / GB);
  return { ItemCollectionKey: { [hash]: value }, SizeEstimateRangeGB: [lower, lower + 1] };
}

/** The table as DescribeTable gives it; undefined when there is no such table. */
export async function describeTable(handler: DynaliteHandler, name: string): Promise<TableDescription | undefined> {
  const reply = await callDynalite(handler, 'DescribeTable', { TableName: name });
  return reply.status === 200 ? (reply.body.Table as TableDescription) : undefined;
}
