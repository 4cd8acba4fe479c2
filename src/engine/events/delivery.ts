/**
 * Delivery of matched events to rule targets, after PutEvents has answered: Lambda (asynchronous invoke), SQS,
 * CloudWatch Logs and other buses. A failed delivery is retried a little (the engine's retry unit, at most
 * ENGINE_MAX_RETRIES times, within the target's RetryPolicy), then goes to the target's dead-letter queue, or is
 * logged and counted: an accepted event is never dropped silently.
 *
 * The engine's idle signal counts an event as in flight from acceptance until every delivery call for it has
 * finished (including retries and the dead-letter send).
 */
import { AwsError } from '../protocol/aws-error.js';
import type { LogsService } from '../logs/service.js';
import type { EngineContext, InternalMessageAttribute } from '../types.js';
import type { AcceptedEvent } from './envelope.js';
import type { StoredTarget } from './state.js';
import type { Payload, RuleInfo } from './target-input.js';

/** AWS retries for up to 24 hours; a laptop engine gives up after a couple of quick retries. */
const ENGINE_MAX_RETRIES = 2;
/** Failures kept for inspection (tests, status); older ones are only counted. */
const MAX_KEPT_FAILURES = 1000;

export interface DeliveryFailure {
  at: string;
  eventId: string;
  ruleArn: string;
  targetId: string;
  targetArn: string;
  attempts: number;
  errorCode: string;
  errorMessage: string;
  /** Where the event went instead: the DLQ and its message id, or why the DLQ send failed too. */
  deadLetter?: { arn: string; messageId?: string; error?: string };
}

export interface DeliveryStats {
  eventsAccepted: number;
  /** Accepted for a bus that does not exist: AWS drops these; the engine logs and counts them. */
  eventsForMissingBus: number;
  deliveries: number;
  deliveryFailures: number;
  sentToDeadLetterQueue: number;
}

export interface PendingDelivery {
  rule: RuleInfo;
  target: StoredTarget;
}

/** A failure not worth retrying (a target type the engine cannot reach, a bus loop). */
export class PermanentDeliveryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Re-puts an event on another bus (a bus target); throws when the bus does not exist or the loop guard trips. */
export type ForwardEvent = (event: AcceptedEvent, region: string, bus: string) => void;

export class Dispatcher {
  readonly failures: DeliveryFailure[] = [];
  readonly stats: DeliveryStats = { eventsAccepted: 0, eventsForMissingBus: 0, deliveries: 0, deliveryFailures: 0, sentToDeadLetterQueue: 0 };
  private stopped = false;
  private readonly waits = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly forward: ForwardEvent,
  ) {}

  /** Queues the deliveries for after the current request; the event counts as activity until they are done. */
  dispatch(event: AcceptedEvent, deliveries: PendingDelivery[]): void {
    if (deliveries.length === 0) return;
    const done = this.ctx.activity.begin('event');
    const acceptedAt = Date.now();
    setImmediate(() => {
      const running = deliveries.map((d) => this.deliver(event, d, acceptedAt));
      void Promise.allSettled(running).finally(done);
    });
  }

  stop(): void {
    this.stopped = true;
    for (const wait of this.waits) {
      clearTimeout(wait.timer);
      wait.wake();
    }
    this.waits.clear();
  }

  private async deliver(event: AcceptedEvent, { rule, target }: PendingDelivery, acceptedAt: number): Promise<void> {
    let payload: Payload | undefined;
    try {
      payload = target.kind.kind === 'bus' ? undefined : target.input(event, rule);
    } catch (err) {
      return this.fail(event, rule, target, 1, err, 'MaximumRetryAttemptsExhausted');
    }
    if (target.kind.kind !== 'bus' && payload === undefined) {
      this.ctx.options.log(`events: ${target.spec.InputPath} of target ${target.id} (rule ${rule.arn}) reaches nothing in event ${event.fields.id}; nothing delivered`);
      this.ctx.traces.record(event.fields.id, { type: 'delivery-skipped', service: 'events', rule: rule.name, target: targetLabel(target), reason: `InputPath ${target.spec.InputPath} reaches nothing in the event` });
      return;
    }
    const retries = Math.min(target.maxRetries, ENGINE_MAX_RETRIES);
    const traceId = event.fields.id;
    const traced = { service: 'events', rule: rule.name, target: targetLabel(target), targetType: target.kind.kind };
    for (let attempt = 1; ; attempt++) {
      try {
        const ids = await this.send(event, target, payload);
        this.stats.deliveries++;
        this.ctx.traces.record(traceId, { type: 'delivery', ...traced, input: payload?.plain, attempt, ok: true, ...ids });
        return;
      } catch (err) {
        if (err instanceof PermanentDeliveryError || this.stopped || attempt > retries) {
          return this.fail(event, rule, target, attempt, err, 'MaximumRetryAttemptsExhausted');
        }
        const delay = attempt * this.ctx.options.lambdaRetryBaseDelayMs;
        if (Date.now() + delay - acceptedAt > target.maxAgeSeconds * 1000) {
          return this.fail(event, rule, target, attempt, err, 'MaximumEventAgeExhausted');
        }
        const { errorCode, errorMessage } = describeError(err);
        this.ctx.traces.record(traceId, { type: 'delivery-retry', ...traced, attempt, delayMs: delay, ok: false, errorCode, errorMessage });
        await this.sleep(delay);
      }
    }
  }

  /** Returns the id the target gave the delivery (a Lambda request id, an SQS message id), which the trace indexes. */
  private async send(event: AcceptedEvent, target: StoredTarget, payload: Payload | undefined): Promise<{ requestId?: string; messageId?: string }> {
    const kind = target.kind;
    const traceId = event.fields.id;
    switch (kind.kind) {
      case 'lambda':
        return { requestId: (await (await this.ctx.service('lambda')).invokeAsync(kind.arn, payload!.json, { traceId })).requestId };
      case 'sqs': {
        // FIFO queues take the group from the target's SqsParameters; deduplication is the queue's (content-based), as on AWS.
        const sqs = await this.ctx.service('sqs');
        return { messageId: (await sqs.sendToArn(kind.arn, payload!.plain, undefined, sqsFifoOptions(target), traceId)).messageId };
      }
      case 'logs': {
        // One stream per event, named by the event id, in the log group's own region.
        const logs = (await this.ctx.service('logs')) as LogsService;
        logs.append(kind.group, event.fields.id, [{ timestamp: Date.now(), message: payload!.plain }], kind.region || this.ctx.options.region);
        return {};
      }
      case 'bus':
        // Bus targets receive the event itself: input transformation does not apply between buses.
        this.forward(event, kind.region || this.ctx.options.region, kind.bus);
        return {};
      default:
        throw new PermanentDeliveryError('UnsupportedTarget', `The evlab engine does not deliver to ${kind.service} targets.`);
    }
  }

  private async fail(
    event: AcceptedEvent,
    rule: RuleInfo,
    target: StoredTarget,
    attempts: number,
    err: unknown,
    condition: 'MaximumRetryAttemptsExhausted' | 'MaximumEventAgeExhausted',
  ): Promise<void> {
    const { errorCode, errorMessage } = describeError(err);
    const failure: DeliveryFailure = {
      at: new Date().toISOString(),
      eventId: event.fields.id,
      ruleArn: rule.arn,
      targetId: target.id,
      targetArn: target.arn,
      attempts,
      errorCode,
      errorMessage,
    };
    if (target.deadLetterArn) {
      failure.deadLetter = await this.sendToDeadLetterQueue(event, rule, target, failure, condition);
    }
    this.stats.deliveryFailures++;
    this.ctx.traces.record(event.fields.id, {
      type: 'delivery-failed',
      service: 'events',
      rule: rule.name,
      target: targetLabel(target),
      targetType: target.kind.kind,
      attempts,
      condition,
      errorCode,
      errorMessage,
      queue: failure.deadLetter ? nameOfArn(failure.deadLetter.arn) : undefined,
      messageId: failure.deadLetter?.messageId,
      deadLetterError: failure.deadLetter?.error,
      ok: false,
    });
    if (failure.deadLetter?.messageId) this.ctx.traces.link(failure.deadLetter.messageId, event.fields.id);
    this.failures.push(failure);
    if (this.failures.length > MAX_KEPT_FAILURES) this.failures.shift();
    const outcome = failure.deadLetter?.messageId
      ? `sent to dead-letter queue ${failure.deadLetter.arn}`
      : failure.deadLetter
        ? `dead-letter queue ${failure.deadLetter.arn} refused it too (${failure.deadLetter.error}); event lost`
        : 'no dead-letter queue configured; event lost';
    this.ctx.options.log(
      `events: delivery of event ${failure.eventId} to ${target.arn} (rule ${rule.arn}, target ${target.id}) failed after ${attempts} attempt(s): ${errorCode}: ${errorMessage}; ${outcome}`,
    );
  }

  /** The event with the attributes AWS puts on dead-lettered EventBridge events. */
  private async sendToDeadLetterQueue(
    event: AcceptedEvent,
    rule: RuleInfo,
    target: StoredTarget,
    failure: DeliveryFailure,
    condition: string,
  ): Promise<DeliveryFailure['deadLetter']> {
    const arn = target.deadLetterArn!;
    const text = (value: string): InternalMessageAttribute => ({ DataType: 'String', StringValue: value });
    try {
      const sqs = await this.ctx.service('sqs');
      const { messageId } = await sqs.sendToArn(arn, event.json, {
        RULE_ARN: text(rule.arn),
        TARGET_ARN: text(target.arn),
        ERROR_CODE: text(failure.errorCode),
        ERROR_MESSAGE: text(failure.errorMessage.slice(0, 1024) || failure.errorCode),
        EXHAUSTED_RETRY_CONDITION: text(condition),
        RETRY_ATTEMPTS: { DataType: 'Number', StringValue: String(failure.attempts - 1) },
      });
      this.stats.sentToDeadLetterQueue++;
      return { arn, messageId };
    } catch (err) {
      return { arn, error: (err as Error)?.message ?? String(err) };
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wait = {
        timer: setTimeout(() => {
          this.waits.delete(wait);
          resolve();
        }, ms),
        wake: resolve,
      };
      this.waits.add(wait);
    });
  }
}

function describeError(err: unknown): { errorCode: string; errorMessage: string } {
  const errorCode = err instanceof AwsError || err instanceof PermanentDeliveryError ? err.code : (err as Error)?.name ?? 'Error';
  return { errorCode, errorMessage: (err as Error)?.message ?? String(err) };
}

/** The name a trace shows for a target: the function, queue, log group or bus, not its ARN. */
function targetLabel(target: StoredTarget): string {
  const kind = target.kind;
  if (kind.kind === 'logs') return kind.group;
  if (kind.kind === 'bus') return kind.bus;
  // arn:aws:lambda:region:account:function:name[:qualifier]
  if (kind.kind === 'lambda') return target.arn.split(':')[6] ?? target.arn;
  return nameOfArn(target.arn);
}

function nameOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1).split('/').pop() ?? arn;
}

function sqsFifoOptions(target: StoredTarget): { groupId?: string } | undefined {
  const parameters = target.spec.SqsParameters as { MessageGroupId?: unknown } | undefined;
  return typeof parameters?.MessageGroupId === 'string' ? { groupId: parameters.MessageGroupId } : undefined;
}
