import { parseJsonBody } from '../protocol/encode.js';
import { json, noContent, type Handler } from './context.js';
import { badRequest, bool, conflict, limitExceeded, notFound, str, stringMap } from './errors.js';
import { validateLambdaUri } from './integration-uri.js';
import { LIMITS, type RestApi, type RestIntegration, type RestMethod, type RestResource } from './model.js';
import { parsePathTemplate } from './routing.js';
import { randomId } from './store.js';
import { patchOperations } from './v1-patch.js';

const REST_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'ANY'];

export function restApiView(api: RestApi): Record<string, unknown> {
  return {
    apiKeySource: api.apiKeySource,
    ...(api.binaryMediaTypes.length > 0 ? { binaryMediaTypes: api.binaryMediaTypes } : {}),
    createdDate: api.createdDate,
    ...(api.description !== undefined ? { description: api.description } : {}),
    disableExecuteApiEndpoint: api.disableExecuteApiEndpoint,
    endpointConfiguration: api.endpointConfiguration,
    id: api.id,
    name: api.name,
    rootResourceId: api.rootResourceId,
    tags: api.tags,
    ...(api.version !== undefined ? { version: api.version } : {}),
  };
}

export function resourceView(r: RestResource): Record<string, unknown> {
  const methods = Object.entries(r.resourceMethods);
  return {
    id: r.id,
    ...(r.parentId ? { parentId: r.parentId } : {}),
    ...(r.pathPart !== undefined ? { pathPart: r.pathPart } : {}),
    path: r.path,
    ...(methods.length > 0 ? { resourceMethods: Object.fromEntries(methods.map(([m, method]) => [m, methodView(method)])) } : {}),
  };
}

export function methodView(m: RestMethod): Record<string, unknown> {
  return {
    apiKeyRequired: m.apiKeyRequired,
    authorizationType: m.authorizationType,
    httpMethod: m.httpMethod,
    ...(m.methodIntegration ? { methodIntegration: integrationView(m.methodIntegration) } : {}),
    ...(m.operationName ? { operationName: m.operationName } : {}),
    ...(m.requestParameters ? { requestParameters: m.requestParameters } : {}),
  };
}

export function integrationView(i: RestIntegration): Record<string, unknown> {
  return {
    cacheKeyParameters: i.cacheKeyParameters,
    cacheNamespace: i.cacheNamespace,
    ...(i.contentHandling ? { contentHandling: i.contentHandling } : {}),
    ...(i.credentials ? { credentials: i.credentials } : {}),
    ...(i.httpMethod ? { httpMethod: i.httpMethod } : {}),
    passthroughBehavior: i.passthroughBehavior,
    ...(i.requestParameters ? { requestParameters: i.requestParameters } : {}),
    ...(i.requestTemplates ? { requestTemplates: i.requestTemplates } : {}),
    timeoutInMillis: i.timeoutInMillis,
    type: i.type,
    ...(i.uri ? { uri: i.uri } : {}),
  };
}

export const createRestApi: Handler = (core, req) => {
  const body = parseJsonBody(req.body);
  const name = str(body, 'name');
  if (!name) throw badRequest('Invalid input: name is required');
  core.store.assertRoomForApi(req.region);
  const rootId = randomId(10);
  const endpoint = body.endpointConfiguration as { types?: unknown } | undefined;
  const types = Array.isArray(endpoint?.types) ? endpoint.types.map(String) : ['EDGE'];
  const api: RestApi = {
    kind: 'rest',
    region: req.region,
    id: core.store.newApiId(),
    name,
    description: str(body, 'description'),
    version: str(body, 'version'),
    binaryMediaTypes: Array.isArray(body.binaryMediaTypes) ? body.binaryMediaTypes.map(String) : [],
    apiKeySource: str(body, 'apiKeySource') ?? 'HEADER',
    endpointConfiguration: { types },
    disableExecuteApiEndpoint: bool(body, 'disableExecuteApiEndpoint') ?? false,
    tags: stringMap(body, 'tags') ?? {},
    createdDate: Math.floor(Date.now() / 1000),
    rootResourceId: rootId,
    resources: new Map([[rootId, { id: rootId, path: '/', resourceMethods: {} }]]),
    deployments: new Map(),
    stages: new Map(),
  };
  core.store.restApis.set(api.id, api);
  return json(201, restApiView(api));
};

export const getRestApis: Handler = (core, req) =>
  json(200, { item: [...core.store.restApis.values()].filter((a) => a.region === req.region).map(restApiView) });

export const getRestApi: Handler = (core, req, [id]) => json(200, restApiView(core.store.requireRest(id, req.region)));

export const updateRestApi: Handler = (core, req, [id]) => {
  const api = core.store.requireRest(id, req.region);
  for (const op of patchOperations(req.body)) {
    if (op.path === '/name' && op.value) api.name = op.value;
    else if (op.path === '/description') api.description = op.op === 'remove' ? undefined : op.value;
    else if (op.path.startsWith('/binaryMediaTypes/')) {
      const type = op.path.slice('/binaryMediaTypes/'.length).replace(/~1/g, '/').replace(/~0/g, '~');
      api.binaryMediaTypes = api.binaryMediaTypes.filter((t) => t !== type);
      if (op.op !== 'remove') api.binaryMediaTypes.push(type);
    } else if (op.path === '/disableExecuteApiEndpoint') api.disableExecuteApiEndpoint = op.value === 'true';
    else throw badRequest(`Invalid patch path ${op.path}`);
  }
  return json(200, restApiView(api));
};

export const deleteRestApi: Handler = (core, req, [id]) => {
  core.store.requireRest(id, req.region);
  core.store.restApis.delete(id);
  return noContent(202);
};

export function requireResource(api: RestApi, id: string): RestResource {
  const resource = api.resources.get(id);
  if (!resource) throw notFound('Invalid Resource identifier specified');
  return resource;
}

export const getResources: Handler = (core, req, [id]) => {
  const api = core.store.requireRest(id, req.region);
  return json(200, { item: [...api.resources.values()].map(resourceView) });
};

export const getResource: Handler = (core, req, [id, resourceId]) => json(200, resourceView(requireResource(core.store.requireRest(id, req.region), resourceId)));

export const createResource: Handler = (core, req, [id, parentId]) => {
  const api = core.store.requireRest(id, req.region);
  const parent = requireResource(api, parentId);
  if (api.resources.size >= LIMITS.resourcesPerApi) throw limitExceeded(`Maximum number of resources per API (${LIMITS.resourcesPerApi}) reached.`);
  const pathPart = str(parseJsonBody(req.body), 'pathPart');
  const segments = pathPart ? parsePathTemplate(`/${pathPart}`) : undefined;
  if (!pathPart || !segments || segments.length !== 1) {
    throw badRequest(`Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace: '${String(pathPart)}'.`);
  }
  if (/\{[^}]+\+\}$/.test(parent.pathPart ?? '')) throw badRequest(`Cannot create a child of a resource with a greedy path variable: ${parent.path}`);
  const siblings = [...api.resources.values()].filter((r) => r.parentId === parent.id);
  if (siblings.some((s) => s.pathPart === pathPart)) throw conflict(`Another resource with the same parent already has this name: ${pathPart}`);
  const variable = siblings.find((s) => s.pathPart?.startsWith('{'));
  if (segments[0].kind !== 'literal' && variable) {
    throw badRequest(`A sibling (${variable.pathPart}) of this resource already has a variable path part -- only one is allowed`);
  }
  const resource: RestResource = {
    id: randomId(10),
    parentId: parent.id,
    pathPart,
    path: parent.path === '/' ? `/${pathPart}` : `${parent.path}/${pathPart}`,
    resourceMethods: {},
  };
  api.resources.set(resource.id, resource);
  return json(201, resourceView(resource));
};

export const deleteResource: Handler = (core, req, [id, resourceId]) => {
  const api = core.store.requireRest(id, req.region);
  const resource = requireResource(api, resourceId);
  if (resource.id === api.rootResourceId) throw badRequest('Cannot delete the root resource of a REST API');
  const doomed = new Set([resource.id]);
  // Children go with their parent, as on AWS.
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of api.resources.values()) if (r.parentId && doomed.has(r.parentId) && !doomed.has(r.id)) (doomed.add(r.id), (grew = true));
  }
  for (const rid of doomed) api.resources.delete(rid);
  return noContent(202);
};

function methodName(value: string): string {
  const method = value.toUpperCase();
  if (!REST_METHODS.includes(method)) throw badRequest(`Invalid HttpMethod specified. Valid options are ${REST_METHODS.join(',')}`);
  return method;
}

function requireMethod(resource: RestResource, httpMethod: string): RestMethod {
  const method = resource.resourceMethods[methodName(httpMethod)];
  if (!method) throw notFound('Invalid Method identifier specified');
  return method;
}

export const putMethod: Handler = (core, req, [id, resourceId, httpMethod]) => {
  const resource = requireResource(core.store.requireRest(id, req.region), resourceId);
  const method = methodName(httpMethod);
  if (resource.resourceMethods[method]) throw conflict('Method already exists for this resource');
  const body = parseJsonBody(req.body);
  const authorizationType = str(body, 'authorizationType');
  if (!authorizationType) throw badRequest('Invalid input: authorizationType is required');
  if (authorizationType !== 'NONE' && authorizationType !== 'AWS_IAM') {
    throw badRequest(`Unsupported authorizationType ${authorizationType}: the evlab engine supports NONE (and accepts AWS_IAM without enforcing it).`);
  }
  const requestParameters = body.requestParameters as Record<string, boolean> | undefined;
  resource.resourceMethods[method] = {
    httpMethod: method,
    authorizationType,
    apiKeyRequired: bool(body, 'apiKeyRequired') ?? false,
    operationName: str(body, 'operationName'),
    requestParameters: requestParameters && typeof requestParameters === 'object' ? { ...requestParameters } : undefined,
  };
  return json(201, methodView(resource.resourceMethods[method]));
};

export const getMethod: Handler = (core, req, [id, resourceId, httpMethod]) =>
  json(200, methodView(requireMethod(requireResource(core.store.requireRest(id, req.region), resourceId), httpMethod)));

export const deleteMethod: Handler = (core, req, [id, resourceId, httpMethod]) => {
  const resource = requireResource(core.store.requireRest(id, req.region), resourceId);
  requireMethod(resource, httpMethod);
  delete resource.resourceMethods[methodName(httpMethod)];
  return noContent();
};

export const putIntegration: Handler = (core, req, [id, resourceId, httpMethod]) => {
  const method = requireMethod(requireResource(core.store.requireRest(id, req.region), resourceId), httpMethod);
  const body = parseJsonBody(req.body);
  const type = str(body, 'type');
  if (!type) throw badRequest('Enumeration value for IntegrationType must be non-empty');
  if (type !== 'AWS_PROXY') {
    throw badRequest(`Unsupported integration type ${type}: the evlab engine serves AWS_PROXY integrations to Lambda functions only.`);
  }
  const integrationMethod = str(body, 'httpMethod');
  if (!integrationMethod) throw badRequest('Enumeration value for HttpMethod must be non-empty');
  if (integrationMethod !== 'POST') throw badRequest('Integrations of type \'AWS_PROXY\' to Lambda must use the POST integration method (httpMethod).');
  const uri = validateLambdaUri(str(body, 'uri'), 'uri');
  const timeout = body.timeoutInMillis ?? 29_000;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 50 || timeout > 29_000) {
    throw badRequest(`Timeout should be between 50 ms and 29000 ms, got ${String(timeout)}`);
  }
  method.methodIntegration = {
    type,
    httpMethod: integrationMethod,
    uri,
    passthroughBehavior: str(body, 'passthroughBehavior') ?? 'WHEN_NO_MATCH',
    timeoutInMillis: timeout,
    cacheNamespace: str(body, 'cacheNamespace') ?? resourceId,
    cacheKeyParameters: Array.isArray(body.cacheKeyParameters) ? body.cacheKeyParameters.map(String) : [],
    requestParameters: stringMap(body, 'requestParameters'),
    requestTemplates: stringMap(body, 'requestTemplates'),
    contentHandling: str(body, 'contentHandling'),
    credentials: str(body, 'credentials'),
  };
  return json(201, integrationView(method.methodIntegration));
};

export const getIntegration: Handler = (core, req, [id, resourceId, httpMethod]) => {
  const method = requireMethod(requireResource(core.store.requireRest(id, req.region), resourceId), httpMethod);
  if (!method.methodIntegration) throw notFound('No integration defined for method');
  return json(200, integrationView(method.methodIntegration));
};

export const deleteIntegration: Handler = (core, req, [id, resourceId, httpMethod]) => {
  const method = requireMethod(requireResource(core.store.requireRest(id, req.region), resourceId), httpMethod);
  if (!method.methodIntegration) throw notFound('No integration defined for method');
  method.methodIntegration = undefined;
  return noContent();
};
