import type { EventBridgeClient, Target } from '@aws-sdk/client-eventbridge';
import { TARGET_RETRY_DEFAULTS, type RuleState, type TargetState } from '../../stack/model.js';
import { destinationOfArn, queueNameOfArn } from './arns.js';
import { deleteIfExists, ifExists } from './errors.js';

const eventsModule = () => import('@aws-sdk/client-eventbridge');

export async function readBus(events: EventBridgeClient, name: string): Promise<{ arn: string } | undefined> {
  const { DescribeEventBusCommand } = await eventsModule();
  const found = await ifExists(events.send(new DescribeEventBusCommand({ Name: name })));
  return found ? { arn: found.Arn ?? '' } : undefined;
}

export async function createBus(events: EventBridgeClient, name: string): Promise<string> {
  const { CreateEventBusCommand } = await eventsModule();
  return (await events.send(new CreateEventBusCommand({ Name: name }))).EventBusArn ?? '';
}

export async function deleteBus(events: EventBridgeClient, name: string): Promise<boolean> {
  const { DeleteEventBusCommand } = await eventsModule();
  return deleteIfExists(() => events.send(new DeleteEventBusCommand({ Name: name })));
}

export async function readRule(events: EventBridgeClient, name: string, bus: string): Promise<{ state: RuleState; arn: string } | undefined> {
  const { DescribeRuleCommand } = await eventsModule();
  const found = await ifExists(events.send(new DescribeRuleCommand({ Name: name, EventBusName: bus })));
  if (!found) return undefined;
  let pattern: unknown = found.EventPattern ?? null;
  try {
    if (typeof pattern === 'string') pattern = JSON.parse(pattern);
  } catch {
    /* compared as text: it will differ and be rewritten */
  }
  return {
    arn: found.Arn ?? '',
    state: { name, bus, pattern, schedule: found.ScheduleExpression || null, enabled: found.State !== 'DISABLED', description: found.Description ?? '' },
  };
}

export async function putRule(events: EventBridgeClient, rule: RuleState): Promise<string> {
  const { PutRuleCommand } = await eventsModule();
  const put = await events.send(
    new PutRuleCommand({
      Name: rule.name,
      EventBusName: rule.bus,
      // A schedule-only rule has no pattern.
      ...(rule.pattern !== null && rule.pattern !== undefined ? { EventPattern: JSON.stringify(rule.pattern) } : {}),
      ...(rule.schedule ? { ScheduleExpression: rule.schedule } : {}),
      State: rule.enabled ? 'ENABLED' : 'DISABLED',
      Description: rule.description,
    }),
  );
  return put.RuleArn ?? '';
}

export async function deleteRule(events: EventBridgeClient, name: string, bus: string): Promise<boolean> {
  const { DeleteRuleCommand } = await eventsModule();
  // A rule with targets cannot be deleted: remove whatever targets are left first.
  const left = await readTargets(events, name, bus);
  if (left.length > 0) await removeTargets(events, name, bus, left.map((t) => t.id));
  return deleteIfExists(() => events.send(new DeleteRuleCommand({ Name: name, EventBusName: bus })));
}

export async function readTargets(events: EventBridgeClient, rule: string, bus: string): Promise<TargetState[]> {
  const { ListTargetsByRuleCommand } = await eventsModule();
  const found: TargetState[] = [];
  let token: string | undefined;
  do {
    const page = await ifExists(events.send(new ListTargetsByRuleCommand({ Rule: rule, EventBusName: bus, NextToken: token })));
    if (!page) break;
    for (const t of page.Targets ?? []) {
      const id = t.Id ?? '';
      found.push({
        key: `${rule}/${id}`,
        rule,
        bus,
        id,
        destination: destinationOfArn(t.Arn ?? ''),
        ...(t.Input !== undefined ? { input: t.Input } : {}),
        ...(t.InputPath !== undefined ? { inputPath: t.InputPath } : {}),
        ...(t.InputTransformer ? { inputTransformer: { inputPathsMap: t.InputTransformer.InputPathsMap ?? {}, inputTemplate: t.InputTransformer.InputTemplate ?? '' } } : {}),
        ...(t.DeadLetterConfig?.Arn ? { deadLetterQueue: queueNameOfArn(t.DeadLetterConfig.Arn) } : {}),
        ...retryPolicyOf(t),
      });
    }
    token = page.NextToken;
  } while (token);
  return found;
}

/** PutTargets replaces each target with the same id, so it serves for create and update. */
export async function putTarget(events: EventBridgeClient, target: TargetState, arn: string, deadLetterArn?: string): Promise<void> {
  const { PutTargetsCommand } = await eventsModule();
  const sdkTarget: Target = {
    Id: target.id,
    Arn: arn,
    ...(target.input !== undefined ? { Input: target.input } : {}),
    ...(target.inputPath !== undefined ? { InputPath: target.inputPath } : {}),
    ...(target.inputTransformer ? { InputTransformer: { InputPathsMap: target.inputTransformer.inputPathsMap, InputTemplate: target.inputTransformer.inputTemplate } } : {}),
    ...(deadLetterArn ? { DeadLetterConfig: { Arn: deadLetterArn } } : {}),
    ...(target.retryPolicy
      ? { RetryPolicy: { MaximumRetryAttempts: target.retryPolicy.maximumRetryAttempts, MaximumEventAgeInSeconds: target.retryPolicy.maximumEventAgeSeconds } }
      : {}),
  };
  const result = await events.send(new PutTargetsCommand({ Rule: target.rule, EventBusName: target.bus, Targets: [sdkTarget] }));
  const failed = result.FailedEntries?.[0];
  if ((result.FailedEntryCount ?? 0) > 0 && failed) throw new Error(`${failed.ErrorCode ?? 'PutTargets failed'}: ${failed.ErrorMessage ?? ''}`);
}

/** A reported RetryPolicy, left out when it is EventBridge's default (endpoints differ in reporting that). */
function retryPolicyOf(t: Target): Pick<TargetState, 'retryPolicy'> {
  const retry = {
    maximumRetryAttempts: t.RetryPolicy?.MaximumRetryAttempts ?? TARGET_RETRY_DEFAULTS.maximumRetryAttempts,
    maximumEventAgeSeconds: t.RetryPolicy?.MaximumEventAgeInSeconds ?? TARGET_RETRY_DEFAULTS.maximumEventAgeSeconds,
  };
  const isDefault = retry.maximumRetryAttempts === TARGET_RETRY_DEFAULTS.maximumRetryAttempts && retry.maximumEventAgeSeconds === TARGET_RETRY_DEFAULTS.maximumEventAgeSeconds;
  return isDefault ? {} : { retryPolicy: retry };
}

export async function removeTargets(events: EventBridgeClient, rule: string, bus: string, ids: string[]): Promise<boolean> {
  const { RemoveTargetsCommand } = await eventsModule();
  return deleteIfExists(() => events.send(new RemoveTargetsCommand({ Rule: rule, EventBusName: bus, Ids: ids })));
}
