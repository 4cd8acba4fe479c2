import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ActivityTracker } from './activity.js';
import type { HttpCall, HttpReply } from './apigateway/http-call.js';
import type { TraceRecorder } from './traces/types.js';

export type ServiceName = 'dynamodb' | 'sqs' | 'events' | 'lambda' | 'logs' | 'sts' | 'iam' | 's3' | 'apigateway';
/** json: AWS JSON 1.0/1.1 with X-Amz-Target; query: form-encoded Action=...; rest: REST-JSON (Lambda); rest-xml: S3. */
export type Protocol = 'json' | 'query' | 'rest' | 'rest-xml';

export interface EngineRequest {
  method: string;
  /** Path without the query string, e.g. `/2015-03-31/functions/name/invocations`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  service: ServiceName;
  protocol: Protocol;
  /** Operation name for json (from X-Amz-Target) and query (from Action) requests. */
  operation?: string;
  /** Region from the SigV4 credential scope, else the engine's region. */
  region: string;
  requestId: string;
  /** For pass-through services (DynamoDB → dynalite) that read and answer the raw exchange. */
  raw: IncomingMessage;
  rawRes: ServerResponse;
}

export interface EngineResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** A service returns a response, or null when it already answered `rawRes` itself. */
export interface EngineService {
  handle(req: EngineRequest): Promise<EngineResponse | null>;
  /** Persist state under the service's folder (only with --persist). */
  save?(): Promise<void>;
  stop?(): Promise<void>;
  /** Sizes of the service's stores and what their caps and retention dropped (`/_evlab/health` → stores). */
  stats?(): Record<string, unknown>;
}

export interface ResolvedEngineOptions {
  host: string;
  port: number;
  region: string;
  accountId: string;
  /** Folder for state across restarts; undefined = in memory. */
  persistDir?: string;
  /** Folder for unpacked function code and build scratch; removed on stop. */
  workDir: string;
  /** Delay before async retry n is n × this. AWS waits ~1 and 2 minutes; the engine defaults to 1 s. */
  lambdaRetryBaseDelayMs: number;
  /** How long an SQS event source mapping waits between empty polls. */
  esmPollIntervalMs: number;
  /** Events kept per CloudWatch Logs group before the oldest are dropped. */
  maxLogEvents: number;
  /** Where engine diagnostics go (stderr in `evlab up`). */
  log: (line: string) => void;
  /** Traces kept in the ring (`evlab up --max-traces`); the oldest are dropped and counted. */
  maxTraces: number;
}

/** SQS as other services use it in-process (event source mappings, DLQs, rule targets). */
export interface SqsInternal {
  /** Throws AwsError QueueDoesNotExist when no queue has this ARN. */
  sendToArn(
    queueArn: string,
    body: string,
    attributes?: Record<string, InternalMessageAttribute>,
    fifo?: { groupId?: string; deduplicationId?: string },
    /** The trace the message belongs to (an EventId, a request id): its id is linked there. */
    traceId?: string,
  ): Promise<{ messageId: string }>;
  receiveFromArn(queueArn: string, maxMessages: number): Promise<InternalMessage[]>;
  deleteFromArn(queueArn: string, receiptHandle: string): Promise<void>;
  /** Make a received message visible again after `seconds` (0 = now). */
  changeVisibilityByArn(queueArn: string, receiptHandle: string, seconds: number): Promise<void>;
  queueExists(queueArn: string): boolean;
  /** Called whenever a message becomes visible in the queue (send, visibility expiry); lets mappings avoid idle polling. */
  onVisible(queueArn: string, listener: () => void): () => void;
  /** Number of messages visible or in flight (for the idle signal of subscribed queues). */
  pendingCount(queueArn: string): number;
}

export interface InternalMessageAttribute {
  DataType: 'String' | 'Number' | 'Binary';
  StringValue?: string;
  BinaryValue?: Buffer;
}

export interface InternalMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  md5OfBody: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, InternalMessageAttribute>;
  eventSourceArn: string;
}

export interface LambdaInternal {
  /** Queue an asynchronous (InvocationType Event) invocation; throws ResourceNotFoundException. */
  invokeAsync(functionNameOrArn: string, payload: string, options?: { traceId?: string }): Promise<{ requestId: string }>;
  functionExists(functionNameOrArn: string): boolean;
  /**
   * A synchronous (RequestResponse) invocation for the HTTP front doors (API Gateway). Throws
   * ResourceNotFoundException, ResourceConflictException (not Active) or TooManyRequestsException;
   * a function error is an outcome (`error` set), as Invoke's X-Amz-Function-Error.
   */
  invokeSync(functionNameOrArn: string, payload: Buffer, requestId: string): Promise<{ payload: Buffer; error?: { type: string; message: string } }>;
  /** A request to a function URL (`/_aws/lambda-url/<urlId>/...`); 404 when no function has that URL. */
  serveFunctionUrl(urlId: string, call: HttpCall): Promise<HttpReply>;
}

export interface ApiGatewayInternal {
  /** A request to an invoke URL of an HTTP or REST API (`/_aws/execute-api/<apiId>/...`). */
  serveInvoke(apiId: string, call: HttpCall): Promise<HttpReply>;
}

export interface S3Internal {
  /** Whether an unsigned request (an anonymous GET by URL) names an existing bucket, by its Host or first path segment. */
  claimsUnsigned(rawUrl: string, headers: IncomingHttpHeaders): boolean;
}

export interface LogsInternal {
  /** Creates the group and stream as needed, then appends. */
  append(group: string, stream: string, events: { timestamp: number; message: string }[]): void;
}

export interface EventsInternal {
  /** PutEvents from inside the engine (bus-to-bus targets). */
  putEventsInternal(entries: Record<string, unknown>[], region: string): Promise<unknown>;
}

export interface ServiceMap {
  dynamodb: EngineService;
  sqs: EngineService & SqsInternal;
  events: EngineService & EventsInternal;
  lambda: EngineService & LambdaInternal;
  logs: EngineService & LogsInternal;
  sts: EngineService;
  iam: EngineService;
  s3: EngineService & S3Internal;
  apigateway: EngineService & ApiGatewayInternal;
}

export interface EngineContext {
  readonly options: ResolvedEngineOptions;
  /** `http://127.0.0.1:PORT` once listening. */
  readonly url: string;
  /** host:port as clients should see it in queue URLs. */
  readonly hostPort: string;
  readonly activity: ActivityTracker;
  /**
   * Per-event traces (src/engine/traces/index.ts): `traces.start(rootId, { kind }, step)` begins one,
   * `traces.record(id, step)` appends to the trace an EventId / request id / message id belongs to,
   * `traces.link(childId, id)` indexes a new id under an existing trace.
   */
  readonly traces: TraceRecorder;
  /** Loads a service on first use (keeps engine start fast). */
  service<K extends keyof ServiceMap>(name: K): Promise<ServiceMap[K]>;
  /** Whether a service has been loaded (health reports the others as available, without loading them). */
  isLoaded(name: keyof ServiceMap): boolean;
  /** Folder for this service's persisted state, or undefined when in memory. */
  stateDir(service: ServiceName): string | undefined;
  readonly engineVersion: string;
}
