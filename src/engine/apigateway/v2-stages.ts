import { parseJsonBody } from '../protocol/encode.js';
import { json, noContent, type Handler } from './context.js';
import { badRequest, bool, conflict, limitExceeded, notFound, str, stringMap } from './errors.js';
import { validateAccessLogSettings } from './access-log.js';
import { LIMITS, type HttpApi, type HttpStage } from './model.js';
import { isoNow } from './store.js';
import { createHttpDeployment, deploymentView, deployStage } from './v2-deploy.js';

const STAGE_NAME = /^(\$default|[A-Za-z0-9_-]{1,128})$/;

export function newStage(stageName: string, fields: Partial<HttpStage>): HttpStage {
  const now = isoNow();
  return {
    stageName,
    autoDeploy: false,
    stageVariables: {},
    tags: {},
    createdDate: now,
    lastUpdatedDate: now,
    ...fields,
  };
}

export function stageView(s: HttpStage): Record<string, unknown> {
  return {
    ...(s.accessLogSettings ? { accessLogSettings: s.accessLogSettings } : {}),
    apiGatewayManaged: false,
    autoDeploy: s.autoDeploy,
    createdDate: s.createdDate,
    defaultRouteSettings: s.defaultRouteSettings ?? { detailedMetricsEnabled: false },
    ...(s.deploymentId ? { deploymentId: s.deploymentId } : {}),
    ...(s.description !== undefined ? { description: s.description } : {}),
    ...(s.lastDeploymentStatusMessage ? { lastDeploymentStatusMessage: s.lastDeploymentStatusMessage } : {}),
    lastUpdatedDate: s.lastUpdatedDate,
    routeSettings: s.routeSettings ?? {},
    stageName: s.stageName,
    stageVariables: s.stageVariables,
    tags: s.tags,
  };
}

function requireStage(api: HttpApi, name: string): HttpStage {
  const stage = api.stages.get(name);
  if (!stage) throw notFound(`Invalid stage identifier specified`, 'Stage');
  return stage;
}

function checkDeployment(api: HttpApi, id: string | undefined): void {
  if (id !== undefined && !api.deployments.has(id)) throw badRequest(`Invalid deployment identifier specified: ${id}`);
}

export const createStage: Handler = (core, req, [apiId]) => {
  const api = core.store.requireHttp(apiId, req.region);
  const body = parseJsonBody(req.body);
  const stageName = str(body, 'stageName');
  if (!stageName || !STAGE_NAME.test(stageName)) {
    throw badRequest(`Invalid stage name: '${String(stageName)}'. Use $default or up to 128 letters, digits, '-' and '_'.`);
  }
  if (api.stages.has(stageName)) throw conflict(`Stage ${stageName} already exists`);
  if (api.stages.size >= LIMITS.stagesPerApi) throw limitExceeded(`Maximum number of stages per API (${LIMITS.stagesPerApi}) reached.`);
  const deploymentId = str(body, 'deploymentId');
  checkDeployment(api, deploymentId);
  const stage = newStage(stageName, {
    autoDeploy: bool(body, 'autoDeploy') ?? false,
    deploymentId,
    description: str(body, 'description'),
    accessLogSettings: validateAccessLogSettings(body.accessLogSettings),
    stageVariables: stringMap(body, 'stageVariables') ?? {},
    defaultRouteSettings: objectOrUndefined(body.defaultRouteSettings),
    routeSettings: objectOrUndefined(body.routeSettings),
    tags: stringMap(body, 'tags') ?? {},
  });
  api.stages.set(stageName, stage);
  if (stage.autoDeploy) deployStage(core, api, stage, true);
  return json(201, stageView(stage));
};

export const getStage: Handler = (core, req, [apiId, name]) => json(200, stageView(requireStage(core.store.requireHttp(apiId, req.region), name)));

export const getStages: Handler = (core, req, [apiId]) => {
  const api = core.store.requireHttp(apiId, req.region);
  return json(200, { items: [...api.stages.values()].map(stageView) });
};

export const updateStage: Handler = (core, req, [apiId, name]) => {
  const api = core.store.requireHttp(apiId, req.region);
  const stage = requireStage(api, name);
  const body = parseJsonBody(req.body);
  const deploymentId = str(body, 'deploymentId');
  checkDeployment(api, deploymentId);
  if (deploymentId) stage.deploymentId = deploymentId;
  if (body.accessLogSettings !== undefined) stage.accessLogSettings = validateAccessLogSettings(body.accessLogSettings);
  stage.description = str(body, 'description') ?? stage.description;
  stage.stageVariables = stringMap(body, 'stageVariables') ?? stage.stageVariables;
  stage.defaultRouteSettings = objectOrUndefined(body.defaultRouteSettings) ?? stage.defaultRouteSettings;
  stage.routeSettings = objectOrUndefined(body.routeSettings) ?? stage.routeSettings;
  const auto = bool(body, 'autoDeploy');
  stage.lastUpdatedDate = isoNow();
  if (auto !== undefined && auto !== stage.autoDeploy) {
    stage.autoDeploy = auto;
    if (auto) deployStage(core, api, stage, true);
  }
  return json(200, stageView(stage));
};

export const deleteStage: Handler = (core, req, [apiId, name]) => {
  const api = core.store.requireHttp(apiId, req.region);
  requireStage(api, name);
  api.stages.delete(name);
  return noContent();
};

export const deleteAccessLogSettings: Handler = (core, req, [apiId, name]) => {
  const stage = requireStage(core.store.requireHttp(apiId, req.region), name);
  stage.accessLogSettings = undefined;
  return noContent();
};

export const createDeployment: Handler = (core, req, [apiId]) => {
  const api = core.store.requireHttp(apiId, req.region);
  const body = parseJsonBody(req.body);
  const stageName = str(body, 'stageName');
  const stage = stageName !== undefined ? requireStage(api, stageName) : undefined;
  if (stage?.autoDeploy) throw badRequest(`Stage ${stage.stageName} has autoDeploy enabled: it is deployed on every change; deployments to it are not allowed.`);
  const deployment = createHttpDeployment(core, api, false, str(body, 'description'));
  if (stage) {
    stage.deploymentId = deployment.deploymentId;
    stage.lastUpdatedDate = isoNow();
  }
  core.store.pruneDeployments(api);
  return json(201, deploymentView(deployment));
};

export const getDeployment: Handler = (core, req, [apiId, id]) => {
  const api = core.store.requireHttp(apiId, req.region);
  const deployment = api.deployments.get(id);
  if (!deployment) throw notFound(`Invalid Deployment identifier specified ${id}`, 'Deployment');
  return json(200, deploymentView(deployment));
};

export const getDeployments: Handler = (core, req, [apiId]) => {
  const api = core.store.requireHttp(apiId, req.region);
  return json(200, { items: [...api.deployments.values()].map(deploymentView) });
};

export const deleteDeployment: Handler = (core, req, [apiId, id]) => {
  const api = core.store.requireHttp(apiId, req.region);
  if (!api.deployments.has(id)) throw notFound(`Invalid Deployment identifier specified ${id}`, 'Deployment');
  if ([...api.stages.values()].some((s) => s.deploymentId === id)) throw badRequest(`Deployment ${id} is in use by a stage and cannot be deleted.`);
  api.deployments.delete(id);
  return noContent();
};

function objectOrUndefined(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('Invalid input: expected an object');
  return value as Record<string, unknown>;
}
