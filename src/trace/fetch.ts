import { httpGet } from '../aws/http-get.js';
import { OperationError } from '../errors.js';
import type { Trace } from '../engine/traces/types.js';

export interface TraceList {
  kept: number;
  maxTraces: number;
  droppedTraces: number;
  returned: number;
  traces: Trace[];
}

/** GET /_evlab/traces with its filters (engine only). */
export async function listTraces(endpoint: string, filter: { failed?: boolean; since?: number; limit?: number }, signal: AbortSignal): Promise<TraceList> {
  const query = new URLSearchParams();
  if (filter.failed) query.set('failed', '1');
  if (filter.since !== undefined) query.set('since', String(filter.since));
  if (filter.limit !== undefined) query.set('limit', String(filter.limit));
  const { status, text } = await httpGet(`${base(endpoint)}/_evlab/traces?${query}`, signal);
  if (status !== 200) throw new OperationError('TraceListFailed', `the engine answered ${status} for its trace list: ${text.slice(0, 200)}`);
  return JSON.parse(text) as TraceList;
}

/** GET /_evlab/traces/<id>; undefined when no trace knows the id. */
export async function getTrace(endpoint: string, id: string, signal: AbortSignal): Promise<{ trace: Trace; children: Trace[] } | undefined> {
  const { status, text } = await httpGet(`${base(endpoint)}/_evlab/traces/${encodeURIComponent(id)}`, signal);
  if (status === 404) return undefined;
  if (status !== 200) throw new OperationError('TraceReadFailed', `the engine answered ${status} for trace ${id}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as { trace: Trace; children: Trace[] };
}

/** Resolves once the engine is idle (or the timeout passed): what `fire --trace` waits for before reading traces. */
export async function waitForIdle(endpoint: string, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  const { text } = await httpGet(`${base(endpoint)}/_evlab/idle?timeout=${timeoutMs}`, signal);
  return (JSON.parse(text) as { idle?: boolean }).idle === true;
}

function base(endpoint: string): string {
  return endpoint.replace(/\/$/, '');
}
