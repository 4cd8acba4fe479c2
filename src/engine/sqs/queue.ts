import { randomUUID } from 'node:crypto';
import { DeadlineHeap } from './deadline-heap.js';
import { invalidParameter, messageNotInflight } from './errors.js';
import { settingsFrom, type QueueSettings } from './queue-attributes.js';
import { messageIdOf, newReceiptHandle, type MessageState, type NewMessage, type StoredMessage } from './stored-message.js';

export interface QueueHooks {
  /** Messages became visible (called once per burst, after the current operation). */
  visible(queue: Queue): void;
  /** Messages left the queue (deleted, purged, expired, moved): the idle probes may have dropped. */
  dropped(): void;
  /** Messages older than the queue's MessageRetentionPeriod were removed. */
  expired(count: number): void;
  /** With --persist: records each acknowledged message change before the answer goes out (journal.ts). */
  journal?: {
    messageChanged(queue: Queue, message: StoredMessage): void;
    messageRemoved(queue: Queue, message: StoredMessage): void;
  };
  /** Moves a message past maxReceiveCount to the dead-letter queue; false when that queue does not exist. */
  deadLetter(from: Queue, message: StoredMessage, targetArn: string): boolean;
}

// FIFO queues drop a message whose deduplication id was seen in the last 5 minutes (SQS developer guide).
const DEDUP_WINDOW_MS = 5 * 60_000;

/** One queue's messages and their visibility; knows nothing about protocols. */
export class Queue {
  attributes: Record<string, string>;
  settings: QueueSettings;
  tags: Record<string, string>;
  /** Epoch seconds, as GetQueueAttributes reports them. */
  createdAt: number;
  modifiedAt: number;
  deleted = false;

  private readonly messages = new Map<string, StoredMessage>();
  private readonly visibleIds = new Set<string>();
  private inflightCount = 0;
  private delayedCount = 0;
  private readonly deadlines = new DeadlineHeap();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly waiters = new Set<() => void>();
  private notifyPending = false;
  private sequence = 0;
  private readonly dedup = new Map<string, { messageId: string; sequenceNumber?: string; at: number }>();
  private readonly inflightGroups = new Map<string, number>();

  constructor(
    readonly region: string,
    readonly name: string,
    readonly arn: string,
    attributes: Record<string, string>,
    tags: Record<string, string>,
    private readonly hooks: QueueHooks,
    now = Date.now(),
  ) {
    this.attributes = attributes;
    this.settings = settingsFrom(attributes);
    this.tags = tags;
    this.createdAt = this.modifiedAt = Math.floor(now / 1000);
  }

  setAttributes(attributes: Record<string, string>, now = Date.now()): void {
    this.attributes = attributes;
    this.settings = settingsFrom(attributes);
    this.modifiedAt = Math.floor(now / 1000);
  }

  counts(now = Date.now()): { visible: number; inflight: number; delayed: number } {
    this.sweep(now);
    return { visible: this.visibleIds.size, inflight: this.inflightCount, delayed: this.delayedCount };
  }

  /** Enqueues a message; a FIFO duplicate within the deduplication window returns the original instead. */
  send(message: NewMessage, now = Date.now()): { messageId: string; sequenceNumber?: string } {
    this.sweep(now);
    if (this.settings.fifo && message.dedupId) {
      const key = this.attributes.DeduplicationScope === 'messageGroup' ? `${message.groupId}\u0000${message.dedupId}` : message.dedupId;
      const seen = this.dedup.get(key);
      if (seen && now - seen.at < DEDUP_WINDOW_MS) return { messageId: seen.messageId, sequenceNumber: seen.sequenceNumber };
      const sequenceNumber = this.nextSequence();
      const stored = this.store(message, now, sequenceNumber);
      // Re-inserting keeps the map in time order, which the sweep relies on.
      this.dedup.delete(key);
      this.dedup.set(key, { messageId: stored.id, sequenceNumber, at: now });
      return { messageId: stored.id, sequenceNumber };
    }
    const stored = this.store(message, now, this.settings.fifo ? this.nextSequence() : undefined);
    return { messageId: stored.id, sequenceNumber: stored.sequenceNumber };
  }

  private store(message: NewMessage, now: number, sequenceNumber: string | undefined): StoredMessage {
    const stored: StoredMessage = {
      id: randomUUID(),
      body: message.body,
      md5OfBody: message.md5OfBody,
      attributes: message.attributes,
      md5OfAttributes: message.md5OfAttributes,
      systemAttributes: message.systemAttributes,
      md5OfSystemAttributes: message.md5OfSystemAttributes,
      sentAt: now,
      receiveCount: 0,
      state: 'visible',
      deadline: 0,
      version: 0,
      groupId: message.groupId,
      dedupId: message.dedupId,
      sequenceNumber,
    };
    this.messages.set(stored.id, stored);
    const delay = message.delaySeconds;
    if (delay > 0) {
      this.transition(stored, 'delayed', now + delay * 1000);
      this.schedule(now);
    } else {
      this.transition(stored, 'visible');
    }
    this.hooks.journal?.messageChanged(this, stored);
    return stored;
  }

  /** Takes a message moved here from another queue's redrive (same id, body and original send time). */
  adopt(message: StoredMessage, sourceArn: string): void {
    const moved: StoredMessage = {
      ...message,
      state: 'visible',
      deadline: 0,
      version: 0,
      receiptHandle: undefined,
      deadLetterSourceArn: sourceArn,
      sequenceNumber: this.settings.fifo ? this.nextSequence() : undefined,
    };
    this.messages.set(moved.id, moved);
    this.transition(moved, 'visible');
    this.hooks.journal?.messageChanged(this, moved);
  }

  /**
   * Takes up to `max` visible messages and hides them for `visibilityTimeout` seconds. A message already
   * received maxReceiveCount times moves to the dead-letter queue on this attempt instead (AWS's redrive).
   */
  receive(max: number, visibilityTimeout: number, now = Date.now()): StoredMessage[] {
    this.sweep(now);
    if (this.visibleIds.size === 0) return [];
    const taken: StoredMessage[] = [];
    const retentionMs = this.settings.retentionSeconds * 1000;
    const redrive = this.settings.redrive;
    let dropped = false;
    for (const message of this.candidates()) {
      if (message.sentAt + retentionMs <= now) {
        this.remove(message);
        this.hooks.expired(1);
        dropped = true;
        continue;
      }
      if (redrive && message.receiveCount >= redrive.maxReceiveCount && this.hooks.deadLetter(this, message, redrive.deadLetterTargetArn)) {
        dropped = true;
        continue;
      }
      message.receiveCount++;
      message.firstReceivedAt ??= now;
      message.receiptHandle = newReceiptHandle(message.id);
      this.transition(message, 'inflight', now + visibilityTimeout * 1000);
      this.hooks.journal?.messageChanged(this, message);
      taken.push(message);
      if (taken.length >= max) break;
    }
    if (dropped) this.hooks.dropped();
    this.schedule(now);
    return taken;
  }

  /** Visible messages in delivery order; FIFO: by sequence, skipping groups that have messages in flight. */
  private candidates(): Iterable<StoredMessage> {
    if (!this.settings.fifo) return this.visibleInOrder();
    const blocked = new Set(this.inflightGroups.keys());
    return [...this.visibleIds]
      .map((id) => this.messages.get(id)!)
      .filter((m) => !blocked.has(m.groupId ?? ''))
      .sort((a, b) => (a.sequenceNumber! < b.sequenceNumber! ? -1 : 1));
  }

  // Lazy, so a receive of 10 from a deep backlog touches 10 messages. Receiving only ever deletes the
  // current entry from the set (it goes in flight, moves or expires), which Set iteration tolerates.
  private *visibleInOrder(): Generator<StoredMessage> {
    for (const id of this.visibleIds) yield this.messages.get(id)!;
  }

  /** Deletes by receipt handle; a handle of an already deleted message is accepted, as AWS does. */
  deleteMessage(receiptHandle: string): void {
    const message = this.messages.get(messageIdOf(receiptHandle));
    if (!message) return;
    this.remove(message);
    this.hooks.dropped();
  }

  changeVisibility(receiptHandle: string, seconds: number, now = Date.now()): void {
    const message = this.messages.get(messageIdOf(receiptHandle));
    if (!message || message.receiptHandle !== receiptHandle) {
      throw invalidParameter('ReceiptHandle', receiptHandle, 'Message does not exist or is not available for visibility timeout change.');
    }
    if (message.state !== 'inflight') throw messageNotInflight();
    this.transition(message, 'inflight', now + seconds * 1000);
    this.hooks.journal?.messageChanged(this, message);
    this.schedule(now);
  }

  purge(): void {
    for (const message of [...this.messages.values()]) this.remove(message);
    this.deadlines.clear();
    this.hooks.dropped();
  }

  /** Resolves when a message may have become visible, after `ms`, or on abort — whichever comes first. */
  waitForVisible(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted || this.deleted) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Long polls parked on this queue right now (diagnostics and tests). */
  get waitingReceives(): number {
    return this.waiters.size;
  }

  /** Whether a visibility/delay timer is pending (diagnostics and tests). */
  get timerArmed(): boolean {
    return this.timer !== undefined;
  }

  /** Stops timers and wakes every long poll (queue deleted, engine stopping). */
  dispose(): void {
    this.deleted = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    for (const wake of [...this.waiters]) wake();
  }

  /** Messages held, in any state (health). */
  get size(): number {
    return this.messages.size;
  }

  /** All messages, oldest first (persistence and the peek endpoint). */
  allMessages(): StoredMessage[] {
    return [...this.messages.values()];
  }

  /** Puts back a persisted message as it was (deadlines are wall-clock, so they survive a restart). */
  restoreMessage(message: StoredMessage): void {
    this.messages.set(message.id, message);
    const { state, deadline } = message;
    message.state = 'visible';
    this.visibleIds.add(message.id);
    if (state !== 'visible') this.transition(message, state, deadline);
    if (message.sequenceNumber) this.sequence = Math.max(this.sequence, Number(message.sequenceNumber));
    this.schedule(Date.now());
  }

  get lastSequence(): number {
    return this.sequence;
  }

  set lastSequence(value: number) {
    this.sequence = Math.max(this.sequence, value);
  }

  private nextSequence(): string {
    this.sequence++;
    return String(this.sequence).padStart(20, '0');
  }

  private transition(message: StoredMessage, state: MessageState, deadline = 0): void {
    this.leave(message);
    message.state = state;
    message.deadline = deadline;
    message.version++;
    if (state === 'visible') {
      this.visibleIds.add(message.id);
      this.notifyVisible();
      return;
    }
    if (state === 'inflight') {
      this.inflightCount++;
      if (message.groupId !== undefined && this.settings.fifo) this.inflightGroups.set(message.groupId, (this.inflightGroups.get(message.groupId) ?? 0) + 1);
    } else {
      this.delayedCount++;
    }
    this.deadlines.push({ at: deadline, key: message.id, version: message.version });
  }

  private leave(message: StoredMessage): void {
    if (message.state === 'visible') {
      this.visibleIds.delete(message.id);
    } else if (message.state === 'inflight') {
      this.inflightCount--;
      if (message.groupId !== undefined && this.settings.fifo) {
        const n = (this.inflightGroups.get(message.groupId) ?? 1) - 1;
        if (n > 0) this.inflightGroups.set(message.groupId, n);
        else this.inflightGroups.delete(message.groupId);
      }
    } else {
      this.delayedCount--;
    }
  }

  /** Removes a message from this queue (delete, purge, expiry, move to a dead-letter queue). */
  remove(message: StoredMessage): void {
    if (this.messages.get(message.id) !== message) return;
    this.leave(message);
    message.version++;
    this.messages.delete(message.id);
    this.hooks.journal?.messageRemoved(this, message);
  }

  /** Applies what time has done: expired visibility timeouts and delays, retention, old dedup ids. */
  sweep(now: number): void {
    let top = this.deadlines.peek();
    while (top && top.at <= now) {
      this.deadlines.pop();
      const message = this.messages.get(top.key);
      if (message && message.version === top.version && message.state !== 'visible') this.transition(message, 'visible');
      top = this.deadlines.peek();
    }
    // Messages are kept in send order, so expired ones are at the front.
    const retentionMs = this.settings.retentionSeconds * 1000;
    let expired = 0;
    for (const message of this.messages.values()) {
      if (message.sentAt + retentionMs > now) break;
      this.remove(message);
      expired++;
    }
    if (expired > 0) {
      this.hooks.expired(expired);
      this.hooks.dropped();
    }
    if (this.dedup.size > 0) {
      for (const [key, seen] of this.dedup) {
        if (now - seen.at < DEDUP_WINDOW_MS) break;
        this.dedup.delete(key);
      }
    }
  }

  /** Keeps one timer armed for the earliest deadline, so that visibility changes wake waiters on time. */
  private schedule(now: number): void {
    let top = this.deadlines.peek();
    while (top && this.messages.get(top.key)?.version !== top.version) {
      this.deadlines.pop();
      top = this.deadlines.peek();
    }
    if (!top || this.deleted || top.at >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = top.at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      const at = Date.now();
      this.sweep(at);
      this.schedule(at);
    }, Math.max(0, top.at - now));
    this.timer.unref();
  }

  private notifyVisible(): void {
    if (this.notifyPending) return;
    this.notifyPending = true;
    queueMicrotask(() => {
      this.notifyPending = false;
      for (const wake of [...this.waiters]) wake();
      this.hooks.visible(this);
    });
  }
}
