/**
 * Per-event traces: what the engine did with every event, invocation and message, kept in a bounded ring
 * (`evlab up --max-traces N`, default 10 000; the oldest trace is dropped and counted).
 *
 * Recording (for every service, through `ctx.traces` on EngineContext):
 *   ctx.traces.start(rootId, { kind, parent? }, step)   a new trace (kind: event | invocation | message | s3 | api)
 *   ctx.traces.record(id, step)                           append to the trace `id` belongs to; false when none
 *   ctx.traces.link(childId, id)                          index a request id / message id under `id`'s trace
 * A step is `{ type, service, ok?, ...details }` with short names (function, queue, rule), never ARNs; the ring
 * stamps `at` (epoch ms) and clips long strings to 512 characters. Step types and their fields: types.ts.
 *
 * Endpoints (JSON; errors are `{ "error": { "code", "message", "hint"? } }` with 400/404):
 *
 *   GET /_evlab/traces[?failed=1][&status=pending|processed|failed|unmatched][&since=MS|ISO][&limit=N (1000)]
 *     → { "kept": 12, "maxTraces": 10000, "droppedTraces": 0, "returned": 12, "traces": [Trace, …] }   newest first
 *
 *   GET /_evlab/traces/<id>        id: an EventId, a request id or an SQS message id
 *     → { "trace": Trace, "children": [Trace, …] }   children: traces whose parent is this one
 *
 *   GET /_evlab/traces/stream      Server-Sent Events, one per recorded step:
 *     event: step
 *     data: { "traceId": "…", "kind": "event", "status": "pending", "step": TraceStep }
 *
 * Trace: { id, kind, status, parent?, ids: [every indexed id], startedAt, updatedAt, steps: [TraceStep], droppedSteps? }
 * TraceStep: { at, type, service, ok?, … }, e.g.
 *   { "type": "accepted", "service": "events", "bus": "default", "source": "shop", "detailType": "OrderPlaced" }
 *   { "type": "rule-matched", "service": "events", "rule": "big-orders", "targets": 1 }
 *   { "type": "delivery", "service": "events", "rule": "big-orders", "target": "order-counter", "targetType": "lambda", "input": "{…}", "attempt": 1, "ok": true, "requestId": "…" }
 *   { "type": "invocation", "service": "lambda", "function": "order-counter", "requestId": "…", "trigger": "async", "attempt": 1, "maxAttempts": 3, "durationMs": 12, "ok": false, "errorType": "ValueError", "errorMessage": "…" }
 *   { "type": "retry", "service": "lambda", "function": "order-counter", "requestId": "…", "attempt": 2, "delayMs": 1000 }
 *   { "type": "dead-letter", "service": "lambda", "function": "order-counter", "requestId": "…", "queue": "orders-dlq", "messageId": "…", "ok": true }
 * status (status.ts): failed when a path ended in a DLQ / OnFailure / discard / lost delivery / SQS redrive;
 * pending while an invocation runs or waits for a retry, or a consumed message is not deleted; unmatched: no rule matched.
 */
export { TraceRing, DEFAULT_MAX_TRACES, MAX_STEPS_PER_TRACE, type TraceEvent, type TraceRingStats } from './ring.js';
export { statusOf } from './status.js';
export { handleTraceEndpoint } from './routes.js';
export type { StepType, Trace, TraceKind, TraceRecorder, TraceStatus, TraceStep } from './types.js';

/** The list endpoint's answer. */
export interface TraceListResponse {
  traces: import('./types.js').Trace[];
  /** How many traces the ring holds now (the list may be shorter: filters, limit). */
  kept: number;
  maxTraces: number;
  droppedTraces: number;
  returned: number;
}
