import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { extname, join } from 'node:path';
import type { AwsClients } from '../../aws/clients.js';
import type { Connection } from '../../aws/connect.js';
import type { EngineContext, EngineResponse } from '../types.js';
import { dashboardAssetsDir } from './assets.js';

/**
 * The web dashboard at /_evlab/ui: static files from assets/dashboard (no build step, nothing from a CDN) and a
 * small JSON API under /_evlab/ui/api/ that the page calls. The API reads the engine through the same SDK clients
 * the CLI uses, pointed at the engine itself, so the page shows what any client would see. Live updates come
 * from the trace stream (/_evlab/traces/stream), not from here.
 */
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const MAX_LOG_EVENTS = 200;
const SCAN_LIMIT = 50;

const clientsByEngine = new WeakMap<EngineContext, Promise<AwsClients>>();

export async function handleDashboard(ctx: EngineContext, req: IncomingMessage, path: string, query: URLSearchParams): Promise<EngineResponse | undefined> {
  if (path === '/_evlab/ui') return { status: 302, headers: { location: '/_evlab/ui/' } };
  const rest = path.slice('/_evlab/ui/'.length);
  if (!rest.startsWith('api/')) return req.method === 'GET' ? asset(rest || 'index.html') : undefined;
  try {
    const api = rest.slice('api/'.length);
    if (api === 'graph' && req.method === 'GET') return json(await graph(ctx));
    if (api === 'queues' && req.method === 'GET') return json(await queueCounts(ctx));
    if (api === 'logs' && req.method === 'GET') return json(await logs(ctx, required(query, 'function'), query.get('filter') ?? ''));
    if (api === 'scan' && req.method === 'GET') return json(await scan(ctx, required(query, 'table')));
    if (api === 'dlq' && req.method === 'GET') return json(await peek(ctx, required(query, 'queue')));
    if (api === 'dlq/redrive' && req.method === 'POST') {
      const { redriveFromDashboard } = await import('./redrive.js');
      const { tmpdir } = await import('node:os');
      // The journal of a client-side redrive; on the engine the redrive is a message move task and writes none.
      return json(await redriveFromDashboard(await engineConnection(ctx), String((await readJson(req)).queue ?? ''), ctx.options.persistDir ?? tmpdir()));
    }
    return json({ error: { code: 'NotFound', message: `no dashboard API ${req.method} /_evlab/ui/${rest}` } }, 404);
  } catch (err) {
    const { describeSdkError } = await import('../../aws/resources/errors.js');
    const { RedriveError } = await import('./redrive.js');
    const bad = err instanceof BadRequest || err instanceof RedriveError;
    const { code, message } = bad ? { code: 'BadRequest', message: (err as Error).message } : describeSdkError(err);
    return json({ error: { code, message } }, bad ? 400 : 500);
  }
}

async function asset(name: string): Promise<EngineResponse> {
  // Only the page's own files: no path into the rest of the disk.
  if (!/^[a-z0-9-]+\.(html|js|css)$/.test(name)) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'not a dashboard file\n' };
  try {
    const body = await readFile(join(await dashboardAssetsDir(), name));
    return { status: 200, headers: { 'content-type': TYPES[extname(name)]!, 'cache-control': 'no-cache' }, body };
  } catch {
    return { status: 404, headers: { 'content-type': 'text/plain' }, body: `${name}: not found in the dashboard's files\n` };
  }
}

/** SDK clients pointed at this engine (dummy credentials, as any local client uses). */
export function clients(ctx: EngineContext): Promise<AwsClients> {
  let made = clientsByEngine.get(ctx);
  if (!made) {
    made = import('../../aws/clients.js').then(({ createClients }) =>
      createClients({
        endpoint: ctx.url,
        region: ctx.options.region,
        source: 'flag',
        local: true,
        isDefault: false,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
    );
    clientsByEngine.set(ctx, made);
  }
  return made;
}

async function graph(ctx: EngineContext) {
  const [{ readInventory }, { stackGraph }] = await Promise.all([import('../../status/inventory.js'), import('./graph.js')]);
  const inventory = await readInventory({ clients: await clients(ctx) });
  return { graph: stackGraph(inventory.stack), tables: Object.keys(inventory.stack.tables ?? {}), logGroups: inventory.logGroups, unavailable: inventory.unavailable };
}

async function queueCounts(ctx: EngineContext): Promise<{ queues: Record<string, { visible: number; inFlight: number; delayed: number }> }> {
  const { ListQueuesCommand, GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
  const sqs = await (await clients(ctx)).sqs();
  const urls = (await sqs.send(new ListQueuesCommand({ MaxResults: 1000 }))).QueueUrls ?? [];
  const queues: Record<string, { visible: number; inFlight: number; delayed: number }> = {};
  await Promise.all(
    urls.map(async (url) => {
      const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ?? {};
      queues[url.slice(url.lastIndexOf('/') + 1)] = {
        visible: Number(a.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
        delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
      };
    }),
  );
  return { queues };
}

async function logs(ctx: EngineContext, fn: string, filter: string) {
  const { FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const client = await (await clients(ctx)).logs();
  const events: { timestamp: number; message: string }[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, nextToken: token, ...(filter ? { filterPattern: filter } : {}) }),
    );
    for (const e of page.events ?? []) events.push({ timestamp: e.timestamp ?? 0, message: e.message ?? '' });
    token = page.nextToken;
  } while (token && events.length < 10 * MAX_LOG_EVENTS);
  // The newest lines are the ones worth reading.
  return { function: fn, filter, events: events.slice(-MAX_LOG_EVENTS) };
}

async function scan(ctx: EngineContext, table: string) {
  const { readTable } = await import('../../status/aws-reads.js');
  const read = await readTable(await (await clients(ctx)).dynamodb(), table, SCAN_LIMIT);
  if (!read) throw new BadRequest(`table ${table} does not exist`);
  return { table, count: read.count, items: read.items };
}

/** A queue's messages without receiving them (the peek endpoint), for the DLQ view: what `evlab dlq <queue>` lists. */
async function peek(ctx: EngineContext, queue: string) {
  const conn = await engineConnection(ctx);
  const { GetQueueUrlCommand } = await import('@aws-sdk/client-sqs');
  const url = await (await conn.clients.sqs())
    .send(new GetQueueUrlCommand({ QueueName: queue }))
    .then((r) => r.QueueUrl!)
    .catch(() => {
      throw new BadRequest(`queue ${queue} does not exist`);
    });
  const { readDeadLetters } = await import('../../dlq/read.js');
  const { messages } = await readDeadLetters(conn, { name: queue, url }, new AbortController().signal);
  return { queue, messages };
}

/** This engine as a connection of the CLI's, for the code the dashboard shares with `evlab dlq`. */
async function engineConnection(ctx: EngineContext): Promise<Connection> {
  const made = await clients(ctx);
  return {
    target: made.target,
    endpoint: { kind: 'evlab', label: `evlab engine ${ctx.engineVersion}`, version: ctx.engineVersion, idleSignal: true },
    clients: made,
    close: () => undefined,
  };
}

class BadRequest extends Error {}

function required(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (!value) throw new BadRequest(`the ${name} parameter is required`);
  return value;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new BadRequest('the request body is larger than 64 KiB');
    chunks.push(chunk as Buffer);
  }
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    throw new BadRequest('the request body is not JSON');
  }
}

function json(body: unknown, status = 200): EngineResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
