import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { SettleWatcher } from '../../src/status/settle.js';
import { canonical, diffItems, diffSnapshots } from '../../src/status/changes.js';
import { renderFire, type FireResult } from '../../src/events/render.js';

const opts = { quietMs: 1000, graceMs: 5000, busyQuietMs: 3000 };

describe('SettleWatcher', () => {
  it('settles after the quiet window that follows the last change', () => {
    const w = new SettleWatcher('a', 0, opts);
    expect(w.observe('b', 100, false)).toBe(false);
    expect(w.observe('b', 900, false)).toBe(false);
    expect(w.observe('c', 1000, false)).toBe(false);
    expect(w.observe('c', 1999, false)).toBe(false);
    expect(w.observe('c', 2000, false)).toBe(true);
  });

  it('waits the longer grace window while nothing changed at all (cold starts)', () => {
    const w = new SettleWatcher('a', 0, opts);
    expect(w.observe('a', 4999, false)).toBe(false);
    expect(w.observe('a', 5000, false)).toBe(true);
    expect(w.sawChange).toBe(false);
  });

  it('waits longer while a subscribed queue has messages in flight', () => {
    const w = new SettleWatcher('a', 0, opts);
    w.observe('b', 0, true);
    expect(w.observe('b', 2000, true)).toBe(false);
    expect(w.observe('b', 3000, true)).toBe(true);
  });
});

describe('diffSnapshots', () => {
  const stack = { tables: { Distance: { partitionKey: { name: 'Name', type: 'S' as const }, sortKey: { name: 'city', type: 'S' as const } } } };

  it('gives item-count deltas, changed items of small tables and queue counts', () => {
    const before = {
      queues: { dlq: { visible: 0, inFlight: 0, delayed: 0 }, jobs: { visible: 1, inFlight: 0, delayed: 0 } },
      tables: { Distance: { count: 2, items: [{ Name: 'Distance', city: 'all', Distance: 0 }, { Name: 'x', city: 'gone' }] } },
    };
    const after = {
      queues: { dlq: { visible: 1, inFlight: 0, delayed: 0 }, jobs: { visible: 1, inFlight: 0, delayed: 0 } },
      tables: { Distance: { count: 2, items: [{ Name: 'Distance', city: 'all', Distance: 15 }, { Name: 'Distance', city: 'Paris', Distance: 15 }] } },
    };
    const changes = diffSnapshots(before, after, stack, new Set(['dlq']));
    expect(changes.tables).toEqual([
      {
        name: 'Distance', before: 2, after: 2, delta: 0,
        items: [
          { kind: 'modified', key: { Name: 'Distance', city: 'all' }, attributes: [{ name: 'Distance', before: 0, after: 15 }] },
          { kind: 'added', key: { Name: 'Distance', city: 'Paris' } },
          { kind: 'removed', key: { Name: 'x', city: 'gone' } },
        ],
      },
    ]);
    expect(changes.queues.map((q) => [q.name, q.deadLetter, q.changed])).toEqual([['dlq', true, true], ['jobs', false, false]]);
  });

  it('leaves out item changes of big tables and handles missing resources', () => {
    const changes = diffSnapshots({ queues: { q: undefined }, tables: { Distance: { count: 500 } } }, { queues: { q: undefined }, tables: { Distance: { count: 503 } } }, stack, new Set());
    expect(changes.tables[0]).toEqual({ name: 'Distance', before: 500, after: 503, delta: 3, items: undefined });
    expect(changes.queues[0]!.changed).toBe(false);
  });

  it('compares values canonically (key order, sets)', () => {
    expect(canonical({ b: 1, a: [1] })).toBe(canonical({ a: [1], b: 1 }));
    expect(diffItems([{ k: 1, s: new Set(['a', 'b']) }], [{ k: 1, s: new Set(['b', 'a']) }], ['k'])).toEqual([]);
  });
});

describe('renderFire', () => {
  const c = new Chalk({ level: 0 });
  const base: FireResult = {
    ok: false,
    endpoint: { url: 'http://127.0.0.1:4566', kind: 'evlab', label: 'evlab engine 0.1.0' },
    sent: 2,
    failed: 1,
    files: [{ file: 'events.json', format: 'entries', entries: 3, sent: 2, failed: 1 }],
    entries: [
      { file: 'events.json', index: 1, bus: 'default', source: 'cli', detailType: 'a', eventId: '1' },
      { file: 'events.json', index: 2, line: 7, bus: 'default', source: 'cli', detailType: 'b', errorCode: 'InternalFailure', errorMessage: 'boom' },
      { file: 'events.json', index: 3, bus: 'default', source: 'cli', detailType: 'c', eventId: '3' },
    ],
  };

  it('prints a summary per file and each failure', () => {
    expect(renderFire(base, c)).toBe(
      '✗ 3 events to default on evlab engine 0.1.0: 2 sent, 1 failed\n  events.json  2 sent, 1 failed\n    entry 2 (line 7) cli/b: InternalFailure boom',
    );
  });

  it('prints what --wait saw change, with non-empty DLQs as problems', () => {
    const text = renderFire(
      {
        ...base,
        wait: {
          settled: true, method: 'idle-signal', waitedMs: 1234,
          changes: {
            tables: [
              { name: 'Distance', before: 1, after: 2, delta: 1, items: [{ kind: 'modified', key: { Name: 'Distance', city: 'all' }, attributes: [{ name: 'Distance', before: 0, after: 12 }] }, { kind: 'added', key: { Name: 'Distance', city: 'Paris' } }] },
              { name: 'Other', before: 4, after: 4, delta: 0, items: [] },
            ],
            queues: [
              { name: 'lambda-dlq', deadLetter: true, before: { visible: 0, inFlight: 0, delayed: 0 }, after: { visible: 1, inFlight: 0, delayed: 0 }, changed: true },
              { name: 'jobs', deadLetter: false, before: { visible: 0, inFlight: 0, delayed: 0 }, after: { visible: 0, inFlight: 0, delayed: 0 }, changed: false },
            ],
          },
        },
      },
      c,
    );
    expect(text.split('\n').slice(3)).toEqual([
      'settled after 1.2 s (the engine is idle)',
      '  table Distance: 1 → 2 items (+1)',
      '    ~ Name=Distance city=all  Distance: 0 → 12',
      '    + Name=Distance city=Paris',
      '  DLQ lambda-dlq: 0 messages → 1 message',
      '    hint: failed events landed here; see why with `evlab tail` and `evlab status`',
      '  unchanged: table Other (4), queue jobs (0 messages)',
    ]);
  });

  it('says when the wait did not settle', () => {
    const text = renderFire({ ...base, wait: { settled: false, method: 'idle-signal', waitedMs: 60_000, inFlight: { invocation: 1 } } }, c);
    expect(text).toContain('not settled after 60.0 s; still in flight: invocation 1');
    const words = renderFire(
      { ...base, wait: { settled: false, method: 'idle-signal', waitedMs: 60_000, inFlight: { retry: 4 }, pending: ['4 invocations waiting for a retry'] } },
      c,
    );
    expect(words).toContain('not settled after 60.0 s; still in flight: 4 invocations waiting for a retry');
  });
});

describe('renderFire: dead-letter queues that did not change', () => {
  it('marks a non-empty DLQ without new messages, without claiming new failures', () => {
    const c = new Chalk({ level: 0 });
    const counts = { visible: 4, inFlight: 0, delayed: 0 };
    const text = renderFire(
      {
        ok: true, endpoint: { url: 'u', kind: 'evlab', label: 'evlab engine' }, sent: 1, failed: 0,
        files: [{ file: 'e.json', format: 'entries', entries: 1, sent: 1, failed: 0 }],
        entries: [{ file: 'e.json', index: 1, bus: 'default', source: 's', detailType: 't', eventId: '1' }],
        wait: { settled: true, method: 'idle-signal', waitedMs: 10, changes: { tables: [], queues: [{ name: 'dlq', deadLetter: true, before: counts, after: counts, changed: false }] } },
      },
      c,
    );
    expect(text).toContain('  DLQ dlq: 4 messages (none new)');
    expect(text).not.toContain('landed here');
  });
});

describe('snapshotReader on big tables', () => {
  it('counts big tables without re-scanning items, at most every BIG_TABLE_REFRESH_MS unless fresh', async () => {
    const { snapshotReader, BIG_TABLE_REFRESH_MS } = await import('../../src/status/snapshot.js');
    const calls: string[] = [];
    let count = 500;
    const ddb = {
      send: async (command: { input: { Select?: string; Limit?: number } }) => {
        if (command.input.Select === 'COUNT') {
          calls.push('count');
          return { Count: count };
        }
        calls.push('items');
        return { Items: Array.from({ length: command.input.Limit! }, (_, i) => ({ id: { S: String(i) } })), LastEvaluatedKey: { id: { S: 'x' } } };
      },
    };
    const conn = { clients: { dynamodb: async () => ddb, sqs: async () => ({}) } } as never;
    let now = 0;
    const read = snapshotReader(conn, { tables: { Big: { partitionKey: { name: 'id', type: 'S' } } } }, () => now);
    expect((await read({ fresh: true })).tables.Big).toEqual({ count: 500, items: undefined });
    expect(calls).toEqual(['items', 'count']);
    calls.length = 0;
    count = 501;
    expect((await read()).tables.Big).toEqual({ count: 500 });
    expect(calls).toEqual([]);
    now += BIG_TABLE_REFRESH_MS;
    expect((await read()).tables.Big).toEqual({ count: 501 });
    expect(calls).toEqual(['count']);
    count = 502;
    expect((await read({ fresh: true })).tables.Big).toEqual({ count: 502 });
    expect(calls).toEqual(['count', 'count']);
  });
});
