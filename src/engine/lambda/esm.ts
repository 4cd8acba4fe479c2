import { randomUUID } from 'node:crypto';
import type { InternalMessage, SqsInternal } from '../types.js';
import { parseArn } from './arn.js';
import type { LambdaCore } from './core.js';
import type { EventSourceMapping } from './model.js';
import { batchItemFailures, sqsRecord } from './sqs-event.js';

/** Batches a mapping runs at once (AWS starts SQS mappings with 5 pollers; ScalingConfig can cap it). */
const DEFAULT_CONCURRENCY = 5;

type Filter = (record: Record<string, unknown>) => boolean;

/** The running SQS pollers, one per enabled mapping. */
export class EventSourcePollers {
  private readonly pollers = new Map<string, SqsPoller>();

  constructor(private readonly core: () => LambdaCore) {}

  /** Starts or stops the mapping's poller to match its Enabled flag (and picks up new settings). */
  sync(mapping: EventSourceMapping): void {
    const existing = this.pollers.get(mapping.uuid);
    if (existing) {
      existing.stop();
      this.pollers.delete(mapping.uuid);
    }
    if (mapping.enabled) {
      const poller = new SqsPoller(this.core(), mapping);
      this.pollers.set(mapping.uuid, poller);
      poller.start();
    }
  }

  remove(uuid: string): void {
    this.pollers.get(uuid)?.stop();
    this.pollers.delete(uuid);
  }

  stop(): void {
    for (const poller of this.pollers.values()) poller.stop();
    this.pollers.clear();
  }
}

/**
 * Polls one queue for one function: receives up to BatchSize messages (waiting up to the batching
 * window for more), invokes the function synchronously with AWS's SQS event, deletes what succeeded
 * and leaves failures to the queue's visibility timeout and redrive policy. It sleeps until SQS says a
 * message became visible, with esmPollIntervalMs as a fallback, so an idle mapping costs nothing.
 */
class SqsPoller {
  private running = false;
  private inFlight = 0;
  private wakeSignal = false;
  private wakeUp?: () => void;
  private cleanups: (() => void)[] = [];
  private filter?: Filter;
  private readonly region: string;
  private readonly concurrency: number;

  constructor(
    private readonly core: LambdaCore,
    private readonly mapping: EventSourceMapping,
  ) {
    this.region = parseArn(mapping.eventSourceArn)?.region || core.ctx.options.region;
    // A FIFO queue is processed in order: one batch at a time.
    this.concurrency = mapping.eventSourceArn.endsWith('.fifo') ? 1 : Math.max(2, mapping.maximumConcurrency ?? DEFAULT_CONCURRENCY);
  }

  start(): void {
    this.running = true;
    void this.run().catch((err) => {
      this.core.ctx.options.log(`lambda: event source mapping ${this.mapping.uuid} stopped: ${(err as Error)?.stack ?? err}`);
    });
  }

  stop(): void {
    this.running = false;
    for (const cleanup of this.cleanups) cleanup();
    this.cleanups = [];
    this.wake();
  }

  private async run(): Promise<void> {
    const { ctx } = this.core;
    const sqs = await ctx.service('sqs');
    if (!this.running) return;
    this.filter = await compileFilter(this.mapping.filterCriteria);
    const arn = this.mapping.eventSourceArn;
    this.cleanups.push(sqs.onVisible(arn, () => this.wake()));
    // Messages waiting in (or in flight from) a subscribed queue are work the idle signal must count.
    this.cleanups.push(ctx.activity.registerProbe(`lambda-esm:${this.mapping.uuid}`, () => (this.running ? sqs.pendingCount(arn) : 0)));
    const interval = ctx.options.esmPollIntervalMs;
    while (this.running) {
      if (this.inFlight >= this.concurrency) {
        await this.sleep();
        continue;
      }
      const fn = this.core.store.find(this.mapping.functionArn, this.region);
      if (!fn || fn.state !== 'Active') {
        await this.sleep(interval);
        continue;
      }
      let messages: InternalMessage[];
      try {
        messages = await this.collect(sqs);
      } catch {
        await this.sleep(interval); // the queue is gone (for now)
        continue;
      }
      if (!this.running) {
        // Stopped while receiving: make the messages visible again at once.
        await Promise.all(messages.map((m) => sqs.changeVisibilityByArn(arn, m.receiptHandle, 0).catch(() => undefined)));
        return;
      }
      if (messages.length === 0) {
        await this.sleep(interval);
        continue;
      }
      this.inFlight += 1;
      void this.process(sqs, messages)
        .catch((err) => ctx.options.log(`lambda: event source mapping ${this.mapping.uuid}: a batch failed in the engine: ${(err as Error)?.message ?? err}`))
        .finally(() => {
          this.inFlight -= 1;
          this.wake();
          ctx.activity.poke();
        });
    }
  }

  /** Up to BatchSize messages; with a batching window, keeps gathering until it is full or the window ends. */
  private async collect(sqs: SqsInternal): Promise<InternalMessage[]> {
    const { batchSize, maximumBatchingWindowInSeconds: window, eventSourceArn: arn } = this.mapping;
    const messages = await sqs.receiveFromArn(arn, Math.min(10, batchSize));
    if (messages.length === 0) return messages;
    const deadline = Date.now() + window * 1000;
    while (messages.length < batchSize && this.running) {
      const more = await sqs.receiveFromArn(arn, Math.min(10, batchSize - messages.length));
      messages.push(...more);
      if (more.length > 0) continue;
      const left = deadline - Date.now();
      if (left <= 0) break;
      await this.sleep(left);
    }
    return messages;
  }

  private async process(sqs: SqsInternal, messages: InternalMessage[]): Promise<void> {
    const arn = this.mapping.eventSourceArn;
    const fn = this.core.store.find(this.mapping.functionArn, this.region);
    const records = messages.map((m) => sqsRecord(m, this.region));
    let batch = messages;
    let batchRecords = records;
    if (this.filter) {
      // Messages that match no filter are deleted without invoking, as Lambda does.
      const keep = records.map((r) => this.filter!(r));
      await Promise.all(messages.filter((_, i) => !keep[i]).map((m) => sqs.deleteFromArn(arn, m.receiptHandle).catch(() => undefined)));
      batch = messages.filter((_, i) => keep[i]);
      batchRecords = records.filter((_, i) => keep[i]);
      if (batch.length === 0) return;
    }
    if (!fn) return; // deleted meanwhile: the messages come back after their visibility timeout
    const requestId = randomUUID();
    // Indexed before the function runs, so that what it sends meanwhile finds the first message's trace as parent.
    this.core.ctx.traces.link(requestId, batch[0].messageId);
    const started = performance.now();
    const outcome = await this.core.invoker.invoke(fn, {
      requestId,
      payload: Buffer.from(JSON.stringify({ Records: batchRecords })),
      invokedArn: this.mapping.functionArn,
      tail: false,
    });
    const durationMs = Math.round(performance.now() - started);
    let failed: Set<string> | undefined = new Set();
    if (!outcome.error && this.mapping.functionResponseTypes.includes('ReportBatchItemFailures')) {
      failed = batchItemFailures(outcome.payload, new Set(batch.map((m) => m.messageId)));
    }
    this.trace(fn.name, requestId, batch, durationMs, outcome.error ?? (failed ? undefined : { type: 'InvalidBatchItemFailures', message: 'the function returned an invalid batchItemFailures response' }), failed);
    if (outcome.error) {
      this.mapping.lastProcessingResult = 'PROBLEM: Function call failed';
      return;
    }
    if (!failed) {
      this.mapping.lastProcessingResult = 'PROBLEM: Invalid batchItemFailures response';
      return;
    }
    this.mapping.lastProcessingResult = 'OK';
    await Promise.all(
      batch.filter((m) => !failed.has(m.messageId)).map((m) => sqs.deleteFromArn(arn, m.receiptHandle).catch(() => undefined)),
    );
  }

  /** One invocation step in the trace of each message of the batch (a message sent through the API is its own trace). */
  private trace(
    functionName: string,
    requestId: string,
    batch: InternalMessage[],
    durationMs: number,
    error: { type: string; message: string } | undefined,
    failed: Set<string> | undefined,
  ): void {
    const traces = this.core.ctx.traces;
    const queue = this.mapping.eventSourceArn.split(':').pop();
    for (const m of batch) {
      const ok = !error && !failed?.has(m.messageId);
      traces.record(m.messageId, {
        type: 'invocation',
        service: 'lambda',
        function: functionName,
        requestId,
        trigger: 'esm',
        queue,
        messageId: m.messageId,
        batchSize: batch.length,
        attempt: Number(m.attributes.ApproximateReceiveCount) || 1,
        durationMs,
        ok,
        errorType: ok ? undefined : (error?.type ?? 'BatchItemFailure'),
        errorMessage: ok ? undefined : (error?.message ?? 'reported in batchItemFailures'),
      });
    }
  }

  private wake(): void {
    this.wakeSignal = true;
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  /** Until woken (a message became visible, a batch finished, stop) or `ms` passed. */
  private sleep(ms?: number): Promise<void> {
    if (this.wakeSignal || !this.running) {
      this.wakeSignal = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeSignal = false;
        done();
      };
    });
  }
}

async function compileFilter(criteria: unknown): Promise<Filter | undefined> {
  const filters = (criteria as { Filters?: { Pattern?: string }[] } | undefined)?.Filters;
  if (!Array.isArray(filters) || filters.length === 0) return undefined;
  const { compilePattern } = await import('../events/pattern.js');
  const patterns = filters.map((f) => compilePattern(String(f.Pattern ?? '{}')));
  return (record) => {
    // Lambda filters on the body as JSON when it is JSON.
    let body: unknown = record.body;
    try {
      body = JSON.parse(String(record.body));
    } catch {
      // a plain string body
    }
    const event = { ...record, body };
    return patterns.some((p) => p.matches(event));
  };
}

/** Validates FilterCriteria at CreateEventSourceMapping time. */
export async function validateFilterCriteria(criteria: unknown): Promise<boolean> {
  try {
    await compileFilter(criteria);
    return true;
  } catch {
    return false;
  }
}
