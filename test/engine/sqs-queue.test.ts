import { afterEach, describe, expect, it } from 'vitest';
import { Queue, type QueueHooks } from '../../src/engine/sqs/queue.js';
import type { NewMessage } from '../../src/engine/sqs/stored-message.js';
import { STANDARD_DEFAULTS } from '../../src/engine/sqs/queue-attributes.js';
import { DeadlineHeap } from '../../src/engine/sqs/deadline-heap.js';
import { md5Hex } from '../../src/engine/sqs/md5.js';

// The queue mechanics with an explicit clock: retention and visibility without waiting for real time.
const queues: Queue[] = [];
afterEach(() => {
  for (const q of queues.splice(0)) q.dispose();
});

function makeQueue(attributes: Record<string, string> = {}, hooks: Partial<QueueHooks> = {}, now = 1_000_000): Queue {
  const queue = new Queue(
    'us-east-1',
    'unit',
    'arn:aws:sqs:us-east-1:000000000000:unit',
    { ...STANDARD_DEFAULTS, ...attributes },
    {},
    { visible: () => undefined, dropped: () => undefined, expired: () => undefined, deadLetter: () => false, ...hooks },
    now,
  );
  queues.push(queue);
  return queue;
}

const message = (body: string, delaySeconds = 0): NewMessage => ({ body, md5OfBody: md5Hex(body), attributes: {}, systemAttributes: {}, delaySeconds });

describe('SQS queue mechanics', () => {
  it('drops messages past the retention period, visible or in flight, and reports the drop', async () => {
    let dropped = 0;
    let expired = 0;
    const t0 = 1_000_000;
    const queue = makeQueue({ MessageRetentionPeriod: '60' }, { dropped: () => dropped++, expired: (n) => (expired += n) }, t0);
    queue.send(message('old'), t0);
    queue.send(message('in flight'), t0 + 1000);
    queue.send(message('young'), t0 + 30_000);
    expect(queue.receive(1, 600, t0 + 2000).map((m) => m.body)).toEqual(['old']);
    expect(queue.counts(t0 + 59_999)).toEqual({ visible: 2, inflight: 1, delayed: 0 });
    expect(queue.counts(t0 + 61_000)).toEqual({ visible: 1, inflight: 0, delayed: 0 });
    expect(dropped).toBeGreaterThan(0);
    expect(expired).toBe(2);
    expect(queue.receive(10, 30, t0 + 61_000).map((m) => m.body)).toEqual(['young']);
    expect(queue.counts(t0 + 90_000)).toEqual({ visible: 0, inflight: 0, delayed: 0 });
  });

  it('returns in-flight and delayed messages at their deadlines, in deadline order', async () => {
    const t0 = 2_000_000;
    const queue = makeQueue({}, {}, t0);
    queue.send(message('delay 5', 5), t0);
    queue.send(message('delay 2', 2), t0);
    queue.send(message('now'), t0);
    expect(queue.counts(t0)).toEqual({ visible: 1, inflight: 0, delayed: 2 });
    const [now] = queue.receive(1, 10, t0);
    expect(queue.counts(t0 + 2000)).toEqual({ visible: 1, inflight: 1, delayed: 1 });
    expect(queue.receive(10, 100, t0 + 2000).map((m) => m.body)).toEqual(['delay 2']);
    expect(queue.receive(10, 100, t0 + 10_000).map((m) => m.body).sort()).toEqual(['delay 5', 'now']);
    expect(now.receiveCount).toBe(2);
  });

  it('keeps a min-heap of deadlines', () => {
    const heap = new DeadlineHeap();
    const ats = [50, 10, 40, 10, 30, 20, 60, 0];
    ats.forEach((at, i) => heap.push({ at, key: String(i), version: 0 }));
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop()!.at);
    expect(out).toEqual([...ats].sort((a, b) => a - b));
  });
});
