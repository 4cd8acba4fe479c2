import { ruleArn } from './arns.js';
import { findBus, findRule, paginate, readTags, type OpContext, type Operation } from './context.js';
import { constraintViolation, invalidPattern, limitExceeded, validation } from './errors.js';
import { compilePattern, InvalidPatternError, type CompiledPattern } from './pattern.js';
import { parseSchedule } from './schedule.js';
import type { Rule, RuleState } from './state.js';
import { readBusNameOrArn, readRuleName, readString, RULE_NAME, RULE_NAME_TEXT, type Input } from './validation.js';

/** EventBridge quota: rules per event bus. */
const MAX_RULES_PER_BUS = 300;
const STATES: RuleState[] = ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'];

/** Creates or replaces a rule. As in AWS, a replaced rule keeps its targets but nothing else of the old definition. */
export const putRule: Operation = (input, ctx) => {
  const name = readRuleName(input, 'Name', 'name');
  const busName = readBusNameOrArn(input);
  const pattern = readString(input, 'EventPattern', 'eventPattern', { max: 4096 });
  const schedule = readString(input, 'ScheduleExpression', 'scheduleExpression', { max: 256 });
  const state = readState(input);
  const description = readString(input, 'Description', 'description', { max: 512 });
  const roleArn = readString(input, 'RoleArn', 'roleArn', { min: 1, max: 1600 });
  const tags = readTags(input);
  if (!pattern && !schedule) throw validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');

  const bus = findBus(ctx, busName);
  if (schedule && bus.name !== 'default') throw validation('ScheduleExpression is supported only on the default event bus.');
  const matcher = pattern ? compile(pattern) : undefined;
  if (schedule) parseSchedule(schedule);
  const existing = bus.rules.get(name);
  if (!existing && bus.rules.size >= MAX_RULES_PER_BUS) throw limitExceeded();

  const rule: Rule = {
    name,
    bus: bus.name,
    region: bus.region,
    arn: ruleArn(bus.region, ctx.accountId, bus.name, name),
    eventPattern: pattern || undefined,
    matcher,
    scheduleExpression: schedule || undefined,
    state,
    description,
    roleArn,
    targets: existing?.targets ?? new Map(),
    tags: existing?.tags ?? new Map(),
  };
  for (const [k, v] of tags) rule.tags.set(k, v);
  bus.rules.set(name, rule);
  ctx.ruleChanged(rule);
  return { RuleArn: rule.arn };
};

export const describeRule: Operation = (input, ctx) => {
  const name = readRuleName(input, 'Name', 'name');
  const rule = findRule(findBus(ctx, readBusNameOrArn(input)), name);
  return { ...describe(rule), CreatedBy: ctx.accountId };
};

export const listRules: Operation = (input, ctx) => {
  const prefix = readString(input, 'NamePrefix', 'namePrefix', { min: 1, max: 64, pattern: RULE_NAME, patternText: RULE_NAME_TEXT });
  const bus = findBus(ctx, readBusNameOrArn(input));
  const rules = [...bus.rules.values()].filter((r) => prefix === undefined || r.name.startsWith(prefix)).sort(byName);
  const { page, nextToken } = paginate(rules, input);
  return { Rules: page.map(describe), ...(nextToken ? { NextToken: nextToken } : {}) };
};

/** Deleting a rule (or a rule on a bus) that does not exist succeeds, as with AWS. */
export const deleteRule: Operation = (input, ctx) => {
  const name = readRuleName(input, 'Name', 'name');
  const busName = readBusNameOrArn(input);
  let rule: Rule | undefined;
  try {
    rule = findBus(ctx, busName).rules.get(name);
  } catch {
    return {};
  }
  if (!rule) return {};
  if (rule.targets.size > 0) throw validation("Rule can't be deleted since it has targets.");
  ctx.state.buses(ctx.region).get(rule.bus)?.rules.delete(name);
  ctx.ruleRemoved(rule);
  return {};
};

export const enableRule: Operation = (input, ctx) => setState(input, ctx, 'ENABLED');
export const disableRule: Operation = (input, ctx) => setState(input, ctx, 'DISABLED');

export const listRuleNamesByTarget: Operation = (input, ctx) => {
  const targetArn = readString(input, 'TargetArn', 'targetArn', { required: true, min: 1, max: 1600 })!;
  const bus = findBus(ctx, readBusNameOrArn(input));
  const names = [...bus.rules.values()]
    .filter((r) => [...r.targets.values()].some((t) => t.arn === targetArn))
    .sort(byName)
    .map((r) => r.name);
  const { page, nextToken } = paginate(names, input);
  return { RuleNames: page, ...(nextToken ? { NextToken: nextToken } : {}) };
};

function setState(input: Input, ctx: OpContext, state: RuleState) {
  const name = readRuleName(input, 'Name', 'name');
  const rule = findRule(findBus(ctx, readBusNameOrArn(input)), name);
  rule.state = state;
  ctx.ruleChanged(rule);
  return {};
}

function readState(input: Input): RuleState {
  const state = input.State;
  if (state === undefined || state === null) return 'ENABLED';
  if (!STATES.includes(state as RuleState)) {
    throw constraintViolation('state', state, `Member must satisfy enum value set: [${STATES.join(', ')}]`);
  }
  return state as RuleState;
}

export function compile(pattern: string): CompiledPattern {
  try {
    return compilePattern(pattern);
  } catch (err) {
    if (err instanceof InvalidPatternError) throw invalidPattern(err.message);
    throw err;
  }
}

function describe(rule: Rule) {
  return {
    Name: rule.name,
    Arn: rule.arn,
    ...(rule.eventPattern !== undefined ? { EventPattern: rule.eventPattern } : {}),
    ...(rule.scheduleExpression !== undefined ? { ScheduleExpression: rule.scheduleExpression } : {}),
    State: rule.state,
    ...(rule.description !== undefined ? { Description: rule.description } : {}),
    ...(rule.roleArn !== undefined ? { RoleArn: rule.roleArn } : {}),
    EventBusName: rule.bus,
  };
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
