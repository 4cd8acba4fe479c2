import type { EngineContext } from '../types.js';
import type { TraceRecorder } from '../traces/types.js';
import { invalidAddress, queueDoesNotExist } from './errors.js';
import { Queue, type QueueHooks } from './queue.js';
import type { StoredMessage } from './stored-message.js';
import { parseQueueUrl } from './queue-url.js';

const RETENTION_SWEEP_MS = 10_000;

const storesByService = new WeakMap<object, SqsStore>();

/** The store behind an SQS service object (the peek endpoint and tests look inside without going through HTTP). */
export function storeOf(service: object): SqsStore | undefined {
  return storesByService.get(service);
}

export function registerStore(service: object, store: SqsStore): void {
  storesByService.set(service, store);
}

/** Every queue of the engine, per region, with lookups by name, URL and ARN. */
export class SqsStore {
  private readonly regions = new Map<string, Map<string, Queue>>();
  private readonly listeners = new Map<string, Set<() => void>>();
  readonly accountId: string;
  /** The engine's default region, for requests that do not say (the peek endpoint). */
  readonly defaultRegion: string;
  private readonly hooks: QueueHooks;
  /** Messages removed because they outlived their queue's MessageRetentionPeriod, since the engine started. */
  expiredMessages = 0;
  private readonly retentionSweep: NodeJS.Timeout;
  /** The engine's traces: sends, receives, deletes and redrives of traced messages are recorded there. */
  readonly traces: TraceRecorder;

  constructor(
    private readonly ctx: EngineContext,
    journal?: QueueHooks['journal'],
  ) {
    this.accountId = ctx.options.accountId;
    this.defaultRegion = ctx.options.region;
    this.traces = ctx.traces;
    this.hooks = {
      visible: (queue) => this.emitVisible(queue.arn),
      dropped: () => ctx.activity.poke(),
      expired: (count) => {
        this.expiredMessages += count;
      },
      deadLetter: (from, message, targetArn) => this.deadLetter(from, message, targetArn),
      journal,
    };
    // Queues expire messages when touched; this sweep frees an untouched queue's old messages too
    // (the shortest MessageRetentionPeriod is 60 s).
    this.retentionSweep = setInterval(() => {
      const now = Date.now();
      for (const queue of this.all()) queue.sweep(now);
    }, RETENTION_SWEEP_MS);
    this.retentionSweep.unref();
  }

  /** Queue and message counts, and what retention removed (`/_evlab/health`). */
  stats(): Record<string, number> {
    const queues = this.all();
    return { queues: queues.length, messages: queues.reduce((n, q) => n + q.size, 0), expiredMessages: this.expiredMessages };
  }

  arnOf(region: string, name: string): string {
    return `arn:aws:sqs:${region}:${this.accountId}:${name}`;
  }

  /** LocalStack's path-style URL on the engine's own address, so it works from any SDK unchanged. */
  urlOf(queue: Queue): string {
    return `http://${this.ctx.hostPort}/${this.accountId}/${queue.name}`;
  }

  get(region: string, name: string): Queue | undefined {
    return this.regions.get(region)?.get(name);
  }

  /** The queue a request's QueueUrl names; the URL's own region (AWS-style hosts) wins over the signing region. */
  resolve(queueUrl: string, region: string): Queue {
    const address = parseQueueUrl(queueUrl);
    if (!address) throw invalidAddress(queueUrl);
    const queue = this.get(address.region ?? region, address.name);
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  byArn(arn: string): Queue | undefined {
    const parts = arn.split(':');
    if (parts.length !== 6 || parts[0] !== 'arn' || parts[2] !== 'sqs') return undefined;
    return this.get(parts[3], parts[5]);
  }

  requireArn(arn: string): Queue {
    const queue = this.byArn(arn);
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  create(region: string, name: string, attributes: Record<string, string>, tags: Record<string, string>): Queue {
    const queue = new Queue(region, name, this.arnOf(region, name), attributes, tags, this.hooks);
    let queues = this.regions.get(region);
    if (!queues) this.regions.set(region, (queues = new Map()));
    queues.set(name, queue);
    return queue;
  }

  delete(queue: Queue): void {
    this.regions.get(queue.region)?.delete(queue.name);
    queue.dispose();
    this.ctx.activity.poke();
  }

  list(region: string): Queue[] {
    return [...(this.regions.get(region)?.values() ?? [])];
  }

  all(): Queue[] {
    return [...this.regions.values()].flatMap((queues) => [...queues.values()]);
  }

  /** Listeners are kept by ARN, so a mapping subscribed before its queue exists (or is recreated) still hears it. */
  onVisible(arn: string, listener: () => void): () => void {
    let set = this.listeners.get(arn);
    if (!set) this.listeners.set(arn, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(arn) === set) this.listeners.delete(arn);
    };
  }

  /** The engine, for operations that reach other services (message move tasks). */
  get context(): EngineContext {
    return this.ctx;
  }

  dispose(): void {
    clearInterval(this.retentionSweep);
    for (const queue of this.all()) queue.dispose();
    this.listeners.clear();
  }

  private emitVisible(arn: string): void {
    const set = this.listeners.get(arn);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener();
      } catch (err) {
        this.ctx.options.log(`sqs: onVisible listener for ${arn} failed: ${(err as Error)?.message ?? err}`);
      }
    }
  }

  private deadLetter(from: Queue, message: StoredMessage, targetArn: string): boolean {
    const target = this.byArn(targetArn);
    if (!target || target === from) return false;
    from.remove(message);
    target.adopt(message, from.arn);
    if (this.traces.has(message.id)) {
      this.traces.record(message.id, {
        type: 'message-redriven',
        service: 'sqs',
        queue: from.name,
        deadLetterQueue: target.name,
        messageId: message.id,
        receiveCount: message.receiveCount,
        ok: false,
      });
    }
    return true;
  }
}
