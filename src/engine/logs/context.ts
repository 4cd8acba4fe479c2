import type { Input } from './validation.js';
import type { LogGroup, LogsState, LogStream } from './state.js';
import { groupNotFound, streamNotFound } from './errors.js';

/** What every operation needs: the data, and who and where the caller is. */
export interface OpContext {
  state: LogsState;
  region: string;
  accountId: string;
  now(): number;
}

export type Operation = (input: Input, ctx: OpContext) => unknown;

export function findGroup(ctx: OpContext, name: string): LogGroup {
  const group = ctx.state.groups(ctx.region).get(name);
  if (!group) throw groupNotFound();
  return group;
}

export function findStream(group: LogGroup, name: string): LogStream {
  const stream = group.streams.get(name);
  if (!stream) throw streamNotFound();
  return stream;
}

export function groupArn(ctx: Pick<OpContext, 'region' | 'accountId'>, group: string): string {
  return `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${group}`;
}
