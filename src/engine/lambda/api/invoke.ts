import type { EngineRequest, EngineResponse } from '../../types.js';
import { AwsError } from '../../protocol/aws-error.js';
import { parseFunctionRef } from '../arn.js';
import type { LambdaCore } from '../core.js';
import { causeOf, startCaused } from '../../traces/cause.js';
import { asyncPayloadTooLarge, notActive, syncPayloadTooLarge, throttled, validation } from '../errors.js';
import type { LambdaFunction } from '../model.js';
import { routeAlias, VERSION_NUMBER } from '../versions.js';

/** Invoke's payload quotas: 6 MB for synchronous calls, 256 KB for asynchronous ones. */
export const SYNC_PAYLOAD_LIMIT = 6_291_456;
export const ASYNC_PAYLOAD_LIMIT = 262_144;
const EMPTY_EVENT = Buffer.from('{}');

export async function invokeFunction(core: LambdaCore, req: EngineRequest, name: string): Promise<EngineResponse> {
  const ref = parseFunctionRef(name);
  const qualifier = req.query.get('Qualifier') ?? ref.qualifier;
  const fn = routed(core.store.requireRef(ref, req.region, qualifier), qualifier, core, req.region, ref.name);
  const type = header(req, 'x-amz-invocation-type') ?? 'RequestResponse';
  if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
    throw validation(`1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`);
  }
  const logType = header(req, 'x-amz-log-type') ?? 'None';
  if (logType !== 'None' && logType !== 'Tail') {
    throw validation(`1 validation error detected: Value '${logType}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [None, Tail]`);
  }
  const payload = req.body.length === 0 ? EMPTY_EVENT : req.body;
  if (type === 'Event' && payload.length > ASYNC_PAYLOAD_LIMIT) throw asyncPayloadTooLarge(payload.length, ASYNC_PAYLOAD_LIMIT);
  if (payload.length > SYNC_PAYLOAD_LIMIT) throw syncPayloadTooLarge(SYNC_PAYLOAD_LIMIT);
  assertJson(payload);
  if (fn.state !== 'Active') throw notActive(fn.state);
  const executedVersion = fn.version ?? '$LATEST';
  if (type === 'DryRun') return { status: 204, headers: { 'X-Amz-Executed-Version': executedVersion }, body: '' };
  // The context's invokedFunctionArn is the ARN as invoked: with the alias or version it named.
  const invokedArn = core.store.arn(fn.region, fn.name, qualifier);
  if (type === 'Event') {
    // Called from a function (its SDK sends the runtime's X-Amzn-Trace-Id): the invocation is a child of that one's trace.
    const cause = causeOf(core.ctx.traces, req.headers['x-amzn-trace-id']);
    core.asyncInvoker.enqueue(fn, payload, req.requestId, invokedArn, cause);
    return { status: 202, headers: { 'content-type': 'application/json' }, body: '' };
  }
  if (fn.reservedConcurrency === 0) throw throttled();
  // The trace starts before the function runs, so that what the function sends meanwhile finds it as its parent.
  startCaused(core.ctx.traces, causeOf(core.ctx.traces, req.headers['x-amzn-trace-id']), req.requestId, 'invocation', {
    type: 'invocation-started',
    service: 'lambda',
    function: fn.name,
    requestId: req.requestId,
    trigger: 'sync',
  });
  const started = performance.now();
  const outcome = await core.invoker.invoke(fn, {
    requestId: req.requestId,
    payload,
    invokedArn,
    clientContext: clientContext(header(req, 'x-amz-client-context')),
    tail: logType === 'Tail',
  });
  core.ctx.traces.record(req.requestId, {
    type: 'invocation',
    service: 'lambda',
    function: fn.name,
    requestId: req.requestId,
    trigger: 'sync',
    attempt: 1,
    maxAttempts: 1,
    durationMs: Math.round(performance.now() - started),
    ok: !outcome.error,
    errorType: outcome.error?.type,
    errorMessage: outcome.error?.message,
  });
  const headers: Record<string, string> = { 'content-type': 'application/json', 'X-Amz-Executed-Version': executedVersion };
  if (outcome.error) headers['X-Amz-Function-Error'] = 'Unhandled';
  if (outcome.logResult !== undefined) headers['X-Amz-Log-Result'] = outcome.logResult;
  return { status: 200, headers, body: outcome.payload };
}

/** An alias with weighted routing sends each invocation to one of its versions (by weight). */
function routed(fn: LambdaFunction, qualifier: string | undefined, core: LambdaCore, region: string, name: string): LambdaFunction {
  if (qualifier === undefined || qualifier === '$LATEST' || VERSION_NUMBER.test(qualifier)) return fn;
  const latest = core.store.requireRef({ name, region: fn.region ?? region }, region);
  const alias = latest.published?.aliases.get(qualifier);
  return (alias?.additionalVersionWeights && routeAlias(latest, alias)) || fn;
}

function assertJson(payload: Buffer): void {
  try {
    JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new AwsError('InvalidRequestContentException', 400, `Could not parse request body into json: Could not parse payload into json: ${(err as Error).message}`);
  }
}

/** X-Amz-Client-Context is base64 JSON; the runtime gets the JSON. */
function clientContext(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const text = Buffer.from(value, 'base64').toString('utf8');
  try {
    JSON.parse(text);
  } catch {
    throw new AwsError('InvalidRequestContentException', 400, 'Client context must be a valid Base64-encoded JSON object.');
  }
  return text;
}

function header(req: EngineRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
