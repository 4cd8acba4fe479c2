import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { busNameOf, prepareEvents } from '../../src/events/prepare.js';
import { chunkEntries } from '../../src/events/chunk.js';
import { entrySize } from '../../src/events/size.js';

const fixtures = join(import.meta.dirname, '../fixtures/events');
const file = (name: string) => ({ file: name, text: readFileSync(join(fixtures, name), 'utf8') });

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected a ValidationError');
}

describe('prepareEvents', () => {
  it('reads every accepted format into entries in order', () => {
    const { entries, files } = prepareEvents([file('entries.json'), file('request.json'), file('envelope.json'), file('events.ndjson')], { declaredBuses: ['orders'] });
    expect(files.map((f) => [f.file, f.format, f.entries])).toEqual([
      ['entries.json', 'entries', 2],
      ['request.json', 'put-events-request', 1],
      ['envelope.json', 'event', 1],
      ['events.ndjson', 'ndjson', 3],
    ]);
    expect(entries.map((e) => e.entry.DetailType)).toEqual(['distance.add', 'distance.add', 'ping', 'order.created', 'a', 'b', 'c']);
    expect(entries[2]!.entry.EventBusName).toBe('orders');
  });

  it('lists every problem of every file as file:entry N, and sends nothing', () => {
    expect(problemsOf(() => prepareEvents([file('invalid.json'), file('broken.json')]))).toEqual([
      'invalid.json:entry 2 (line 3): "Source" is required',
      'invalid.json:entry 3 (line 4): "Detail" must be a JSON object, not an array',
      'invalid.json:entry 4 (line 5): "Detail" is a string but not valid JSON: unexpected "}" where a value was expected at character 7',
      'invalid.json:entry 5 (line 6): unknown field "Detailtype"',
      'invalid.json:entry 5 (line 6): "DetailType" is required',
      'broken.json:3:21: JSON syntax error: missing comma after the value of "Source"',
    ]);
  });

  it('applies --bus to entries without a bus and checks buses against the stack', () => {
    const one = { file: 'e.json', text: '[{"Source":"s","DetailType":"t","Detail":{}},{"Source":"s","DetailType":"t","Detail":{},"EventBusName":"default"}]' };
    const { entries } = prepareEvents([one], { bus: 'orders', declaredBuses: ['orders'] });
    expect(entries.map((e) => e.entry.EventBusName)).toEqual(['orders', 'default']);
    expect(problemsOf(() => prepareEvents([one], { bus: 'order', declaredBuses: ['orders'], stackFile: 'evlab.json' }))).toEqual(['--bus: the bus "order" is not declared in evlab.json']);
    const arn = { file: 'e.json', text: '{"Source":"s","DetailType":"t","Detail":{},"EventBusName":"arn:aws:events:us-east-1:000000000000:event-bus/nope"}' };
    expect(problemsOf(() => prepareEvents([arn], { declaredBuses: [] }))).toEqual(['e.json:entry 1: the bus "nope" is not declared in the stack file']);
    // Without a stack file, buses are not checked.
    expect(prepareEvents([arn]).entries).toHaveLength(1);
  });

  it('rejects an entry over 256 KB as AWS counts it', () => {
    const detail = JSON.stringify({ blob: 'x'.repeat(256 * 1024) });
    expect(problemsOf(() => prepareEvents([{ file: 'big.json', text: JSON.stringify([{ Source: 's', DetailType: 't', Detail: detail }]) }]))[0]).toMatch(
      /^big.json:entry 1 \(line 1\): the entry is 256 KB; AWS accepts at most 256 KB/,
    );
    // Exactly 256 KB is fine: Source(1) + DetailType(1) + Detail.
    const fits = JSON.stringify({ b: 'x'.repeat(256 * 1024 - 2 - 8) });
    expect(prepareEvents([{ file: 'ok.json', text: JSON.stringify([{ Source: 's', DetailType: 't', Detail: fits }]) }]).entries[0]!.size).toBe(256 * 1024);
  });
});

describe('entrySize', () => {
  it('counts UTF-8 bytes of Source, DetailType, Detail and Resources, plus 14 for Time', () => {
    expect(entrySize({ Source: 'é', DetailType: 'ab', Detail: '{}' })).toBe(2 + 2 + 2);
    expect(entrySize({ Source: 's', DetailType: 't', Detail: '{}', Resources: ['r1', 'r22'], Time: new Date(), EventBusName: 'ignored' })).toBe(1 + 1 + 2 + 5 + 14);
  });
});

describe('busNameOf', () => {
  it('takes the name out of an event-bus ARN', () => {
    expect(busNameOf('arn:aws:events:us-east-1:000000000000:event-bus/orders')).toBe('orders');
    expect(busNameOf('orders')).toBe('orders');
  });
});

describe('chunkEntries', () => {
  it('cuts at 10 entries', () => {
    const chunks = chunkEntries(Array.from({ length: 23 }, (_, i) => i), () => 1);
    expect(chunks.map((c) => c.length)).toEqual([10, 10, 3]);
    expect(chunks.flat()).toEqual(Array.from({ length: 23 }, (_, i) => i));
  });

  it('cuts before a request would pass 256 KB', () => {
    const kb = 1024;
    const sizes = [100 * kb, 100 * kb, 56 * kb, 1, 200 * kb, 57 * kb];
    expect(chunkEntries(sizes, (s) => s).map((c) => c.length)).toEqual([3, 2, 1]);
  });

  it('handles nothing and custom limits', () => {
    expect(chunkEntries([], () => 1)).toEqual([]);
    expect(chunkEntries([5, 5, 5], (s) => s, { maxBytes: 10, maxEntries: 5 })).toEqual([[5, 5], [5]]);
  });
});
