import {
  emptyState,
  FUNCTION_DEFAULTS,
  QUEUE_DEFAULTS,
  SUBSCRIPTION_DEFAULTS,
  TARGET_RETRY_DEFAULTS,
  type AsyncConfig,
  type FunctionState,
  type StackState,
  type TargetState,
} from './model.js';
import { addEntryPoints } from './desired-entry-points.js';
import { targetDestination, targetIds } from './target-ids.js';
import { DEFAULT_ROLE, type FunctionSpec, type StackFile } from './types.js';

export interface DesiredOptions {
  /** CodeSha256 of each function's package (from packageFunction). */
  codeSha256: Record<string, string>;
  /** Include the execution role, to be created where missing (local endpoints that check roles). */
  ensureRole: boolean;
}

export const targetKey = (rule: string, id: string) => `${rule}/${id}`;
export const permissionKey = (fn: string, statementId: string) => `${fn}/${statementId}`;
export const subscriptionKey = (queue: string, fn: string) => `${queue} → ${fn}`;

/** Statement ids evlab gives the invoke permissions it adds; only these are ever removed. */
export const PERMISSION_PREFIX = 'evlab-';
export function permissionStatementId(bus: string, rule: string): string {
  const name = bus === 'default' ? rule : `${bus}-${rule}`;
  return `${PERMISSION_PREFIX}${name.replace(/[^A-Za-z0-9_-]+/g, '-')}`.slice(0, 100);
}

/** A retry policy EventBridge would apply anyway: not compared, so endpoints that report it and those that do not agree. */
export function isDefaultRetryPolicy(retry: { maximumRetryAttempts: number; maximumEventAgeSeconds: number }): boolean {
  return retry.maximumRetryAttempts === TARGET_RETRY_DEFAULTS.maximumRetryAttempts && retry.maximumEventAgeSeconds === TARGET_RETRY_DEFAULTS.maximumEventAgeSeconds;
}

export function roleName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** What the stack file asks for, with every default filled in. Pure. */
export function desiredState(stack: StackFile, options: DesiredOptions): StackState {
  const state = emptyState();
  const role = stack.role ?? DEFAULT_ROLE;
  // Only functions need the role; a stack of queues and tables leaves IAM alone.
  if (options.ensureRole && Object.keys(stack.functions ?? {}).length > 0) state.role = { name: roleName(role), arn: role };

  for (const [name, q] of Object.entries(stack.queues ?? {})) {
    state.queues[name] = {
      name,
      visibilityTimeout: q.visibilityTimeout ?? QUEUE_DEFAULTS.visibilityTimeout,
      delaySeconds: q.delaySeconds ?? QUEUE_DEFAULTS.delaySeconds,
      messageRetentionPeriod: q.messageRetentionPeriod ?? QUEUE_DEFAULTS.messageRetentionPeriod,
      receiveMessageWaitTimeSeconds: q.receiveMessageWaitTimeSeconds ?? QUEUE_DEFAULTS.receiveMessageWaitTimeSeconds,
      redrive: q.deadLetterQueue ? { deadLetterQueue: q.deadLetterQueue, maxReceiveCount: q.maxReceiveCount ?? 1 } : null,
      fifo: q.fifo ?? name.endsWith('.fifo'),
      contentBasedDeduplication: q.contentBasedDeduplication ?? false,
    };
  }
  for (const [name, t] of Object.entries(stack.tables ?? {})) {
    state.tables[name] = { name, partitionKey: t.partitionKey, ...(t.sortKey ? { sortKey: t.sortKey } : {}) };
  }
  for (const [name, fn] of Object.entries(stack.functions ?? {})) {
    state.functions[name] = desiredFunction(name, fn, role, options.codeSha256[name] ?? '');
  }
  for (const name of Object.keys(stack.buses ?? {})) {
    if (name !== 'default') state.buses[name] = { name };
  }
  for (const [ruleName, rule] of Object.entries(stack.rules ?? {})) {
    const bus = rule.bus ?? 'default';
    state.rules[ruleName] = {
      name: ruleName,
      bus,
      pattern: rule.pattern ?? null,
      schedule: rule.schedule ?? null,
      enabled: rule.enabled ?? true,
      description: rule.description ?? '',
    };
    const ids = targetIds(rule.targets);
    rule.targets.forEach((target, index) => {
      const destination = targetDestination(target)!;
      const id = ids[index]!;
      const desired: TargetState = { key: targetKey(ruleName, id), rule: ruleName, bus, id, destination };
      if (target.input !== undefined) desired.input = JSON.stringify(target.input);
      if (target.inputPath !== undefined) desired.inputPath = target.inputPath;
      if (target.inputTransformer) {
        desired.inputTransformer = { inputPathsMap: target.inputTransformer.inputPathsMap ?? {}, inputTemplate: target.inputTransformer.inputTemplate };
      }
      if (target.deadLetterQueue !== undefined) desired.deadLetterQueue = target.deadLetterQueue;
      const retry = {
        maximumRetryAttempts: target.retryPolicy?.maximumRetryAttempts ?? TARGET_RETRY_DEFAULTS.maximumRetryAttempts,
        maximumEventAgeSeconds: target.retryPolicy?.maximumEventAgeSeconds ?? TARGET_RETRY_DEFAULTS.maximumEventAgeSeconds,
      };
      if (!isDefaultRetryPolicy(retry)) desired.retryPolicy = retry;
      state.targets[desired.key] = desired;
      if (destination.kind === 'function') {
        const statementId = permissionStatementId(bus, ruleName);
        const key = permissionKey(destination.name, statementId);
        state.permissions[key] = { key, function: destination.name, statementId, rule: { bus, name: ruleName } };
      }
      if (destination.kind === 'logGroup') state.logGroups[destination.name] = { name: destination.name };
    });
  }
  for (const sub of stack.subscriptions ?? []) {
    const key = subscriptionKey(sub.queue, sub.function);
    state.subscriptions[key] = {
      key,
      queue: sub.queue,
      function: sub.function,
      batchSize: sub.batchSize ?? SUBSCRIPTION_DEFAULTS.batchSize,
      maximumBatchingWindowSeconds: sub.maximumBatchingWindowSeconds ?? SUBSCRIPTION_DEFAULTS.maximumBatchingWindowSeconds,
      enabled: sub.enabled ?? true,
      reportBatchItemFailures: sub.reportBatchItemFailures ?? false,
    };
  }
  addEntryPoints(state, stack);
  return state;
}

function desiredFunction(name: string, fn: FunctionSpec, role: string, codeSha256: string): FunctionState {
  const wantsAsync = fn.maxRetryAttempts !== undefined || fn.maxEventAgeSeconds !== undefined || fn.onFailure !== undefined || fn.onSuccess !== undefined;
  const asyncConfig: AsyncConfig | null = wantsAsync
    ? {
        maxRetryAttempts: fn.maxRetryAttempts ?? FUNCTION_DEFAULTS.maxRetryAttempts,
        maxEventAgeSeconds: fn.maxEventAgeSeconds ?? FUNCTION_DEFAULTS.maxEventAgeSeconds,
        onFailure: fn.onFailure?.queue ?? null,
        onSuccess: fn.onSuccess?.queue ?? null,
      }
    : null;
  return {
    name,
    runtime: fn.runtime,
    handler: fn.handler,
    role,
    timeout: fn.timeout ?? FUNCTION_DEFAULTS.timeout,
    memorySize: fn.memorySize ?? FUNCTION_DEFAULTS.memorySize,
    description: fn.description ?? '',
    environment: fn.environment ?? {},
    deadLetterQueue: fn.deadLetterQueue ?? null,
    codeSha256,
    asyncConfig,
  };
}
