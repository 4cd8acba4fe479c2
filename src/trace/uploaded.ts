import type { ChalkInstance } from 'chalk';
import type { Connection } from '../aws/connect.js';
import type { Trace } from '../engine/traces/types.js';
import { renderStatusCounts, renderTrace } from './render.js';

export interface UploadTrace {
  /** The local file, as `upload` names it. */
  file: string;
  key: string;
  /** null when the engine traced no change of this key: the bucket has no notification, or the ring dropped it. */
  trace: Trace | null;
  /** What the change caused (messages its functions sent, …), generations deep. */
  children: Trace[];
}

export interface UploadTraces {
  /** Set on endpoints that keep no traces. */
  unavailable?: string;
  traces: UploadTrace[];
}

/** Objects whose trees are drawn; more are counted. */
const MAX_TREES = 20;

/**
 * `upload --trace`: once the engine is idle, the trace of each uploaded object's change (an S3 trace is rooted at
 * the PutObject's request id; it is found here by bucket and key among the traces since the upload began).
 */
export async function traceUploads(conn: Connection, bucket: string, uploads: readonly { file: string; key: string }[], since: number, signal: AbortSignal): Promise<UploadTraces> {
  if (conn.endpoint.kind !== 'evlab') {
    return { unavailable: `traces need evlab's embedded engine (evlab up); ${conn.endpoint.label} keeps none: see \`evlab tail\` for the log lines and \`evlab dlq\` for the dead letters`, traces: [] };
  }
  const { getTrace, listTraces, waitForIdle } = await import('./fetch.js');
  await waitForIdle(conn.target.endpoint, 60_000, signal);
  const list = await listTraces(conn.target.endpoint, { since, limit: Math.max(uploads.length * 10, 500) }, signal);
  const byKey = new Map<string, Trace>();
  // Newest first: the first trace of a key is its latest change.
  for (const t of list.traces) {
    const head = t.kind === 's3' ? t.steps.find((s) => s.type === 's3-object-event') : undefined;
    if (head?.bucket === bucket && typeof head.key === 'string' && !byKey.has(head.key)) byKey.set(head.key, t);
  }
  const traces: UploadTrace[] = [];
  for (const { file, key } of uploads) {
    const found = byKey.get(key);
    const full = found && traces.length < MAX_TREES ? await getTrace(conn.target.endpoint, found.id, signal) : undefined;
    traces.push({ file, key, trace: full?.trace ?? found ?? null, children: full?.children ?? [] });
  }
  return { traces };
}

export function renderUploadTraces(uploads: UploadTraces, c: ChalkInstance): string[] {
  if (uploads.unavailable) return [c.yellow(uploads.unavailable)];
  const lines = ['', c.bold('Traces')];
  for (const u of uploads.traces.slice(0, MAX_TREES)) {
    if (!u.trace) lines.push(`  ${c.dim('·')} ${u.file} ${c.dim(`→ ${u.key}: no trace (no notification of the bucket matched, or the ring no longer holds it)`)}`);
    else lines.push(...renderTrace(u.trace, c, { label: u.file, showId: true, indent: '  ', related: u.children }));
  }
  if (uploads.traces.length > MAX_TREES) lines.push(c.dim(`  … ${uploads.traces.length - MAX_TREES} more objects (evlab trace <request id> draws one)`));
  const kept = uploads.traces.flatMap((u) => (u.trace ? [u.trace] : []));
  const caused = uploads.traces.reduce((n, u) => n + u.children.length, 0);
  lines.push(`  ${uploads.traces.length} object${uploads.traces.length === 1 ? '' : 's'} traced: ${renderStatusCounts(kept, c)}${caused ? `; they caused ${caused} trace${caused === 1 ? '' : 's'}: ${renderStatusCounts(uploads.traces.flatMap((u) => u.children), c)}` : ''}`);
  return lines;
}
