import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { renderTable, truncate } from '../../src/ui/table.js';
import { summarizePattern } from '../../src/status/pattern-summary.js';
import { failsCheck, statusProblems } from '../../src/status/problems.js';
import { itemColumns, renderStatus } from '../../src/status/render.js';
import { describeArn } from '../../src/status/gather.js';
import type { StatusResult } from '../../src/status/types.js';

const c = new Chalk({ level: 0 });

describe('renderTable', () => {
  it('sizes columns to their content and aligns right where asked', () => {
    expect(renderTable(['NAME', { header: 'N', align: 'right' }], [['a', '1'], ['long-name', '100']])).toBe('NAME         N\na            1\nlong-name  100');
  });

  it('shrinks the widest column to fit the width and cuts with …', () => {
    const text = renderTable(['K', 'VALUE'], [['k1', 'x'.repeat(50)]], { width: 20 });
    expect(text.split('\n')[1]).toBe('k1  xxxxxxxxxxxxxxx…');
    expect(text.split('\n').every((l) => l.length <= 20)).toBe(true);
  });

  it('keeps cells on one line and paints after layout', () => {
    const text = renderTable(['A', 'B'], [[{ text: 'x', paint: (s) => `<${s}>` }, 'two\nlines']]);
    expect(text.split('\n')[1]).toBe('<x>  two⏎lines');
  });

  it('truncates by characters, not bytes', () => {
    expect(truncate('ééééé', 3)).toBe('éé…');
    expect(truncate('abc', 3)).toBe('abc');
  });
});

describe('summarizePattern', () => {
  it('summarises fields, alternatives and content filters on one line', () => {
    expect(summarizePattern({ source: ['cli'], 'detail-type': ['a', 'b'] })).toBe('source=cli detail-type=a|b');
    expect(summarizePattern({ detail: { amount: [{ numeric: ['>', 100] }], kind: [{ prefix: 'ord' }, { 'anything-but': ['x', 'y'] }], tag: [{ exists: false }] } })).toBe(
      'detail.amount=>100 detail.kind=prefix:ord|not:x,y detail.tag=(absent)',
    );
    expect(summarizePattern({ $or: [{ source: ['a'] }, { source: ['b'] }] })).toBe('(source=a OR source=b)');
  });
});

describe('describeArn', () => {
  it('tells functions, queues, log groups and buses apart', () => {
    expect(describeArn('arn:aws:lambda:us-east-1:000000000000:function:counter')).toEqual({ type: 'function', name: 'counter' });
    expect(describeArn('arn:aws:sqs:us-east-1:000000000000:jobs')).toEqual({ type: 'queue', name: 'jobs' });
    expect(describeArn('arn:aws:logs:us-east-1:000000000000:log-group:/aws/events/x:*')).toEqual({ type: 'logGroup', name: '/aws/events/x' });
    expect(describeArn('arn:aws:events:us-east-1:000000000000:event-bus/orders')).toEqual({ type: 'bus', name: 'orders' });
  });
});

function sample(): Omit<StatusResult, 'ok' | 'problems'> {
  return {
    stackFile: 'evlab.json',
    endpoint: { url: 'http://127.0.0.1:4566', kind: 'evlab', label: 'evlab engine 0.1.0', source: 'default', services: { sqs: 'running' } },
    functions: [
      { name: 'counter', presence: 'present', state: 'Active', lastUpdateStatus: 'Successful', runtime: 'python3.12', lastModified: '2024-05-01T12:00:00.000+0000', deadLetterQueue: 'counter-dlq' },
      { name: 'mailer', presence: 'missing' },
    ],
    queues: [
      { name: 'jobs', presence: 'present', visible: 2, inFlight: 1, delayed: 0, deadLetter: false, deadLetterOf: [], redrive: { deadLetterQueue: 'jobs-dlq', maxReceiveCount: 4 } },
      { name: 'counter-dlq', presence: 'present', url: 'http://127.0.0.1:4566/000000000000/counter-dlq', visible: 3, inFlight: 0, delayed: 0, deadLetter: true, deadLetterOf: ['function counter'] },
      { name: 'jobs-dlq', presence: 'present', visible: 0, inFlight: 0, delayed: 0, deadLetter: true, deadLetterOf: ['queue jobs'] },
    ],
    tables: [
      { name: 'Distance', presence: 'present', count: 7, keys: ['Name', 'city'], items: [{ Distance: 12, Name: 'Distance', city: 'all' }, { Name: 'Distance', city: 'Paris', Distance: 5, tags: ['a'] }] },
      { name: 'Gone', presence: 'missing', keys: ['id'], items: [] },
    ],
    buses: [{ name: 'orders', presence: 'error', error: 'UnknownOperationException: no events service', errorCode: 'UnknownOperationException' }],
    rules: [
      { name: 'cli-events', bus: 'default', presence: 'present', state: 'ENABLED', pattern: 'source=cli', targets: [{ id: 't0', arn: 'arn', type: 'function', name: 'counter' }], missingTargets: ['queue jobs'] },
    ],
  };
}

describe('statusProblems', () => {
  it('flags missing, unreadable, dead letters and drift, with hints', () => {
    const problems = statusProblems(sample(), 'http://127.0.0.1:4566');
    expect(problems.map((p) => [p.kind, p.message])).toEqual([
      ['missing', 'function mailer is missing'],
      ['dead-letters', 'dead-letter queue counter-dlq holds 3 messages (dead letters of function counter)'],
      ['missing', 'table Gone is missing'],
      ['unreadable', 'bus orders could not be read: UnknownOperationException: no events service'],
      ['drift', 'rule cli-events lacks its target queue jobs'],
    ]);
    expect(problems[1]!.hint).toBe(
      "see why: evlab tail counter --since 1h; peek at them (they stay in the queue): curl -H 'Accept: application/json' 'http://127.0.0.1:4566/_aws/sqs/messages?QueueUrl=http%3A%2F%2F127.0.0.1%3A4566%2F000000000000%2Fcounter-dlq'; " +
        'or receive them: AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws --endpoint-url http://127.0.0.1:4566 --region us-east-1 sqs receive-message --queue-url http://127.0.0.1:4566/000000000000/counter-dlq --max-number-of-messages 10 --attribute-names All --message-attribute-names All',
    );
    expect(problems[3]!.hint).toContain('the endpoint lacks this service');
    expect(failsCheck(problems)).toBe(true);
    expect(failsCheck(problems.filter((p) => p.kind === 'unreadable'))).toBe(true);
    expect(failsCheck(problems.filter((p) => p.kind === 'drift'))).toBe(false);
  });

  it('finds nothing wrong in a healthy stack', () => {
    const healthy = sample();
    healthy.functions = healthy.functions.slice(0, 1);
    healthy.queues[1]!.visible = 0;
    healthy.tables = healthy.tables.slice(0, 1);
    healthy.buses = [];
    healthy.rules[0]!.missingTargets = [];
    expect(statusProblems(healthy, 'x')).toEqual([]);
  });
});

describe('renderStatus', () => {
  it('renders every section, missing resources and problems', () => {
    const s = sample();
    const text = renderStatus({ ...s, ok: false, problems: statusProblems(s, 'http://127.0.0.1:4566') }, { c, width: 100 });
    expect(text).toContain('endpoint  http://127.0.0.1:4566  evlab engine 0.1.0  (sqs running)');
    expect(text).toContain('  counter  Active  Successful   python3.12  2024-05-01 12:00:00  counter-dlq');
    expect(text).toContain('  mailer   missing — run evlab setup');
    expect(text).toContain('  jobs                     2          1        0  → jobs-dlq after 4 receives');
    expect(text).toContain('counter-dlq (DLQ)');
    expect(text).toContain('dead letters of function counter');
    expect(text).toContain('  Distance  7 items (first 2)\n    Name      city   Distance  tags\n    Distance  all    12\n    Distance  Paris  5         ["a"]');
    expect(text).toContain('  Gone  missing — run evlab setup');
    expect(text).toContain('  cli-events  default  ENABLED  source=cli  function counter, queue jobs (missing)');
    expect(text).toContain('5 problems\n  ✗ function mailer is missing\n    hint: run evlab setup');
  });

  it('orders item columns keys first', () => {
    expect(itemColumns({ keys: ['pk', 'sk'], items: [{ b: 1, sk: 2, pk: 3 }, { a: 1 }] })).toEqual(['pk', 'sk', 'b', 'a']);
  });
});
