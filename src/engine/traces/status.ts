import type { Trace, TraceStatus } from './types.js';

/** Steps that end a path badly: the event or message did not end as processed. */
const ROUTING = '\u0000routing';
const FAILURE_ENDINGS = new Set(['delivery-failed', 'dead-letter', 'discarded', 'message-redriven', 'dropped']);

/**
 * A trace's status from its steps. Paths are followed by id: an asynchronous invocation (request id) is open from
 * being queued until it succeeds or reaches its ending; a message a function consumes (received by an event source
 * mapping) is open until it is deleted or redriven. Messages that nobody consumes do not keep a trace pending.
 */
export function statusOf(trace: Pick<Trace, 'steps'>): TraceStatus {
  let failed = false;
  let accepted = false;
  let matched = false;
  // An API request between its arrival and its response.
  let apiOpen = false;
  const invocations = new Set<string>();
  const messages = new Set<string>();
  // Deliveries still owed per matched rule (one per target), so that a trace between routing and delivery is pending.
  const deliveriesDue = new Map<string, number>();
  for (const step of trace.steps) {
    const requestId = typeof step.requestId === 'string' ? step.requestId : undefined;
    const messageId = typeof step.messageId === 'string' ? step.messageId : undefined;
    if (FAILURE_ENDINGS.has(step.type)) {
      failed = true;
      if (step.type === 'delivery-failed') settleDelivery(deliveriesDue, step.rule);
      if (requestId) invocations.delete(requestId);
      if (messageId && step.type === 'message-redriven') messages.delete(messageId);
      continue;
    }
    switch (step.type) {
      case 'accepted':
        accepted = true;
        // The rule steps of this routing follow: until they are there, the event is pending, not unmatched.
        if (Number(step.matched) > 0) {
          matched = true;
          deliveriesDue.set(ROUTING, (deliveriesDue.get(ROUTING) ?? 0) + Number(step.matched));
        }
        break;
      case 'rule-matched':
        matched = true;
        settleDelivery(deliveriesDue, ROUTING);
        deliveriesDue.set(String(step.rule), (deliveriesDue.get(String(step.rule)) ?? 0) + Number(step.targets ?? 0));
        break;
      case 'delivery':
      case 'delivery-skipped':
        settleDelivery(deliveriesDue, step.rule);
        break;
      case 'invocation-queued':
      case 'invocation-started':
      case 'retry':
        if (requestId) invocations.add(requestId);
        break;
      case 'invocation':
        // A synchronous caller got the error back; nothing retries it.
        if (step.trigger === 'sync' && !step.ok) failed = true;
        if (step.trigger === 'sync' && requestId) invocations.delete(requestId);
        if (step.trigger !== 'async' || !requestId) break;
        if (step.ok) invocations.delete(requestId);
        else invocations.add(requestId); // a retry or an ending follows
        break;
      case 'api-request':
        apiOpen = true;
        break;
      case 'api-response':
        apiOpen = false;
        // 5xx: the integration failed (502 malformed response or function error, 504 timeout, 500 refused).
        if (step.ok === false) failed = true;
        break;
      case 'notification':
      case 'api-integration':
        // S3 and API Gateway hand-ons that failed (the target refused it): nothing retries them.
        if (step.ok === false) failed = true;
        break;
      case 'destination':
        if (step.condition === 'OnFailure') failed = true;
        if (requestId) invocations.delete(requestId);
        break;
      case 'message-received':
        if (step.by === 'esm' && messageId) messages.add(messageId);
        break;
      case 'message-deleted':
        if (messageId) messages.delete(messageId);
        break;
      case 'message-moved':
        // A dead letter handed back (a redrive): what happens to it next decides.
        failed = false;
        if (messageId) messages.delete(messageId);
        break;
    }
  }
  if (failed) return 'failed';
  if (apiOpen || invocations.size > 0 || messages.size > 0 || [...deliveriesDue.values()].some((n) => n > 0)) return 'pending';
  if (accepted && !matched) return 'unmatched';
  return 'processed';
}

function settleDelivery(due: Map<string, number>, rule: unknown): void {
  const key = String(rule);
  const left = due.get(key);
  if (left !== undefined) due.set(key, left - 1);
}
