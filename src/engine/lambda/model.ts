/** The Lambda service's records: functions ($LATEST) with their published versions and aliases, and mappings. */

export type FunctionState = 'Pending' | 'Active' | 'Failed';
export type LastUpdateStatus = 'InProgress' | 'Successful' | 'Failed';

/** What CreateFunction / UpdateFunctionConfiguration set. */
export interface FunctionSettings {
  runtime: string;
  handler: string;
  role: string;
  description: string;
  /** Seconds, 1–900. */
  timeout: number;
  /** MB, 128–10240. */
  memorySize: number;
  environment: Record<string, string>;
  deadLetterArn?: string;
  tracingMode: string;
  architectures: string[];
  ephemeralStorage: number;
  layers: string[];
  logGroup: string;
  logFormat: string;
}

export interface FunctionCode {
  /** base64 SHA-256 of the zip, as CodeSha256. */
  sha256: string;
  sha256Hex: string;
  size: number;
  zipPath: string;
  /** The unpacked task root. */
  dir: string;
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: string | Record<string, string>;
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export interface EventInvokeConfig {
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
  onSuccess?: string;
  onFailure?: string;
  lastModified: number;
}

export interface LambdaFunction {
  region: string;
  name: string;
  arn: string;
  settings: FunctionSettings;
  code: FunctionCode;
  state: FunctionState;
  stateReason?: string;
  stateReasonCode?: string;
  lastUpdateStatus?: LastUpdateStatus;
  lastUpdateStatusReason?: string;
  lastUpdateStatusReasonCode?: string;
  revisionId: string;
  lastModified: string;
  /** Bumped by every code or configuration change: environments of an older generation are replaced. */
  generation: number;
  tags: Record<string, string>;
  policy: PolicyStatement[];
  /** Undefined (or '$LATEST') for the function itself; the number on a published version's own record. */
  version?: string;
  /** On $LATEST only: what PublishVersion and CreateAlias made (see versions.ts). */
  published?: PublishedVersions;
  eventInvokeConfig?: EventInvokeConfig;
  reservedConcurrency?: number;
  /** Its function URL ($LATEST only), see api/function-urls.ts. */
  functionUrl?: FunctionUrlConfig;
}

export interface FunctionUrlConfig {
  /** The host label of the URL (32 lowercase letters and digits, as AWS's). */
  urlId: string;
  /** AWS_IAM is recorded, not enforced. */
  authType: 'NONE' | 'AWS_IAM';
  cors?: Record<string, unknown>;
  /** RESPONSE_STREAM is recorded; responses are always buffered. */
  invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  creationTime: string;
  lastModifiedTime: string;
}

/** A function's published versions (immutable copies of $LATEST, each with its own code and environments) and aliases. */
export interface PublishedVersions {
  versions: Map<string, LambdaFunction>;
  aliases: Map<string, FunctionAlias>;
  /** The last number given: numbers are never reused, even after a version is deleted. */
  lastVersion: number;
  /** The code and configuration the last version was published from: the same again publishes nothing new. */
  publishedFrom?: string;
}

export interface FunctionAlias {
  name: string;
  arn: string;
  /** A version number or '$LATEST'. */
  functionVersion: string;
  description: string;
  revisionId: string;
  /** Weighted routing: a share (0–1) of invocations goes to another version. */
  additionalVersionWeights?: Record<string, number>;
  /** AddPermission with the alias as Qualifier: the alias's own policy, which stays when the alias moves to another version. */
  policy?: PolicyStatement[];
  /** PutFunctionEventInvokeConfig with the alias as Qualifier: applies to invocations through the alias, whatever version it names. */
  eventInvokeConfig?: EventInvokeConfig;
}

export interface EventSourceMapping {
  uuid: string;
  region: string;
  eventSourceArn: string;
  /** The function's ARN, qualified when the mapping names a version or alias (resolved per batch). */
  functionArn: string;
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  enabled: boolean;
  state: 'Creating' | 'Enabling' | 'Enabled' | 'Disabling' | 'Disabled' | 'Updating' | 'Deleting';
  functionResponseTypes: string[];
  maximumConcurrency?: number;
  filterCriteria?: unknown;
  lastModified: number;
  lastProcessingResult?: string;
}
