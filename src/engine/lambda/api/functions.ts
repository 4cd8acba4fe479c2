import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import type { EngineRequest, EngineResponse } from '../../types.js';
import { AwsError } from '../../protocol/aws-error.js';
import { parseJsonBody, restJsonResponse } from '../../protocol/encode.js';
import { parseFunctionRef } from '../arn.js';
import { functionCodeRoot, storeCode, zipFromRequest } from '../code.js';
import { functionConfiguration, lambdaDate } from '../configuration.js';
import type { LambdaCore } from '../core.js';
import { conflict, functionNotFound, invalidParameter, notActive, preconditionFailed, resourceNotFound, updateInProgress, validation } from '../errors.js';
import type { LambdaFunction } from '../model.js';
import { runtimeFamily } from '../runtimes.js';
import { createSettings, updateSettings, validateFunctionName } from '../validate.js';
import { publishVersion } from '../versions.js';
import { deleteVersion, requireLatest, requireUnqualified } from './versions.js';

export async function createFunction(core: LambdaCore, req: EngineRequest): Promise<EngineResponse> {
  const { store, ctx } = core;
  const body = parseJsonBody(req.body);
  const ref = parseFunctionRef(body.FunctionName);
  const name = validateFunctionName(ref.name);
  if (ref.qualifier) throw validation(`1 validation error detected: Value '${String(body.FunctionName)}' at 'functionName' failed to satisfy constraint: Member must not include a qualifier`);
  const region = ref.region ?? req.region;
  const settings = createSettings(body, name);
  if (store.has(region, name)) throw conflict(`Function already exist: ${name}`);
  const zip = zipFromRequest(body.Code as Record<string, unknown> | undefined);
  const code = await storeCode(functionCodeRoot(ctx.options.workDir, region, name), zip);
  // Two creates of one name may both have unpacked: the first to get here wins.
  if (store.has(region, name)) throw conflict(`Function already exist: ${name}`);
  const fn: LambdaFunction = {
    region,
    name,
    arn: store.arn(region, name),
    settings,
    code,
    state: 'Pending',
    stateReason: 'The function is being created.',
    stateReasonCode: 'Creating',
    revisionId: randomUUID(),
    lastModified: lambdaDate(),
    generation: 1,
    tags: stringMap(body.Tags),
    policy: [],
  };
  store.add(fn);
  // Publish: version 1 at once, settled with $LATEST; the answer describes it.
  const published = body.Publish === true ? publishVersion(fn, undefined).version : undefined;
  // AWS creates asynchronously (Pending, then Active); here the code is already unpacked.
  setImmediate(() => settleCreate(core, fn));
  return restJsonResponse(201, functionConfiguration(published ?? fn, 'create'));
}

/** Pending → Active (or Failed for a runtime the engine cannot run). Also used when state is restored. */
export function settleCreate(core: LambdaCore, fn: LambdaFunction): void {
  if (!core.store.isCurrent(fn)) return;
  const unsupported = unsupportedReason(fn.settings.runtime);
  fn.state = unsupported ? 'Failed' : 'Active';
  fn.stateReason = unsupported;
  fn.stateReasonCode = unsupported ? 'InvalidRuntime' : undefined;
  fn.lastUpdateStatus = unsupported ? 'Failed' : 'Successful';
  fn.lastUpdateStatusReason = unsupported;
  fn.lastUpdateStatusReasonCode = unsupported ? 'InvalidRuntime' : undefined;
  for (const version of fn.published?.versions.values() ?? []) {
    if (version.state !== 'Pending') continue;
    version.state = fn.state;
    version.stateReason = fn.stateReason;
    version.stateReasonCode = fn.stateReasonCode;
  }
  core.store.notifySettled(fn);
}

export function getFunction(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const qualifier = qualifierOf(req) ?? parseFunctionRef(name).qualifier;
  const fn = core.store.require(name, req.region, qualifier);
  const body: Record<string, unknown> = {
    Configuration: qualifiedConfiguration(core, fn, qualifier),
    Code: { RepositoryType: 'S3', Location: `${core.ctx.url}/2015-03-31/functions/${encodeURIComponent(fn.name)}/evlab-code/${fn.code.sha256Hex}.zip` },
  };
  if (Object.keys(fn.tags).length > 0) body.Tags = { ...fn.tags };
  if (fn.reservedConcurrency !== undefined) body.Concurrency = { ReservedConcurrentExecutions: fn.reservedConcurrency };
  return restJsonResponse(200, body);
}

export function getFunctionConfiguration(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const qualifier = qualifierOf(req) ?? parseFunctionRef(name).qualifier;
  return restJsonResponse(200, qualifiedConfiguration(core, core.store.require(name, req.region, qualifier), qualifier));
}

/** Asked through an alias, FunctionArn is the alias's ARN; Version says which version that is. */
function qualifiedConfiguration(core: LambdaCore, fn: LambdaFunction, qualifier: string | undefined): Record<string, unknown> {
  const config = functionConfiguration(fn);
  if (qualifier !== undefined && qualifier !== '$LATEST') config.FunctionArn = core.store.arn(fn.region, fn.name, qualifier);
  return config;
}

/** GetFunction's Code.Location: the zip as uploaded (AWS links a presigned S3 URL). */
export async function downloadCode(core: LambdaCore, req: EngineRequest, name: string, sha: string): Promise<EngineResponse> {
  const latest = requireLatest(core, req, name);
  // $LATEST's code or a published version's.
  const fn = [latest, ...(latest.published?.versions.values() ?? [])].find((f) => f.code.sha256Hex === sha);
  if (!fn) throw resourceNotFound();
  return { status: 200, headers: { 'content-type': 'application/zip' }, body: await readFile(fn.code.zipPath) };
}

export function listFunctions(core: LambdaCore, req: EngineRequest): EngineResponse {
  const maxItems = pageSize(req.query.get('MaxItems'));
  const all = core.store.list(req.region);
  const marker = req.query.get('Marker');
  let start = 0;
  if (marker) {
    const after = Buffer.from(marker, 'base64url').toString('utf8');
    start = all.findIndex((f) => f.name > after);
    if (start < 0) start = all.length;
  }
  const page = all.slice(start, start + maxItems);
  const body: Record<string, unknown> = { Functions: page.map((f) => functionConfiguration(f, 'list')) };
  if (start + maxItems < all.length) body.NextMarker = Buffer.from(page[page.length - 1].name).toString('base64url');
  return restJsonResponse(200, body);
}

export async function updateFunctionCode(core: LambdaCore, req: EngineRequest, name: string): Promise<EngineResponse> {
  const { store, ctx } = core;
  const body = parseJsonBody(req.body);
  const fn = requireUnqualified(core, req, name);
  assertUpdatable(fn, body.RevisionId);
  const zip = zipFromRequest(body);
  const code = await storeCode(functionCodeRoot(ctx.options.workDir, fn.region, fn.name), zip);
  if (!store.isCurrent(fn)) throw functionNotFound(fn.arn);
  if (body.DryRun === true) return restJsonResponse(200, functionConfiguration(fn));
  assertUpdatable(fn, body.RevisionId);
  if (Array.isArray(body.Architectures)) fn.settings = updateSettings(fn.settings, { Architectures: body.Architectures });
  fn.code = code;
  beginUpdate(core, fn);
  // Publish: a version of the new code, as UpdateFunctionCode's answer.
  if (body.Publish === true) return restJsonResponse(200, functionConfiguration(publishVersion(fn, undefined).version));
  return restJsonResponse(200, functionConfiguration(fn));
}

export function updateFunctionConfiguration(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const body = parseJsonBody(req.body);
  const fn = requireUnqualified(core, req, name);
  assertUpdatable(fn, body.RevisionId);
  fn.settings = updateSettings(fn.settings, body);
  beginUpdate(core, fn);
  return restJsonResponse(200, functionConfiguration(fn));
}

export async function deleteFunction(core: LambdaCore, req: EngineRequest, name: string): Promise<EngineResponse> {
  const qualifier = qualifierOf(req) ?? parseFunctionRef(name).qualifier;
  if (qualifier === '$LATEST') throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
  if (qualifier !== undefined) return deleteVersion(core, req, name, qualifier);
  const fn = core.store.require(name, req.region);
  core.store.remove(fn);
  // The function's versions go with it.
  await Promise.all([fn, ...(fn.published?.versions.values() ?? [])].map((f) => core.invoker.remove(f)));
  // Another function of the same name may be created at once; only this one's folder goes.
  void rm(functionCodeRoot(core.ctx.options.workDir, fn.region, fn.name), { recursive: true, force: true }).catch(() => undefined);
  return { status: 204, body: '' };
}

/** LastUpdateStatus InProgress until the new generation is in place, as on AWS (briefly here). */
function beginUpdate(core: LambdaCore, fn: LambdaFunction): void {
  fn.generation += 1;
  fn.revisionId = randomUUID();
  fn.lastModified = lambdaDate();
  fn.lastUpdateStatus = 'InProgress';
  fn.lastUpdateStatusReason = 'The function is being created.';
  fn.lastUpdateStatusReasonCode = 'Creating';
  const generation = fn.generation;
  core.invoker.retire(fn);
  setImmediate(() => {
    if (fn.generation !== generation) return;
    const unsupported = unsupportedReason(fn.settings.runtime);
    fn.lastUpdateStatus = unsupported ? 'Failed' : 'Successful';
    fn.lastUpdateStatusReason = unsupported;
    fn.lastUpdateStatusReasonCode = unsupported ? 'InvalidRuntime' : undefined;
    if (!unsupported && fn.state === 'Failed') {
      fn.state = 'Active';
      fn.stateReason = undefined;
      fn.stateReasonCode = undefined;
    }
  });
}

function assertUpdatable(fn: LambdaFunction, revisionId: unknown): void {
  if (fn.state === 'Pending') throw notActive('Pending');
  if (fn.lastUpdateStatus === 'InProgress') throw updateInProgress(fn.arn);
  if (typeof revisionId === 'string' && revisionId !== fn.revisionId) throw preconditionFailed();
}

function unsupportedReason(runtime: string): string | undefined {
  if (runtimeFamily(runtime)) return undefined;
  return `The evlab engine cannot run ${runtime} functions: it runs nodejs*, python3.* and provided* runtimes on the host.`;
}

export function qualifierOf(req: EngineRequest): string | undefined {
  return req.query.get('Qualifier') ?? undefined;
}

function pageSize(value: string | null): number {
  if (value === null) return 50;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10000) {
    throw new AwsError('ValidationException', 400, `1 validation error detected: Value '${value}' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 10000`);
  }
  return n;
}

function stringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}
