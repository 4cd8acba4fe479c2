import { randomBytes } from 'node:crypto';
import type { EngineRequest, EngineResponse } from '../../types.js';
import { parseJsonBody, restJsonResponse } from '../../protocol/encode.js';
import type { HttpCall, HttpReply } from '../../apigateway/http-call.js';
import { jsonReply } from '../../apigateway/http-call.js';
import { applyCorsHeaders, corsRules, preflightReply } from '../../apigateway/cors.js';
import { callLambda } from '../../apigateway/lambda-call.js';
import { replyForOutcome } from '../../apigateway/outcome.js';
import { buildV2Event, mapV2Response } from '../../apigateway/payload-v2.js';
import { ApiRequestTrace } from '../../apigateway/request-trace.js';
import type { LambdaCore } from '../core.js';
import { conflict, constraint, resourceNotFound } from '../errors.js';
import type { FunctionUrlConfig, LambdaFunction } from '../model.js';

/**
 * Function URLs: the configuration API (2021-10-31) and the requests to the URL itself, which reach the
 * function as a payload 2.0 event. The URL returned is the engine's path form,
 * `http://127.0.0.1:PORT/_aws/lambda-url/<urlId>/`, which needs no DNS; the host form
 * `http://<urlId>.lambda-url.<region>.localhost.localstack.cloud:PORT/` is served too.
 */
export function functionUrlOf(core: LambdaCore, config: FunctionUrlConfig): string {
  return `${core.ctx.url}/_aws/lambda-url/${config.urlId}/`;
}

function view(core: LambdaCore, fn: LambdaFunction, config: FunctionUrlConfig, withLastModified = true): Record<string, unknown> {
  return {
    AuthType: config.authType,
    ...(config.cors ? { Cors: config.cors } : {}),
    CreationTime: config.creationTime,
    FunctionArn: fn.arn,
    FunctionUrl: functionUrlOf(core, config),
    InvokeMode: config.invokeMode,
    ...(withLastModified ? { LastModifiedTime: config.lastModifiedTime } : {}),
  };
}

function authType(value: unknown): FunctionUrlConfig['authType'] {
  if (value === 'NONE' || value === 'AWS_IAM') return value;
  throw constraint(value ?? 'null', 'authType', 'Member must satisfy enum value set: [NONE, AWS_IAM]');
}

function invokeMode(value: unknown, current: FunctionUrlConfig['invokeMode'] = 'BUFFERED'): FunctionUrlConfig['invokeMode'] {
  if (value === undefined || value === null) return current;
  if (value === 'BUFFERED' || value === 'RESPONSE_STREAM') return value;
  throw constraint(value, 'invokeMode', 'Member must satisfy enum value set: [BUFFERED, RESPONSE_STREAM]');
}

function cors(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function target(core: LambdaCore, req: EngineRequest, name: string): LambdaFunction {
  return core.store.require(name, req.region, req.query.get('Qualifier') ?? undefined);
}

function requireConfig(fn: LambdaFunction): FunctionUrlConfig {
  if (!fn.functionUrl) throw resourceNotFound('The resource you requested does not exist.');
  return fn.functionUrl;
}

export function createFunctionUrlConfig(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const fn = target(core, req, name);
  const body = parseJsonBody(req.body);
  // Input validation comes before the existence check, as on AWS.
  const auth = authType(body.AuthType);
  const mode = invokeMode(body.InvokeMode);
  if (fn.functionUrl) {
    throw conflict(`Failed to create function url config for [functionArn = ${fn.arn}]. Error message:  FunctionUrlConfig exists for this Lambda function`);
  }
  const now = new Date().toISOString();
  const config: FunctionUrlConfig = {
    urlId: newUrlId(core),
    authType: auth,
    cors: cors(body.Cors),
    invokeMode: mode,
    creationTime: now,
    lastModifiedTime: now,
  };
  fn.functionUrl = config;
  return restJsonResponse(201, view(core, fn, config, false));
}

export function getFunctionUrlConfig(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const fn = target(core, req, name);
  return restJsonResponse(200, view(core, fn, requireConfig(fn)));
}

export function updateFunctionUrlConfig(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const fn = target(core, req, name);
  const config = requireConfig(fn);
  const body = parseJsonBody(req.body);
  if (body.AuthType !== undefined) config.authType = authType(body.AuthType);
  if (body.Cors !== undefined) config.cors = cors(body.Cors);
  config.invokeMode = invokeMode(body.InvokeMode, config.invokeMode);
  config.lastModifiedTime = new Date().toISOString();
  return restJsonResponse(200, view(core, fn, config));
}

export function deleteFunctionUrlConfig(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const fn = target(core, req, name);
  requireConfig(fn);
  fn.functionUrl = undefined;
  return { status: 204, body: '' };
}

export function listFunctionUrlConfigs(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const fn = core.store.require(name, req.region);
  return restJsonResponse(200, { FunctionUrlConfigs: fn.functionUrl ? [view(core, fn, fn.functionUrl)] : [] });
}

function newUrlId(core: LambdaCore): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  for (;;) {
    const id = [...randomBytes(32)].map((b) => alphabet[b % alphabet.length]).join('');
    if (!core.store.all().some((f) => f.functionUrl?.urlId === id)) return id;
  }
}

/** A request to the URL: payload 2.0 in, the 2.0 response mapping out (502 on a function error). */
export async function serveFunctionUrl(core: LambdaCore, urlId: string, call: HttpCall): Promise<HttpReply> {
  const fn = core.store.all().find((f) => f.functionUrl?.urlId === urlId);
  const trace = new ApiRequestTrace(core.ctx, call, { front: 'url', api: urlId, apiName: fn?.name, stage: '$default' });
  if (!fn?.functionUrl) {
    const reply = jsonReply(404, { Message: `No function URL ${urlId} on this engine` });
    trace.respond(reply);
    return reply;
  }
  const cors = corsRules(fn.functionUrl.cors);
  const preflight = preflightReply(cors, call);
  if (preflight) {
    trace.request('CORS preflight');
    trace.respond(preflight);
    return preflight;
  }
  trace.request('$default');
  const event = buildV2Event(call, {
    accountId: core.store.account,
    apiId: urlId,
    routeKey: '$default',
    stage: '$default',
    rawPath: call.rawPath,
  });
  // A function URL waits as long as the function may run; the function's own timeout ends it first.
  const waitMs = fn.settings.timeout * 1000 + 5_000;
  trace.invoking(call.requestId);
  const result = await callLambda(core.ctx, fn.arn, event, waitMs, call.requestId);
  const mapped = replyForOutcome(result.outcome, 'url', mapV2Response);
  const { reply, integrationError } = mapped;
  trace.integrated(fn.name, result, mapped);
  if (integrationError) core.ctx.options.log(`lambda: function URL of ${fn.name}: ${call.method} ${call.rawPath} → ${reply.status}: ${integrationError}`);
  applyCorsHeaders(cors, call, reply);
  reply.headers.push(['x-amzn-requestid', call.requestId]);
  trace.respond(reply, integrationError);
  return reply;
}
