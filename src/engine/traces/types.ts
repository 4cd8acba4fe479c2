/**
 * What a trace is made of. These types are the JSON the engine serves at /_evlab/traces (see index.ts for the
 * endpoints); the CLI's tree rendering (src/trace/) reads the same shapes, so keep them plain data.
 */

/** What started a trace: an accepted EventBridge event, an asynchronous Invoke, an SQS message sent through the API, … */
export type TraceKind = 'event' | 'invocation' | 'message' | 's3' | 'api' | (string & {});

/**
 * processed: every path ended well; failed: some path ended in a dead-letter queue, an OnFailure destination,
 * a discarded invocation or a lost delivery; pending: an invocation is running or waiting for a retry, or a
 * message a function consumes is not yet deleted; unmatched: an event that matched no rule.
 */
export type TraceStatus = 'pending' | 'processed' | 'failed' | 'unmatched';

/** Step types the engine records; other services (S3, API Gateway) may add their own. */
export type StepType =
  | 'accepted' // events: {bus, source, detailType}
  | 'dropped' // events: {reason} — an ending (the bus does not exist)
  | 'rule-matched' // events: {rule, targets}
  | 'rules-not-matched' // events: {rules: names (at most 20), count}
  | 'delivery' // events: {rule, target, targetType, input, attempt, ok, requestId? messageId? errorCode? errorMessage?}
  | 'delivery-retry' // events: {rule, target, attempt (the one that failed), delayMs, errorCode, errorMessage}
  | 'delivery-failed' // events: {rule, target, attempts, errorCode, errorMessage, queue?, messageId?} — an ending
  | 'invocation-queued' // lambda: {function, requestId, maxAttempts} (an asynchronous invocation was accepted)
  | 'invocation' // lambda: {function, requestId, trigger: async|sync|esm, attempt, maxAttempts, durationMs, ok, errorType?, errorMessage?, messageIds?}
  | 'retry' // lambda: {function, requestId, attempt (the next one), delayMs}
  | 'dead-letter' // lambda: {function, requestId, queue, messageId?, errorMessage, error?} — an ending
  | 'destination' // lambda: {function, requestId, condition: OnSuccess|OnFailure, destination, ok, error?}
  | 'discarded' // lambda: {function, requestId, reason} — an ending
  | 'message-sent' // sqs: {queue, messageId}
  | 'message-received' // sqs: {queue, messageId, receiveCount, by: api|esm}
  | 'message-deleted' // sqs: {queue, messageId, by: api|esm}
  | 'message-redriven' // sqs: {queue, deadLetterQueue, messageId, receiveCount} — an ending (maxReceiveCount reached)
  | 'message-moved' // sqs: {queue, to, messageId, taskHandle} (a message move task)
  | 'invocation-started' // lambda: {function, requestId, trigger: sync} (a synchronous Invoke is running)
  | 'caused' // any: {childService, childKind, child (its trace id), requestId + function (the invocation that made the call)}
  | 'api-request' // apigateway / lambda (function URL): {front: http|rest|url, api, apiName?, stage, method, path, routeKey?} (routeKey absent: no route)
  | 'api-integration' // {function, requestId (Lambda's), durationMs, ok, outcome, error?}
  | 'api-response' // {status, ok (status < 500), error?} — an ending
  | (string & {});

export interface TraceStep {
  /** Epoch milliseconds. */
  at: number;
  type: StepType;
  service: string;
  ok?: boolean;
  /** Step details as listed by StepType; short names (function, queue, rule), not ARNs. */
  [field: string]: unknown;
}

export interface Trace {
  /** The root id: the EventId, the request id of an asynchronous Invoke, or the message id of an SQS message sent through the API. */
  id: string;
  kind: TraceKind;
  status: TraceStatus;
  /** The trace that caused this one, when the engine knows it (a function's SDK call carried its X-Amzn-Trace-Id). */
  parent?: string;
  /** The request id of the invocation in `parent` that made the call. */
  causedBy?: string;
  /** Root ids of the traces this one caused (the first MAX_CHILDREN_PER_TRACE; the rest are counted in droppedChildren). */
  children?: string[];
  droppedChildren?: number;
  /** Every id indexed to this trace (root, request ids, message ids): any of them finds it. */
  ids: string[];
  startedAt: number;
  updatedAt: number;
  steps: TraceStep[];
  /** Steps beyond the per-trace cap (counted, not kept). */
  droppedSteps?: number;
}

/** How services record; `ctx.traces` on EngineContext. */
export interface TraceRecorder {
  /** Starts a trace rooted at `id` with its first step (a second start for the same id appends the step instead). */
  start(id: string, root: { kind: TraceKind; parent?: string; causedBy?: string }, step: Omit<TraceStep, 'at'>): void;
  /** Appends a step to the trace `id` belongs to (root or linked id); false when it belongs to none (never traced, or dropped from the ring). */
  record(id: string, step: Omit<TraceStep, 'at'>): boolean;
  /** Indexes `childId` (a request id, a message id) under the trace of `id`, so that steps recorded for it land there. */
  link(childId: string, id: string): boolean;
  /**
   * Indexes the X-Ray trace Root (`1-5f…-…`) the Lambda runtime handed to the invocation `requestId` (as
   * `_X_AMZN_TRACE_ID`), so that the SDK calls the function makes (X-Amzn-Trace-Id) find its trace. Lives as long
   * as that trace does in the ring. False when the invocation is not traced.
   */
  linkInvocation(traceRoot: string, requestId: string): boolean;
  /** The trace and invocation an X-Ray trace Root was handed to; undefined when no kept trace knows it. */
  invocationOf(traceRoot: string): { traceId: string; requestId: string } | undefined;
  /**
   * Notes on `parentId`'s trace that it caused the trace `childId` (already started with that parent): the child's
   * id joins `children`, and a 'caused' step is added for the first few children (many messages from one
   * invocation must not crowd out the parent's own steps).
   */
  caused(parentId: string, childId: string, step: Omit<TraceStep, 'at'>): boolean;
  /** The root id of the trace `id` belongs to. */
  rootOf(id: string): string | undefined;
  has(id: string): boolean;
  /** How many traces are kept, the cap, and how many were dropped (in /_evlab/health). */
  stats(): { kept: number; maxTraces: number; droppedTraces: number };
}
