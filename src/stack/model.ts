import type { KeyType } from './types.js';
import type { TargetKind } from './target-ids.js';

/**
 * The resources of a stack as plain data, in one shape for both sides of a plan: what the stack file asks
 * for (desired.ts) and what the endpoint has (read-actual.ts). References are by name, never by ARN,
 * so planning does not depend on the account or region the endpoint reports.
 */
export type ResourceType =
  | 'role'
  | 'queue'
  | 'table'
  | 'function'
  | 'log-group'
  | 'bus'
  | 'rule'
  | 'permission'
  | 'target'
  | 'subscription'
  | 'bucket'
  | 'api'
  | 'notification'
  | 'function-url';

/**
 * Dependency order: a resource is created after every type before it and deleted before them. Buckets and APIs
 * come before permissions (an API's permission names its id); notifications after them (S3 checks that it may
 * invoke the function when the configuration is put).
 */
export const RESOURCE_ORDER: readonly ResourceType[] = [
  'role', 'queue', 'table', 'function', 'log-group', 'bus', 'rule', 'bucket', 'api', 'permission', 'target', 'subscription', 'notification', 'function-url',
];

export interface ResourceRef {
  type: ResourceType;
  name: string;
}

export type ChangeAction = 'create' | 'update' | 'delete' | 'noop';

export interface Change {
  action: ChangeAction;
  resource: ResourceRef;
  reason: string;
}

export interface RoleState {
  name: string;
  arn: string;
}

export interface QueueState {
  name: string;
  visibilityTimeout: number;
  delaySeconds: number;
  messageRetentionPeriod: number;
  receiveMessageWaitTimeSeconds: number;
  redrive: { deadLetterQueue: string; maxReceiveCount: number } | null;
  fifo: boolean;
  contentBasedDeduplication: boolean;
}

export interface TableState {
  name: string;
  partitionKey: { name: string; type: KeyType };
  sortKey?: { name: string; type: KeyType };
}

export interface AsyncConfig {
  maxRetryAttempts: number;
  maxEventAgeSeconds: number;
  /** Queue names (or the ARN when the endpoint reports a destination that is not a queue). */
  onFailure: string | null;
  onSuccess: string | null;
}

export interface FunctionState {
  name: string;
  runtime: string;
  handler: string;
  role: string;
  timeout: number;
  memorySize: number;
  description: string;
  environment: Record<string, string>;
  /** Queue name; null for none; undefined when the endpoint does not report it (moto), so it is not compared. */
  deadLetterQueue: string | null | undefined;
  codeSha256: string;
  /** Event invoke config (async retries and destinations); null for none. */
  asyncConfig: AsyncConfig | null;
}

export interface LogGroupState {
  name: string;
}

export interface BusState {
  name: string;
}

export interface RuleState {
  name: string;
  bus: string;
  /** Parsed pattern; a string when the endpoint's pattern is not JSON (it then always differs). */
  pattern: unknown;
  /** ScheduleExpression, or null for a rule without one. */
  schedule: string | null;
  enabled: boolean;
  description: string;
}

export interface TargetState {
  /** `<rule>/<id>` (rules are unique per bus; the stack names each rule once). */
  key: string;
  rule: string;
  bus: string;
  id: string;
  destination: { kind: TargetKind | 'other'; name: string };
  /** JSON text of a constant input. */
  input?: string;
  inputPath?: string;
  inputTransformer?: { inputPathsMap: Record<string, string>; inputTemplate: string };
  /** Queue name (or the ARN of a destination that is not a queue). */
  deadLetterQueue?: string;
  /** Only when it differs from EventBridge's defaults (185 attempts, 86400 s). */
  retryPolicy?: { maximumRetryAttempts: number; maximumEventAgeSeconds: number };
}

export interface PermissionState {
  /** `<function>/<statement id>` */
  key: string;
  function: string;
  statementId: string;
  /** The rule whose events may invoke the function (from the statement's SourceArn). */
  rule: { bus: string; name: string } | null;
  /** Desired only: a bucket's notifications, an API's routes or the function's URL may invoke it (the statement id names which). */
  source?: { kind: 'bucket' | 'api' | 'url'; name: string };
}

export interface SubscriptionState {
  /** `<queue> → <function>` */
  key: string;
  queue: string;
  function: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  enabled: boolean;
  reportBatchItemFailures: boolean;
  /** Actual mappings only. */
  uuid?: string;
}

export interface StackState {
  /** Desired: the execution role to ensure (local endpoints only). Actual: the role when it exists. */
  role?: RoleState;
  queues: Record<string, QueueState>;
  tables: Record<string, TableState>;
  functions: Record<string, FunctionState>;
  logGroups: Record<string, LogGroupState>;
  buses: Record<string, BusState>;
  /** By rule name; in the actual state also `<bus>/<name>` for a stack rule found on another bus. */
  rules: Record<string, RuleState>;
  targets: Record<string, TargetState>;
  permissions: Record<string, PermissionState>;
  subscriptions: Record<string, SubscriptionState>;
  buckets: Record<string, BucketState>;
  /** By bucket: its whole notification configuration. */
  notifications: Record<string, NotificationState>;
  apis: Record<string, ApiState>;
  /** By function. */
  functionUrls: Record<string, FunctionUrlState>;
}

export interface BucketState {
  name: string;
}

export interface NotificationRule {
  destination: { kind: 'function' | 'queue' | 'eventBridge' | 'other'; name: string };
  /** Sorted. */
  events: string[];
  prefix: string;
  suffix: string;
}

export interface NotificationState {
  bucket: string;
  /** Sorted by canonical JSON, so the order in the stack file does not matter. */
  rules: NotificationRule[];
}

export interface RouteState {
  function: string;
  payloadFormat: '2.0' | '1.0';
  /** overwrite:path value, or null. */
  overwritePath: string | null;
}

export interface ApiState {
  name: string;
  type: 'http' | 'rest';
  stage: string;
  accessLog: string | null;
  /** By route key ("ANY /{proxy+}"). */
  routes: Record<string, RouteState>;
  /** Actual only. */
  id?: string;
}

export interface FunctionUrlState {
  function: string;
  authType: 'NONE';
  /** Actual only. */
  url?: string;
}

export interface ActualState extends StackState {
  /** IAM is not served by the endpoint: roles cannot be checked and are not needed there. */
  iamUnavailable?: boolean;
}

export function emptyState(): StackState {
  return { queues: {}, tables: {}, functions: {}, logGroups: {}, buses: {}, rules: {}, targets: {}, permissions: {}, subscriptions: {}, buckets: {}, notifications: {}, apis: {}, functionUrls: {} };
}

/** Lambda's defaults, applied to what the stack leaves out so drift back to a default is repaired too. */
export const FUNCTION_DEFAULTS = { timeout: 3, memorySize: 128, maxRetryAttempts: 2, maxEventAgeSeconds: 21600 } as const;
/** SQS's defaults. */
export const QUEUE_DEFAULTS = { visibilityTimeout: 30, delaySeconds: 0, messageRetentionPeriod: 345600, receiveMessageWaitTimeSeconds: 0 } as const;
export const SUBSCRIPTION_DEFAULTS = { batchSize: 10, maximumBatchingWindowSeconds: 0 } as const;
/** EventBridge's RetryPolicy defaults for a target. */
export const TARGET_RETRY_DEFAULTS = { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86400 } as const;
