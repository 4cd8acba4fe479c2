import type { ChalkInstance } from 'chalk';
import type { Trace } from '../engine/traces/types.js';
import { statusMark, tracePaths, type PathStatus } from './tree.js';

export interface RenderTraceOptions {
  /** What the first line calls the trace (default: its kind and id), e.g. `events/orders.json:3`. */
  label?: string;
  /** Show the trace id after the tree (when the label is not the id). */
  showId?: boolean;
  indent?: string;
  /**
   * Traces this one may have caused (the `children` of /_evlab/traces/<id>, or any list): those whose `parent` is
   * this trace are drawn under it, grouped by the invocation that caused them, and theirs under them.
   */
  related?: readonly Trace[];
}

/** Child traces drawn per invocation before "… N more". */
const MAX_CHILDREN_SHOWN = 10;
/** Generations drawn below a trace. */
const MAX_DEPTH = 4;

/**
 * One trace as text: a single line when it took one path
 *   ✗ events/orders.json:3 → rule big-orders → order-counter ✗ ValueError (attempts 1/3, 2/3, 3/3) → DLQ orders-dlq
 * otherwise a line for the event and one branch per path.
 */
export function renderTrace(trace: Trace, c: ChalkInstance, options: RenderTraceOptions = {}): string[] {
  const own = renderOne(trace, c, options);
  if (!options.related?.length && !trace.children?.length) return own;
  return [...own, ...renderChildren(trace, c, options.indent ?? '', options.related ?? [], new Set([trace.id]), 1)];
}

function renderOne(trace: Trace, c: ChalkInstance, options: RenderTraceOptions): string[] {
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

/**
 * The traces `trace` caused, under the invocation that caused each:
 *   ↳ splitter (request 1a2b3c4d…) caused 2 messages:
 *       ✓ message 9f… → queue rows → writer ✓
 */
function renderChildren(trace: Trace, c: ChalkInstance, indent: string, related: readonly Trace[], seen: Set<string>, depth: number): string[] {
  const kept = related.filter((t) => t.parent === trace.id && !seen.has(t.id));
  const known = new Set(kept.map((t) => t.id));
  const missing = (trace.children ?? []).filter((id) => !known.has(id)).length + (trace.droppedChildren ?? 0);
  if (kept.length === 0 && missing === 0) return [];
  const lines: string[] = [];
  const groups = new Map<string, Trace[]>();
  for (const child of kept) {
    const key = child.causedBy ?? '';
    groups.set(key, [...(groups.get(key) ?? []), child]);
  }
  // What went wrong first: with 50 messages from one invocation, the 5 that failed are what a reader looks for.
  const rank = (t: Trace) => (t.status === 'failed' ? 0 : t.status === 'pending' ? 1 : 2);
  for (const [requestId, unsorted] of groups) {
    const children = [...unsorted].sort((a, b) => rank(a) - rank(b));
    const fn = trace.steps.find((s) => s.requestId === requestId && typeof s.function === 'string')?.function;
    const by = fn ? `${fn} (request ${requestId})` : requestId ? `request ${requestId}` : 'it';
    lines.push(c.dim(`${indent}  ↳ ${by} caused ${describeKinds(children)}:`));
    for (const child of children.slice(0, MAX_CHILDREN_SHOWN)) {
      seen.add(child.id);
      lines.push(...renderOne(child, c, { label: `${child.kind} ${child.id}`, indent: `${indent}    ` }));
      if (depth < MAX_DEPTH) lines.push(...renderChildren(child, c, `${indent}    `, related, seen, depth + 1));
    }
    if (children.length > MAX_CHILDREN_SHOWN) lines.push(c.dim(`${indent}    … ${children.length - MAX_CHILDREN_SHOWN} more (${renderStatusCounts(children.slice(MAX_CHILDREN_SHOWN), c)})`));
  }
  if (missing > 0) {
    const what = `${missing}${kept.length ? ' more' : ''} trace${missing === 1 ? '' : 's'}`;
    lines.push(c.dim(`${indent}  ↳ caused ${what} not shown here (evlab trace ${trace.id} draws them; --json lists their ids)`));
  }
  return lines;
}

function describeKinds(children: readonly Trace[]): string {
  const counts = new Map<string, number>();
  for (const t of children) counts.set(t.kind, (counts.get(t.kind) ?? 0) + 1);
  const noun = (kind: string, n: number) => {
    const word = kind === 'api' ? 'API request' : kind === 's3' ? 'object change' : kind;
    return `${n} ${word}${n === 1 ? '' : 's'}`;
  };
  return [...counts].map(([k, n]) => noun(k, n)).join(', ');
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
