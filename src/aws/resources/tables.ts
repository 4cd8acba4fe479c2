import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableState } from '../../stack/model.js';
import type { KeyType } from '../../stack/types.js';
import { deleteIfExists, ifExists, pollUntil } from './errors.js';

const ddbModule = () => import('@aws-sdk/client-dynamodb');

export async function readTable(ddb: DynamoDBClient, name: string): Promise<(TableState & { status: string }) | undefined> {
  const { DescribeTableCommand } = await ddbModule();
  const found = await ifExists(ddb.send(new DescribeTableCommand({ TableName: name })));
  const table = found?.Table;
  if (!table) return undefined;
  const typeOf = (attribute: string) => (table.AttributeDefinitions?.find((d) => d.AttributeName === attribute)?.AttributeType ?? 'S') as KeyType;
  const hash = table.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName ?? '';
  const range = table.KeySchema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
  return {
    name,
    status: table.TableStatus ?? 'ACTIVE',
    partitionKey: { name: hash, type: typeOf(hash) },
    ...(range ? { sortKey: { name: range, type: typeOf(range) } } : {}),
  };
}

/** Creates an on-demand table and waits until it is ACTIVE. */
export async function createTable(ddb: DynamoDBClient, table: TableState): Promise<void> {
  const { CreateTableCommand } = await ddbModule();
  const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
  await ddb.send(
    new CreateTableCommand({
      TableName: table.name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
      AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
    }),
  );
  await pollUntil(async () => ((await readTable(ddb, table.name))?.status === 'ACTIVE' ? true : undefined), `table ${table.name} to become ACTIVE`);
}

/** Deletes a table and waits until it is gone (a table being deleted cannot be created again). */
export async function deleteTable(ddb: DynamoDBClient, name: string): Promise<boolean> {
  const { DeleteTableCommand } = await ddbModule();
  const deleted = await deleteIfExists(() => ddb.send(new DeleteTableCommand({ TableName: name })));
  if (deleted) await pollUntil(async () => ((await readTable(ddb, name)) === undefined ? true : undefined), `table ${name} to be deleted`);
  return deleted;
}

/**
 * Writes seed items (plain JSON, marshalled by lib-dynamodb). Binary key attributes are base64 in the
 * stack file and decoded here.
 */
export async function seedTable(ddb: DynamoDBClient, table: TableState, items: Record<string, unknown>[]): Promise<void> {
  if (items.length === 0) return;
  const { DynamoDBDocumentClient, BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const doc = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false } });
  const binaryKeys = [table.partitionKey, table.sortKey].filter((k) => k?.type === 'B').map((k) => k!.name);
  const prepared = items.map((item) => {
    const copy = { ...item };
    for (const key of binaryKeys) if (typeof copy[key] === 'string') copy[key] = Buffer.from(copy[key] as string, 'base64');
    return copy;
  });
  // BatchWriteItem takes at most 25 items and may leave some unprocessed under load.
  for (let i = 0; i < prepared.length; i += 25) {
    let requests: Record<string, unknown>[] | undefined = prepared.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests && requests.length > 0; attempt++) {
      if (attempt > 10) throw new Error(`DynamoDB left ${requests.length} seed items of ${table.name} unprocessed`);
      const result = await doc.send(new BatchWriteCommand({ RequestItems: { [table.name]: requests as never } }));
      requests = result.UnprocessedItems?.[table.name] as Record<string, unknown>[] | undefined;
    }
  }
}
