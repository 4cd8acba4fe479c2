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
 *   GET /_evlab/traces/<id>[?depth=N (3)]   id: an EventId, a request id, an SQS message id, an API request id
 *     → { "trace": Trace, "children": [Trace, …] }   children: the traces this one caused (trace.children ids) and
 *       theirs, N generations deep, at most 500, parents first; each child names its `parent` and `causedBy`
 *
 * Parent links (cause.ts): the Lambda runtime hands each invocation an X-Ray header (_X_AMZN_TRACE_ID); the AWS
 * SDKs send it as X-Amzn-Trace-Id, and SendMessage(Batch), PutEvents, PutObject and Invoke (Event) carrying it start
 * a trace with `parent` (the invocation's trace) and `causedBy` (its request id), noted on the parent as
 *   { "type": "caused", "service": "sqs", "requestId": "<the invocation>", "childKind": "message", "child": "<id>" }
 * (the first 10 children; `children` lists the first 1000, `droppedChildren` counts the rest).
 *
 *   GET /_evlab/traces/stream      Server-Sent Events, one per recorded step:
 *     event: step
 *     data: { "traceId": "…", "kind": "event", "status": "pending", "step": TraceStep }
 *
 * Trace: { id, kind, status, parent?, causedBy?, children?: [ids], droppedChildren?, ids: [every indexed id], startedAt, updatedAt, steps: [TraceStep], droppedSteps? }
 * API requests (kind api, rooted at requestContext.requestId = the apigw-requestid / x-amzn-RequestId header):
 *   { "type": "api-request", "service": "apigateway", "front": "http", "api": "a1b2", "apiName": "shop", "stage": "dev", "method": "GET", "path": "/dev/orders", "routeKey": "GET /orders" }
 *   { "type": "api-integration", "service": "apigateway", "function": "orders", "requestId": "…", "durationMs": 8, "outcome": "response", "ok": true }
 *   { "type": "api-response", "service": "apigateway", "status": 200, "ok": true }   (5xx: ok false, the trace failed)
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
export { TraceRing, DEFAULT_MAX_TRACES, MAX_STEPS_PER_TRACE, MAX_CHILDREN_PER_TRACE, type TraceEvent, type TraceRingStats } from './ring.js';
export { causeOf, newTraceHeader, startCaused, traceRootOf, type TraceCause } from './cause.js';
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
