import { busRef } from './arns.js';
import { busNotFound, ruleNotFound, validation } from './errors.js';
import type { Bus, EventsState, Rule } from './state.js';
import { readLimit, readString, type Input } from './validation.js';

/** What every operation needs: the data, where the caller is, and the hooks that keep timers and routing in step. */
export interface OpContext {
  state: EventsState;
  region: string;
  accountId: string;
  /** A rule was created, changed, enabled or disabled (its schedule timer follows). */
  ruleChanged(rule: Rule): void;
  /** A rule is gone (its schedule timer stops). */
  ruleRemoved(rule: Rule): void;
  /** PutEvents, shared with EventsInternal.putEventsInternal. */
  putEvents(entries: unknown, region: string): unknown;
}

export type Operation = (input: Input, ctx: OpContext) => unknown;

export function findBus(ctx: OpContext, nameOrArn: string | undefined): Bus {
  const { name } = busRef(nameOrArn);
  const bus = ctx.state.buses(ctx.region).get(name);
  if (!bus) throw busNotFound(name);
  return bus;
}

export function findRule(bus: Bus, name: string): Rule {
  const rule = bus.rules.get(name);
  if (!rule) throw ruleNotFound(name, bus.name);
  return rule;
}

/** One page of `items` for Limit/NextToken; the token is the offset of the next item (opaque to callers). */
export function paginate<T>(items: T[], input: Input): { page: T[]; nextToken?: string } {
  const limit = readLimit(input) ?? 100;
  const token = readString(input, 'NextToken', 'nextToken', { min: 1, max: 2048 });
  let start = 0;
  if (token !== undefined) {
    const decoded = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(decoded) || decoded < 0) throw validation('The NextToken provided is invalid.');
    start = decoded;
  }
  const page = items.slice(start, start + limit);
  const next = start + limit;
  return next < items.length ? { page, nextToken: Buffer.from(String(next)).toString('base64url') } : { page };
}

/** AWS tag lists ([{Key, Value}]) in and out of the Map resources keep. */
export function readTags(input: Input, key = 'Tags', field = 'tags'): [string, string][] {
  const value = input[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw validation(`Invalid type for parameter ${key}: expected a list.`);
  return value.map((tag, i) => {
    const t = (tag ?? {}) as Input;
    const k = readString(t, 'Key', `${field}.${i + 1}.member.key`, { required: true, min: 1, max: 128 })!;
    const v = readString(t, 'Value', `${field}.${i + 1}.member.value`, { required: true, min: 0, max: 256 })!;
    return [k, v];
  });
}

export const tagList = (tags: Map<string, string>) => [...tags].map(([Key, Value]) => ({ Key, Value }));
