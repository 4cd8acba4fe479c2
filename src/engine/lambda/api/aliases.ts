import { randomUUID } from 'node:crypto';
import type { EngineRequest, EngineResponse } from '../../types.js';
import { parseJsonBody, restJsonResponse } from '../../protocol/encode.js';
import type { LambdaCore } from '../core.js';
import { conflict, constraint, functionNotFound, invalidParameter, preconditionFailed, resourceNotFound, validation } from '../errors.js';
import type { FunctionAlias, LambdaFunction } from '../model.js';
import { publishedOf, VERSION_NUMBER, versionOf } from '../versions.js';
import { requireLatest } from './versions.js';

// The Name pattern from the API model: not only digits (those are version numbers), letters, digits, - and _.
const ALIAS_NAME = /^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/;
const ALIAS_NAME_PATTERN = '(?!^[0-9]+$)([a-zA-Z0-9-_]+)';

export function createAlias(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const body = parseJsonBody(req.body);
  const latest = requireLatest(core, req, name);
  const aliasName = body.Name;
  if (typeof aliasName !== 'string' || !aliasName) throw validation("1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
  if (!ALIAS_NAME.test(aliasName)) throw constraint(aliasName, 'name', `Member must satisfy regular expression pattern: ${ALIAS_NAME_PATTERN}`);
  const version = requireVersion(latest, body.FunctionVersion);
  const published = publishedOf(latest);
  const arn = `${latest.arn}:${aliasName}`;
  if (published.aliases.has(aliasName)) throw conflict(`Alias already exists: ${arn}`);
  const alias: FunctionAlias = { name: aliasName, arn, functionVersion: version, description: typeof body.Description === 'string' ? body.Description : '', revisionId: randomUUID() };
  applyRouting(latest, alias, body.RoutingConfig);
  published.aliases.set(aliasName, alias);
  return restJsonResponse(201, aliasConfiguration(alias));
}

export function getAlias(core: LambdaCore, req: EngineRequest, name: string, aliasName: string): EngineResponse {
  return restJsonResponse(200, aliasConfiguration(requireAlias(core, req, name, aliasName).alias));
}

export function updateAlias(core: LambdaCore, req: EngineRequest, name: string, aliasName: string): EngineResponse {
  const body = parseJsonBody(req.body);
  const { latest, alias } = requireAlias(core, req, name, aliasName);
  if (typeof body.RevisionId === 'string' && body.RevisionId !== alias.revisionId) throw preconditionFailed();
  // Checked in full before anything changes.
  const version = body.FunctionVersion !== undefined ? requireVersion(latest, body.FunctionVersion) : alias.functionVersion;
  const next: FunctionAlias = { ...alias, functionVersion: version };
  if (typeof body.Description === 'string') next.description = body.Description;
  if (body.RoutingConfig !== undefined) applyRouting(latest, next, body.RoutingConfig);
  next.revisionId = randomUUID();
  latest.published!.aliases.set(alias.name, next);
  return restJsonResponse(200, aliasConfiguration(next));
}

export function deleteAlias(core: LambdaCore, req: EngineRequest, name: string, aliasName: string): EngineResponse {
  const latest = requireLatest(core, req, name);
  // AWS answers 204 for an alias that does not exist, too.
  latest.published?.aliases.delete(aliasName);
  return { status: 204, body: '' };
}

export function listAliases(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const latest = requireLatest(core, req, name);
  const version = req.query.get('FunctionVersion');
  const all = [...(latest.published?.aliases.values() ?? [])]
    .filter((a) => !version || a.functionVersion === version)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const maxItems = Math.max(1, Math.min(10_000, Number(req.query.get('MaxItems') ?? 50) || 50));
  const marker = req.query.get('Marker');
  const start = marker ? all.findIndex((a) => a.name > marker) : 0;
  const page = all.slice(start < 0 ? all.length : start, (start < 0 ? all.length : start) + maxItems);
  const body: Record<string, unknown> = { Aliases: page.map(aliasConfiguration) };
  if (start >= 0 && start + maxItems < all.length) body.NextMarker = page[page.length - 1]!.name;
  return restJsonResponse(200, body);
}

export function aliasConfiguration(alias: FunctionAlias): Record<string, unknown> {
  return {
    AliasArn: alias.arn,
    Name: alias.name,
    FunctionVersion: alias.functionVersion,
    Description: alias.description,
    ...(alias.additionalVersionWeights ? { RoutingConfig: { AdditionalVersionWeights: { ...alias.additionalVersionWeights } } } : {}),
    RevisionId: alias.revisionId,
  };
}

function requireAlias(core: LambdaCore, req: EngineRequest, name: string, aliasName: string): { latest: LambdaFunction; alias: FunctionAlias } {
  const latest = requireLatest(core, req, name);
  const alias = latest.published?.aliases.get(aliasName);
  if (!alias) throw resourceNotFound(`Alias not found: ${latest.arn}:${aliasName}`);
  return { latest, alias };
}

/** A FunctionVersion that exists: '$LATEST' or a published version's number. */
function requireVersion(latest: LambdaFunction, value: unknown): string {
  if (typeof value !== 'string' || !value) throw validation("1 validation error detected: Value null at 'functionVersion' failed to satisfy constraint: Member must not be null");
  if (value !== '$LATEST' && !VERSION_NUMBER.test(value)) throw constraint(value, 'functionVersion', 'Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)');
  if (!versionOf(latest, value)) throw functionNotFound(`${latest.arn}:${value}`);
  return value;
}

/** RoutingConfig.AdditionalVersionWeights: one other published version, with a weight from 0 to 1. */
function applyRouting(latest: LambdaFunction, alias: FunctionAlias, routing: unknown): void {
  const weights = (routing as { AdditionalVersionWeights?: Record<string, unknown> } | undefined)?.AdditionalVersionWeights;
  if (!weights || Object.keys(weights).length === 0) {
    alias.additionalVersionWeights = undefined;
    return;
  }
  const parsed: Record<string, number> = {};
  for (const [version, weight] of Object.entries(weights)) {
    if (!VERSION_NUMBER.test(version) || !latest.published?.versions.has(version)) throw functionNotFound(`${latest.arn}:${version}`);
    if (typeof weight !== 'number' || weight < 0 || weight > 1) throw constraint(weight, `routingConfig.additionalVersionWeights.${version}`, 'Member must have value less than or equal to 1.0');
    if (version === alias.functionVersion) throw invalidParameter(`Invalid function version ${version}. Function version ${version} is already included in routing configuration.`);
    parsed[version] = weight;
  }
  if (alias.functionVersion === '$LATEST') throw invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version');
  alias.additionalVersionWeights = parsed;
}
