import type { Connection } from '../aws/connect.js';
import type { LoadedStack, TargetSpec } from '../stack/types.js';
import { describeSdkError, isNotAwsResponse } from '../aws/resources/errors.js';
import { countsOf, isMissing, queueAttributes, queueUrlOf, readTable } from './aws-reads.js';
import { summarizePattern } from './pattern-summary.js';
import { statusProblems } from './problems.js';
import { deadLetterQueues } from './stack-resources.js';
import type { BusStatus, FunctionStatus, Presence, QueueStatus, RuleStatus, RuleTargetStatus, StatusResult, TableStatus } from './types.js';

export interface GatherOptions {
  /** Items shown per table. */
  limit: number;
  /** The stack file as shown to the user. */
  stackFile: string;
}

/** Reads everything `evlab status` shows, all resources in parallel. */
export async function gatherStatus(conn: Connection, loaded: LoadedStack, options: GatherOptions): Promise<StatusResult> {
  const { stack } = loaded;
  const dlqs = deadLetterQueues(stack);
  const [functions, queues, tables, buses, rules] = await Promise.all([
    Promise.all(Object.entries(stack.functions ?? {}).map(([name, spec]) => readFunction(conn, name, spec.deadLetterQueue))),
    Promise.all(Object.keys(stack.queues ?? {}).map((name) => readQueue(conn, name, dlqs.get(name)?.map((r) => r.of) ?? []))),
    Promise.all(
      Object.entries(stack.tables ?? {}).map(([name, spec]) =>
        readTableStatus(conn, name, [spec.partitionKey.name, ...(spec.sortKey ? [spec.sortKey.name] : [])], options.limit),
      ),
    ),
    Promise.all(Object.keys(stack.buses ?? {}).map((name) => readBus(conn, name))),
    Promise.all(Object.entries(stack.rules ?? {}).map(([key, spec]) => readRule(conn, ruleNameOf(key, spec.bus ?? 'default'), spec.bus ?? 'default', spec.targets))),
  ]);
  const { endpoint, target } = conn;
  const partial = {
    stackFile: options.stackFile,
    endpoint: { url: target.endpoint, kind: endpoint.kind, label: endpoint.label, version: endpoint.version, source: target.source, services: endpoint.services, region: target.region },
    functions,
    queues,
    tables,
    buses,
    rules,
    ...(await entryPoints(conn, stack, options.limit)),
  };
  const problems = statusProblems(partial, conn.target.endpoint);
  // A setting the endpoint cannot keep is reported, but it is no fault of the stack.
  return { ok: problems.every((p) => p.kind === 'not-kept'), ...partial, problems };
}

/** An inventory keys a rule whose name another bus also has as `<bus>/<name>` (rule names hold no `/`). */
function ruleNameOf(key: string, bus: string): string {
  return key.startsWith(`${bus}/`) ? key.slice(bus.length + 1) : key;
}

/** Runs a read; a missing resource and any other failure become its presence. */
async function attempt<T>(read: () => Promise<T | undefined>): Promise<{ presence: Presence; value?: T; error?: string; errorCode?: string }> {
  try {
    const value = await read();
    return value === undefined ? { presence: 'missing' } : { presence: 'present', value };
  } catch (err) {
    if (isMissing(err)) return { presence: 'missing' };
    return { presence: 'error', ...describeReadError(err) };
  }
}

/**
 * A failed read as one line. Through describeSdkError, so an answer that is not an AWS response (an HTML
 * error page) reads as what came back, never as the SDK's "Deserialization error … $response".
 */
export function describeReadError(err: unknown): { error: string; errorCode: string } {
  const { code, message } = describeSdkError(err);
  if (code === 'UnknownOperationException') return { error: `the endpoint does not offer this service (${message})`, errorCode: code };
  if (isNotAwsResponse(code)) return { error: message, errorCode: code };
  return { error: `${code}: ${message}`, errorCode: code };
}

async function readFunction(conn: Connection, name: string, declaredDeadLetterQueue: string | undefined): Promise<FunctionStatus> {
  const read = await attempt(async () => {
    const { GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
    return (await conn.clients.lambda()).send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  });
  const c = read.value;
  return {
    name,
    presence: read.presence,
    error: read.error,
    errorCode: read.errorCode,
    state: c?.State,
    stateReason: c?.StateReason,
    lastUpdateStatus: c?.LastUpdateStatus,
    lastUpdateStatusReason: c?.LastUpdateStatusReason,
    runtime: c?.Runtime,
    lastModified: c?.LastModified,
    deadLetterQueue: c?.DeadLetterConfig?.TargetArn ? lastSegment(c.DeadLetterConfig.TargetArn) : undefined,
    ...(declaredDeadLetterQueue ? { declaredDeadLetterQueue } : {}),
  };
}

async function readQueue(conn: Connection, name: string, deadLetterOf: string[]): Promise<QueueStatus> {
  let url: string | undefined;
  const read = await attempt(async () => {
    const sqs = await conn.clients.sqs();
    url = await queueUrlOf(sqs, name);
    return url ? queueAttributes(sqs, url) : undefined;
  });
  const redrive = parseRedrive(read.value?.RedrivePolicy);
  return {
    name,
    presence: read.presence,
    error: read.error,
    errorCode: read.errorCode,
    url,
    deadLetter: deadLetterOf.length > 0,
    deadLetterOf,
    ...(read.value ? countsOf(read.value) : {}),
    ...(redrive ? { redrive } : {}),
  };
}

async function readTableStatus(conn: Connection, name: string, keys: string[], limit: number): Promise<TableStatus> {
  const read = await attempt(async () => readTable(await conn.clients.dynamodb(), name, limit));
  return { name, presence: read.presence, error: read.error, errorCode: read.errorCode, count: read.value?.count, keys, items: read.value?.items ?? [] };
}

async function readBus(conn: Connection, name: string): Promise<BusStatus> {
  const read = await attempt(async () => {
    const { DescribeEventBusCommand } = await import('@aws-sdk/client-eventbridge');
    return (await conn.clients.events()).send(new DescribeEventBusCommand({ Name: name }));
  });
  return { name, presence: read.presence, error: read.error, errorCode: read.errorCode };
}

async function readRule(conn: Connection, name: string, bus: string, declared: TargetSpec[]): Promise<RuleStatus> {
  const read = await attempt(async () => {
    const { DescribeRuleCommand, ListTargetsByRuleCommand } = await import('@aws-sdk/client-eventbridge');
    const events = await conn.clients.events();
    const rule = await events.send(new DescribeRuleCommand({ Name: name, EventBusName: bus }));
    const targets = await events.send(new ListTargetsByRuleCommand({ Rule: name, EventBusName: bus }));
    return { rule, targets: targets.Targets ?? [] };
  });
  const targets: RuleTargetStatus[] = (read.value?.targets ?? []).map((t) => ({ id: t.Id ?? '', arn: t.Arn ?? '', ...describeArn(t.Arn ?? '') }));
  const missingTargets =
    read.presence === 'present'
      ? declared.map(declaredTarget).filter((d) => !targets.some((t) => t.type === d.type && t.name === d.name)).map((d) => `${d.type} ${d.name}`)
      : [];
  let pattern: string | undefined;
  try {
    pattern = read.value?.rule.EventPattern ? summarizePattern(JSON.parse(read.value.rule.EventPattern)) : undefined;
  } catch {
    pattern = read.value?.rule.EventPattern;
  }
  return { name, bus, presence: read.presence, error: read.error, errorCode: read.errorCode, state: read.value?.rule.State, pattern, targets, missingTargets };
}

function declaredTarget(t: TargetSpec): { type: RuleTargetStatus['type']; name: string } {
  if ('function' in t) return { type: 'function', name: t.function };
  if ('queue' in t) return { type: 'queue', name: t.queue };
  if ('logGroup' in t) return { type: 'logGroup', name: t.logGroup };
  return { type: 'bus', name: t.bus };
}

/** What a target ARN points at: `arn:aws:lambda:…:function:name` → function name. */
export function describeArn(arn: string): { type: RuleTargetStatus['type']; name: string } {
  const parts = arn.split(':');
  const service = parts[2];
  if (service === 'lambda' && parts[5] === 'function') return { type: 'function', name: parts[6] ?? '' };
  if (service === 'sqs') return { type: 'queue', name: parts[5] ?? '' };
  if (service === 'logs' && parts[5] === 'log-group') return { type: 'logGroup', name: parts[6] ?? '' };
  if (service === 'events' && parts[5]?.startsWith('event-bus/')) return { type: 'bus', name: parts[5].slice('event-bus/'.length) };
  return { type: 'other', name: arn };
}

function parseRedrive(text: string | undefined): QueueStatus['redrive'] {
  if (!text) return undefined;
  try {
    const policy = JSON.parse(text) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
    if (!policy.deadLetterTargetArn) return undefined;
    return { deadLetterQueue: lastSegment(policy.deadLetterTargetArn), maxReceiveCount: Number(policy.maxReceiveCount ?? 0) };
  } catch {
    return undefined;
  }
}

function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

/** Only the sections the stack has, so a stack without buckets or APIs reads (and prints) as before. */
async function entryPoints(conn: Connection, stack: LoadedStack['stack'], limit: number): Promise<Partial<Pick<StatusResult, 'buckets' | 'apis' | 'functionUrls'>>> {
  const hasUrls = Object.values(stack.functions ?? {}).some((f) => f.url);
  if (!stack.buckets && !stack.apis && !hasUrls) return {};
  const { gatherEntryPoints } = await import('./entry-points.js');
  const read = await gatherEntryPoints(conn, stack, limit, attempt);
  return {
    ...(read.buckets.length ? { buckets: read.buckets } : {}),
    ...(read.apis.length ? { apis: read.apis } : {}),
    ...(read.functionUrls.length ? { functionUrls: read.functionUrls } : {}),
  };
}
