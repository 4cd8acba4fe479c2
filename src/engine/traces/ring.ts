import { statusOf } from './status.js';
import type { Trace, TraceRecorder, TraceStep } from './types.js';

/** Default number of traces kept (`evlab up --max-traces`); each holds its steps, a few hundred bytes to a few KB. */
export const DEFAULT_MAX_TRACES = 10_000;
/** Steps kept per trace; a message that loops for hours must not grow one trace without bound. */
export const MAX_STEPS_PER_TRACE = 200;
/** Longest text kept in a step field (inputs, error messages): traces are for finding things, not archives. */
export const MAX_FIELD_CHARS = 512;
/** Child trace ids kept on a parent (a CSV of 10 000 rows sends 10 000 messages from one invocation). */
export const MAX_CHILDREN_PER_TRACE = 1000;
/** 'caused' steps per trace; further children are only listed in `children`. */
export const MAX_CAUSED_STEPS = 10;

export interface TraceEvent {
  traceId: string;
  kind: string;
  status: Trace['status'];
  step: TraceStep;
}

export interface TraceRingStats {
  /** Traces held now. */
  kept: number;
  maxTraces: number;
  /** Traces dropped because the ring was full (oldest first). */
  droppedTraces: number;
}

/**
 * The engine's traces, in a bounded ring: a Map in start order (the oldest trace is the first key) and an index
 * from every id a trace knows (EventId, request ids, message ids) to its root. Past `maxTraces` the oldest trace
 * goes, with its index entries, and is counted.
 */
export class TraceRing implements TraceRecorder {
  private readonly traces = new Map<string, Trace>();
  private readonly index = new Map<string, string>();
  /**
   * X-Ray trace Root → the trace and invocation it was handed to. Kept apart from `index` (one per attempt would
   * crowd a trace's `ids`), listed per trace in `rootsOf` so that they go when their trace goes.
   */
  private readonly invocations = new Map<string, { traceId: string; requestId: string }>();
  private readonly rootsOf = new Map<string, string[]>();
  private readonly listeners = new Set<(event: TraceEvent) => void>();
  private dropped = 0;

  constructor(
    readonly maxTraces = DEFAULT_MAX_TRACES,
    private readonly maxSteps = MAX_STEPS_PER_TRACE,
  ) {
    if (!Number.isInteger(maxTraces) || maxTraces < 1) throw new RangeError(`maxTraces must be a whole number ≥ 1, not ${maxTraces}`);
  }

  start(id: string, root: { kind: string; parent?: string; causedBy?: string }, step: Omit<TraceStep, 'at'>): void {
    if (this.index.has(id)) {
      this.record(id, step);
      return;
    }
    const now = Date.now();
    const trace: Trace = { id, kind: root.kind, status: 'pending', ids: [id], startedAt: now, updatedAt: now, steps: [] };
    if (root.parent) trace.parent = this.index.get(root.parent) ?? root.parent;
    if (root.parent && root.causedBy) trace.causedBy = root.causedBy;
    this.traces.set(id, trace);
    this.index.set(id, id);
    this.append(trace, step, now);
    while (this.traces.size > this.maxTraces) this.dropOldest();
  }

  record(id: string, step: Omit<TraceStep, 'at'>): boolean {
    const trace = this.find(id);
    if (!trace) return false;
    this.append(trace, step, Date.now());
    return true;
  }

  link(childId: string, id: string): boolean {
    const trace = this.find(id);
    if (!trace) return false;
    if (this.index.get(childId) === trace.id) return true;
    this.index.set(childId, trace.id);
    trace.ids.push(childId);
    return true;
  }

  linkInvocation(traceRoot: string, requestId: string): boolean {
    const trace = this.find(requestId);
    if (!trace || this.invocations.has(traceRoot)) return false;
    this.invocations.set(traceRoot, { traceId: trace.id, requestId });
    const roots = this.rootsOf.get(trace.id);
    if (roots) roots.push(traceRoot);
    else this.rootsOf.set(trace.id, [traceRoot]);
    return true;
  }

  invocationOf(traceRoot: string): { traceId: string; requestId: string } | undefined {
    return this.invocations.get(traceRoot);
  }

  caused(parentId: string, childId: string, step: Omit<TraceStep, 'at'>): boolean {
    const parent = this.find(parentId);
    if (!parent) return false;
    const children = (parent.children ??= []);
    if (children.length < MAX_CHILDREN_PER_TRACE) children.push(childId);
    else parent.droppedChildren = (parent.droppedChildren ?? 0) + 1;
    if (children.length + (parent.droppedChildren ?? 0) <= MAX_CAUSED_STEPS) this.append(parent, step, Date.now());
    return true;
  }

  rootOf(id: string): string | undefined {
    return this.index.get(id);
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  /** The trace any of its ids names (or the X-Ray Root one of its invocations was given). */
  find(id: string): Trace | undefined {
    const root = this.index.get(id) ?? this.invocations.get(id)?.traceId;
    return root === undefined ? undefined : this.traces.get(root);
  }

  /** Newest first. */
  list(filter: { status?: Trace['status'] | 'failed'; since?: number; limit?: number } = {}): Trace[] {
    const out: Trace[] = [];
    const all = [...this.traces.values()];
    for (let i = all.length - 1; i >= 0 && out.length < (filter.limit ?? Infinity); i--) {
      const trace = all[i];
      if (filter.status && trace.status !== filter.status) continue;
      if (filter.since !== undefined && trace.updatedAt < filter.since) continue;
      out.push(trace);
    }
    return out;
  }

  /**
   * The kept traces `id`'s trace caused (an SQS message a lambda sent, say), and theirs down to `depth` levels,
   * at most `limit` in all, parents before their children.
   */
  children(id: string, depth = 1, limit = 500): Trace[] {
    const out: Trace[] = [];
    let level = [this.find(id)].filter((t): t is Trace => t !== undefined);
    for (let d = 0; d < depth && level.length > 0 && out.length < limit; d++) {
      const next: Trace[] = [];
      for (const parent of level) {
        for (const childId of parent.children ?? []) {
          const child = this.traces.get(childId);
          if (!child || out.length >= limit) continue;
          out.push(child);
          next.push(child);
        }
      }
      level = next;
    }
    return out;
  }

  stats(): TraceRingStats {
    return { kept: this.traces.size, maxTraces: this.maxTraces, droppedTraces: this.dropped };
  }

  /** New steps as they are recorded (the SSE stream); returns the unsubscribe function. */
  subscribe(listener: (event: TraceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private append(trace: Trace, input: Omit<TraceStep, 'at'>, now: number): void {
    const step = clipStep(input, now);
    if (trace.steps.length >= this.maxSteps) trace.droppedSteps = (trace.droppedSteps ?? 0) + 1;
    else trace.steps.push(step);
    trace.updatedAt = now;
    trace.status = statusOf(trace);
    if (this.listeners.size === 0) return;
    const event: TraceEvent = { traceId: trace.id, kind: trace.kind, status: trace.status, step };
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // a listener's failure (a closed stream) is its own business
      }
    }
  }

  private dropOldest(): void {
    const oldest = this.traces.keys().next();
    if (oldest.done) return;
    const trace = this.traces.get(oldest.value)!;
    this.traces.delete(oldest.value);
    for (const id of trace.ids) if (this.index.get(id) === trace.id) this.index.delete(id);
    for (const root of this.rootsOf.get(trace.id) ?? []) this.invocations.delete(root);
    this.rootsOf.delete(trace.id);
    this.dropped++;
  }
}

function clipStep(input: Omit<TraceStep, 'at'>, at: number): TraceStep {
  const step = { at, ...input } as TraceStep;
  for (const [key, value] of Object.entries(step)) {
    if (typeof value === 'string' && value.length > MAX_FIELD_CHARS) step[key] = value.slice(0, MAX_FIELD_CHARS - 1) + '…';
    if (value === undefined) delete step[key];
  }
  return step;
}
