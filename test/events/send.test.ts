import { describe, expect, it } from 'vitest';
import { sendInChunks, type PutEventsCall } from '../../src/events/send.js';
import type { PreparedEntry } from '../../src/events/types.js';

const entry = (index: number, size = 10): PreparedEntry => ({
  file: 'e.json', index, entry: { Source: 's', DetailType: `t${index}`, Detail: '{}' }, size,
});

describe('sendInChunks', () => {
  it('sends ≤ 10 per request and maps results back to entries in order', async () => {
    const calls: number[] = [];
    const put: PutEventsCall = async (entries) => {
      calls.push(entries.length);
      return { Entries: entries.map((e) => (e.DetailType === 't12' ? { ErrorCode: 'InternalFailure', ErrorMessage: 'nope' } : { EventId: `id-${e.DetailType}` })) };
    };
    const sent = await sendInChunks(Array.from({ length: 13 }, (_, i) => entry(i + 1)), put);
    expect(calls).toEqual([10, 3]);
    expect(sent.map((s) => s.eventId ?? s.errorCode)).toEqual([...Array.from({ length: 11 }, (_, i) => `id-t${i + 1}`), 'InternalFailure', 'id-t13']);
    expect(sent[0]).toMatchObject({ file: 'e.json', index: 1, bus: 'default', source: 's', detailType: 't1' });
  });

  it('marks the entries of a request that failed as a whole, and goes on with the next', async () => {
    let n = 0;
    const put: PutEventsCall = async (entries) => {
      if (n++ === 0) throw Object.assign(new Error('Internal Server Error'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
      return { Entries: entries.map(() => ({ EventId: 'ok' })) };
    };
    const sent = await sendInChunks(Array.from({ length: 12 }, (_, i) => entry(i + 1)), put);
    expect(sent.filter((s) => s.errorCode === 'InternalFailure')).toHaveLength(10);
    expect(sent[0]!.errorMessage).toBe('Internal Server Error (HTTP 500)');
    expect(sent.slice(10).map((s) => s.eventId)).toEqual(['ok', 'ok']);
  });

  it('throws when the failure is fatal (endpoint gone)', async () => {
    const put: PutEventsCall = async () => {
      throw new Error('ECONNREFUSED');
    };
    await expect(sendInChunks([entry(1)], put, () => true)).rejects.toThrow('ECONNREFUSED');
  });

  it('treats a missing EventId as a failure', async () => {
    const sent = await sendInChunks([entry(1)], async () => ({ Entries: [{}] }));
    expect(sent[0]!.errorCode).toBe('NoEventId');
  });
});
