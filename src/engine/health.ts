import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineContext, EngineResponse } from './types.js';
import { SERVICE_NAMES } from './services.js';
import type { EventsService } from './events/service.js';
import type { DeliveryStats } from './events/delivery.js';
import { ENGINE_NAME, ENGINE_VERSION } from './version.js';

const started = Date.now();
const PUBLIC_SERVICES = ['apigateway', 'dynamodb', 'events', 'lambda', 'logs', 's3', 'sqs'] as const;
const MAX_IDLE_WAIT_MS = 10 * 60_000;

/**
 * Engine endpoints outside the AWS APIs; undefined lets the request fall through to the services, null means
 * the endpoint answered `res` itself (the trace stream).
 */
export async function handleInternalEndpoint(
  ctx: EngineContext,
  req: IncomingMessage,
  path: string,
  query: URLSearchParams,
  res?: ServerResponse,
): Promise<EngineResponse | null | undefined> {
  if (path === '/_localstack/health' || path === '/_localstack/health/') {
    // LocalStack's shape, so tools written for LocalStack can tell the endpoint is up.
    return json({ services: serviceStates(ctx), edition: 'community', version: `${ENGINE_NAME}-${ENGINE_VERSION}` });
  }
  if (path === '/_localstack/init/ready') return json({ completed: true, scripts: [] });
  if (path === '/_evlab/health') {
    // ?gc=1 collects garbage first when the engine runs with node --expose-gc: the bench measures live memory.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (query.get('gc') === '1' && gc) gc();
    return json({
      engine: ENGINE_NAME,
      version: ENGINE_VERSION,
      region: ctx.options.region,
      accountId: ctx.options.accountId,
      persist: ctx.options.persistDir ?? null,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      pid: process.pid,
      services: serviceStates(ctx),
      lambdaRetryBaseDelayMs: ctx.options.lambdaRetryBaseDelayMs,
      ...ctx.activity.snapshot(),
      events: await eventStats(ctx),
      stores: await storeStats(ctx),
      memory: memoryMb(),
      traces: ctx.traces.stats(),
    });
  }
  if (path === '/_evlab/interpreters' && req.method === 'GET') {
    // What runs lambda code here, as the engine sees it (its PATH, not the CLI's): `evlab setup` checks it.
    const { pythonInfo } = await import('./lambda/runtimes.js');
    const python = await pythonInfo();
    return json({
      python3: python ? `Python ${python.version}` : null,
      node: `Node.js ${process.versions.node}`,
      // AWS's Python runtimes include boto3: setup warns, with boto3Fix, when the engine's python lacks it.
      python3Executable: python?.executable ?? null,
      boto3: python?.boto3 ?? null,
      ...(python && !python.boto3 ? { boto3Fix: python.boto3Fix } : {}),
      ...(python?.passedOver ? { python3PassedOver: python.passedOver } : {}),
    });
  }
  if (path.startsWith('/_aws/sqs/messages')) {
    const { isPeekPath, peekMessages } = await import('./sqs/peek.js');
    if (isPeekPath(path)) return peekMessages(await ctx.service('sqs'), path, query, req.headers);
  }
  if (path === '/_evlab/events/failures' && req.method === 'GET') {
    return json({ failures: ctx.isLoaded('events') ? ((await ctx.service('events')) as EventsService).deliveryFailures : [] });
  }
  if (path.startsWith('/_evlab/traces') && res) {
    const { handleTraceEndpoint, TraceRing } = await import('./traces/index.js');
    if (ctx.traces instanceof TraceRing) {
      const answer = handleTraceEndpoint(ctx.traces, req, res, path, query);
      if (answer !== undefined) return answer;
    }
  }
  if (path === '/_evlab/ui' || path.startsWith('/_evlab/ui/')) {
    const { handleDashboard } = await import('./dashboard/routes.js');
    return handleDashboard(ctx, req, path, query);
  }
  if (path === '/_evlab/idle' && req.method === 'GET') {
    const timeout = Math.min(Number(query.get('timeout') ?? 30_000) || 30_000, MAX_IDLE_WAIT_MS);
    const idle = await ctx.activity.whenIdle(timeout);
    return json({ ...ctx.activity.snapshot(), idle });
  }
  return undefined;
}

/** EventBridge's delivery counters, so a lost delivery is visible in health; null until the service is first used. */
async function eventStats(ctx: EngineContext): Promise<Readonly<DeliveryStats> | null> {
  if (!ctx.isLoaded('events')) return null;
  return ((await ctx.service('events')) as EventsService).deliveryStats;
}

/** The engine process's own memory (its functions run in child processes, not counted here). */
function memoryMb(): Record<string, number> {
  const usage = process.memoryUsage();
  const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  return { rssMb: mb(usage.rss), heapUsedMb: mb(usage.heapUsed), heapTotalMb: mb(usage.heapTotal), externalMb: mb(usage.external) };
}

/** Each loaded service's store sizes and what its caps and retention dropped (the engine's memory bounds). */
async function storeStats(ctx: EngineContext): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const name of SERVICE_NAMES) {
    if (!ctx.isLoaded(name)) continue;
    // EventBridge's `stats` is a property (its delivery counters, reported under `events`), the others' a method.
    const stats = (await ctx.service(name) as { stats?: unknown }).stats;
    if (typeof stats === 'function') out[name] = stats();
  }
  return out;
}

function serviceStates(ctx: EngineContext): Record<string, string> {
  const loaded = new Set(SERVICE_NAMES.filter((n) => ctx.isLoaded(n)));
  return Object.fromEntries(PUBLIC_SERVICES.map((name) => [name, loaded.has(name) ? 'running' : 'available']));
}

function json(body: unknown): EngineResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
