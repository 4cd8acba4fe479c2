import { AwsError } from '../protocol/aws-error.js';
import { findBus, paginate, readTags, type Operation } from './context.js';
import { busExists, limitExceeded, validation } from './errors.js';
import type { Bus } from './state.js';
import { BUS_NAME, BUS_NAME_TEXT, readString } from './validation.js';

/** EventBridge quota: custom event buses per account and region. */
const MAX_CUSTOM_BUSES = 100;

const readBusName = (input: Record<string, unknown>) =>
  readString(input, 'Name', 'name', { required: true, min: 1, max: 256, pattern: BUS_NAME, patternText: BUS_NAME_TEXT })!;

export const createEventBus: Operation = (input, ctx) => {
  const name = readBusName(input);
  const eventSource = readString(input, 'EventSourceName', 'eventSourceName', { min: 1, max: 256 });
  const description = readString(input, 'Description', 'description', { max: 512 });
  const tags = readTags(input);
  const buses = ctx.state.buses(ctx.region);
  if (buses.has(name)) throw busExists(name);
  // Partner event sources do not exist in the engine; a slash is only allowed in partner bus names.
  if (eventSource !== undefined) throw new AwsError('ResourceNotFoundException', 400, `Event source ${eventSource} does not exist.`);
  if (name.includes('/')) throw validation("Event bus name must not contain '/'.");
  if (buses.size - 1 >= MAX_CUSTOM_BUSES) throw limitExceeded();
  const bus = ctx.state.newBus(ctx.region, name, Date.now() / 1000, description);
  for (const [k, v] of tags) bus.tags.set(k, v);
  buses.set(name, bus);
  return { EventBusArn: bus.arn, ...(description !== undefined ? { Description: description } : {}) };
};

export const describeEventBus: Operation = (input, ctx) => {
  const name = readString(input, 'Name', 'name', { min: 1, max: 1600 });
  return describe(findBus(ctx, name));
};

export const listEventBuses: Operation = (input, ctx) => {
  const prefix = readString(input, 'NamePrefix', 'namePrefix', { min: 1, max: 256, pattern: BUS_NAME, patternText: BUS_NAME_TEXT });
  const buses = [...ctx.state.buses(ctx.region).values()]
    .filter((b) => prefix === undefined || b.name.startsWith(prefix))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const { page, nextToken } = paginate(buses, input);
  return { EventBuses: page.map(describe), ...(nextToken ? { NextToken: nextToken } : {}) };
};

/** Deleting a bus that does not exist succeeds (AWS lists no not-found error); its rules go with it. */
export const deleteEventBus: Operation = (input, ctx) => {
  const name = readBusName(input);
  if (name === 'default') throw validation('Cannot delete event bus default.');
  const buses = ctx.state.buses(ctx.region);
  const bus = buses.get(name);
  if (!bus) return {};
  buses.delete(name);
  for (const rule of bus.rules.values()) ctx.ruleRemoved(rule);
  return {};
};

function describe(bus: Bus) {
  return {
    Name: bus.name,
    Arn: bus.arn,
    ...(bus.description !== undefined ? { Description: bus.description } : {}),
    CreationTime: bus.creationTime,
    LastModifiedTime: bus.lastModifiedTime,
  };
}
