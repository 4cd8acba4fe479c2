import type { TemplateSummary } from '../template/summary.js';

/** The stack file (`evlab.json`) as evlab reads it, after validation. Names are AWS resource names. */
export interface StackFile {
  $schema?: string;
  region?: string;
  endpoint?: string;
  /** Role ARN given to functions. Default: arn:aws:iam::000000000000:role/lambda-role */
  role?: string;
  queues?: Record<string, QueueSpec>;
  tables?: Record<string, TableSpec>;
  functions?: Record<string, FunctionSpec>;
  buses?: Record<string, BusSpec>;
  rules?: Record<string, RuleSpec>;
  subscriptions?: SubscriptionSpec[];
  /** S3 buckets by name. */
  buckets?: Record<string, BucketSpec>;
  /** API Gateway APIs (HTTP or REST) by name. */
  apis?: Record<string, ApiSpec>;
}

export interface BucketSpec {
  /** Where S3 sends object events (PutBucketNotificationConfiguration). */
  notifications?: NotificationSpec[];
  /** Folder (relative to the stack file) whose files are uploaded when setup creates the bucket. */
  objects?: string;
}

export type NotificationSpec = ({ function: string } | { queue: string } | { eventBridge: true }) & {
  /** Default ["s3:ObjectCreated:*"]. */
  events?: string[];
  prefix?: string;
  suffix?: string;
};

export interface ApiSpec {
  /** "http" (API Gateway v2 HTTP API, the default) or "rest" (v1 REST API). */
  type?: 'http' | 'rest';
  /** By route key: "ANY /{proxy+}", "GET /items/{id}", "$default" (HTTP APIs). */
  routes: Record<string, RouteSpec>;
  /** Stage name (default "$default" for HTTP APIs, "dev" for REST APIs). */
  stage?: string;
  /** Log group for the stage's access log. */
  accessLog?: string;
}

export interface RouteSpec {
  function: string;
  /** Lambda proxy payload format (HTTP APIs): "2.0" (default) or "1.0". */
  payloadFormat?: '2.0' | '1.0';
  /** HTTP APIs: the integration's overwrite:path parameter; true means "$request.path". */
  overwritePath?: boolean | string;
}

export interface QueueSpec {
  visibilityTimeout?: number;
  delaySeconds?: number;
  messageRetentionPeriod?: number;
  receiveMessageWaitTimeSeconds?: number;
  deadLetterQueue?: string;
  maxReceiveCount?: number;
  /** A FIFO queue (its name ends in .fifo). Fixed at creation: changing it replaces the queue. */
  fifo?: boolean;
  contentBasedDeduplication?: boolean;
}

export type KeyType = 'S' | 'N' | 'B';
export interface TableSpec {
  partitionKey: { name: string; type: KeyType };
  sortKey?: { name: string; type: KeyType };
  seed?: Record<string, unknown>[];
}

export interface FunctionSpec {
  runtime: string;
  handler: string;
  /** Folder with the function's code, relative to the stack file. */
  source: string;
  timeout?: number;
  memorySize?: number;
  environment?: Record<string, string>;
  deadLetterQueue?: string;
  maxRetryAttempts?: number;
  maxEventAgeSeconds?: number;
  onFailure?: { queue: string };
  onSuccess?: { queue: string };
  description?: string;
  /** A function URL (auth NONE) that invokes the function over plain HTTP. */
  url?: boolean;
}

export type BusSpec = Record<string, never>;

export interface RuleSpec {
  bus?: string;
  /** Event pattern; a rule has a pattern, a schedule, or both. */
  pattern?: Record<string, unknown>;
  /** ScheduleExpression: rate(5 minutes) or cron(...); default bus only. */
  schedule?: string;
  description?: string;
  enabled?: boolean;
  targets: TargetSpec[];
}

export type TargetSpec = (
  | { function: string }
  | { queue: string }
  | { logGroup: string }
  | { bus: string }
) & {
  id?: string;
  input?: unknown;
  inputPath?: string;
  inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string };
  /** Queue that gets the events EventBridge could not deliver (the target's DeadLetterConfig). */
  deadLetterQueue?: string;
  retryPolicy?: { maximumRetryAttempts?: number; maximumEventAgeSeconds?: number };
};

export interface SubscriptionSpec {
  queue: string;
  function: string;
  batchSize?: number;
  maximumBatchingWindowSeconds?: number;
  enabled?: boolean;
  /** FunctionResponseTypes [ReportBatchItemFailures]: only the messages the function names as failed return to the queue. */
  reportBatchItemFailures?: boolean;
}

/** A validated stack plus where it came from. */
export interface LoadedStack {
  stack: StackFile;
  /** Absolute path of the stack file. */
  file: string;
  /** Folder the stack file is in; function sources are relative to it. */
  dir: string;
  /** Set when the stack came from a SAM / CloudFormation template (src/template/). */
  template?: TemplateSummary;
  /** A template found beside the evlab.json that was used instead (evlab.json wins). */
  shadowedTemplate?: string;
}

export const DEFAULT_ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
export const DEFAULT_REGION = 'us-east-1';
