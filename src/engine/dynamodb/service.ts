import { createRequire } from 'node:module';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { EngineContext, EngineRequest, EngineResponse, EngineService } from '../types.js';
import { callDynalite, replayRequest, type DynaliteHandler } from './dynalite-call.js';
import { TransactionTokens } from './idempotency.js';
import { describeTable, itemCollectionMetrics } from './item-collections.js';
import { checkRequest, tablesOf } from './request-checks.js';
import { TableLocks } from './table-locks.js';
import { transactGetItems, transactWriteItems, type TransactionContext } from './transactions.js';
import { DynamoDbError, crc32, dynamoErrorResponse, dynamoResponse } from './wire.js';

type DynaliteServer = Server & { close(cb?: (err?: Error) => void): Server };

/** Operations the engine reads before dynalite does: to lock their tables, check them, or answer them itself. */
const READ_FIRST = new Set([
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchGetItem', 'BatchWriteItem', 'Query', 'Scan',
  'TagResource', 'UntagResource', 'ListTagsOfResource', 'TransactWriteItems', 'TransactGetItems',
]);
const TRANSACTIONS: Record<string, (input: Record<string, any>, ctx: TransactionContext) => Promise<Record<string, unknown>>> = {
  TransactWriteItems: transactWriteItems,
  TransactGetItems: transactGetItems,
};
/** dynalite's own request size limit (it answers 413 above it); checked from Content-Length before reading. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/**
 * DynamoDB is dynalite (LevelDB; in memory unless --persist) mounted on the engine's port, with transactions built
 * over it (transactions.ts) and a few of AWS's request checks it lacks. Known dynalite limits, reported as they are:
 * tables are not per region; no TTL or streams.
 */
export function createDynamoDbService(ctx: EngineContext): EngineService {
  const require = createRequire(import.meta.url);
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => DynaliteServer;
  const path = ctx.stateDir('dynamodb');
  // Zero delays: tables are ACTIVE as soon as CreateTable returns (AWS takes seconds; nothing here needs to wait).
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path ? { path } : {}) });
  const handler = server.listeners('request')[0] as DynaliteHandler;
  // dynalite closes its LevelDB only when its own server closes, and a never-listening server cannot close;
  // with --persist the store must be closed cleanly, so that server listens on a loopback port nobody uses.
  const listening = path
    ? new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    : Promise.resolve();
  const transactions: TransactionContext = { handler, locks: new TableLocks(), tokens: new TransactionTokens() };

  async function readFirst(req: EngineRequest, operation: string): Promise<EngineResponse | null> {
    if (Number(req.headers['content-length'] ?? 0) > MAX_REQUEST_BYTES) {
      req.raw.resume();
      return { status: 413, headers: {}, body: '' };
    }
    const body = await readBody(req.raw);
    if (!body) return null; // the client went away
    let input: Record<string, any> | undefined;
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      input = undefined; // dynalite answers the SerializationException
    }
    const signed = isSigned(req);
    if (input && typeof input === 'object' && signed) {
      try {
        const transaction = TRANSACTIONS[operation];
        if (transaction) return dynamoResponse(await transaction(input, transactions), req.requestId);
        checkRequest(operation, input);
      } catch (err) {
        if (err instanceof DynamoDbError) return dynamoErrorResponse(err, req.requestId);
        throw err;
      }
    } else if (TRANSACTIONS[operation] && !signed) {
      return dynamoErrorResponse(new DynamoDbError('MissingAuthenticationTokenException', 'Request is missing Authentication Token'), req.requestId);
    }

    const release = await transactions.locks.acquire(input ? tablesOf(operation, input) : [], 'shared');
    req.rawRes.once('finish', release);
    req.rawRes.once('close', release);
    if (input && (operation === 'PutItem' || operation === 'UpdateItem' || operation === 'DeleteItem')) {
      if (input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD') returnOldItemOnConditionFailure(req.rawRes, handler, operation, input);
      if (input.ReturnItemCollectionMetrics === 'SIZE') addItemCollectionMetrics(req.rawRes, handler, operation, input);
    }
    handler(replayRequest(req.headers, req.method, req.raw.url ?? '/', body), req.rawRes);
    return null;
  }

  return {
    async handle(req: EngineRequest) {
      await listening;
      const operation = String(req.headers['x-amz-target']).split('.')[1] ?? '';
      if (READ_FIRST.has(operation)) return readFirst(req, operation);
      if (operation === 'CreateTable') holdUntilActive(req, handler);
      handler(req.raw, req.rawRes);
      // dynalite rethrows request stream errors (an aborted upload) and would take the engine down.
      req.raw.removeAllListeners('error');
      req.raw.on('error', () => undefined);
      return null;
    },
    stats: () => ({ transactionTokens: transactions.tokens.size, transactionTokensDropped: transactions.tokens.dropped }),
    async stop() {
      if (!path) return;
      await listening;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** As dynalite decides whether a request is signed (it answers the unsigned ones itself). */
function isSigned(req: EngineRequest): boolean {
  const authorization = req.headers.authorization;
  if (authorization) return authorization.trim().startsWith('AWS4-');
  return req.query.has('X-Amz-Algorithm');
}

function readBody(raw: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => chunks.push(chunk));
    raw.on('end', () => resolve(Buffer.concat(chunks)));
    raw.on('error', () => resolve(undefined));
    raw.on('aborted', () => resolve(undefined));
  });
}

/**
 * Replaces the answer dynalite is about to send once `rewrite` has looked at it (asynchronously); `rewrite` returns
 * the new body, or undefined to send dynalite's as it is.
 */
function rewriteAnswer(res: ServerResponse, rewrite: (status: number, body: Record<string, any> | undefined) => Promise<unknown>): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    void rewrite(res.statusCode, parseBody(args[0]))
      .catch(() => undefined)
      .then((body) => end(...(body === undefined ? args : replaceBody(res, body, args))));
    return res;
  }) as typeof res.end;
}

/**
 * dynalite answers CreateTable while the table is still CREATING and flips it to ACTIVE a moment later,
 * so a PutItem sent right after the answer can fail. Holding the answer until the table is ACTIVE makes
 * "ACTIVE as soon as CreateTable returns" true, which is what every local workflow assumes.
 */
function holdUntilActive(req: EngineRequest, handler: DynaliteHandler): void {
  let tableName: string | undefined;
  req.raw.on('data', (chunk: Buffer) => {
    tableName ??= /"TableName"\s*:\s*"([^"]+)"/.exec(chunk.toString('utf8'))?.[1];
  });
  rewriteAnswer(req.rawRes, async (status, error) => {
    if (!tableName) return undefined;
    // dynalite's ResourceInUseException has an empty message; AWS names the table.
    if (status === 400 && error?.__type === `${DYNAMODB_PREFIX}ResourceInUseException` && !error.message) return { ...error, message: `Table already exists: ${tableName}` };
    if (status === 200) await waitForActive(handler, tableName);
    return undefined;
  });
}

const DYNAMODB_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

/**
 * ReturnValuesOnConditionCheckFailure=ALL_OLD (which dynalite ignores): AWS puts the item as it was into the
 * ConditionalCheckFailedException. A failed condition wrote nothing, so the item read afterwards is that item.
 */
function returnOldItemOnConditionFailure(res: ServerResponse, handler: DynaliteHandler, operation: string, input: Record<string, any>): void {
  rewriteAnswer(res, async (status, error) => {
    if (status !== 400 || error?.__type !== `${DYNAMODB_PREFIX}ConditionalCheckFailedException`) return undefined;
    const key = await keyOf(handler, operation, input);
    const got = key && (await callDynalite(handler, 'GetItem', { TableName: input.TableName, Key: key, ConsistentRead: true }));
    return got && got.body.Item ? { ...error, Item: got.body.Item } : undefined;
  });
}

/** ReturnItemCollectionMetrics=SIZE (which dynalite ignores) on a table with a local secondary index. */
function addItemCollectionMetrics(res: ServerResponse, handler: DynaliteHandler, operation: string, input: Record<string, any>): void {
  rewriteAnswer(res, async (status, answer) => {
    if (status !== 200 || !answer) return undefined;
    const table = await describeTable(handler, input.TableName);
    const key = table && (await keyOf(handler, operation, input));
    const metrics = table && key && (await itemCollectionMetrics(handler, table, key));
    return metrics ? { ...answer, ItemCollectionMetrics: metrics } : undefined;
  });
}

/** The key a single-item write addresses (a PutItem's, from its item by the table's key schema). */
async function keyOf(handler: DynaliteHandler, operation: string, input: Record<string, any>): Promise<Record<string, unknown> | undefined> {
  if (operation !== 'PutItem') return input.Key;
  const table = await describeTable(handler, input.TableName);
  return table && Object.fromEntries(table.KeySchema.map((k) => [k.AttributeName, input.Item?.[k.AttributeName]]));
}

function parseBody(chunk: unknown): Record<string, any> | undefined {
  if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) return undefined;
  try {
    return JSON.parse(chunk.toString());
  } catch {
    return undefined;
  }
}

/** A new JSON body for a response dynalite has prepared but not sent: its length and CRC32 (botocore checks it) follow. */
function replaceBody(res: ServerResponse, body: unknown, args: unknown[]): unknown[] {
  const text = JSON.stringify(body);
  res.setHeader('Content-Length', Buffer.byteLength(text, 'utf8'));
  res.setHeader('x-amz-crc32', crc32(text));
  return [text, ...args.slice(1).filter((a) => typeof a === 'function')];
}

async function waitForActive(handler: DynaliteHandler, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const table = await describeTable(handler, tableName).catch(() => undefined);
    // An error (the table went away): answer now rather than poll on.
    if (!table || table.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 2));
  }
}
