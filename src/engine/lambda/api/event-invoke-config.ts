import type { EngineRequest, EngineResponse } from '../../types.js';
import { parseJsonBody, restJsonResponse } from '../../protocol/encode.js';
import { parseArn, parseFunctionRef } from '../arn.js';
import type { LambdaCore } from '../core.js';
import { constraint, invalidParameter, resourceNotFound } from '../errors.js';
import type { EventInvokeConfig, LambdaFunction } from '../model.js';
import { isVersion } from '../versions.js';

type Json = Record<string, unknown>;

/** PutFunctionEventInvokeConfig replaces the whole configuration; Update (POST) changes the fields given. */
export function putEventInvokeConfig(core: LambdaCore, req: EngineRequest, name: string, merge: boolean): EngineResponse {
  const body = parseJsonBody(req.body);
  if (body.MaximumRetryAttempts === undefined && body.MaximumEventAgeInSeconds === undefined && body.DestinationConfig === undefined) {
    throw invalidParameter('You must specify at least one of error handling or destination setting.');
  }
  const { fn, holder, qualifiedArn } = functionFor(core, req, name);
  if (merge && !holder.eventInvokeConfig) throw notConfigured(qualifiedArn);
  const next: EventInvokeConfig = merge ? { ...holder.eventInvokeConfig! } : { lastModified: 0 };
  if (body.MaximumRetryAttempts !== undefined) next.maximumRetryAttempts = intIn(body.MaximumRetryAttempts, 'maximumRetryAttempts', 0, 2);
  if (body.MaximumEventAgeInSeconds !== undefined) next.maximumEventAgeInSeconds = intIn(body.MaximumEventAgeInSeconds, 'maximumEventAgeInSeconds', 60, 21600);
  const destinations = body.DestinationConfig as Json | undefined;
  if (destinations !== undefined) {
    const onSuccess = ((destinations?.OnSuccess as Json | undefined)?.Destination as string | undefined) || undefined;
    const onFailure = ((destinations?.OnFailure as Json | undefined)?.Destination as string | undefined) || undefined;
    if (!validDestination(core, fn, onSuccess, false) || !validDestination(core, fn, onFailure, true)) {
      const part = (label: string, arn?: string) => (arn ? `${label}(destination=${arn})` : 'null');
      throw invalidParameter(`The provided destination config DestinationConfig(onSuccess=${part('OnSuccess', onSuccess)}, onFailure=${part('OnFailure', onFailure)}) is invalid.`);
    }
    next.onSuccess = onSuccess;
    next.onFailure = onFailure;
  }
  next.lastModified = Date.now() / 1000;
  holder.eventInvokeConfig = next;
  return restJsonResponse(200, eventInvokeConfiguration(qualifiedArn, next));
}

export function getEventInvokeConfig(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const { holder, qualifiedArn } = functionFor(core, req, name, true);
  if (!holder.eventInvokeConfig) throw notConfigured(qualifiedArn);
  return restJsonResponse(200, eventInvokeConfiguration(qualifiedArn, holder.eventInvokeConfig));
}

export function listEventInvokeConfigs(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const { holder, qualifiedArn } = functionFor(core, req, name);
  const configs = holder.eventInvokeConfig ? [eventInvokeConfiguration(qualifiedArn, holder.eventInvokeConfig)] : [];
  return restJsonResponse(200, { FunctionEventInvokeConfigs: configs });
}

export function deleteEventInvokeConfig(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const { holder, qualifiedArn } = functionFor(core, req, name, true);
  if (!holder.eventInvokeConfig) throw notConfigured(qualifiedArn);
  holder.eventInvokeConfig = undefined;
  return { status: 204, body: '' };
}

/** What holds an event invoke config: $LATEST, a published version, or an alias (its own, whatever version it names). */
interface ConfigHolder {
  eventInvokeConfig?: EventInvokeConfig;
}

function eventInvokeConfiguration(qualifiedArn: string, c: EventInvokeConfig): Json {
  const out: Json = {
    LastModified: c.lastModified,
    FunctionArn: qualifiedArn,
    DestinationConfig: {
      OnSuccess: c.onSuccess ? { Destination: c.onSuccess } : {},
      OnFailure: c.onFailure ? { Destination: c.onFailure } : {},
    },
  };
  if (c.maximumRetryAttempts !== undefined) out.MaximumRetryAttempts = c.maximumRetryAttempts;
  if (c.maximumEventAgeInSeconds !== undefined) out.MaximumEventAgeInSeconds = c.maximumEventAgeInSeconds;
  return out;
}

function functionFor(core: LambdaCore, req: EngineRequest, name: string, missingAsConfig = false): { fn: LambdaFunction; holder: ConfigHolder; qualifiedArn: string } {
  const ref = parseFunctionRef(name);
  const qualifier = req.query.get('Qualifier') ?? ref.qualifier;
  let fn: LambdaFunction;
  try {
    fn = core.store.requireRef(ref, req.region, qualifier);
  } catch {
    if (missingAsConfig) {
      throw resourceNotFound(`The function ${core.store.arn(ref.region ?? req.region, ref.name, qualifier ?? '$LATEST')} doesn't have an EventInvokeConfig`);
    }
    throw resourceNotFound("The function doesn't exist.");
  }
  // Through an alias, the alias's own configuration; else the version's (or $LATEST's).
  const alias = core.store.aliasOf(name, req.region, qualifier);
  const holder: ConfigHolder = alias ?? fn;
  return { fn, holder, qualifiedArn: alias ? alias.arn : isVersion(fn) ? fn.arn : `${fn.arn}:$LATEST` };
}

function notConfigured(qualifiedArn: string) {
  return resourceNotFound(`The function ${qualifiedArn} doesn't have an EventInvokeConfig`);
}

/** SQS, SNS, EventBridge and other functions (S3 for failures only); a function cannot be its own destination. */
function validDestination(core: LambdaCore, fn: LambdaFunction, arn: string | undefined, failure: boolean): boolean {
  if (arn === undefined) return true;
  const parsed = parseArn(arn);
  if (!parsed) return false;
  if (parsed.service === 'lambda') {
    const target = core.store.find(arn, fn.region);
    if (!target) throw invalidParameter(`The destination ARN ${arn} is invalid.`);
    if (target === fn) throw invalidParameter("You can't specify the function as a destination for itself.");
    return true;
  }
  return ['sqs', 'sns', 'events'].includes(parsed.service) || (failure && parsed.service === 's3');
}

function intIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw constraint(value, field, 'Member must be an integer');
  if (value < min) throw constraint(value, field, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraint(value, field, `Member must have value less than or equal to ${max}`);
  return value;
}
