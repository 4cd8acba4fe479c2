import type { EngineRequest, EngineResponse } from '../../types.js';
import { parseJsonBody, restJsonResponse } from '../../protocol/encode.js';
import type { LambdaCore } from '../core.js';
import { constraint } from '../errors.js';

// Tags: /2017-03-31/tags/{ARN}. Only functions carry tags here.

export function listTags(core: LambdaCore, req: EngineRequest, arn: string): EngineResponse {
  return restJsonResponse(200, { Tags: { ...core.store.require(arn, req.region).tags } });
}

export function tagResource(core: LambdaCore, req: EngineRequest, arn: string): EngineResponse {
  const fn = core.store.require(arn, req.region);
  const tags = parseJsonBody(req.body).Tags;
  if (tags && typeof tags === 'object') for (const [k, v] of Object.entries(tags)) fn.tags[k] = String(v);
  return { status: 204, body: '' };
}

export function untagResource(core: LambdaCore, req: EngineRequest, arn: string): EngineResponse {
  const fn = core.store.require(arn, req.region);
  for (const key of req.query.getAll('tagKeys')) delete fn.tags[key];
  return { status: 204, body: '' };
}

/** Reserved concurrency caps the function's environments; 0 throttles it, as on AWS. */
export function putFunctionConcurrency(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const fn = core.store.require(name, req.region);
  const value = parseJsonBody(req.body).ReservedConcurrentExecutions;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw constraint(value, 'reservedConcurrentExecutions', 'Member must have value greater than or equal to 0');
  }
  fn.reservedConcurrency = value;
  return restJsonResponse(200, { ReservedConcurrentExecutions: value });
}

export function getFunctionConcurrency(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const fn = core.store.require(name, req.region);
  return restJsonResponse(200, fn.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency });
}

export function deleteFunctionConcurrency(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  core.store.require(name, req.region).reservedConcurrency = undefined;
  return { status: 204, body: '' };
}

export function getAccountSettings(core: LambdaCore, req: EngineRequest): EngineResponse {
  const functions = core.store.list(req.region);
  return restJsonResponse(200, {
    AccountLimit: {
      TotalCodeSize: 80_530_636_800,
      CodeSizeUnzipped: 262_144_000,
      CodeSizeZipped: 52_428_800,
      ConcurrentExecutions: 1000,
      UnreservedConcurrentExecutions: 1000 - functions.reduce((n, f) => n + (f.reservedConcurrency ?? 0), 0),
    },
    AccountUsage: { TotalCodeSize: functions.reduce((n, f) => n + f.code.size, 0), FunctionCount: functions.length },
  });
}
