import { randomUUID } from 'node:crypto';
import type { LambdaCore } from './core.js';
import { startCaused, type TraceCause } from '../traces/cause.js';
import { invocationRecord, sendToDeadLetterQueue, sendToDestination, type Condition } from './destinations.js';
import type { InvocationOutcome } from './environment.js';
import { newLogStreamName } from './logs.js';
import type { EventInvokeConfig, LambdaFunction } from './model.js';

/** AWS's defaults for asynchronous invocation: 2 retries, events kept up to 6 hours. */
const DEFAULT_RETRIES = 2;
const DEFAULT_MAX_AGE_SECONDS = 21_600;

interface AsyncEvent {
  region: string;
  name: string;
  payload: Buffer;
  requestId: string;
  invokedArn: string;
  enqueuedAt: number;
  attempts: number;
  last?: InvocationOutcome;
  /** Ends the activity this event holds now ('invocation' while queued or running, 'retry' while waiting). */
  release: () => void;
}

/**
 * Asynchronous invocations (Invoke with InvocationType Event, EventBridge targets, destinations).
 * Every accepted event ends in exactly one way: a success (and its OnSuccess destination), or after
 * its last failure the dead-letter queue and/or OnFailure destination, or a logged failure.
 *
 * Retry n waits n × lambdaRetryBaseDelayMs. AWS waits about 1 minute before the first retry and 2
 * before the second; the engine's unit defaults to 1 s so that a failure path takes seconds locally.
 */
export class AsyncInvoker {
  private readonly timers = new Map<NodeJS.Timeout, AsyncEvent>();
  private readonly logStream = newLogStreamName();
  private stopped = false;

  constructor(private readonly core: () => LambdaCore) {}

  /**
   * Accepts an event (the caller has checked the function exists); returns its request id. The invocation is
   * traced under whatever trace its request id is linked to, else as its own trace (a child of `cause`'s when a
   * function's SDK call asked for it).
   */
  enqueue(fn: LambdaFunction, payload: Buffer, requestId: string = randomUUID(), invokedArn = fn.arn, cause?: TraceCause): string {
    const traces = this.core().ctx.traces;
    const linked = traces.has(requestId);
    startCaused(traces, linked ? undefined : cause, requestId, 'invocation', { type: 'invocation-queued', service: 'lambda', function: fn.name, requestId, maxAttempts: maxAttempts(this.core().store.invokeConfigOf(invokedArn, fn)) });
    const event: AsyncEvent = {
      region: fn.region,
      name: fn.name,
      payload,
      requestId,
      invokedArn,
      enqueuedAt: Date.now(),
      attempts: 0,
      release: this.core().ctx.activity.begin('invocation'),
    };
    void this.attempt(event);
    return requestId;
  }

  /** Drops waiting retries (their activity ends); running attempts finish on their own. */
  stop(): void {
    this.stopped = true;
    for (const [timer, event] of this.timers) {
      clearTimeout(timer);
      this.core().ctx.options.log(`lambda: engine stopped before retrying asynchronous invocation ${event.requestId} of ${event.name}`);
      event.release();
    }
    this.timers.clear();
  }

  private async attempt(event: AsyncEvent): Promise<void> {
    const core = this.core();
    try {
      // By the ARN it was invoked with: a version runs that version, an alias whatever version it names by then.
      const fn = core.store.find(event.invokedArn, event.region);
      if (!fn) return this.drop(event, `the function ${event.name} no longer exists`);
      await core.store.whenSettled(fn);
      if (!core.store.isCurrent(fn)) return this.drop(event, `the function ${event.name} no longer exists`);
      // Through an alias, the alias's event invoke config applies (AWS keeps one per qualifier).
      const config = core.store.invokeConfigOf(event.invokedArn, fn);
      const maxAge = config?.maximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_SECONDS;
      if (Date.now() - event.enqueuedAt > maxAge * 1000) return await this.fail(event, fn, 'EventAgeExceeded');
      if (fn.state === 'Failed') return await this.fail(event, fn, 'RetriesExhausted', `The function is in the Failed state: ${fn.stateReason ?? ''}`);
      // Reserved concurrency 0: AWS sends new events straight to the DLQ / OnFailure destination, without retries.
      if (fn.reservedConcurrency === 0) return await this.fail(event, fn, 'RetriesExhausted', 'Rate Exceeded.', '429');
      event.attempts += 1;
      const started = performance.now();
      const outcome = await core.invoker.invoke(fn, { requestId: event.requestId, payload: event.payload, invokedArn: event.invokedArn, tail: false });
      event.last = outcome;
      core.ctx.traces.record(event.requestId, {
        type: 'invocation',
        service: 'lambda',
        function: fn.name,
        requestId: event.requestId,
        trigger: 'async',
        attempt: event.attempts,
        maxAttempts: maxAttempts(config),
        durationMs: Math.round(performance.now() - started),
        ok: !outcome.error,
        errorType: outcome.error?.type,
        errorMessage: outcome.error?.message,
      });
      if (!outcome.error) return await this.succeed(event, fn, outcome);
      const retries = config?.maximumRetryAttempts ?? DEFAULT_RETRIES;
      if (event.attempts <= retries && !this.stopped) return this.scheduleRetry(event);
      await this.fail(event, fn, 'RetriesExhausted');
    } catch (err) {
      core.ctx.options.log(`lambda: asynchronous invocation ${event.requestId} of ${event.name} failed in the engine: ${(err as Error)?.stack ?? err}`);
      event.release();
    }
  }

  private scheduleRetry(event: AsyncEvent): void {
    const activity = this.core().ctx.activity;
    const retrying = activity.begin('retry');
    event.release();
    event.release = retrying;
    const delay = event.attempts * this.core().ctx.options.lambdaRetryBaseDelayMs;
    this.core().ctx.traces.record(event.requestId, { type: 'retry', service: 'lambda', function: event.name, requestId: event.requestId, attempt: event.attempts + 1, delayMs: delay });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      event.release = activity.begin('invocation');
      retrying();
      void this.attempt(event);
    }, delay);
    this.timers.set(timer, event);
  }

  private async succeed(event: AsyncEvent, fn: LambdaFunction, outcome: InvocationOutcome): Promise<void> {
    const destination = this.core().store.invokeConfigOf(event.invokedArn, fn)?.onSuccess;
    try {
      if (destination) {
        const record = invocationRecord(fn, event.requestId, 'Success', event.attempts, event.payload, { payload: outcome.payload, error: false });
        const sent = await this.deliver(() => sendToDestination(this.core(), destination, record, fn, true, event.requestId), fn, event, `OnSuccess destination ${destination}`);
        this.traceDestination(event, fn, 'OnSuccess', destination, sent);
      }
    } finally {
      event.release();
    }
  }

  private async fail(event: AsyncEvent, fn: LambdaFunction, condition: Condition, reason?: string, errorCode = '200'): Promise<void> {
    const core = this.core();
    const errorMessage = reason ?? event.last?.error?.message ?? 'Unhandled';
    const dlq = fn.settings.deadLetterArn;
    const onFailure = core.store.invokeConfigOf(event.invokedArn, fn)?.onFailure;
    try {
      if (dlq) {
        const sent = await this.deliver(() => sendToDeadLetterQueue(core, dlq, event.payload, event.requestId, errorMessage, errorCode), fn, event, `dead-letter queue ${dlq}`);
        core.ctx.traces.record(event.requestId, {
          type: 'dead-letter',
          service: 'lambda',
          function: fn.name,
          requestId: event.requestId,
          queue: nameOfArn(dlq),
          condition,
          attempts: event.attempts,
          errorMessage,
          messageId: sent.result?.messageId,
          error: sent.error,
          ok: !sent.error,
        });
      }
      if (onFailure) {
        const response = event.last ? { payload: event.last.payload, error: true } : undefined;
        const record = invocationRecord(fn, event.requestId, condition, event.attempts, event.payload, response);
        const sent = await this.deliver(() => sendToDestination(core, onFailure, record, fn, false, event.requestId), fn, event, `OnFailure destination ${onFailure}`);
        this.traceDestination(event, fn, 'OnFailure', onFailure, sent);
      }
      if (!dlq && !onFailure) {
        core.ctx.traces.record(event.requestId, {
          type: 'discarded',
          service: 'lambda',
          function: fn.name,
          requestId: event.requestId,
          reason: `${condition} after ${event.attempts} attempt(s), no dead-letter queue or OnFailure destination`,
          errorMessage,
        });
        core.ctx.options.log(
          `lambda: asynchronous invocation ${event.requestId} of ${fn.name} failed (${condition}, ${event.attempts} attempts) and was discarded: no dead-letter queue or OnFailure destination. Error: ${errorMessage}`,
        );
      }
    } finally {
      event.release();
    }
  }

  /** A record that cannot be delivered is reported in the function's log group and the engine log. */
  private async deliver<T>(send: () => Promise<T>, fn: LambdaFunction, event: AsyncEvent, what: string): Promise<{ result?: T; error?: string }> {
    try {
      return { result: await send() };
    } catch (err) {
      const message = `evlab: could not send asynchronous invocation ${event.requestId} to the ${what}: ${(err as Error)?.message ?? err}`;
      this.core().sink.write(fn.region, fn.settings.logGroup, this.logStream, `${message}\n`);
      this.core().ctx.options.log(`lambda: ${message}`);
      return { error: (err as Error)?.message ?? String(err) };
    }
  }

  private traceDestination(
    event: AsyncEvent,
    fn: LambdaFunction,
    condition: 'OnSuccess' | 'OnFailure',
    destination: string,
    sent: { result?: { messageId?: string; requestId?: string }; error?: string },
  ): void {
    this.core().ctx.traces.record(event.requestId, {
      type: 'destination',
      service: 'lambda',
      function: fn.name,
      requestId: event.requestId,
      condition,
      destination: nameOfArn(destination),
      messageId: sent.result?.messageId,
      destinationRequestId: sent.result?.requestId,
      error: sent.error,
      ok: !sent.error,
    });
  }

  private drop(event: AsyncEvent, why: string): void {
    this.core().ctx.options.log(`lambda: asynchronous invocation ${event.requestId} was discarded: ${why}`);
    this.core().ctx.traces.record(event.requestId, { type: 'discarded', service: 'lambda', function: event.name, requestId: event.requestId, reason: why });
    event.release();
  }
}

function maxAttempts(config: EventInvokeConfig | undefined): number {
  return (config?.maximumRetryAttempts ?? DEFAULT_RETRIES) + 1;
}

/** The resource name of an ARN (a queue, a function, a bus) for traces. */
function nameOfArn(arn: string): string {
  const parts = arn.split(':');
  if (parts[2] === 'lambda') return parts[6] ?? arn;
  return parts[parts.length - 1].split('/').pop() ?? arn;
}
