import { createRequire } from 'node:module';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { EngineContext, EngineRequest, EngineService } from '../types.js';

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;
type DynaliteServer = Server & { close(cb?: (err?: Error) => void): Server };

/**
 * DynamoDB is dynalite (LevelDB; in memory unless --persist) mounted on the engine's port.
 * Known dynalite limits, reported as they are: tables are not per region; no transactions, TTL or streams.
 */
export function createDynamoDbService(ctx: EngineContext): EngineService {
  const require = createRequire(import.meta.url);
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => DynaliteServer;
  const path = ctx.stateDir('dynamodb');
  // Zero delays: tables are ACTIVE as soon as CreateTable returns (AWS takes seconds; nothing here needs to wait).
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path ? { path } : {}) });
  const handler = server.listeners('request')[0] as RequestHandler;
  // dynalite closes its LevelDB only when its own server closes, and a never-listening server cannot close;
  // with --persist the store must be closed cleanly, so that server listens on a loopback port nobody uses.
  const listening = path
    ? new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    : Promise.resolve();

  return {
    async handle(req: EngineRequest) {
      await listening;
      const operation = String(req.headers['x-amz-target']).split('.')[1];
      if (operation === 'CreateTable') holdUntilActive(req, ctx.url);
      else if (operation === 'PutItem' || operation === 'UpdateItem' || operation === 'DeleteItem') returnOldItemOnConditionFailure(req, ctx.url, operation);
      handler(req.raw, req.rawRes);
      // dynalite rethrows request stream errors (an aborted upload) and would take the engine down.
      req.raw.removeAllListeners('error');
      req.raw.on('error', () => undefined);
      return null;
    },
    async stop() {
      if (!path) return;
      await listening;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * dynalite answers CreateTable while the table is still CREATING and flips it to ACTIVE a moment later,
 * so a PutItem sent right after the answer can fail. Holding the answer until the table is ACTIVE makes
 * "ACTIVE as soon as CreateTable returns" true, which is what every local workflow assumes.
 */
function holdUntilActive(req: EngineRequest, url: string): void {
  const res = req.rawRes;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  let tableName: string | undefined;
  req.raw.on('data', (chunk: Buffer) => {
    tableName ??= /"TableName"\s*:\s*"([^"]+)"/.exec(chunk.toString('utf8'))?.[1];
  });
  res.end = ((...args: unknown[]) => {
    if (res.statusCode === 400 && tableName) {
      // dynalite's ResourceInUseException has an empty message; AWS names the table.
      const error = parseBody(args[0]);
      if (error?.__type === `${DYNAMODB_PREFIX}ResourceInUseException` && !error.message) {
        return end(...replaceBody(res, { ...error, message: `Table already exists: ${tableName}` }, args));
      }
    }
    if (res.statusCode !== 200 || !tableName) return end(...args);
    void waitForActive(url, tableName, req.headers.authorization).finally(() => end(...args));
    return res;
  }) as typeof res.end;
}

const DYNAMODB_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

/**
 * ReturnValuesOnConditionCheckFailure=ALL_OLD (which dynalite ignores): AWS puts the item as it was into the
 * ConditionalCheckFailedException. A failed condition wrote nothing, so the item read afterwards is that item.
 */
function returnOldItemOnConditionFailure(req: EngineRequest, url: string, operation: string): void {
  const res = req.rawRes;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  const chunks: Buffer[] = [];
  req.raw.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.end = ((...args: unknown[]) => {
    if (res.statusCode !== 400) return end(...args);
    const error = parseBody(args[0]);
    let input: Record<string, any> | undefined;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      input = undefined;
    }
    if (error?.__type !== `${DYNAMODB_PREFIX}ConditionalCheckFailedException` || input?.ReturnValuesOnConditionCheckFailure !== 'ALL_OLD') {
      return end(...args);
    }
    void currentItem(url, req.headers, operation, input)
      .catch(() => undefined)
      .then((item) => end(...(item ? replaceBody(res, { ...error, Item: item }, args) : args)));
    return res;
  }) as typeof res.end;
}

async function currentItem(url: string, headers: EngineRequest['headers'], operation: string, input: Record<string, any>): Promise<unknown> {
  let key = input.Key as Record<string, unknown> | undefined;
  if (operation === 'PutItem') {
    const described = (await callDynalite(url, headers, 'DescribeTable', { TableName: input.TableName })) as { Table?: { KeySchema?: { AttributeName: string }[] } };
    const names = described.Table?.KeySchema?.map((k) => k.AttributeName) ?? [];
    key = Object.fromEntries(names.map((name) => [name, input.Item?.[name]]));
  }
  const got = (await callDynalite(url, headers, 'GetItem', { TableName: input.TableName, Key: key, ConsistentRead: true })) as { Item?: unknown };
  return got.Item;
}

async function callDynalite(url: string, headers: EngineRequest['headers'], operation: string, body: unknown): Promise<unknown> {
  const reply = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      'x-amz-date': String(headers['x-amz-date'] ?? amzDate()),
      authorization: String(headers.authorization ?? INTERNAL_AUTHORIZATION),
    },
    body: JSON.stringify(body),
  });
  return reply.json();
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

/** CRC-32 (IEEE), the checksum DynamoDB puts in x-amz-crc32. */
function crc32(text: string): number {
  let crc = ~0;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

const INTERNAL_AUTHORIZATION = 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0';
const amzDate = () => new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');

async function waitForActive(url: string, tableName: string, authorization: string | undefined): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      // dynalite refuses a signed request without a date (IncompleteSignatureException): without it every
      // poll failed and CreateTable answered only after all 200 attempts (about a second).
      const body = (await callDynalite(url, { authorization, 'x-amz-date': amzDate() }, 'DescribeTable', { TableName: tableName })) as {
        Table?: { TableStatus?: string };
        __type?: string;
      };
      if (body.Table?.TableStatus === 'ACTIVE') return;
      if (!body.Table) return; // an error (the table went away): answer now rather than poll on
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}
