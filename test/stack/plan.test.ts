import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { desiredState } from '../../src/stack/desired.js';
import { canonicalPattern, samePattern } from '../../src/stack/diff.js';
import { emptyState, type ActualState, type Change, type StackState } from '../../src/stack/model.js';
import { planStack, planTeardown, queuesInDependencyOrder, summarise } from '../../src/stack/plan.js';
import type { StackFile } from '../../src/stack/types.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/stacks/good/evlab.json');
const stack = JSON.parse(readFileSync(fixture, 'utf8')) as StackFile;
const shas = { 'lambda-testing': 'sha-a', counter: 'sha-b' };

function desired(change?: (s: StackFile) => void, ensureRole = true): StackState {
  const copy = structuredClone(stack);
  change?.(copy);
  return desiredState(copy, { codeSha256: shas, ensureRole });
}

/** The actual state right after a successful setup: exactly the desired state. */
function upToDate(): ActualState {
  return structuredClone(desired());
}

const line = (c: Change) => `${c.action} ${c.resource.type} ${c.resource.name}`;
const changed = (changes: Change[]) => changes.filter((c) => c.action !== 'noop').map(line);

describe('planStack', () => {
  it('creates everything on an empty endpoint, in dependency order', () => {
    const changes = planStack(desired(), emptyState());
    expect(changes.every((c) => c.action === 'create')).toBe(true);
    expect(changes.map(line)).toEqual([
      'create role lambda-role',
      'create queue jobs-dlq',
      'create queue lambda-testing-dlq',
      'create queue jobs',
      'create table Distance',
      'create function counter',
      'create function lambda-testing',
      'create bus orders',
      'create rule cli-events',
      'create rule order-placed',
      'create permission counter/evlab-orders-order-placed',
      'create permission lambda-testing/evlab-cli-events',
      'create target cli-events/jobs',
      'create target cli-events/lambda-testing',
      'create target order-placed/counter',
      'create subscription jobs → counter',
    ]);
  });

  it('changes nothing when the endpoint matches', () => {
    const changes = planStack(desired(), upToDate());
    expect(changed(changes)).toEqual([]);
    expect(summarise(changes)).toEqual({ create: 0, update: 0, delete: 0, noop: 16 });
  });

  it('leaves the role out where the endpoint has no IAM', () => {
    const actual = { ...emptyState(), iamUnavailable: true };
    expect(planStack(desired(), actual).some((c) => c.resource.type === 'role')).toBe(false);
  });

  it('recreates a deleted queue and repairs its attributes', () => {
    const actual = upToDate();
    delete actual.queues['jobs-dlq'];
    actual.queues.jobs!.visibilityTimeout = 60;
    const changes = planStack(desired(), actual);
    expect(changed(changes)).toEqual(['create queue jobs-dlq', 'update queue jobs']);
    expect(changes.find((c) => c.resource.name === 'jobs')!.reason).toBe('VisibilityTimeout 60 → 30');
  });

  it('updates a queue whose redrive policy drifted', () => {
    const actual = upToDate();
    actual.queues.jobs!.redrive = null;
    expect(planStack(desired(), actual).find((c) => c.resource.name === 'jobs')!.reason).toBe('dead-letter queue none → jobs-dlq');
  });

  it('updates functions for code, configuration and async settings, naming what differs', () => {
    const actual = upToDate();
    actual.functions.counter!.codeSha256 = 'old';
    actual.functions['lambda-testing']!.timeout = 3;
    actual.functions['lambda-testing']!.environment = {};
    actual.functions['lambda-testing']!.asyncConfig = null;
    const changes = planStack(desired(), actual);
    expect(changed(changes)).toEqual(['update function counter', 'update function lambda-testing']);
    expect(changes.find((c) => c.resource.name === 'counter')!.reason).toBe('code changed');
    expect(changes.find((c) => c.resource.name === 'lambda-testing')!.reason).toBe('timeout 3 → 10; environment changed; event invoke config missing');
  });

  it('does not compare a dead-letter config the endpoint does not report', () => {
    const actual = upToDate();
    actual.functions['lambda-testing']!.deadLetterQueue = undefined;
    expect(changed(planStack(desired(), actual))).toEqual([]);
    actual.functions['lambda-testing']!.deadLetterQueue = null;
    expect(changed(planStack(desired(), actual))).toEqual(['update function lambda-testing']);
  });

  it('compares patterns by meaning, not text', () => {
    const actual = upToDate();
    actual.rules['order-placed']!.pattern = { detail: { total: [{ numeric: ['>', 0] }] }, 'detail-type': ['OrderPlaced'] };
    expect(changed(planStack(desired(), actual))).toEqual([]);
    actual.rules['order-placed']!.pattern = { 'detail-type': ['OrderPlaced'], 'detail.total': [{ numeric: ['>', 0] }] };
    expect(changed(planStack(desired(), actual))).toEqual([]);
    actual.rules['order-placed']!.pattern = { 'detail-type': ['OrderCancelled'] };
    const changes = planStack(desired(), actual);
    expect(changed(changes)).toEqual(['update rule order-placed']);
    expect(changes.find((c) => c.action === 'update')!.reason).toBe('pattern changed');
  });

  it('repairs a removed target and removes one added by hand', () => {
    const actual = upToDate();
    delete actual.targets['cli-events/jobs'];
    actual.targets['cli-events/extra'] = { key: 'cli-events/extra', rule: 'cli-events', bus: 'default', id: 'extra', destination: { kind: 'queue', name: 'jobs-dlq' } };
    const changes = planStack(desired(), actual);
    expect(changed(changes)).toEqual(['delete target cli-events/extra', 'create target cli-events/jobs']);
  });

  it('updates a target whose input settings drifted; constant inputs compare as JSON', () => {
    const actual = upToDate();
    actual.targets['cli-events/jobs']!.inputPath = '$';
    expect(planStack(desired(), actual).find((c) => c.resource.name === 'cli-events/jobs')!.reason).toBe('InputPath $ → $.detail');
    const withInput = desired((s) => (s.rules!['cli-events']!.targets[0] = { function: 'lambda-testing', input: { b: 1, a: [1, 2] } }));
    const reordered = structuredClone(withInput) as ActualState;
    reordered.targets['cli-events/lambda-testing']!.input = '{"a": [1, 2], "b": 1}';
    expect(changed(planStack(withInput, reordered))).toEqual([]);
  });

  it('replaces a table whose keys changed, deleting before creating', () => {
    const actual = upToDate();
    actual.tables.Distance!.sortKey = undefined;
    const changes = changed(planStack(desired(), actual));
    expect(changes).toEqual(['delete table Distance', 'create table Distance']);
  });

  it('removes an invoke permission no rule needs any more, and an undeclared mapping', () => {
    const actual = upToDate();
    actual.permissions['counter/evlab-old-rule'] = { key: 'counter/evlab-old-rule', function: 'counter', statementId: 'evlab-old-rule', rule: { bus: 'default', name: 'old-rule' } };
    actual.subscriptions['jobs-dlq → counter'] = { key: 'jobs-dlq → counter', queue: 'jobs-dlq', function: 'counter', batchSize: 10, maximumBatchingWindowSeconds: 0, enabled: true, uuid: 'u' };
    actual.subscriptions['jobs → counter']!.batchSize = 5;
    expect(changed(planStack(desired(), actual))).toEqual([
      'delete subscription jobs-dlq → counter',
      'delete permission counter/evlab-old-rule',
      'update subscription jobs → counter',
    ]);
  });

  it('with --fresh deletes what exists (dependents first) and creates everything again', () => {
    const changes = planStack(desired(), upToDate(), { fresh: true });
    const deletes = changes.filter((c) => c.action === 'delete').map(line);
    expect(deletes[0]).toBe('delete subscription jobs → counter');
    expect(deletes.indexOf('delete queue jobs')).toBeLessThan(deletes.indexOf('delete queue jobs-dlq'));
    expect(deletes.indexOf('delete target cli-events/jobs')).toBeLessThan(deletes.indexOf('delete rule cli-events'));
    expect(deletes).not.toContain('delete role lambda-role');
    const creates = changes.filter((c) => c.action === 'create').map(line);
    expect(creates).toHaveLength(15);
    expect(changes.findIndex((c) => c.action === 'create')).toBeGreaterThan(changes.findLastIndex((c) => c.action === 'delete'));
  });
});

describe('planTeardown', () => {
  it('deletes what exists, dependents first, and lists what is already gone', () => {
    const actual = upToDate();
    delete actual.queues['lambda-testing-dlq'];
    actual.targets['cli-events/manual'] = { key: 'cli-events/manual', rule: 'cli-events', bus: 'default', id: 'manual', destination: { kind: 'queue', name: 'x' } };
    const changes = planTeardown(desired(), actual);
    const deletes = changes.filter((c) => c.action === 'delete').map(line);
    expect(deletes).toContain('delete target cli-events/manual');
    expect(deletes.indexOf('delete target cli-events/manual')).toBeLessThan(deletes.indexOf('delete rule cli-events'));
    expect(deletes.indexOf('delete function counter')).toBeLessThan(deletes.indexOf('delete queue jobs'));
    expect(deletes.at(-1)).toBe('delete queue jobs-dlq');
    expect(changes.find((c) => c.resource.name === 'lambda-testing-dlq')).toMatchObject({ action: 'noop', reason: 'does not exist' });
    expect(changes.some((c) => c.resource.type === 'role')).toBe(false);
  });
});

describe('patterns and queues', () => {
  it('keeps the order of arrays inside operators', () => {
    expect(samePattern({ a: [{ numeric: ['>', 0, '<', 5] }] }, { a: [{ numeric: ['<', 5, '>', 0] }] })).toBe(false);
    expect(samePattern({ a: ['x', 'y'] }, { a: ['y', 'x'] })).toBe(true);
    expect(canonicalPattern({ $or: [{ a: [1] }, { b: [2] }] })).toBe(canonicalPattern({ $or: [{ b: [2] }, { a: [1] }] }));
  });

  it('orders dead-letter queues before the queues that use them', () => {
    const queue = (dlq?: string) => ({ redrive: dlq ? { deadLetterQueue: dlq, maxReceiveCount: 1 } : null });
    expect(queuesInDependencyOrder({ a: queue('b'), b: queue('c'), c: queue(), d: queue() })).toEqual(['c', 'd', 'b', 'a']);
  });
});

describe('rules moved between buses', () => {
  it('deletes the rule left on the old bus before creating it on the new one', () => {
    const moved = desired((s) => (s.rules!['cli-events']!.bus = 'orders'));
    const actual = upToDate();
    const old = actual.rules['cli-events']!;
    delete actual.rules['cli-events'];
    actual.rules['default/cli-events'] = old;
    const changes = changed(planStack(moved, actual));
    expect(changes).toContain('delete rule default/cli-events');
    expect(changes).toContain('create rule cli-events');
    expect(changes.indexOf('delete rule default/cli-events')).toBeLessThan(changes.indexOf('create rule cli-events'));
    // The permission for the old rule is replaced by one for the rule on its new bus.
    expect(changes).toContain('delete permission lambda-testing/evlab-cli-events');
    expect(changes).toContain('create permission lambda-testing/evlab-orders-cli-events');
  });
});
