import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Thin reads shared by `evlab status` and `evlab fire --wait`. A resource that does not exist reads as
 * `undefined`; any other error is thrown for the caller to show.
 */

export interface QueueCounts {
  visible: number;
  inFlight: number;
  delayed: number;
}

const MISSING = new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'ResourceNotFoundException', 'NonExistentQueue']);

export function isMissing(err: unknown): boolean {
  const e = err as { name?: string; Code?: string; code?: string };
  return MISSING.has(e?.name ?? '') || MISSING.has(e?.Code ?? '') || MISSING.has(e?.code ?? '');
}

export async function queueUrlOf(sqs: SQSClient, name: string): Promise<string | undefined> {
  const { GetQueueUrlCommand } = await import('@aws-sdk/client-sqs');
  try {
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

export async function queueAttributes(sqs: SQSClient, url: string): Promise<Record<string, string> | undefined> {
  const { GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
  try {
    return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ?? {};
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

export function countsOf(attributes: Record<string, string>): QueueCounts {
  const n = (key: string) => Number(attributes[key] ?? 0) || 0;
  return { visible: n('ApproximateNumberOfMessages'), inFlight: n('ApproximateNumberOfMessagesNotVisible'), delayed: n('ApproximateNumberOfMessagesDelayed') };
}

export interface TableRead {
  count: number;
  /** The first `limit` items, unmarshalled. */
  items: Record<string, unknown>[];
  /** True when `items` holds every item of the table. */
  complete: boolean;
}

/**
 * The first `limit` items and the item count. Small tables cost one Scan; bigger ones add a Scan with
 * Select COUNT (DescribeTable's ItemCount is refreshed only every ~6 hours on AWS).
 */
export async function readTable(ddb: DynamoDBClient, name: string, limit: number): Promise<TableRead | undefined> {
  const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
  const { unmarshall } = await import('@aws-sdk/util-dynamodb');
  try {
    const first = await ddb.send(new ScanCommand({ TableName: name, Limit: limit + 1 }));
    const raw = first.Items ?? [];
    const items = raw.slice(0, limit).map((item) => plain(unmarshall(item, { wrapNumbers: numberOrDigits })) as Record<string, unknown>);
    if (!first.LastEvaluatedKey && raw.length <= limit) return { count: raw.length, items, complete: true };
    const count = await countItems(ddb, name);
    return count === undefined ? undefined : { count, items, complete: false };
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** The exact item count through Scan with Select COUNT (pages of up to 1 MB read). */
export async function countItems(ddb: DynamoDBClient, name: string): Promise<number | undefined> {
  const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
  try {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await ddb.send(new ScanCommand({ TableName: name, Select: 'COUNT', ExclusiveStartKey: start as never }));
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/**
 * A DynamoDB number as JSON can hold it: a number, except an integer beyond 2^53, which stays its digits (so no digit
 * is lost). Decided while unmarshalling rather than by the class of a wrapper afterwards: a bundle may rename classes.
 */
export function numberOrDigits(digits: string): number | string {
  const n = Number(digits);
  return Number.isInteger(n) && !Number.isSafeInteger(n) ? digits : n;
}

/** Sets and binaries of unmarshalled items as JSON shows them: arrays, base64. */
export function plain(value: unknown): unknown {
  if (value instanceof Set) return [...value].map(plain);
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** Nothing listens (or the host is unknown): the endpoint is down, not a failed operation. */
export function isConnectionRefused(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string }; errors?: { code?: string }[] };
  const codes = [e?.code, e?.cause?.code, ...(e?.errors ?? []).map((x) => x?.code)];
  return codes.some((code) => code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND');
}
