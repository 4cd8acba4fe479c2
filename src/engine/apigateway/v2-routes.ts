import { parseJsonBody } from '../protocol/encode.js';
import { json, noContent, type Handler } from './context.js';
import { badRequest, bool, conflict, limitExceeded, notFound, str } from './errors.js';
import { LIMITS, type HttpApi, type HttpRoute } from './model.js';
import { parseRouteKey } from './routing.js';
import { randomId } from './store.js';
import { autoDeploy } from './v2-deploy.js';

export function routeView(r: HttpRoute): Record<string, unknown> {
  return {
    apiGatewayManaged: false,
    apiKeyRequired: r.apiKeyRequired,
    authorizationType: r.authorizationType,
    ...(r.operationName ? { operationName: r.operationName } : {}),
    routeId: r.routeId,
    routeKey: r.routeKey,
    ...(r.target ? { target: r.target } : {}),
  };
}

function requireRoute(api: HttpApi, id: string): HttpRoute {
  const route = api.routes.get(id);
  if (!route) throw notFound(`Invalid Route identifier specified ${id}`, 'Route');
  return route;
}

function checkTarget(api: HttpApi, target: string | undefined): void {
  if (target === undefined) return;
  const match = /^integrations\/([a-z0-9]+)$/.exec(target);
  if (!match || !api.integrations.has(match[1])) {
    throw badRequest(`Invalid target specified: '${target}'. A route's target is integrations/<integrationId> of an integration of this API.`);
  }
}

function checkRouteKey(api: HttpApi, routeKey: unknown, except?: string): string {
  if (routeKey === undefined) throw badRequest('Invalid input: routeKey is required');
  parseRouteKey(routeKey);
  const key = routeKey as string;
  if ([...api.routes.values()].some((r) => r.routeKey === key && r.routeId !== except)) {
    throw conflict(`Route with key ${key} already exists for this API`);
  }
  return key;
}

function checkAuthorization(value: string | undefined): string {
  const type = value ?? 'NONE';
  if (type !== 'NONE' && type !== 'AWS_IAM') {
    throw badRequest(`Unsupported authorizationType ${type}: the evlab engine supports NONE (and accepts AWS_IAM without enforcing it).`);
  }
  return type;
}

export const createRoute: Handler = (core, req, [apiId]) => {
  const api = core.store.requireHttp(apiId, req.region);
  if (api.routes.size >= LIMITS.routesPerApi) throw limitExceeded(`Maximum number of routes per API (${LIMITS.routesPerApi}) reached.`);
  const body = parseJsonBody(req.body);
  const routeKey = checkRouteKey(api, body.routeKey);
  const target = str(body, 'target');
  checkTarget(api, target);
  const route: HttpRoute = {
    routeId: randomId(7),
    routeKey,
    target,
    authorizationType: checkAuthorization(str(body, 'authorizationType')),
    apiKeyRequired: bool(body, 'apiKeyRequired') ?? false,
    operationName: str(body, 'operationName'),
  };
  api.routes.set(route.routeId, route);
  autoDeploy(core, api);
  return json(201, routeView(route));
};

export const getRoute: Handler = (core, req, [apiId, id]) => json(200, routeView(requireRoute(core.store.requireHttp(apiId, req.region), id)));

export const getRoutes: Handler = (core, req, [apiId]) => {
  const api = core.store.requireHttp(apiId, req.region);
  return json(200, { items: [...api.routes.values()].map(routeView) });
};

export const updateRoute: Handler = (core, req, [apiId, id]) => {
  const api = core.store.requireHttp(apiId, req.region);
  const route = requireRoute(api, id);
  const body = parseJsonBody(req.body);
  if (body.routeKey !== undefined) route.routeKey = checkRouteKey(api, body.routeKey, id);
  const target = str(body, 'target');
  if (target !== undefined) {
    checkTarget(api, target);
    route.target = target;
  }
  if (body.authorizationType !== undefined) route.authorizationType = checkAuthorization(str(body, 'authorizationType'));
  route.apiKeyRequired = bool(body, 'apiKeyRequired') ?? route.apiKeyRequired;
  route.operationName = str(body, 'operationName') ?? route.operationName;
  autoDeploy(core, api);
  return json(200, routeView(route));
};

export const deleteRoute: Handler = (core, req, [apiId, id]) => {
  const api = core.store.requireHttp(apiId, req.region);
  requireRoute(api, id);
  api.routes.delete(id);
  autoDeploy(core, api);
  return noContent();
};
