/** API Gateway's records: HTTP APIs (apigatewayv2) and REST APIs (apigateway v1), per region. */

export interface AccessLogSettings {
  destinationArn?: string;
  format?: string;
}

export interface HttpIntegration {
  integrationId: string;
  integrationType: string;
  integrationUri?: string;
  integrationMethod?: string;
  payloadFormatVersion: string;
  timeoutInMillis: number;
  connectionType: string;
  description?: string;
  requestParameters?: Record<string, string>;
  credentialsArn?: string;
}

export interface HttpRoute {
  routeId: string;
  routeKey: string;
  target?: string;
  authorizationType: string;
  apiKeyRequired: boolean;
  operationName?: string;
}

/** What a deployment froze: the routes and integrations a stage serves. */
export interface HttpSnapshot {
  routes: HttpRoute[];
  integrations: HttpIntegration[];
}

export interface HttpDeployment {
  deploymentId: string;
  createdDate: string;
  description?: string;
  autoDeployed: boolean;
  snapshot: HttpSnapshot;
}

export interface HttpStage {
  stageName: string;
  autoDeploy: boolean;
  deploymentId?: string;
  description?: string;
  accessLogSettings?: AccessLogSettings;
  stageVariables: Record<string, string>;
  defaultRouteSettings?: Record<string, unknown>;
  routeSettings?: Record<string, unknown>;
  tags: Record<string, string>;
  createdDate: string;
  lastUpdatedDate: string;
  lastDeploymentStatusMessage?: string;
}

export interface HttpApi {
  kind: 'http';
  region: string;
  apiId: string;
  name: string;
  protocolType: string;
  description?: string;
  version?: string;
  routeSelectionExpression: string;
  apiKeySelectionExpression: string;
  disableExecuteApiEndpoint: boolean;
  corsConfiguration?: Record<string, unknown>;
  tags: Record<string, string>;
  createdDate: string;
  integrations: Map<string, HttpIntegration>;
  routes: Map<string, HttpRoute>;
  stages: Map<string, HttpStage>;
  deployments: Map<string, HttpDeployment>;
}

export interface RestIntegration {
  type: string;
  httpMethod?: string;
  uri?: string;
  passthroughBehavior: string;
  timeoutInMillis: number;
  cacheNamespace: string;
  cacheKeyParameters: string[];
  requestParameters?: Record<string, string>;
  requestTemplates?: Record<string, string>;
  contentHandling?: string;
  credentials?: string;
}

export interface RestMethod {
  httpMethod: string;
  authorizationType: string;
  apiKeyRequired: boolean;
  operationName?: string;
  requestParameters?: Record<string, boolean>;
  methodIntegration?: RestIntegration;
}

export interface RestResource {
  id: string;
  parentId?: string;
  pathPart?: string;
  path: string;
  resourceMethods: Record<string, RestMethod>;
}

export interface RestDeployment {
  id: string;
  description?: string;
  createdDate: number;
  /** The resources as deployed (deep copy). */
  resources: RestResource[];
}

export interface RestStage {
  stageName: string;
  deploymentId: string;
  description?: string;
  variables: Record<string, string>;
  accessLogSettings?: AccessLogSettings;
  tracingEnabled: boolean;
  cacheClusterEnabled: boolean;
  tags: Record<string, string>;
  createdDate: number;
  lastUpdatedDate: number;
}

export interface RestApi {
  kind: 'rest';
  region: string;
  id: string;
  name: string;
  description?: string;
  version?: string;
  binaryMediaTypes: string[];
  apiKeySource: string;
  endpointConfiguration: { types: string[] };
  disableExecuteApiEndpoint: boolean;
  tags: Record<string, string>;
  createdDate: number;
  rootResourceId: string;
  resources: Map<string, RestResource>;
  deployments: Map<string, RestDeployment>;
  stages: Map<string, RestStage>;
}

/** Quotas that keep the engine's memory bounded (AWS's own default quotas, or close to them). */
export const LIMITS = {
  apisPerRegion: 600,
  routesPerApi: 300,
  integrationsPerApi: 300,
  stagesPerApi: 10,
  resourcesPerApi: 300,
  /** Deployments no stage points at are dropped beyond this many per API (counted in stats). */
  deploymentsKept: 20,
};
