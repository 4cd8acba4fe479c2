import type {
  AsyncConfig,
  FunctionState,
  PermissionState,
  QueueState,
  RuleState,
  SubscriptionState,
  TableState,
  TargetState,
} from './model.js';

/** JSON with sorted object keys (array order kept). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Patterns compared by meaning, not text: key order does not matter, {"a": {"b": [...]}} and {"a.b": [...]}
 * name the same field (as EventBridge reads them), and the values listed for a field (or the branches of
 * `$or`) are alternatives, so their order does not matter either. Arrays inside an operator
 * ({"numeric": [">", 0, "<", 5]}) keep their order.
 */
export function canonicalPattern(pattern: unknown): string {
  if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern)) return canonicalJson(pattern);
  const fields: Record<string, string> = {};
  const walk = (node: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$or' && Array.isArray(value)) fields[prefix + key] = `[${value.map(canonicalPattern).sort().join(',')}]`;
      else if (value !== null && typeof value === 'object' && !Array.isArray(value)) walk(value as Record<string, unknown>, `${prefix}${key}.`);
      else if (Array.isArray(value)) fields[prefix + key] = `[${value.map((v) => canonicalJson(v)).sort().join(',')}]`;
      else fields[prefix + key] = canonicalJson(value);
    }
  };
  walk(pattern as Record<string, unknown>, '');
  return `{${Object.keys(fields).sort().map((k) => `${JSON.stringify(k)}:${fields[k]}`).join(',')}}`;
}

export function samePattern(a: unknown, b: unknown): boolean {
  return canonicalPattern(a) === canonicalPattern(b);
}

function sameJsonText(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  try {
    return canonicalJson(JSON.parse(a)) === canonicalJson(JSON.parse(b));
  } catch {
    return a === b;
  }
}

const change = (label: string, from: unknown, to: unknown) => `${label} ${show(from)} → ${show(to)}`;
const show = (value: unknown) => {
  if (value === null || value === undefined) return 'none';
  const text = typeof value === 'string' ? (value === '' ? '""' : value) : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

export function queueDifferences(desired: QueueState, actual: QueueState): string[] {
  const out: string[] = [];
  for (const [key, label] of [
    ['visibilityTimeout', 'VisibilityTimeout'],
    ['delaySeconds', 'DelaySeconds'],
    ['messageRetentionPeriod', 'MessageRetentionPeriod'],
    ['receiveMessageWaitTimeSeconds', 'ReceiveMessageWaitTimeSeconds'],
  ] as const) {
    if (desired[key] !== actual[key]) out.push(change(label, actual[key], desired[key]));
  }
  const d = desired.redrive;
  const a = actual.redrive;
  if (d?.deadLetterQueue !== a?.deadLetterQueue) out.push(change('dead-letter queue', a?.deadLetterQueue, d?.deadLetterQueue));
  else if (d && a && d.maxReceiveCount !== a.maxReceiveCount) out.push(change('maxReceiveCount', a.maxReceiveCount, d.maxReceiveCount));
  if (desired.fifo && desired.contentBasedDeduplication !== actual.contentBasedDeduplication) {
    out.push(change('ContentBasedDeduplication', actual.contentBasedDeduplication, desired.contentBasedDeduplication));
  }
  return out;
}

/** Key schema differences; a table cannot change its keys, so any difference means replacing it. */
export function tableDifferences(desired: TableState, actual: TableState): string[] {
  const key = (k?: { name: string; type: string }) => (k ? `${k.name} (${k.type})` : null);
  const out: string[] = [];
  if (key(desired.partitionKey) !== key(actual.partitionKey)) out.push(change('partition key', key(actual.partitionKey), key(desired.partitionKey)));
  if (key(desired.sortKey) !== key(actual.sortKey)) out.push(change('sort key', key(actual.sortKey), key(desired.sortKey)));
  return out;
}

export interface FunctionDifferences {
  code: boolean;
  /** UpdateFunctionConfiguration fields. */
  configuration: string[];
  /** Event invoke config. */
  asyncConfig: string[];
}

export function functionDifferences(desired: FunctionState, actual: FunctionState): FunctionDifferences {
  const configuration: string[] = [];
  for (const key of ['runtime', 'handler', 'role', 'timeout', 'memorySize'] as const) {
    if (desired[key] !== actual[key]) configuration.push(change(key, actual[key], desired[key]));
  }
  if (desired.description !== actual.description) configuration.push('description changed');
  if (canonicalJson(desired.environment) !== canonicalJson(actual.environment)) configuration.push('environment changed');
  if (actual.deadLetterQueue !== undefined && desired.deadLetterQueue !== actual.deadLetterQueue) {
    configuration.push(change('dead-letter queue', actual.deadLetterQueue, desired.deadLetterQueue));
  }
  return { code: desired.codeSha256 !== actual.codeSha256, configuration, asyncConfig: asyncDifferences(desired.asyncConfig, actual.asyncConfig) };
}

function asyncDifferences(desired: AsyncConfig | null, actual: AsyncConfig | null): string[] {
  if (desired === null && actual === null) return [];
  if (desired === null) return ['event invoke config not in the stack file'];
  if (actual === null) return ['event invoke config missing'];
  const out: string[] = [];
  if (desired.maxRetryAttempts !== actual.maxRetryAttempts) out.push(change('MaximumRetryAttempts', actual.maxRetryAttempts, desired.maxRetryAttempts));
  if (desired.maxEventAgeSeconds !== actual.maxEventAgeSeconds) out.push(change('MaximumEventAgeInSeconds', actual.maxEventAgeSeconds, desired.maxEventAgeSeconds));
  if (desired.onFailure !== actual.onFailure) out.push(change('on-failure destination', actual.onFailure, desired.onFailure));
  if (desired.onSuccess !== actual.onSuccess) out.push(change('on-success destination', actual.onSuccess, desired.onSuccess));
  return out;
}

export function ruleDifferences(desired: RuleState, actual: RuleState): string[] {
  const out: string[] = [];
  if (!samePattern(desired.pattern, actual.pattern)) out.push('pattern changed');
  if ((desired.schedule ?? null) !== (actual.schedule ?? null)) out.push(change('schedule', actual.schedule, desired.schedule));
  if (desired.enabled !== actual.enabled) out.push(desired.enabled ? 'disabled → enabled' : 'enabled → disabled');
  if (desired.description !== actual.description) out.push('description changed');
  return out;
}

export function targetDifferences(desired: TargetState, actual: TargetState): string[] {
  const out: string[] = [];
  if (desired.bus !== actual.bus) out.push(change('bus', actual.bus, desired.bus));
  if (desired.destination.kind !== actual.destination.kind || desired.destination.name !== actual.destination.name) {
    out.push(change('destination', `${actual.destination.kind} ${actual.destination.name}`, `${desired.destination.kind} ${desired.destination.name}`));
  }
  if (!sameJsonText(desired.input, actual.input)) out.push('Input changed');
  if (desired.inputPath !== actual.inputPath) out.push(change('InputPath', actual.inputPath, desired.inputPath));
  const dt = desired.inputTransformer;
  const at = actual.inputTransformer;
  if (Boolean(dt) !== Boolean(at) || (dt && at && (dt.inputTemplate !== at.inputTemplate || canonicalJson(dt.inputPathsMap) !== canonicalJson(at.inputPathsMap)))) {
    out.push('InputTransformer changed');
  }
  if (desired.deadLetterQueue !== actual.deadLetterQueue) out.push(change('dead-letter queue', actual.deadLetterQueue, desired.deadLetterQueue));
  if (canonicalJson(desired.retryPolicy ?? null) !== canonicalJson(actual.retryPolicy ?? null)) out.push('RetryPolicy changed');
  return out;
}

export function permissionDifferences(desired: PermissionState, actual: PermissionState): string[] {
  const rule = (p: PermissionState) => (p.rule ? `${p.rule.bus}/${p.rule.name}` : null);
  return rule(desired) === rule(actual) ? [] : [change('source rule', rule(actual), rule(desired))];
}

export function subscriptionDifferences(desired: SubscriptionState, actual: SubscriptionState): string[] {
  const out: string[] = [];
  if (desired.batchSize !== actual.batchSize) out.push(change('batch size', actual.batchSize, desired.batchSize));
  if (desired.maximumBatchingWindowSeconds !== actual.maximumBatchingWindowSeconds) {
    out.push(change('batching window', actual.maximumBatchingWindowSeconds, desired.maximumBatchingWindowSeconds));
  }
  if (desired.enabled !== actual.enabled) out.push(desired.enabled ? 'disabled → enabled' : 'enabled → disabled');
  if (desired.reportBatchItemFailures !== actual.reportBatchItemFailures) {
    out.push(desired.reportBatchItemFailures ? 'ReportBatchItemFailures turned on' : 'ReportBatchItemFailures turned off');
  }
  return out;
}
