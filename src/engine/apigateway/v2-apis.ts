import { parseJsonBody } from '../protocol/encode.js';
import { invokeBase, json, noContent, type Handler } from './context.js';
import { badRequest, bool, str, stringMap } from './errors.js';
import type { HttpApi } from './model.js';
import { isoNow, randomId } from './store.js';
import { validateLambdaUri } from './integration-uri.js';
import { parseRouteKey } from './routing.js';
import { deployStage } from './v2-deploy.js';
import { newStage } from './v2-stages.js';

export function apiView(core: Parameters<Handler>[0], api: HttpApi): Record<string, unknown> {
  return {
    apiEndpoint: invokeBase(core, api.apiId),
    apiId: api.apiId,
    apiKeySelectionExpression: api.apiKeySelectionExpression,
    ...(api.corsConfiguration ? { corsConfiguration: api.corsConfiguration } : {}),
    createdDate: api.createdDate,
    ...(api.description !== undefined ? { description: api.description } : {}),
    disableExecuteApiEndpoint: api.disableExecuteApiEndpoint,
    name: api.name,
    protocolType: api.protocolType,
    routeSelectionExpression: api.routeSelectionExpression,
    tags: api.tags,
    ...(api.version !== undefined ? { version: api.version } : {}),
  };
}

export const createApi: Handler = (core, req) => {
  const body = parseJsonBody(req.body);
  const name = str(body, 'name');
  if (!name) throw badRequest('Invalid input: name is required');
  const protocolType = str(body, 'protocolType');
  if (protocolType !== 'HTTP') {
    throw badRequest(
      protocolType === 'WEBSOCKET'
        ? 'The evlab engine serves HTTP APIs only (protocolType HTTP); WebSocket APIs are not supported.'
        : `Invalid input: protocolType must be HTTP or WEBSOCKET, got ${String(protocolType)}`,
    );
  }
  const target = str(body, 'target');
  const quickRouteKey = str(body, 'routeKey');
  if (quickRouteKey !== undefined && !target) throw badRequest('Invalid input: routeKey can only be set together with target (quick create)');
  if (quickRouteKey !== undefined) parseRouteKey(quickRouteKey);
  if (target) validateLambdaUri(target, 'target');
  core.store.assertRoomForApi(req.region);
  const api: HttpApi = {
    kind: 'http',
    region: req.region,
    apiId: core.store.newApiId(),
    name,
    protocolType,
    description: str(body, 'description'),
    version: str(body, 'version'),
    routeSelectionExpression: str(body, 'routeSelectionExpression') ?? '$request.method $request.path',
    apiKeySelectionExpression: str(body, 'apiKeySelectionExpression') ?? '$request.header.x-api-key',
    disableExecuteApiEndpoint: bool(body, 'disableExecuteApiEndpoint') ?? false,
    corsConfiguration: objectOf(body.corsConfiguration),
    tags: stringMap(body, 'tags') ?? {},
    createdDate: isoNow(),
    integrations: new Map(),
    routes: new Map(),
    stages: new Map(),
    deployments: new Map(),
  };
  if (target) {
    // Quick create: a Lambda proxy integration (payload 2.0), one route and an auto-deployed $default stage.
    const integrationId = randomId(7);
    api.integrations.set(integrationId, {
      integrationId,
      integrationType: 'AWS_PROXY',
      integrationUri: target,
      integrationMethod: 'POST',
      payloadFormatVersion: '2.0',
      timeoutInMillis: 30_000,
      connectionType: 'INTERNET',
    });
    const routeId = randomId(7);
    api.routes.set(routeId, {
      routeId,
      routeKey: quickRouteKey ?? '$default',
      target: `integrations/${integrationId}`,
      authorizationType: 'NONE',
      apiKeyRequired: false,
    });
    const stage = newStage('$default', { autoDeploy: true });
    api.stages.set(stage.stageName, stage);
    deployStage(core, api, stage, true);
  }
  core.store.httpApis.set(api.apiId, api);
  return json(201, apiView(core, api));
};

export const getApi: Handler = (core, req, [apiId]) => json(200, apiView(core, core.store.requireHttp(apiId, req.region)));

export const getApis: Handler = (core, req) => {
  const apis = [...core.store.httpApis.values()].filter((a) => a.region === req.region);
  return json(200, { items: apis.map((a) => apiView(core, a)) });
};

export const updateApi: Handler = (core, req, [apiId]) => {
  const api = core.store.requireHttp(apiId, req.region);
  const body = parseJsonBody(req.body);
  api.name = str(body, 'name') ?? api.name;
  api.description = str(body, 'description') ?? api.description;
  api.version = str(body, 'version') ?? api.version;
  api.disableExecuteApiEndpoint = bool(body, 'disableExecuteApiEndpoint') ?? api.disableExecuteApiEndpoint;
  api.routeSelectionExpression = str(body, 'routeSelectionExpression') ?? api.routeSelectionExpression;
  if (body.corsConfiguration !== undefined) api.corsConfiguration = objectOf(body.corsConfiguration);
  return json(200, apiView(core, api));
};

export const deleteApi: Handler = (core, req, [apiId]) => {
  core.store.requireHttp(apiId, req.region);
  core.store.httpApis.delete(apiId);
  return noContent();
};

function objectOf(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('Invalid input: corsConfiguration must be an object');
  return value as Record<string, unknown>;
}
