import { parseJsonBody } from '../protocol/encode.js';
import { json, noContent, type Handler } from './context.js';
import { badRequest, conflict, limitExceeded, notFound, str, stringMap } from './errors.js';
import { validateAccessLogSettings } from './access-log.js';
import { LIMITS, type RestApi, type RestDeployment, type RestStage } from './model.js';
import { randomId } from './store.js';
import { patchOperations } from './v1-patch.js';

const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

function deploymentView(d: RestDeployment): Record<string, unknown> {
  return { createdDate: d.createdDate, ...(d.description !== undefined ? { description: d.description } : {}), id: d.id };
}

function stageView(s: RestStage): Record<string, unknown> {
  return {
    ...(s.accessLogSettings ? { accessLogSettings: s.accessLogSettings } : {}),
    cacheClusterEnabled: s.cacheClusterEnabled,
    cacheClusterStatus: 'NOT_AVAILABLE',
    createdDate: s.createdDate,
    deploymentId: s.deploymentId,
    ...(s.description !== undefined ? { description: s.description } : {}),
    lastUpdatedDate: s.lastUpdatedDate,
    methodSettings: {},
    stageName: s.stageName,
    tags: s.tags,
    tracingEnabled: s.tracingEnabled,
    ...(Object.keys(s.variables).length > 0 ? { variables: s.variables } : {}),
  };
}

function requireStage(api: RestApi, name: string): RestStage {
  const stage = api.stages.get(name);
  if (!stage) throw notFound('Invalid Stage identifier specified');
  return stage;
}

function checkStageName(name: string | undefined): string {
  if (!name || !STAGE_NAME.test(name)) throw badRequest(`Stage name only allows a-zA-Z0-9_- and at most 128 characters: '${String(name)}'`);
  return name;
}

function putStage(api: RestApi, fields: Omit<RestStage, 'createdDate' | 'lastUpdatedDate' | 'tracingEnabled' | 'cacheClusterEnabled'> & Partial<RestStage>): RestStage {
  if (!api.stages.has(fields.stageName) && api.stages.size >= LIMITS.stagesPerApi) {
    throw limitExceeded(`Maximum number of stages per API (${LIMITS.stagesPerApi}) reached.`);
  }
  const now = Math.floor(Date.now() / 1000);
  const stage: RestStage = { tracingEnabled: false, cacheClusterEnabled: false, createdDate: now, lastUpdatedDate: now, ...fields };
  api.stages.set(stage.stageName, stage);
  return stage;
}

export const createDeployment: Handler = (core, req, [id]) => {
  const api = core.store.requireRest(id, req.region);
  const body = parseJsonBody(req.body);
  const resources = [...api.resources.values()];
  if (!resources.some((r) => Object.keys(r.resourceMethods).length > 0)) throw badRequest("The REST API doesn't contain any methods");
  const missing = resources.flatMap((r) => Object.values(r.resourceMethods).filter((m) => !m.methodIntegration).map((m) => `${m.httpMethod} ${r.path}`));
  if (missing.length > 0) throw badRequest(`No integration defined for method: ${missing.join(', ')}`);
  const deployment: RestDeployment = {
    id: randomId(6),
    description: str(body, 'description'),
    createdDate: Math.floor(Date.now() / 1000),
    resources: structuredClone(resources),
  };
  api.deployments.set(deployment.id, deployment);
  const stageName = str(body, 'stageName');
  if (stageName !== undefined) {
    checkStageName(stageName);
    const existing = api.stages.get(stageName);
    if (existing) {
      existing.deploymentId = deployment.id;
      existing.variables = { ...existing.variables, ...(stringMap(body, 'variables') ?? {}) };
      existing.lastUpdatedDate = Math.floor(Date.now() / 1000);
    } else {
      putStage(api, { stageName, deploymentId: deployment.id, description: str(body, 'stageDescription'), variables: stringMap(body, 'variables') ?? {}, tags: {} });
    }
  }
  core.store.pruneDeployments(api);
  return json(201, deploymentView(deployment));
};

export const getDeployments: Handler = (core, req, [id]) => {
  const api = core.store.requireRest(id, req.region);
  return json(200, { item: [...api.deployments.values()].map(deploymentView) });
};

export const getDeployment: Handler = (core, req, [id, deploymentId]) => {
  const deployment = core.store.requireRest(id, req.region).deployments.get(deploymentId);
  if (!deployment) throw notFound('Invalid Deployment identifier specified');
  return json(200, deploymentView(deployment));
};

export const deleteDeployment: Handler = (core, req, [id, deploymentId]) => {
  const api = core.store.requireRest(id, req.region);
  if (!api.deployments.has(deploymentId)) throw notFound('Invalid Deployment identifier specified');
  if ([...api.stages.values()].some((s) => s.deploymentId === deploymentId)) {
    throw badRequest('Active stages pointing to this deployment must be moved or deleted');
  }
  api.deployments.delete(deploymentId);
  return noContent(202);
};

export const createStage: Handler = (core, req, [id]) => {
  const api = core.store.requireRest(id, req.region);
  const body = parseJsonBody(req.body);
  const stageName = checkStageName(str(body, 'stageName'));
  const deploymentId = str(body, 'deploymentId');
  if (!deploymentId) throw badRequest('Invalid input: deploymentId is required');
  if (!api.deployments.has(deploymentId)) throw badRequest(`Invalid deployment identifier specified: ${deploymentId}`);
  if (api.stages.has(stageName)) throw conflict('Stage already exists');
  const stage = putStage(api, {
    stageName,
    deploymentId,
    description: str(body, 'description'),
    variables: stringMap(body, 'variables') ?? {},
    tags: stringMap(body, 'tags') ?? {},
    tracingEnabled: body.tracingEnabled === true,
  });
  return json(201, stageView(stage));
};

export const getStages: Handler = (core, req, [id]) => {
  const api = core.store.requireRest(id, req.region);
  const deploymentId = req.query.get('deploymentId');
  const stages = [...api.stages.values()].filter((s) => !deploymentId || s.deploymentId === deploymentId);
  return json(200, { item: stages.map(stageView) });
};

export const getStage: Handler = (core, req, [id, name]) => json(200, stageView(requireStage(core.store.requireRest(id, req.region), name)));

export const deleteStage: Handler = (core, req, [id, name]) => {
  const api = core.store.requireRest(id, req.region);
  requireStage(api, name);
  api.stages.delete(name);
  return noContent(202);
};

/** UpdateStage: deploymentId, description, variables, tracing and access log settings. */
export const updateStage: Handler = (core, req, [id, name]) => {
  const api = core.store.requireRest(id, req.region);
  const stage = requireStage(api, name);
  const access = { ...(stage.accessLogSettings ?? {}) };
  let accessChanged = false;
  for (const op of patchOperations(req.body)) {
    if (op.path === '/deploymentId') {
      if (!op.value || !api.deployments.has(op.value)) throw badRequest(`Invalid deployment identifier specified: ${String(op.value)}`);
      stage.deploymentId = op.value;
    } else if (op.path === '/description') {
      stage.description = op.op === 'remove' ? undefined : op.value;
    } else if (op.path.startsWith('/variables/')) {
      const variable = op.path.slice('/variables/'.length);
      if (op.op === 'remove') delete stage.variables[variable];
      else stage.variables[variable] = op.value ?? '';
    } else if (op.path === '/tracingEnabled') {
      stage.tracingEnabled = op.value === 'true';
    } else if (op.path === '/accessLogSettings' && op.op === 'remove') {
      delete access.destinationArn;
      delete access.format;
      accessChanged = true;
    } else if (op.path === '/accessLogSettings/destinationArn' || op.path === '/accessLogSettings/format') {
      const key = op.path.endsWith('destinationArn') ? 'destinationArn' : 'format';
      if (op.op === 'remove') delete access[key];
      else access[key] = op.value;
      accessChanged = true;
    } else {
      throw badRequest(`Invalid patch path ${op.path} (the evlab engine updates /deploymentId, /description, /variables/*, /tracingEnabled and /accessLogSettings/*)`);
    }
  }
  if (accessChanged) stage.accessLogSettings = Object.keys(access).length > 0 ? validateAccessLogSettings(access) : undefined;
  stage.lastUpdatedDate = Math.floor(Date.now() / 1000);
  return json(200, stageView(stage));
};
