import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineResponse } from '../types.js';
import type { TraceRing } from './ring.js';
import type { TraceStatus } from './types.js';

const STATUSES: readonly TraceStatus[] = ['pending', 'processed', 'failed', 'unmatched'];
const DEFAULT_LIST_LIMIT = 1000;
/** Generations of child traces one read returns (an upload → the messages its function sent → what those caused). */
const DEFAULT_CHILD_DEPTH = 3;
const MAX_CHILD_DEPTH = 10;
const MAX_CHILDREN_RETURNED = 500;
/** A stream client that stops reading is cut off before its backlog grows past this. */
const MAX_STREAM_BACKLOG_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/**
 * GET /_evlab/traces, /_evlab/traces/stream and /_evlab/traces/<id> (shapes in index.ts). Returns undefined for
 * other paths, null when it answered `res` itself (the stream).
 */
export function handleTraceEndpoint(
  ring: TraceRing,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): EngineResponse | null | undefined {
  if (req.method !== 'GET') return undefined;
  if (path === '/_evlab/traces' || path === '/_evlab/traces/') return list(ring, query);
  if (path === '/_evlab/traces/stream') return stream(ring, res);
  if (!path.startsWith('/_evlab/traces/')) return undefined;
  const id = decodeURIComponent(path.slice('/_evlab/traces/'.length));
  const trace = ring.find(id);
  if (!trace) {
    return json(404, {
      error: {
        code: 'TraceNotFound',
        message: `no trace knows the id ${id}`,
        hint: `traces are kept for the last ${ring.maxTraces} events, invocations and messages (${ring.stats().droppedTraces} dropped so far); ids are EventIds, request ids and message ids`,
      },
    });
  }
  const depthText = query.get('depth');
  const depth = depthText === null ? DEFAULT_CHILD_DEPTH : Number(depthText);
  if (!Number.isInteger(depth) || depth < 0 || depth > MAX_CHILD_DEPTH) {
    return json(400, { error: { code: 'InvalidDepth', message: `depth must be a whole number from 0 to ${MAX_CHILD_DEPTH}, not "${depthText}"` } });
  }
  return json(200, { trace, children: ring.children(id, depth, MAX_CHILDREN_RETURNED) });
}

function list(ring: TraceRing, query: URLSearchParams): EngineResponse {
  const failed = query.get('failed');
  let status = query.get('status') ?? (failed === '1' || failed === 'true' ? 'failed' : undefined);
  if (status !== undefined && !STATUSES.includes(status as TraceStatus)) {
    return json(400, { error: { code: 'InvalidStatus', message: `status must be one of ${STATUSES.join(', ')}, not "${status}"` } });
  }
  const sinceText = query.get('since');
  const since = sinceText === null ? undefined : /^\d+$/.test(sinceText) ? Number(sinceText) : Date.parse(sinceText);
  if (since !== undefined && !Number.isFinite(since)) {
    return json(400, { error: { code: 'InvalidSince', message: `since must be epoch milliseconds or an ISO date, not "${sinceText}"` } });
  }
  const limitText = query.get('limit');
  const limit = limitText === null ? DEFAULT_LIST_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1) return json(400, { error: { code: 'InvalidLimit', message: `limit must be a whole number ≥ 1, not "${limitText}"` } });
  const traces = ring.list({ status: status as TraceStatus | undefined, since, limit });
  return json(200, { ...ring.stats(), returned: traces.length, traces });
}

function stream(ring: TraceRing, res: ServerResponse): null {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write(`retry: 1000\n: evlab trace steps; ${JSON.stringify(ring.stats())}\n\n`);
  const unsubscribe = ring.subscribe((event) => {
    if (res.writableLength > MAX_STREAM_BACKLOG_BYTES) {
      close();
      res.destroy();
      return;
    }
    res.write(`event: step\ndata: ${JSON.stringify(event)}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const close = () => {
    unsubscribe();
    clearInterval(heartbeat);
  };
  res.once('close', close);
  return null;
}

function json(status: number, body: unknown): EngineResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
