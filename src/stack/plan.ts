import {
  functionDifferences,
  permissionDifferences,
  queueDifferences,
  ruleDifferences,
  subscriptionDifferences,
  tableDifferences,
  targetDifferences,
} from './diff.js';
import { apiDifferences, functionUrlDifferences, notificationDifferences } from './diff-entry-points.js';
import { emptyState, RESOURCE_ORDER, type ActualState, type Change, type QueueState, type ResourceType, type StackState } from './model.js';

export interface PlanOptions {
  /** Delete the stack's resources first, then create them all again. */
  fresh?: boolean;
}

type Section = Exclude<keyof StackState, 'role'>;
const SECTION: Record<Exclude<ResourceType, 'role'>, Section> = {
  queue: 'queues',
  table: 'tables',
  function: 'functions',
  'log-group': 'logGroups',
  bus: 'buses',
  rule: 'rules',
  permission: 'permissions',
  target: 'targets',
  subscription: 'subscriptions',
  bucket: 'buckets',
  api: 'apis',
  notification: 'notifications',
  'function-url': 'functionUrls',
};

/**
 * The changes that turn `actual` into `desired`: deletions first (dependents before what they depend on),
 * then creations and updates in dependency order (role, queues with dead-letter queues first, tables,
 * functions, log groups, buses, rules, permissions, targets, subscriptions). Unchanged resources appear
 * as `noop`. Pure: no I/O, so it is tested without an endpoint.
 */
export function planStack(desired: StackState, actual: ActualState, options: PlanOptions = {}): Change[] {
  if (options.fresh) {
    const teardown = planTeardown(desired, actual).filter((c) => c.action === 'delete').map((c) => ({ ...c, reason: `--fresh (${c.reason})` }));
    const afterTeardown: ActualState = { ...emptyState(), role: actual.role, iamUnavailable: actual.iamUnavailable };
    return [...teardown, ...planStack(desired, afterTeardown).map((c) => (c.action === 'create' ? { ...c, reason: '--fresh' } : c))];
  }
  const deletes: Change[] = [];
  const upserts: Change[] = [];
  const create = (type: ResourceType, name: string, reason = 'does not exist') => upserts.push({ action: 'create', resource: { type, name }, reason });
  const update = (type: ResourceType, name: string, reasons: string[]) => upserts.push({ action: 'update', resource: { type, name }, reason: reasons.join('; ') });
  const noop = (type: ResourceType, name: string) => upserts.push({ action: 'noop', resource: { type, name }, reason: 'up to date' });
  const remove = (type: ResourceType, name: string, reason: string) => deletes.push({ action: 'delete', resource: { type, name }, reason });

  if (desired.role && !actual.iamUnavailable) {
    if (actual.role) noop('role', desired.role.name);
    else create('role', desired.role.name, "does not exist (the functions' execution role)");
  }

  for (const name of queuesInDependencyOrder(desired.queues)) {
    const current = actual.queues[name];
    if (!current) create('queue', name);
    else {
      const differences = queueDifferences(desired.queues[name]!, current);
      if (differences.length) update('queue', name, differences);
      else noop('queue', name);
    }
  }

  for (const [name, table] of sorted(desired.tables)) {
    const current = actual.tables[name];
    if (!current) create('table', name);
    else {
      const differences = tableDifferences(table, current);
      if (differences.length) {
        remove('table', name, `${differences.join('; ')}: a table's keys cannot change, so it is replaced (its items are lost)`);
        create('table', name, 'replaced with the new key schema');
      } else noop('table', name);
    }
  }

  for (const [name, fn] of sorted(desired.functions)) {
    const current = actual.functions[name];
    if (!current) create('function', name);
    else {
      const d = functionDifferences(fn, current);
      const reasons = [...(d.code ? ['code changed'] : []), ...d.configuration, ...d.asyncConfig];
      if (reasons.length) update('function', name, reasons);
      else noop('function', name);
    }
  }

  for (const type of ['log-group', 'bus'] as const) {
    for (const name of Object.keys(desired[SECTION[type]]).sort()) {
      if (actual[SECTION[type]][name]) noop(type, name);
      else create(type, name);
    }
  }

  for (const name of Object.keys(desired.buckets).sort()) {
    if (actual.buckets[name]) noop('bucket', name);
    else create('bucket', name);
  }

  for (const [name, api] of sorted(desired.apis)) {
    const current = actual.apis[name];
    if (!current) create('api', name);
    else {
      const d = apiDifferences(api, current);
      if (d.replace) {
        remove('api', name, `${d.reasons.join('; ')}: the API is replaced (its id and invoke URL change)`);
        create('api', name, 'replaced');
      } else if (d.reasons.length) update('api', name, d.reasons);
      else noop('api', name);
    }
  }

  for (const [name, rule] of sorted(desired.rules)) {
    const current = actual.rules[name];
    if (!current) create('rule', name);
    else {
      const differences = ruleDifferences(rule, current);
      if (differences.length) update('rule', name, differences);
      else noop('rule', name);
    }
  }
  for (const [key, rule] of sorted(actual.rules)) {
    if (!(key in desired.rules)) remove('rule', key, `the stack file puts rule ${rule.name} on bus ${desired.rules[rule.name]?.bus ?? '?'}`);
  }

  // Permissions, targets and subscriptions attached to the stack's rules and functions but not declared
  // (a target added by hand, a rule that no longer targets a function) are drift: they are removed.
  const attached = [
    ['permission', permissionDifferences, 'no rule of the stack file targets the function through it'],
    ['target', targetDifferences, 'not in the stack file'],
    ['subscription', subscriptionDifferences, 'not in the stack file'],
    ['notification', notificationDifferences, 'the stack file declares no notifications for the bucket'],
    ['function-url', functionUrlDifferences, 'the stack file does not set "url": true for the function'],
  ] as const;
  for (const [type, differencesOf, extraReason] of attached) {
    const want = desired[SECTION[type]] as Record<string, never>;
    const have = actual[SECTION[type]] as Record<string, never>;
    for (const [key, item] of sorted(want)) {
      const current = have[key];
      if (!current) create(type, key);
      else {
        const differences = (differencesOf as (a: unknown, b: unknown) => string[])(item, current);
        if (differences.length) update(type, key, differences);
        else noop(type, key);
      }
    }
    for (const [key] of sorted(have)) if (!(key in want)) remove(type, key, extraReason);
  }

  return [...orderDeletes(deletes, actual), ...upserts];
}

/**
 * Deletes everything the stack file names that exists, and what hangs off it (every target of its rules,
 * evlab's permissions and the queue mappings of its functions), dependents first. Named resources that do
 * not exist appear as `noop`. The execution role is never deleted: other stacks may use it.
 */
export function planTeardown(desired: StackState, actual: ActualState): Change[] {
  const changes: Change[] = [];
  for (const type of [...RESOURCE_ORDER].reverse()) {
    if (type === 'role') continue;
    const section = SECTION[type];
    const names = new Set([...Object.keys(desired[section]), ...Object.keys(actual[section])]);
    const ordered = type === 'queue' ? queuesInDependencyOrder({ ...actual.queues, ...desired.queues }).reverse() : [...names].sort();
    for (const name of ordered) {
      const exists = name in actual[section];
      const named = name in desired[section];
      if (exists) changes.push({ action: 'delete', resource: { type, name }, reason: named ? 'named in the stack file' : attachedReason(type, actual, name) });
      else if (named) changes.push({ action: 'noop', resource: { type, name }, reason: 'does not exist' });
    }
  }
  return changes;
}

function attachedReason(type: ResourceType, actual: ActualState, name: string): string {
  if (type === 'target') return `target of the stack's rule ${actual.targets[name]!.rule}`;
  if (type === 'permission') return `evlab's invoke permission on ${actual.permissions[name]!.function}`;
  if (type === 'subscription') return `queue mapping of ${actual.subscriptions[name]!.function}`;
  if (type === 'notification') return `notification configuration of the stack's bucket ${name}`;
  if (type === 'function-url') return `URL of the stack's function ${name}`;
  return 'attached to the stack';
}

/** Deletes run dependents first: the reverse of RESOURCE_ORDER, queues before their dead-letter queues. */
function orderDeletes(deletes: Change[], actual: ActualState): Change[] {
  const rank = (c: Change) => RESOURCE_ORDER.length - RESOURCE_ORDER.indexOf(c.resource.type);
  const queueOrder = queuesInDependencyOrder(actual.queues).reverse();
  return [...deletes].sort((a, b) => rank(a) - rank(b) || (a.resource.type === 'queue' ? queueOrder.indexOf(a.resource.name) - queueOrder.indexOf(b.resource.name) : 0));
}

/** Queue names with every dead-letter queue before the queues that use it (then by name). */
export function queuesInDependencyOrder(queues: Record<string, Pick<QueueState, 'redrive'>>): string[] {
  const depth = new Map<string, number>();
  const depthOf = (name: string, seen: string[] = []): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const dlq = queues[name]?.redrive?.deadLetterQueue;
    const value = dlq && dlq in queues && !seen.includes(dlq) ? depthOf(dlq, [...seen, name]) + 1 : 0;
    depth.set(name, value);
    return value;
  };
  return Object.keys(queues).sort((a, b) => depthOf(a) - depthOf(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function sorted<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Counts by action, for summaries. */
export function summarise(changes: Change[]): Record<Change['action'], number> {
  const counts = { create: 0, update: 0, delete: 0, noop: 0 };
  for (const c of changes) counts[c.action]++;
  return counts;
}
