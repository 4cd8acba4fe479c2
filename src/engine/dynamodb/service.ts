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
      if (String(req.headers['x-amz-target']).endsWith('.CreateTable')) holdUntilActive(req, ctx.url);
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
    if (res.statusCode !== 200 || !tableName) return end(...args);
    void waitForActive(url, tableName, req.headers.authorization).finally(() => end(...args));
    return res;
  }) as typeof res.end;
}

async function waitForActive(url: string, tableName: string, authorization: string | undefined): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      const reply = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.DescribeTable',
          authorization: authorization ?? 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: JSON.stringify({ TableName: tableName }),
      });
      const body = (await reply.json()) as { Table?: { TableStatus?: string } };
      if (body.Table?.TableStatus === 'ACTIVE') return;
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}
