import type { EngineRequest, EngineResponse } from '../types.js';
import type { ApiGatewayCore, Handler } from './context.js';
import { notFound } from './errors.js';
import * as v1 from './v1-apis.js';
import * as v1s from './v1-stages.js';
import * as apis from './v2-apis.js';
import * as integrations from './v2-integrations.js';
import * as routes from './v2-routes.js';
import * as stages from './v2-stages.js';

const API = '/v2/apis/([^/]+)';
const REST = '/restapis/([^/]+)';
const METHOD = `${REST}/resources/([^/]+)/methods/([^/]+)`;

// The REST-JSON routes of apigatewayv2 (HTTP APIs) and apigateway (REST APIs) the engine answers.
const ROUTES: [string, RegExp, Handler][] = [
  ['POST', re('/v2/apis'), apis.createApi],
  ['GET', re('/v2/apis'), apis.getApis],
  ['GET', re(API), apis.getApi],
  ['PATCH', re(API), apis.updateApi],
  ['DELETE', re(API), apis.deleteApi],
  ['POST', re(`${API}/integrations`), integrations.createIntegration],
  ['GET', re(`${API}/integrations`), integrations.getIntegrations],
  ['GET', re(`${API}/integrations/([^/]+)`), integrations.getIntegration],
  ['PATCH', re(`${API}/integrations/([^/]+)`), integrations.updateIntegration],
  ['DELETE', re(`${API}/integrations/([^/]+)`), integrations.deleteIntegration],
  ['POST', re(`${API}/routes`), routes.createRoute],
  ['GET', re(`${API}/routes`), routes.getRoutes],
  ['GET', re(`${API}/routes/([^/]+)`), routes.getRoute],
  ['PATCH', re(`${API}/routes/([^/]+)`), routes.updateRoute],
  ['DELETE', re(`${API}/routes/([^/]+)`), routes.deleteRoute],
  ['POST', re(`${API}/stages`), stages.createStage],
  ['GET', re(`${API}/stages`), stages.getStages],
  ['GET', re(`${API}/stages/([^/]+)`), stages.getStage],
  ['PATCH', re(`${API}/stages/([^/]+)`), stages.updateStage],
  ['DELETE', re(`${API}/stages/([^/]+)`), stages.deleteStage],
  ['DELETE', re(`${API}/stages/([^/]+)/accesslogsettings`), stages.deleteAccessLogSettings],
  ['POST', re(`${API}/deployments`), stages.createDeployment],
  ['GET', re(`${API}/deployments`), stages.getDeployments],
  ['GET', re(`${API}/deployments/([^/]+)`), stages.getDeployment],
  ['DELETE', re(`${API}/deployments/([^/]+)`), stages.deleteDeployment],

  ['POST', re('/restapis'), v1.createRestApi],
  ['GET', re('/restapis'), v1.getRestApis],
  ['GET', re(REST), v1.getRestApi],
  ['PATCH', re(REST), v1.updateRestApi],
  ['DELETE', re(REST), v1.deleteRestApi],
  ['GET', re(`${REST}/resources`), v1.getResources],
  ['GET', re(`${REST}/resources/([^/]+)`), v1.getResource],
  ['POST', re(`${REST}/resources/([^/]+)`), v1.createResource],
  ['DELETE', re(`${REST}/resources/([^/]+)`), v1.deleteResource],
  ['PUT', re(METHOD), v1.putMethod],
  ['GET', re(METHOD), v1.getMethod],
  ['DELETE', re(METHOD), v1.deleteMethod],
  ['PUT', re(`${METHOD}/integration`), v1.putIntegration],
  ['GET', re(`${METHOD}/integration`), v1.getIntegration],
  ['DELETE', re(`${METHOD}/integration`), v1.deleteIntegration],
  ['POST', re(`${REST}/deployments`), v1s.createDeployment],
  ['GET', re(`${REST}/deployments`), v1s.getDeployments],
  ['GET', re(`${REST}/deployments/([^/]+)`), v1s.getDeployment],
  ['DELETE', re(`${REST}/deployments/([^/]+)`), v1s.deleteDeployment],
  ['POST', re(`${REST}/stages`), v1s.createStage],
  ['GET', re(`${REST}/stages`), v1s.getStages],
  ['GET', re(`${REST}/stages/([^/]+)`), v1s.getStage],
  ['PATCH', re(`${REST}/stages/([^/]+)`), v1s.updateStage],
  ['DELETE', re(`${REST}/stages/([^/]+)`), v1s.deleteStage],
];

function re(path: string): RegExp {
  return new RegExp(`^${path}/?$`);
}

export async function routeApiGatewayRequest(core: ApiGatewayCore, req: EngineRequest): Promise<EngineResponse> {
  for (const [method, pattern, handler] of ROUTES) {
    if (req.method !== method) continue;
    const match = pattern.exec(req.path);
    if (!match) continue;
    return handler(core, req, match.slice(1).map(safeDecode));
  }
  throw notFound(
    `The evlab engine does not implement ${req.method} ${req.path} (API Gateway: HTTP APIs with integrations, routes, stages and deployments; REST APIs with resources, methods, AWS_PROXY integrations, deployments and stages).`,
  );
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
