import type { ApiStatus, BucketStatus, FunctionUrlStatus } from './entry-points.js';
import type { QueueCounts } from './aws-reads.js';

/** The result of `evlab status` (stable: --json prints it with schemaVersion). */
export interface StatusResult {
  ok: boolean;
  stackFile: string;
  endpoint: { url: string; kind: string; label: string; version?: string; source: string; services?: Record<string, string>; region?: string };
  functions: FunctionStatus[];
  queues: QueueStatus[];
  tables: TableStatus[];
  buses: BusStatus[];
  rules: RuleStatus[];
  problems: StatusProblem[];
  /** Buckets (object counts, first keys), APIs (invoke URLs) and function URLs, when the stack has them. */
  buckets?: BucketStatus[];
  apis?: ApiStatus[];
  functionUrls?: FunctionUrlStatus[];
  /** Set when there is no stack file: status then shows everything the endpoint holds. */
  inventory?: { logGroups: string[]; unavailable: { service: string; error: string }[] };
}

/** `missing`: not at the endpoint; `error`: could not be read (the message says why). */
export type Presence = 'present' | 'missing' | 'error';

export interface FunctionStatus {
  name: string;
  presence: Presence;
  error?: string;
  /** With `error`: its code (the AWS error code, or HTTPnnn when the answer was not an AWS response). */
  errorCode?: string;
  state?: string;
  stateReason?: string;
  lastUpdateStatus?: string;
  lastUpdateStatusReason?: string;
  runtime?: string;
  lastModified?: string;
  /** Name of the dead-letter queue deployed (from DeadLetterConfig). */
  deadLetterQueue?: string;
  /** The dead-letter queue the stack file declares, when it declares one. */
  declaredDeadLetterQueue?: string;
}

export interface QueueStatus extends Partial<QueueCounts> {
  name: string;
  presence: Presence;
  error?: string;
  /** With `error`: its code (the AWS error code, or HTTPnnn when the answer was not an AWS response). */
  errorCode?: string;
  /** The stack names this queue as a dead-letter queue. */
  deadLetter: boolean;
  /** What sends its failures here: `function x`, `queue y`. */
  deadLetterOf: string[];
  /** Deployed redrive policy. */
  redrive?: { deadLetterQueue: string; maxReceiveCount: number };
  url?: string;
}

export interface TableStatus {
  name: string;
  presence: Presence;
  error?: string;
  /** With `error`: its code (the AWS error code, or HTTPnnn when the answer was not an AWS response). */
  errorCode?: string;
  count?: number;
  /** Key attribute names, partition key first. */
  keys: string[];
  /** The first N items, unmarshalled. */
  items: Record<string, unknown>[];
}

export interface BusStatus {
  name: string;
  presence: Presence;
  error?: string;
  /** With `error`: its code (the AWS error code, or HTTPnnn when the answer was not an AWS response). */
  errorCode?: string;
}

export interface RuleTargetStatus {
  id: string;
  arn: string;
  /** What the ARN points at. */
  type: 'function' | 'queue' | 'logGroup' | 'bus' | 'other';
  name: string;
}

export interface RuleStatus {
  name: string;
  bus: string;
  presence: Presence;
  error?: string;
  /** With `error`: its code (the AWS error code, or HTTPnnn when the answer was not an AWS response). */
  errorCode?: string;
  state?: string;
  pattern?: string;
  targets: RuleTargetStatus[];
  /** Targets the stack declares that are not deployed (`function x`). */
  missingTargets: string[];
}

export interface StatusProblem {
  /** `not-kept`: the stack declares a setting this endpoint accepts and drops (a limit of the endpoint, not drift). */
  kind: 'missing' | 'dead-letters' | 'unreadable' | 'failed' | 'drift' | 'not-kept';
  resource: { type: 'function' | 'queue' | 'table' | 'bus' | 'rule' | 'bucket' | 'api' | 'function URL'; name: string };
  message: string;
  hint?: string;
}
