import { AwsError } from '../protocol/aws-error.js';
import { parseArn } from './arns.js';
import { readTags, tagList, type OpContext, type Operation } from './context.js';
import { busNotFound, ruleNotFound } from './errors.js';
import { readList, readString, type Input } from './validation.js';

/** Event buses and rules carry tags; the resource is found by its ARN (event-bus/NAME, rule/NAME, rule/BUS/NAME). */
export const tagResource: Operation = (input, ctx) => {
  const tags = resourceTags(input, ctx);
  for (const [k, v] of readTags(input)) tags.set(k, v);
  return {};
};

export const untagResource: Operation = (input, ctx) => {
  const tags = resourceTags(input, ctx);
  const keys = readList(input, 'TagKeys', 'tagKeys', 0)!;
  for (const key of keys) tags.delete(String(key));
  return {};
};

export const listTagsForResource: Operation = (input, ctx) => ({ Tags: tagList(resourceTags(input, ctx)) });

function resourceTags(input: Input, ctx: OpContext): Map<string, string> {
  const arn = readString(input, 'ResourceARN', 'resourceARN', { required: true, min: 1, max: 1600 })!;
  const parsed = parseArn(arn);
  if (!parsed || parsed.service !== 'events') throw new AwsError('ResourceNotFoundException', 400, `Resource ${arn} does not exist.`);
  const buses = ctx.state.buses(parsed.region || ctx.region);
  const [type, ...path] = parsed.resource.split('/');
  if (type === 'event-bus' && path.length === 1) {
    const bus = buses.get(path[0]);
    if (!bus) throw busNotFound(path[0]);
    return bus.tags;
  }
  if (type === 'rule' && (path.length === 1 || path.length === 2)) {
    const [busName, ruleName] = path.length === 1 ? ['default', path[0]] : path;
    const bus = buses.get(busName);
    if (!bus) throw busNotFound(busName);
    const rule = bus.rules.get(ruleName);
    if (!rule) throw ruleNotFound(ruleName, busName);
    return rule.tags;
  }
  throw new AwsError('ResourceNotFoundException', 400, `Resource ${arn} does not exist.`);
}
