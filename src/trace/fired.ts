import type { ChalkInstance } from 'chalk';
import type { Connection } from '../aws/connect.js';
import type { SentEntry } from '../events/send.js';
import type { Trace } from '../engine/traces/types.js';
import { renderStatusCounts, renderTrace } from './render.js';

export interface FiredTrace {
  eventId: string;
  file: string;
  line?: number;
  index: number;
  /** null when the ring no longer holds it (more traces since than --max-traces). */
  trace: Trace | null;
}

export interface FiredTraces {
  /** Set on endpoints that keep no traces. */
  unavailable?: string;
  traces: FiredTrace[];
  /** Traces the fired events caused (messages their functions sent, …) and theirs, from the same list read. */
  caused?: Trace[];
}

/**
 * The trace of every event `fire` sent, read once the engine is idle: one list request for the lot (newest first,
 * since the send began), then single reads for any the list did not cover.
 */
export async function traceFired(conn: Connection, sent: readonly SentEntry[], since: number, signal: AbortSignal): Promise<FiredTraces> {
  if (conn.endpoint.kind !== 'evlab') {
    return { unavailable: `traces need evlab's embedded engine (evlab up); ${conn.endpoint.label} keeps none: see \`evlab tail\` for the log lines and \`evlab dlq\` for the dead letters`, traces: [] };
  }
  const { getTrace, listTraces, waitForIdle } = await import('./fetch.js');
  await waitForIdle(conn.target.endpoint, 60_000, signal);
  const ids = sent.filter((e) => e.eventId);
  // Room for what the events caused too (each message a function sent is a trace of its own).
  const list = await listTraces(conn.target.endpoint, { since, limit: Math.max(ids.length * 4, 500) }, signal);
  const byId = new Map(list.traces.map((t) => [t.id, t]));
  const traces: FiredTrace[] = [];
  for (const e of ids) {
    const trace = byId.get(e.eventId!) ?? (await getTrace(conn.target.endpoint, e.eventId!, signal))?.trace ?? null;
    traces.push({ eventId: e.eventId!, file: e.file, line: e.line, index: e.index, trace });
  }
  const caused = descendants(traces.flatMap((f) => (f.trace ? [f.trace] : [])), list.traces);
  return caused.length ? { traces, caused } : { traces };
}

/** The traces in `pool` whose parent is one of `roots` or of theirs. */
function descendants(roots: readonly Trace[], pool: readonly Trace[]): Trace[] {
  const byParent = new Map<string, Trace[]>();
  for (const t of pool) if (t.parent) byParent.set(t.parent, [...(byParent.get(t.parent) ?? []), t]);
  const out: Trace[] = [];
  const seen = new Set(roots.map((t) => t.id));
  let level = [...roots];
  while (level.length > 0) {
    const next = level.flatMap((t) => byParent.get(t.id) ?? []).filter((t) => !seen.has(t.id));
    for (const t of next) seen.add(t.id);
    out.push(...next);
    level = next;
  }
  return out;
}

/** One tree per event, labelled by where it came from (`file:line`), then the totals. */
export function renderFiredTraces(fired: FiredTraces, c: ChalkInstance): string[] {
  if (fired.unavailable) return [c.yellow(fired.unavailable)];
  const lines: string[] = ['', c.bold('Traces')];
  for (const f of fired.traces) {
    const label = `${f.file}${f.line !== undefined ? `:${f.line}` : `[${f.index}]`}`;
    if (!f.trace) lines.push(`${c.dim('?')} ${label} → ${c.dim(`trace ${f.eventId} no longer kept (raise evlab up --max-traces)`)}`);
    else lines.push(...renderTrace(f.trace, c, { label, showId: true, indent: '  ', related: fired.caused }));
  }
  const kept = fired.traces.filter((f) => f.trace).map((f) => f.trace!);
  lines.push(`  ${fired.traces.length} event${fired.traces.length === 1 ? '' : 's'} traced: ${renderStatusCounts(kept, c)}${kept.length < fired.traces.length ? `, ${fired.traces.length - kept.length} no longer kept` : ''}`);
  return lines;
}
