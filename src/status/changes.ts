import type { StackFile } from '../stack/types.js';
import type { QueueCounts } from './aws-reads.js';
import type { StackSnapshot } from './snapshot.js';

export interface AttributeChange {
  name: string;
  before?: unknown;
  after?: unknown;
}

export interface ItemChange {
  kind: 'added' | 'removed' | 'modified';
  key: Record<string, unknown>;
  /** Modified items: the attributes that differ. */
  attributes?: AttributeChange[];
}

export interface TableChange {
  name: string;
  before?: number;
  after?: number;
  /** undefined when the table was missing before or after. */
  delta?: number;
  /** Present when both snapshots held every item (small tables). */
  items?: ItemChange[];
}

export interface QueueChange {
  name: string;
  deadLetter: boolean;
  before?: QueueCounts;
  after?: QueueCounts;
  changed: boolean;
}

export interface StackChanges {
  tables: TableChange[];
  queues: QueueChange[];
}

/** What changed between two snapshots: item-count deltas, changed items of small tables, queue counts. */
export function diffSnapshots(before: StackSnapshot, after: StackSnapshot, stack: StackFile, deadLetterQueues: ReadonlySet<string>): StackChanges {
  const tables = Object.keys(after.tables).map((name): TableChange => {
    const b = before.tables[name] ?? {};
    const a = after.tables[name] ?? {};
    const spec = stack.tables?.[name];
    const keyNames = spec ? [spec.partitionKey.name, ...(spec.sortKey ? [spec.sortKey.name] : [])] : [];
    return {
      name,
      before: b.count,
      after: a.count,
      delta: b.count !== undefined && a.count !== undefined ? a.count - b.count : undefined,
      items: b.items && a.items && keyNames.length > 0 ? diffItems(b.items, a.items, keyNames) : undefined,
    };
  });
  const queues = Object.keys(after.queues).map((name): QueueChange => {
    const b = before.queues[name];
    const a = after.queues[name];
    return { name, deadLetter: deadLetterQueues.has(name), before: b, after: a, changed: canonical(b) !== canonical(a) };
  });
  return { tables, queues };
}

export function diffItems(before: Record<string, unknown>[], after: Record<string, unknown>[], keyNames: string[]): ItemChange[] {
  const keyOf = (item: Record<string, unknown>) => Object.fromEntries(keyNames.map((k) => [k, item[k]]));
  const index = (items: Record<string, unknown>[]) => new Map(items.map((item) => [canonical(keyOf(item)), item]));
  const was = index(before);
  const now = index(after);
  const changes: ItemChange[] = [];
  for (const [id, item] of now) {
    const old = was.get(id);
    if (!old) changes.push({ kind: 'added', key: keyOf(item) });
    else if (canonical(old) !== canonical(item)) {
      const names = [...new Set([...Object.keys(old), ...Object.keys(item)])].filter((n) => canonical(old[n]) !== canonical(item[n]));
      changes.push({ kind: 'modified', key: keyOf(item), attributes: names.map((name) => ({ name, before: old[name], after: item[name] })) });
    }
  }
  for (const [id, item] of was) if (!now.has(id)) changes.push({ kind: 'removed', key: keyOf(item) });
  return changes;
}

/** JSON with sorted keys (and sets as sorted arrays): equal values give equal text. */
export function canonical(value: unknown): string {
  return JSON.stringify(normalise(value)) ?? 'undefined';
}

function normalise(value: unknown): unknown {
  if (value instanceof Set) return [...value].map(normalise).sort();
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'bigint') return value.toString();
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, normalise((value as Record<string, unknown>)[k])]));
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}
