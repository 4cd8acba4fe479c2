/**
 * A trace (from the engine's /_evlab/traces) as the paths it took, each a chain of segments:
 *   rule big-orders → order-counter ✗ ValueError "bad total" (attempt 1/3, 2/3, 3/3) → DLQ orders-dlq
 * Pure: no I/O, no colours (render.ts adds those).
 */
import type { Trace, TraceStep } from '../engine/traces/types.js';

export type PathStatus = 'ok' | 'failed' | 'pending';

export interface TracePath {
  segments: string[];
  status: PathStatus;
}

const MAX_MESSAGE_CHARS = 60;

/** The paths of a trace: one per rule target for events, one for an invocation or a message. */
export function tracePaths(trace: Pick<Trace, 'kind' | 'steps' | 'id'>): TracePath[] {
  const steps = trace.steps;
  const deliveries = steps.filter((s) => s.type === 'delivery' || s.type === 'delivery-failed' || s.type === 'delivery-skipped');
  const paths: TracePath[] = [];
  if (steps.some((s) => s.type === 'accepted')) {
    const dropped = steps.find((s) => s.type === 'dropped');
    if (dropped) return [{ segments: [`✗ dropped: ${dropped.reason}`], status: 'failed' }];
    for (const d of deliveries) paths.push(deliveryPath(d, steps));
    // A matched rule whose delivery has not been recorded yet (still being delivered or retried).
    const delivered = new Set(deliveries.map((d) => d.rule));
    for (const m of steps.filter((s) => s.type === 'rule-matched' && !delivered.has(s.rule))) {
      const retrying = steps.filter((s) => s.type === 'delivery-retry' && s.rule === m.rule).at(-1);
      paths.push({ segments: [`rule ${m.rule}`, retrying ? `${retrying.target} … delivery attempt ${retrying.attempt} failed (${retrying.errorCode}), retry in ${retrying.delayMs} ms` : '… delivering'], status: 'pending' });
    }
    if (paths.length === 0) {
      const notMatched = steps.find((s) => s.type === 'rules-not-matched');
      const count = Number(notMatched?.count ?? 0);
      paths.push({ segments: [`no rule matched${count ? ` (${count} enabled rule${count === 1 ? '' : 's'} on the bus: ${listNames(notMatched!)})` : ' (the bus has no enabled rule with targets)'}`], status: 'ok' });
    }
    return paths;
  }
  if (trace.kind === 'invocation') {
    const first = steps.find((s) => typeof s.requestId === 'string');
    const requestId = String(first?.requestId ?? trace.id);
    return [redriven(steps, lambdaChain(steps, requestId, String(first?.function ?? '?')), requestId)];
  }
  if (trace.kind === 'message') {
    const sent = steps.find((s) => s.type === 'message-sent');
    const chain = messageChain(steps, trace.id);
    return [{ segments: [`queue ${sent?.queue ?? '?'}`, ...chain.segments], status: chain.status }];
  }
  if (trace.kind === 's3') {
    const head = steps.find((s) => s.type === 's3-object-event');
    const label = `s3 ${head?.eventName} ${head?.bucket}/${head?.key}`;
    const notifications = steps.filter((s) => s.type === 'notification');
    if (notifications.length === 0) return [{ segments: [label, 'no notification matched'], status: 'ok' }];
    return notifications.map((n) => {
      if (n.ok === false) return { segments: [label, `${n.targetType} ${n.target} ✗ ${n.error}`], status: 'failed' as PathStatus };
      if (n.targetType === 'function') {
        const chain = redriven(steps, lambdaChain(steps, String(n.requestId), String(n.target)), String(n.requestId));
        return { segments: [label, ...chain.segments], status: chain.status };
      }
      if (n.targetType === 'queue') {
        const chain = messageChain(steps, String(n.messageId));
        return { segments: [label, `queue ${n.target}`, ...chain.segments], status: chain.status };
      }
      return { segments: [label, `EventBridge event ${n.eventId} (evlab trace ${n.eventId})`], status: 'ok' as PathStatus };
    });
  }
  if (trace.kind === 'api') return [apiPath(steps)];
  // Other services' traces: their steps in order.
  const failed = steps.some((s) => s.ok === false);
  return [{ segments: steps.map(genericSegment), status: failed ? 'failed' : 'ok' }];
}

/**
 * A request to an invoke URL: `GET /dev/v1/jobs → route ANY /v1/{proxy+} → job_api ✓ (12 ms) → 200`, or
 * `… → job_api ✗ TypeError "no such order" → 502`, `… → no route → 404`.
 */
function apiPath(steps: TraceStep[]): TracePath {
  const request = steps.find((s) => s.type === 'api-request');
  const integration = steps.find((s) => s.type === 'api-integration');
  const response = steps.find((s) => s.type === 'api-response');
  const front = request?.front === 'url' ? `function URL of ${request.apiName ?? request.api}` : `${request?.front === 'rest' ? 'REST' : 'HTTP'} API ${request?.apiName ?? request?.api}`;
  const segments = [`${request?.method} ${request?.path} (${front})`];
  if (request?.front !== 'url') segments.push(request?.routeKey ? `route ${request.routeKey}` : 'no route');
  if (integration) segments.push(integration.ok ? `${integration.function} ✓ (${integration.durationMs} ms)` : `${integration.function} ✗ ${integrationFailure(integration)}`);
  else if (request?.routeKey && !response) segments.push('… running');
  if (!response) return { segments: [...segments, '… waiting for the answer'], status: 'pending' };
  segments.push(response.ok ? String(response.status) : `${response.status} ✗`);
  return { segments, status: response.ok ? 'ok' : 'failed' };
}

function integrationFailure(step: TraceStep): string {
  const error = String(step.error ?? '');
  switch (step.outcome) {
    case 'function-error': {
      // "The Lambda function returned the following error: TypeError: no such order"
      const text = error.replace(/^The Lambda function returned the following error: /, '');
      const colon = text.indexOf(': ');
      return colon > 0 ? `${text.slice(0, colon)}${quote(text.slice(colon + 2))}` : `error${quote(text)}`;
    }
    case 'malformed-response':
      return 'malformed response (not a Lambda proxy response)';
    case 'integration-timeout':
      return `timed out${quote(error)}`;
    default:
      return `not invoked${quote(error)}`;
  }
}

/** ✓ processed, ✗ failed, … pending, ∅ matched no rule. */
export function statusMark(status: Trace['status']): string {
  return status === 'processed' ? '✓' : status === 'failed' ? '✗' : status === 'unmatched' ? '∅' : '…';
}

function deliveryPath(d: TraceStep, steps: TraceStep[]): TracePath {
  const rule = `rule ${d.rule}`;
  if (d.type === 'delivery-skipped') return { segments: [rule, `${d.target}: nothing delivered (${d.reason})`], status: 'ok' };
  if (d.type === 'delivery-failed') {
    const attempts = Number(d.attempts);
    const segments = [rule, `${d.target} ✗ ${d.errorCode}${quote(d.errorMessage)} (${attempts} delivery attempt${attempts === 1 ? '' : 's'})`];
    if (d.messageId) segments.push(`DLQ ${d.queue}`);
    else segments.push(d.queue ? `lost (DLQ ${d.queue} refused it: ${d.deadLetterError})` : 'lost (the target has no DLQ)');
    return { segments, status: 'failed' };
  }
  switch (d.targetType) {
    case 'lambda': {
      const chain = redriven(steps, lambdaChain(steps, String(d.requestId), String(d.target)), String(d.requestId));
      return { segments: [rule, ...chain.segments], status: chain.status };
    }
    case 'sqs': {
      const chain = messageChain(steps, String(d.messageId));
      return { segments: [rule, `queue ${d.target}`, ...chain.segments], status: chain.status };
    }
    case 'logs':
      return { segments: [rule, `log group ${d.target} ✓`], status: 'ok' };
    case 'bus':
      return { segments: [rule, `bus ${d.target} ✓`], status: 'ok' };
    default:
      return { segments: [rule, `${d.target} ✓`], status: 'ok' };
  }
}

/** An asynchronous invocation's attempts and ending. */
function lambdaChain(steps: TraceStep[], requestId: string, fn: string): TracePath {
  const mine = steps.filter((s) => s.requestId === requestId);
  const attempts = mine.filter((s) => s.type === 'invocation');
  const last = attempts.at(-1);
  const retry = mine.filter((s) => s.type === 'retry').at(-1);
  const segments: string[] = [];
  let status: PathStatus = 'pending';
  if (!last) segments.push(mine.some((s) => s.type === 'invocation-started') ? `${fn} … running` : `${fn} … queued`);
  else if (last.ok) {
    segments.push(`${fn} ✓${attempts.length > 1 ? ` (attempt ${last.attempt}/${last.maxAttempts}, after ${describeFailures(attempts.slice(0, -1))})` : ''}`);
    status = 'ok';
  } else {
    segments.push(`${fn} ✗ ${last.errorType}${quote(last.errorMessage)} (${attemptList(attempts)})`);
    if (retry && Number(retry.attempt) > Number(last.attempt)) segments.push(`retry ${retry.attempt} in ${retry.delayMs} ms`);
  }
  for (const s of mine) {
    if (s.type === 'dead-letter') {
      segments.push(s.ok ? `DLQ ${s.queue}` : `DLQ ${s.queue} refused it (${s.error})`);
      status = 'failed';
    } else if (s.type === 'destination') {
      segments.push(`${s.condition} ${s.destination}${s.ok ? '' : ` refused it (${s.error})`}`);
      if (s.condition === 'OnFailure') status = 'failed';
    } else if (s.type === 'discarded') {
      segments.push(`discarded: ${s.reason}`);
      status = 'failed';
    }
  }
  return { segments, status };
}

/**
 * A dead letter handed back by `evlab dlq redrive` (a message move task): the path goes on with the invocation
 * the move queued, under a new request id, and ends where that one ends.
 */
function redriven(steps: TraceStep[], path: TracePath, requestId: string, depth = 0): TracePath {
  const dead = steps.find((s) => s.type === 'dead-letter' && s.requestId === requestId && s.messageId);
  if (!dead || depth > 5) return path;
  const movedAt = steps.findIndex((s) => s.type === 'message-moved' && s.messageId === dead.messageId);
  if (movedAt < 0) return path;
  const moved = steps[movedAt];
  // The move queues the invocation before it records the move.
  const next = steps.slice(steps.indexOf(dead) + 1).find((s) => s.type === 'invocation-queued' && s.requestId !== requestId);
  if (!next) return { segments: [...path.segments, `redriven to ${moved.to}`], status: 'pending' };
  const after = redriven(steps, lambdaChain(steps, String(next.requestId), String(next.function)), String(next.requestId), depth + 1);
  return { segments: [...path.segments, 'redriven', ...after.segments], status: after.status };
}

/** A message's life in a queue: consumed by an event source mapping (deleted on success), or redriven to a DLQ. */
function messageChain(steps: TraceStep[], messageId: string): TracePath {
  const mine = steps.filter((s) => s.messageId === messageId);
  const invocations = mine.filter((s) => s.type === 'invocation');
  const redriven = mine.find((s) => s.type === 'message-redriven');
  const deleted = mine.some((s) => s.type === 'message-deleted');
  const segments: string[] = [];
  if (invocations.length > 0) {
    const last = invocations.at(-1)!;
    const fn = String(last.function);
    if (last.ok) segments.push(`${fn} ✓${invocations.length > 1 ? ` (receive ${last.attempt}, after ${describeFailures(invocations.slice(0, -1))})` : ''}`);
    else segments.push(`${fn} ✗ ${last.errorType}${quote(last.errorMessage)} (receive ${invocations.map((s) => s.attempt).join(', ')})`);
  } else if (mine.some((s) => s.type === 'message-received')) {
    segments.push(`received ${mine.filter((s) => s.type === 'message-received').length}×`);
  }
  if (redriven) return { segments: [...segments, `redriven to DLQ ${redriven.deadLetterQueue} (after ${redriven.receiveCount} receives)`], status: 'failed' };
  if (deleted) return { segments: invocations.length ? segments : [...segments, 'deleted ✓'], status: 'ok' };
  const consumed = mine.some((s) => s.type === 'message-received' && s.by === 'esm');
  return { segments: consumed ? [...segments, '… in the queue'] : segments.length ? segments : ['✓ in the queue'], status: consumed ? 'pending' : 'ok' };
}

function attemptList(attempts: TraceStep[]): string {
  const parts = attempts.map((s) => `${s.attempt}/${s.maxAttempts}`);
  return `attempt${parts.length === 1 ? '' : 's'} ${parts.join(', ')}`;
}

function describeFailures(failures: TraceStep[]): string {
  const types = [...new Set(failures.map((s) => String(s.errorType)))];
  return `${failures.length} failure${failures.length === 1 ? '' : 's'}: ${types.join(', ')}`;
}

function quote(message: unknown): string {
  if (typeof message !== 'string' || message === '') return '';
  const text = message.replace(/\s+/g, ' ').trim();
  return ` "${text.length > MAX_MESSAGE_CHARS ? text.slice(0, MAX_MESSAGE_CHARS - 1) + '…' : text}"`;
}

function listNames(step: TraceStep): string {
  const names = Array.isArray(step.rules) ? (step.rules as string[]) : [];
  const more = Number(step.count) - names.length;
  return names.join(', ') + (more > 0 ? `, … ${more} more` : '');
}

function genericSegment(step: TraceStep): string {
  const details = Object.entries(step)
    .filter(([k, v]) => !['at', 'type', 'service', 'ok'].includes(k) && (typeof v === 'string' || typeof v === 'number'))
    .map(([k, v]) => `${k}=${v}`)
    .slice(0, 4)
    .join(' ');
  return `${step.service} ${step.type}${details ? ` ${details}` : ''}${step.ok === false ? ' ✗' : step.ok ? ' ✓' : ''}`;
}
