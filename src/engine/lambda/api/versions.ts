import type { EngineRequest, EngineResponse } from '../../types.js';
import { parseJsonBody, restJsonResponse } from '../../protocol/encode.js';
import { parseFunctionRef } from '../arn.js';
import { functionConfiguration } from '../configuration.js';
import type { LambdaCore } from '../core.js';
import { conflict, functionNotFound, invalidParameter, notActive, preconditionFailed, updateInProgress } from '../errors.js';
import type { LambdaFunction } from '../model.js';
import { aliasesOf, isVersion, publishVersion as publish, VERSION_NUMBER } from '../versions.js';

/** The function itself ($LATEST), whatever qualifier the name carries: versions and aliases belong to it. */
export function requireLatest(core: LambdaCore, req: EngineRequest, name: string): LambdaFunction {
  const ref = parseFunctionRef(name);
  return core.store.requireRef({ ...ref, qualifier: undefined }, req.region);
}

/** For the calls that change a function: a version is immutable, only $LATEST (the unqualified name) changes. */
export function requireUnqualified(core: LambdaCore, req: EngineRequest, name: string): LambdaFunction {
  const ref = parseFunctionRef(name);
  if (ref.qualifier !== undefined && ref.qualifier !== '$LATEST') {
    throw invalidParameter(`${name} names a published version or an alias, which cannot be changed (versions are immutable): change the unqualified function and publish a new version.`);
  }
  return core.store.requireRef(ref, req.region);
}

/** PublishVersion: 201 with the new version's configuration (or the last one's, when $LATEST has not changed since). */
export function publishVersion(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const body = parseJsonBody(req.body);
  const latest = requireLatest(core, req, name);
  if (latest.state !== 'Active') throw notActive(latest.state);
  if (latest.lastUpdateStatus === 'InProgress') throw updateInProgress(latest.arn);
  if (typeof body.RevisionId === 'string' && body.RevisionId !== latest.revisionId) throw preconditionFailed();
  if (typeof body.CodeSha256 === 'string' && body.CodeSha256 !== latest.code.sha256) {
    throw invalidParameter(`CodeSHA256 (${body.CodeSha256}) is different from current CodeSHA256 in $LATEST (${latest.code.sha256}). Please try again with the CodeSHA256 in $LATEST.`);
  }
  const { version } = publish(latest, typeof body.Description === 'string' ? body.Description : undefined);
  return restJsonResponse(201, functionConfiguration(version));
}

/** $LATEST (its ARN qualified, as Lambda lists it) and then the versions in the order they were published. */
export function listVersionsByFunction(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const latest = requireLatest(core, req, name);
  const all = [{ ...functionConfiguration(latest), FunctionArn: `${latest.arn}:$LATEST` }, ...[...(latest.published?.versions.values() ?? [])].map((v) => functionConfiguration(v))];
  const maxItems = Math.max(1, Math.min(10_000, Number(req.query.get('MaxItems') ?? 50) || 50));
  const marker = req.query.get('Marker');
  const start = marker ? Math.max(0, all.findIndex((v) => v.Version === marker) + 1) : 0;
  const page = all.slice(start, start + maxItems);
  const body: Record<string, unknown> = { Versions: page };
  if (start + maxItems < all.length) body.NextMarker = String(page[page.length - 1]!.Version);
  return restJsonResponse(200, body);
}

/** DeleteFunction with a version number as qualifier: that version alone, unless an alias still routes to it. */
export async function deleteVersion(core: LambdaCore, req: EngineRequest, name: string, qualifier: string): Promise<EngineResponse> {
  const latest = requireLatest(core, req, name);
  if (!VERSION_NUMBER.test(qualifier)) throw invalidParameter(`Deletion of aliases is not supported by DeleteFunction: use DeleteAlias to delete ${latest.arn}:${qualifier}.`);
  const version = latest.published?.versions.get(qualifier);
  if (!version || !isVersion(version)) throw functionNotFound(`${latest.arn}:${qualifier}`);
  const aliases = aliasesOf(latest, qualifier);
  if (aliases.length) throw conflict(`Unable to delete version because the following aliases reference it: [${aliases.join(', ')}]`);
  latest.published!.versions.delete(qualifier);
  // Its environments go; its code folder stays (content-addressed, it may be $LATEST's or another version's too).
  await core.invoker.remove(version);
  return { status: 204, body: '' };
}
