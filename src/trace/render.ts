import type { ChalkInstance } from 'chalk';
import type { Trace } from '../engine/traces/types.js';
import { statusMark, tracePaths, type PathStatus } from './tree.js';

export interface RenderTraceOptions {
  /** What the first line calls the trace (default: its kind and id), e.g. `events/orders.json:3`. */
  label?: string;
  /** Show the trace id after the tree (when the label is not the id). */
  showId?: boolean;
  indent?: string;
}

/**
 * One trace as text: a single line when it took one path
 *   ✗ events/orders.json:3 → rule big-orders → order-counter ✗ ValueError (attempts 1/3, 2/3, 3/3) → DLQ orders-dlq
 * otherwise a line for the event and one branch per path.
 */
export function renderTrace(trace: Trace, c: ChalkInstance, options: RenderTraceOptions = {}): string[] {
  const indent = options.indent ?? '';
  const label = options.label ?? `${trace.kind} ${trace.id}`;
  const id = options.showId ? c.dim(`  ${trace.id}`) : '';
  const head = `${indent}${colourMark(trace.status, c)} ${c.bold(label)}`;
  const paths = tracePaths(trace);
  const dropped = trace.droppedSteps ? [c.dim(`${indent}  (${trace.droppedSteps} later steps not kept)`)] : [];
  if (paths.length === 1) return [`${head} → ${chain(paths[0].segments, paths[0].status, c)}${id}`, ...dropped];
  const lines = [`${head}${id}`];
  paths.forEach((path, i) => lines.push(`${indent}  ${i === paths.length - 1 ? '└─' : '├─'} ${chain(path.segments, path.status, c)}`));
  return [...lines, ...dropped];
}

/** "200 traces: 180 processed, 20 failed" */
export function renderStatusCounts(traces: readonly Pick<Trace, 'status'>[], c: ChalkInstance): string {
  const counts = new Map<string, number>();
  for (const t of traces) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  const order: Trace['status'][] = ['processed', 'failed', 'pending', 'unmatched'];
  const parts = order.filter((s) => counts.get(s)).map((s) => {
    const text = `${counts.get(s)} ${s === 'unmatched' ? 'matched no rule' : s}`;
    return s === 'failed' ? c.red(text) : s === 'pending' ? c.yellow(text) : text;
  });
  return parts.join(', ') || 'none';
}

function chain(segments: string[], status: PathStatus, c: ChalkInstance): string {
  return segments.map((s) => (s.includes('✗') || (status === 'failed' && /^(DLQ|OnFailure|discarded|lost|redriven)/.test(s)) ? c.red(s) : s.includes('…') ? c.yellow(s) : s)).join(c.dim(' → '));
}

function colourMark(status: Trace['status'], c: ChalkInstance): string {
  const mark = statusMark(status);
  return status === 'processed' ? c.green(mark) : status === 'failed' ? c.red(mark) : status === 'pending' ? c.yellow(mark) : c.dim(mark);
}
