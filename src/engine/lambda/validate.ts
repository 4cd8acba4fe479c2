import { constraint, invalidParameter, validation } from './errors.js';
import type { FunctionSettings } from './model.js';
import { ACCEPTED_RUNTIMES } from './runtimes.js';

type Json = Record<string, unknown>;

const NAME = /^[a-zA-Z0-9-_]+$/;
const ROLE = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
/** Lambda's limit on the JSON of Environment.Variables (4 KB). */
const ENV_LIMIT_BYTES = 4096;
// Keys Lambda sets itself and refuses in Environment.Variables.
const RESERVED_ENV = [
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
];

export function validateFunctionName(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw validation("1 validation error detected: Value null at 'functionName' failed to satisfy constraint: Member must not be null");
  if (value.length > 64) throw constraint(value, 'functionName', 'Member must have length less than or equal to 64');
  if (!NAME.test(value)) throw constraint(value, 'functionName', 'Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?');
  return value;
}

/** Settings for CreateFunction: every field, with AWS's defaults (3 s, 128 MB). */
export function createSettings(body: Json, name: string): FunctionSettings {
  if (body.PackageType === 'Image') throw invalidParameter('The evlab engine runs zip functions only (PackageType Zip); container images are not supported.');
  const settings: FunctionSettings = {
    runtime: '',
    handler: '',
    role: '',
    description: '',
    timeout: 3,
    memorySize: 128,
    environment: {},
    tracingMode: 'PassThrough',
    architectures: ['x86_64'],
    ephemeralStorage: 512,
    layers: [],
    logGroup: `/aws/lambda/${name}`,
    logFormat: 'Text',
  };
  if (body.Role === undefined) throw validation("1 validation error detected: Value null at 'role' failed to satisfy constraint: Member must not be null");
  if (body.Runtime === undefined) throw invalidParameter('The runtime parameter is required for functions packaged as a .zip file archive (PackageType Zip).');
  applySettings(settings, body);
  return settings;
}

/** UpdateFunctionConfiguration: only the fields present change. */
export function updateSettings(current: FunctionSettings, body: Json): FunctionSettings {
  const next: FunctionSettings = { ...current, environment: { ...current.environment } };
  applySettings(next, body);
  return next;
}

function applySettings(s: FunctionSettings, body: Json): void {
  if (body.Runtime !== undefined) {
    if (typeof body.Runtime !== 'string' || !ACCEPTED_RUNTIMES.includes(body.Runtime)) {
      throw invalidParameter(`Value ${String(body.Runtime)} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${ACCEPTED_RUNTIMES.join(', ')}] or be a valid ARN`);
    }
    s.runtime = body.Runtime;
  }
  if (body.Role !== undefined) {
    if (typeof body.Role !== 'string' || !ROLE.test(body.Role)) {
      throw constraint(body.Role, 'role', 'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+');
    }
    s.role = body.Role;
  }
  if (body.Handler !== undefined) {
    if (typeof body.Handler !== 'string' || body.Handler.length > 128) throw constraint(body.Handler, 'handler', 'Member must have length less than or equal to 128');
    s.handler = body.Handler;
  }
  if (body.Description !== undefined) {
    if (typeof body.Description !== 'string' || body.Description.length > 256) throw constraint(body.Description, 'description', 'Member must have length less than or equal to 256');
    s.description = body.Description;
  }
  if (body.Timeout !== undefined) s.timeout = intInRange(body.Timeout, 'timeout', 1, 900);
  if (body.MemorySize !== undefined) s.memorySize = intInRange(body.MemorySize, 'memorySize', 128, 10240);
  if (body.Environment !== undefined) s.environment = environmentVariables(body.Environment);
  if (body.DeadLetterConfig !== undefined) {
    const target = (body.DeadLetterConfig as Json | null)?.TargetArn;
    if (target !== undefined && target !== '' && (typeof target !== 'string' || !target.startsWith('arn:'))) {
      throw constraint(target, 'deadLetterConfig.targetArn', 'Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()');
    }
    s.deadLetterArn = typeof target === 'string' && target !== '' ? target : undefined;
  }
  const tracing = (body.TracingConfig as Json | undefined)?.Mode;
  if (tracing === 'Active' || tracing === 'PassThrough') s.tracingMode = tracing;
  if (Array.isArray(body.Architectures)) {
    if (body.Architectures.length !== 1 || !['x86_64', 'arm64'].includes(body.Architectures[0] as string)) {
      throw constraint(`[${body.Architectures.join(', ')}]`, 'architectures', 'Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]');
    }
    s.architectures = [body.Architectures[0] as string];
  }
  const storage = (body.EphemeralStorage as Json | undefined)?.Size;
  if (storage !== undefined) s.ephemeralStorage = intInRange(storage, 'ephemeralStorage.size', 512, 10240);
  if (Array.isArray(body.Layers)) s.layers = body.Layers.filter((l): l is string => typeof l === 'string');
  const logging = body.LoggingConfig as Json | undefined;
  if (logging && typeof logging.LogGroup === 'string' && logging.LogGroup) s.logGroup = logging.LogGroup;
  if (logging && (logging.LogFormat === 'Text' || logging.LogFormat === 'JSON')) s.logFormat = logging.LogFormat;
}

function intInRange(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw constraint(value, field, 'Member must be an integer');
  if (value < min) throw constraint(value, field, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraint(value, field, `Member must have value less than or equal to ${max}`);
  return value;
}

function environmentVariables(env: unknown): Record<string, string> {
  const vars = (env as Json | null)?.Variables;
  if (vars === undefined || vars === null) return {};
  if (typeof vars !== 'object' || Array.isArray(vars)) throw invalidParameter('Environment.Variables must be a map of strings.');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars as Json)) {
    if (!/^[a-zA-Z]([a-zA-Z0-9_])+$/.test(k)) {
      throw constraint('[' + k + ']', 'environment.variables', 'Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]');
    }
    out[k] = typeof v === 'string' ? v : String(v);
  }
  const reserved = Object.keys(out).filter((k) => RESERVED_ENV.includes(k));
  if (reserved.length > 0) {
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  const measured = JSON.stringify(out);
  if (Buffer.byteLength(measured) > ENV_LIMIT_BYTES) {
    throw invalidParameter(`Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`);
  }
  return out;
}
