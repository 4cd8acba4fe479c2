import { findGroup, findStream, groupArn, type Operation } from './context.js';
import { constraintViolation, invalidParameter, streamExists } from './errors.js';
import { sequenceToken } from './ops-put.js';
import { newStream, removeStream, type LogStream } from './state.js';
import { listToken, parseListToken } from './tokens.js';
import { readBoolean, readGroupName, readGroupReference, readInteger, readStreamName, readString } from './validation.js';

const ORDER_BY = ['LogStreamName', 'LastEventTime'];

export const createLogStream: Operation = (input, ctx) => {
  const groupName = readGroupName(input)!;
  const name = readStreamName(input)!;
  const group = findGroup(ctx, groupName);
  if (group.streams.has(name)) throw streamExists();
  group.streams.set(name, newStream(name, ctx.now()));
  return {};
};

export const deleteLogStream: Operation = (input, ctx) => {
  const groupName = readGroupName(input)!;
  const name = readStreamName(input)!;
  const group = findGroup(ctx, groupName);
  findStream(group, name);
  removeStream(group, name);
  return {};
};

export const describeLogStreams: Operation = (input, ctx) => {
  const groupName = readGroupReference(input);
  const prefix = readStreamName(input, 'logStreamNamePrefix', false);
  const orderBy = readString(input, 'orderBy') ?? 'LogStreamName';
  const descending = readBoolean(input, 'descending') ?? false;
  const limit = readInteger(input, 'limit', 1, 50) ?? 50;
  const token = readString(input, 'nextToken', { min: 1 });
  if (!ORDER_BY.includes(orderBy)) throw constraintViolation('orderBy', orderBy, `Member must satisfy enum value set: [${ORDER_BY.join(', ')}]`);
  if (orderBy === 'LastEventTime' && prefix !== undefined) throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  const group = findGroup(ctx, groupName);

  // Sort keys end with the name, so they are unique and a page can resume strictly after the last one.
  const keyOf = (s: LogStream): [number, string] => [orderBy === 'LastEventTime' ? (lastEvent(s)?.timestamp ?? 0) : 0, s.name];
  const direction = descending ? -1 : 1;
  const compare = (a: [number, string], b: [number, string]) => direction * (a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));

  const sorted = [...group.streams.values()]
    .filter((s) => prefix === undefined || s.name.startsWith(prefix))
    .map((s) => ({ s, key: keyOf(s) }))
    .sort((a, b) => compare(a.key, b.key));
  let start = 0;
  if (token) {
    const after = parseListToken(token);
    if (after.length !== 2 || typeof after[0] !== 'number' || typeof after[1] !== 'string') throw invalidParameter('The specified nextToken is invalid.');
    const index = sorted.findIndex((x) => compare(x.key, after as [number, string]) > 0);
    start = index === -1 ? sorted.length : index;
  }
  const page = sorted.slice(start, start + limit);
  const arn = groupArn(ctx, group.name);
  return {
    logStreams: page.map(({ s }) => describeStream(s, arn)),
    ...(start + limit < sorted.length ? { nextToken: listToken(page[page.length - 1]!.key) } : {}),
  };
};

function describeStream(s: LogStream, groupArn: string): Record<string, unknown> {
  const first = s.events[0];
  const last = lastEvent(s);
  return {
    logStreamName: s.name,
    creationTime: s.creationTime,
    ...(first ? { firstEventTimestamp: first.timestamp } : {}),
    ...(last ? { lastEventTimestamp: last.timestamp } : {}),
    ...(s.lastIngestionTime !== undefined ? { lastIngestionTime: s.lastIngestionTime } : {}),
    ...(s.uploads > 0 ? { uploadSequenceToken: sequenceToken(s.uploads) } : {}),
    arn: `${groupArn}:log-stream:${s.name}`,
    // Always 0 for streams since June 2019 (API reference); the group reports the bytes.
    storedBytes: 0,
  };
}

function lastEvent(s: LogStream) {
  return s.events[s.events.length - 1];
}
