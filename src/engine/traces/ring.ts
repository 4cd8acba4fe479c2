import { statusOf } from './status.js';
import type { Trace, TraceRecorder, TraceStep } from './types.js';

/** Default number of traces kept (`evlab up --max-traces`); each holds its steps, a few hundred bytes to a few KB. */
export const DEFAULT_MAX_TRACES = 10_000;
/** Steps kept per trace; a message that loops for hours must not grow one trace without bound. */
export const MAX_STEPS_PER_TRACE = 200;
/** Longest text kept in a step field (inputs, error messages): traces are for finding things, not archives. */
export const MAX_FIELD_CHARS = 512;

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
  private readonly listeners = new Set<(event: TraceEvent) => void>();
  private dropped = 0;

  constructor(
    readonly maxTraces = DEFAULT_MAX_TRACES,
    private readonly maxSteps = MAX_STEPS_PER_TRACE,
  ) {
    if (!Number.isInteger(maxTraces) || maxTraces < 1) throw new RangeError(`maxTraces must be a whole number ≥ 1, not ${maxTraces}`);
  }

  start(id: string, root: { kind: string; parent?: string }, step: Omit<TraceStep, 'at'>): void {
    if (this.index.has(id)) {
      this.record(id, step);
      return;
    }
    const now = Date.now();
    const trace: Trace = { id, kind: root.kind, status: 'pending', ids: [id], startedAt: now, updatedAt: now, steps: [] };
    if (root.parent) trace.parent = this.index.get(root.parent) ?? root.parent;
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

  rootOf(id: string): string | undefined {
    return this.index.get(id);
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  /** The trace any of its ids names. */
  find(id: string): Trace | undefined {
    const root = this.index.get(id);
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

  /** Traces whose parent is `id`'s trace (an SQS message a lambda sent, say). */
  children(id: string): Trace[] {
    const root = this.index.get(id);
    if (root === undefined) return [];
    return [...this.traces.values()].filter((t) => t.parent === root);
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
