import { parseArn, targetKind } from './arns.js';
import { findBus, findRule, paginate, type Operation } from './context.js';
import { limitExceeded, validation } from './errors.js';
import type { StoredTarget } from './state.js';
import { compileInputPlan } from './target-input.js';
import { readBusNameOrArn, readInteger, readList, readObject, readRuleName, readString, RULE_NAME, RULE_NAME_TEXT, type Input } from './validation.js';

/** EventBridge quota: targets per rule. */
const MAX_TARGETS_PER_RULE = 5;
/** RetryPolicy defaults: 185 attempts over 24 hours. */
const DEFAULT_RETRIES = 185;
const DEFAULT_MAX_AGE_SECONDS = 86_400;

const TARGET_KEYS = [
  'Id', 'Arn', 'RoleArn', 'Input', 'InputPath', 'InputTransformer', 'KinesisParameters', 'RunCommandParameters', 'EcsParameters',
  'BatchParameters', 'SqsParameters', 'HttpParameters', 'RedshiftDataParameters', 'SageMakerPipelineParameters', 'DeadLetterConfig',
  'RetryPolicy', 'AppSyncParameters',
];

const readTargetId = (input: Input, key: string, field: string) =>
  readString(input, key, field, { required: true, min: 1, max: 64, pattern: RULE_NAME, patternText: RULE_NAME_TEXT })!;

/** Adds or replaces targets by Id. Problems with a target fail the whole call, as AWS's validation does. */
export const putTargets: Operation = (input, ctx) => {
  const ruleName = readRuleName(input, 'Rule', 'rule');
  const busName = readBusNameOrArn(input);
  const list = readList(input, 'Targets', 'targets', 1, 10)!;
  const raw = list.map((t, i) => {
    if (t === null || typeof t !== 'object' || Array.isArray(t)) throw validation('Invalid type for parameter Targets: expected a list of structures.');
    const target = t as Input;
    const member = `targets.${i + 1}.member`;
    readTargetId(target, 'Id', `${member}.id`);
    readString(target, 'Arn', `${member}.arn`, { required: true, min: 1, max: 1600 });
    readString(target, 'RoleArn', `${member}.roleArn`, { min: 1, max: 1600 });
    return { target, member };
  });

  const rule = findRule(findBus(ctx, busName), ruleName);
  const compiled = raw.map(({ target, member }) => compileTarget(target, member));
  const added = new Set(compiled.map((t) => t.id).filter((id) => !rule.targets.has(id)));
  if (rule.targets.size + added.size > MAX_TARGETS_PER_RULE) throw limitExceeded();
  for (const target of compiled) rule.targets.set(target.id, target);
  return { FailedEntryCount: 0, FailedEntries: [] };
};

/** Ids that are not targets of the rule are ignored. */
export const removeTargets: Operation = (input, ctx) => {
  const ruleName = readRuleName(input, 'Rule', 'rule');
  const busName = readBusNameOrArn(input);
  const ids = readList(input, 'Ids', 'ids', 1, 100)!;
  ids.forEach((id, i) => readTargetId({ id }, 'id', `ids.${i + 1}.member`));
  const rule = findRule(findBus(ctx, busName), ruleName);
  for (const id of ids) rule.targets.delete(id as string);
  return { FailedEntryCount: 0, FailedEntries: [] };
};

export const listTargetsByRule: Operation = (input, ctx) => {
  const ruleName = readRuleName(input, 'Rule', 'rule');
  const rule = findRule(findBus(ctx, readBusNameOrArn(input)), ruleName);
  const { page, nextToken } = paginate([...rule.targets.values()], input);
  return { Targets: page.map((t) => t.spec), ...(nextToken ? { NextToken: nextToken } : {}) };
};

/** Checks a target the way AWS does at PutTargets and prepares it for delivery (also used when restoring state). */
export function compileTarget(target: Input, member: string): StoredTarget {
  const id = target.Id as string;
  const arn = target.Arn as string;
  if (!/^arn:[\w:\-/]*/.test(arn) || !parseArn(arn)) throw validation(`Parameter ${arn} is not valid. Reason: Provided Arn is not in correct format.`);
  const kind = targetKind(arn);
  if (kind.kind === 'sqs' && arn.endsWith('.fifo') && !readObject(target, 'SqsParameters')) {
    throw validation(`Parameter(s) SqsParameters must be specified for target: ${id}.`);
  }
  const input = compileInputPlan(target, member);

  const retry = readObject(target, 'RetryPolicy') ?? {};
  const maxRetries = readInteger(retry, 'MaximumRetryAttempts', `${member}.retryPolicy.maximumRetryAttempts`, 0, 185) ?? DEFAULT_RETRIES;
  const maxAgeSeconds =
    readInteger(retry, 'MaximumEventAgeInSeconds', `${member}.retryPolicy.maximumEventAgeInSeconds`, 60, 86_400) ?? DEFAULT_MAX_AGE_SECONDS;
  const dlq = readObject(target, 'DeadLetterConfig');
  const deadLetterArn = dlq ? readString(dlq, 'Arn', `${member}.deadLetterConfig.arn`, { min: 1, max: 1600 }) : undefined;
  if (deadLetterArn !== undefined && parseArn(deadLetterArn)?.service !== 'sqs') {
    throw validation(`Parameter DeadLetterConfig.Arn is not valid. Reason: ${deadLetterArn} is not an Amazon SQS queue ARN.`);
  }

  const spec: Record<string, unknown> = {};
  for (const key of TARGET_KEYS) if (target[key] !== undefined && target[key] !== null) spec[key] = target[key];
  return { id, arn, spec, kind, input, maxRetries, maxAgeSeconds, deadLetterArn };
}
