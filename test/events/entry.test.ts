import { describe, expect, it } from 'vitest';
import { toPutEventsEntry } from '../../src/events/entry.js';

describe('toPutEventsEntry', () => {
  it('keeps a Detail string as it is and serialises a Detail object', () => {
    expect(toPutEventsEntry({ Source: 's', DetailType: 't', Detail: '{"a": 1}' })).toEqual({ entry: { Source: 's', DetailType: 't', Detail: '{"a": 1}' }, problems: [] });
    expect(toPutEventsEntry({ Source: 's', DetailType: 't', Detail: { a: 1 } }).entry?.Detail).toBe('{"a":1}');
  });

  it('turns an envelope into an entry, dropping the fields EventBridge assigns', () => {
    const { entry, problems } = toPutEventsEntry({
      version: '0', id: 'x', account: '1', region: 'r', source: 'shop', 'detail-type': 'order', time: '2024-05-01T12:00:00Z', resources: ['arn:a'], detail: { id: 1 },
    });
    expect(problems).toEqual([]);
    expect(entry).toEqual({ Source: 'shop', DetailType: 'order', Detail: '{"id":1}', Resources: ['arn:a'], Time: new Date('2024-05-01T12:00:00Z') });
  });

  it('accepts Time as epoch seconds', () => {
    expect(toPutEventsEntry({ Source: 's', DetailType: 't', Detail: {}, Time: 1714564800 }).entry?.Time?.toISOString()).toBe('2024-05-01T12:00:00.000Z');
  });

  it('collects every problem of an entry', () => {
    const { entry, problems } = toPutEventsEntry({ DetailType: 3, Detail: [1], Resources: 'arn', Time: 'yesterday' });
    expect(entry).toBeUndefined();
    expect(problems.map((p) => p.message)).toEqual([
      '"Source" is required',
      '"DetailType" must be a string, not a number (3)',
      '"Detail" must be a JSON object, not an array',
      '"Resources" must be an array of strings (ARNs)',
      '"Time" must be an ISO-8601 time or epoch seconds, not a string ("yesterday")',
    ]);
  });

  it('rejects a Detail string that is not JSON or not an object, with the position', () => {
    expect(toPutEventsEntry({ Source: 's', DetailType: 't', Detail: '{"a": }' }).problems[0]!.message).toBe(
      '"Detail" is a string but not valid JSON: unexpected "}" where a value was expected at character 7',
    );
    expect(toPutEventsEntry({ Source: 's', DetailType: 't', Detail: '[1]' }).problems[0]!.message).toBe('"Detail" must hold a JSON object, but holds an array');
    expect(toPutEventsEntry({ Source: 's', DetailType: 't' }).problems[0]!.message).toBe('"Detail" is required');
  });

  it('names unknown fields with a suggestion, and refuses mixed forms', () => {
    expect(toPutEventsEntry({ Source: 's', Detailtype: 't', DetailType: 't', Detail: {} }).problems).toEqual([{ message: 'unknown field "Detailtype"', hint: 'did you mean "DetailType"?' }]);
    expect(toPutEventsEntry({ source: 's', detail_type: 't', detail: {} }).problems[0]).toEqual({ message: 'unknown field "detail_type"', hint: 'did you mean "detail-type"?' });
    expect(toPutEventsEntry({ Source: 's', 'detail-type': 't', Detail: {} }).problems[0]!.message).toMatch(/^mixes PutEvents fields/);
    expect(toPutEventsEntry('text').problems[0]!.message).toBe('expected an event object, found a string ("text")');
  });
});
