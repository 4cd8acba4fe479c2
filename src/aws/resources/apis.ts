import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { ApiState, RouteState } from '../../stack/model.js';
import { destinationOfArn } from './arns.js';
import { deleteIfExists, isNotFound } from './errors.js';

const v2Module = () => import('@aws-sdk/client-apigatewayv2');
const v1Module = () => import('@aws-sdk/client-api-gateway');

export interface ApiClients {
  apigatewayv2(): Promise<ApiGatewayV2Client>;
  apigateway(): Promise<APIGatewayClient>;
}

/** Names and ARNs the API's integrations and access log point at. */
export interface ApiArns {
  region: string;
  functionArn(name: string): string;
  logGroupArn(name: string): string;
}

export interface ApiRecord {
  id: string;
  state: ApiState;
  /** HTTP APIs: ApiEndpoint as the endpoint reports it. */
  apiEndpoint?: string;
}

// One line of JSON per request, with the fields AWS's console suggests for a JSON access log.
const HTTP_ACCESS_LOG_FORMAT =
  '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","routeKey":"$context.routeKey","status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength","integrationError":"$context.integrationErrorMessage"}';
const REST_ACCESS_LOG_FORMAT =
  '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","resourcePath":"$context.resourcePath","status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength"}';

/** The function an integration URI names: a Lambda ARN, or API Gateway's `…/functions/<arn>/invocations`. */
export function functionOfIntegrationUri(uri: string | undefined): string {
  const match = /:function:([^:/]+)/.exec(uri ?? '');
  return match ? match[1]! : (uri ?? '');
}

function logGroupOfArn(arn: string | undefined): string | null {
  if (!arn) return null;
  const d = destinationOfArn(arn);
  return d.kind === 'logGroup' ? d.name : arn;
}

/** The API of that name and type with its routes and stage, or undefined. `stage` picks the stage to report. */
export async function readApi(clients: ApiClients, name: string, type: 'http' | 'rest', stage: string): Promise<ApiRecord | undefined> {
  return type === 'http' ? readHttpApi(await clients.apigatewayv2(), name, stage) : readRestApi(await clients.apigateway(), name, stage);
}

async function readHttpApi(v2: ApiGatewayV2Client, name: string, wantedStage: string): Promise<ApiRecord | undefined> {
  const { GetApisCommand, GetRoutesCommand, GetIntegrationsCommand, GetStagesCommand } = await v2Module();
  let token: string | undefined;
  let found: { ApiId?: string; ApiEndpoint?: string } | undefined;
  do {
    const page = await v2.send(new GetApisCommand({ NextToken: token }));
    found = (page.Items ?? []).find((a) => a.Name === name && (a.ProtocolType ?? 'HTTP') === 'HTTP');
    token = found ? undefined : page.NextToken;
  } while (token);
  if (!found?.ApiId) return undefined;
  const id = found.ApiId;
  const [routes, integrations, stages] = await Promise.all([
    v2.send(new GetRoutesCommand({ ApiId: id, MaxResults: '500' })),
    v2.send(new GetIntegrationsCommand({ ApiId: id, MaxResults: '500' })),
    v2.send(new GetStagesCommand({ ApiId: id, MaxResults: '500' })),
  ]);
  const byId = new Map((integrations.Items ?? []).map((i) => [i.IntegrationId, i]));
  const state: ApiState = { name, type: 'http', stage: '', accessLog: null, routes: {}, id };
  for (const r of routes.Items ?? []) {
    const integration = byId.get(r.Target?.replace(/^integrations\//, ''));
    state.routes[r.RouteKey ?? ''] = {
      function: integration ? functionOfIntegrationUri(integration.IntegrationUri) : '',
      payloadFormat: integration?.PayloadFormatVersion === '1.0' ? '1.0' : '2.0',
      overwritePath: integration?.RequestParameters?.['overwrite:path'] ?? null,
    };
  }
  const stage = (stages.Items ?? []).find((s) => s.StageName === wantedStage) ?? stages.Items?.[0];
  if (stage) {
    state.stage = stage.StageName ?? '';
    state.accessLog = logGroupOfArn(stage.AccessLogSettings?.DestinationArn);
  }
  return { id, state, apiEndpoint: found.ApiEndpoint };
}

async function readRestApi(v1: APIGatewayClient, name: string, wantedStage: string): Promise<ApiRecord | undefined> {
  const { GetRestApisCommand, GetResourcesCommand, GetIntegrationCommand, GetStagesCommand } = await v1Module();
  let position: string | undefined;
  let id: string | undefined;
  do {
    const page = await v1.send(new GetRestApisCommand({ position, limit: 500 }));
    id = (page.items ?? []).find((a) => a.name === name)?.id;
    position = id ? undefined : page.position;
  } while (position);
  if (!id) return undefined;
  const [resources, stages] = await Promise.all([v1.send(new GetResourcesCommand({ restApiId: id, limit: 500 })), v1.send(new GetStagesCommand({ restApiId: id }))]);
  const state: ApiState = { name, type: 'rest', stage: '', accessLog: null, routes: {}, id };
  await Promise.all(
    (resources.items ?? []).flatMap((resource) =>
      Object.keys(resource.resourceMethods ?? {}).map(async (method) => {
        let uri: string | undefined;
        try {
          uri = (await v1.send(new GetIntegrationCommand({ restApiId: id, resourceId: resource.id, httpMethod: method }))).uri;
        } catch (err) {
          if (!isNotFound(err) && (err as { name?: string }).name !== 'NotFoundException') throw err;
        }
        state.routes[`${method} ${resource.path ?? '/'}`] = { function: functionOfIntegrationUri(uri), payloadFormat: '1.0', overwritePath: null };
      }),
    ),
  );
  const stage = (stages.item ?? []).find((s) => s.stageName === wantedStage) ?? stages.item?.[0];
  if (stage) {
    state.stage = stage.stageName ?? '';
    state.accessLog = logGroupOfArn(stage.accessLogSettings?.destinationArn);
  }
  return { id, state };
}

/** Creates the API with its routes, integrations and stage (auto-deployed for HTTP APIs, deployed once for REST APIs). */
export async function createApi(clients: ApiClients, api: ApiState, arns: ApiArns): Promise<{ id: string; apiEndpoint?: string }> {
  if (api.type === 'http') {
    const { CreateApiCommand } = await v2Module();
    const v2 = await clients.apigatewayv2();
    const created = await v2.send(new CreateApiCommand({ Name: api.name, ProtocolType: 'HTTP' }));
    const id = created.ApiId!;
    await putHttpRoutes(v2, id, api.routes, arns);
    await putHttpStage(v2, id, api, null, arns);
    return { id, apiEndpoint: created.ApiEndpoint };
  }
  const v1 = await clients.apigateway();
  const { CreateRestApiCommand } = await v1Module();
  const created = await v1.send(new CreateRestApiCommand({ name: api.name }));
  const id = created.id!;
  await putRestRoutes(v1, id, api.routes, arns);
  await deployRestStage(v1, id, api, arns);
  return { id };
}

/** Brings an existing HTTP API in line: routes and integrations are rebuilt, the stage created or its access log set. */
export async function updateHttpApi(clients: ApiClients, id: string, desired: ApiState, actual: ApiState, arns: ApiArns): Promise<void> {
  const { GetRoutesCommand, GetIntegrationsCommand, DeleteRouteCommand, DeleteIntegrationCommand } = await v2Module();
  const v2 = await clients.apigatewayv2();
  if (JSON.stringify(sortedRoutes(desired.routes)) !== JSON.stringify(sortedRoutes(actual.routes))) {
    const [routes, integrations] = await Promise.all([v2.send(new GetRoutesCommand({ ApiId: id, MaxResults: '500' })), v2.send(new GetIntegrationsCommand({ ApiId: id, MaxResults: '500' }))]);
    // Routes first: an integration a route still targets cannot be deleted.
    for (const r of routes.Items ?? []) await v2.send(new DeleteRouteCommand({ ApiId: id, RouteId: r.RouteId }));
    for (const i of integrations.Items ?? []) await v2.send(new DeleteIntegrationCommand({ ApiId: id, IntegrationId: i.IntegrationId }));
    await putHttpRoutes(v2, id, desired.routes, arns);
  }
  if (desired.stage !== actual.stage || desired.accessLog !== actual.accessLog) await putHttpStage(v2, id, desired, actual, arns);
}

export async function deleteApi(clients: ApiClients, type: 'http' | 'rest', id: string): Promise<boolean> {
  if (type === 'http') {
    const { DeleteApiCommand } = await v2Module();
    const v2 = await clients.apigatewayv2();
    return deleteIfExists(() => v2.send(new DeleteApiCommand({ ApiId: id })));
  }
  const { DeleteRestApiCommand } = await v1Module();
  const v1 = await clients.apigateway();
  return deleteIfExists(() => v1.send(new DeleteRestApiCommand({ restApiId: id })));
}

function sortedRoutes(routes: Record<string, RouteState>): [string, RouteState][] {
  return Object.entries(routes).sort(([a], [b]) => (a < b ? -1 : 1));
}

async function putHttpRoutes(v2: ApiGatewayV2Client, id: string, routes: Record<string, RouteState>, arns: ApiArns): Promise<void> {
  const { CreateIntegrationCommand, CreateRouteCommand } = await v2Module();
  for (const [routeKey, route] of sortedRoutes(routes)) {
    const integration = await v2.send(
      new CreateIntegrationCommand({
        ApiId: id,
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: arns.functionArn(route.function),
        PayloadFormatVersion: route.payloadFormat,
        ...(route.overwritePath ? { RequestParameters: { 'overwrite:path': route.overwritePath } } : {}),
      }),
    );
    await v2.send(new CreateRouteCommand({ ApiId: id, RouteKey: routeKey, Target: `integrations/${integration.IntegrationId}` }));
  }
}

async function putHttpStage(v2: ApiGatewayV2Client, id: string, api: ApiState, actual: ApiState | null, arns: ApiArns): Promise<void> {
  const { CreateStageCommand, UpdateStageCommand, DeleteStageCommand, DeleteAccessLogSettingsCommand } = await v2Module();
  const accessLog = api.accessLog ? { AccessLogSettings: { DestinationArn: arns.logGroupArn(api.accessLog), Format: HTTP_ACCESS_LOG_FORMAT } } : {};
  if (!actual || actual.stage !== api.stage) {
    await v2.send(new CreateStageCommand({ ApiId: id, StageName: api.stage, AutoDeploy: true, ...accessLog }));
    if (actual?.stage) await deleteIfExists(() => v2.send(new DeleteStageCommand({ ApiId: id, StageName: actual.stage })));
    return;
  }
  if (api.accessLog) await v2.send(new UpdateStageCommand({ ApiId: id, StageName: api.stage, ...accessLog }));
  else await v2.send(new DeleteAccessLogSettingsCommand({ ApiId: id, StageName: api.stage }));
}

/** `ANY /{proxy+}` → method ANY on the resource /{proxy+}, its parents created as needed. */
async function putRestRoutes(v1: APIGatewayClient, id: string, routes: Record<string, RouteState>, arns: ApiArns): Promise<void> {
  const { GetResourcesCommand, CreateResourceCommand, PutMethodCommand, PutIntegrationCommand } = await v1Module();
  const existing = await v1.send(new GetResourcesCommand({ restApiId: id, limit: 500 }));
  const resourceIds = new Map((existing.items ?? []).map((r) => [r.path ?? '/', r.id!]));
  const resourceOf = async (path: string): Promise<string> => {
    const known = resourceIds.get(path);
    if (known) return known;
    const slash = path.lastIndexOf('/');
    const parentId = await resourceOf(slash === 0 ? '/' : path.slice(0, slash));
    const created = await v1.send(new CreateResourceCommand({ restApiId: id, parentId, pathPart: path.slice(slash + 1) }));
    resourceIds.set(path, created.id!);
    return created.id!;
  };
  for (const [routeKey, route] of sortedRoutes(routes)) {
    const [method, path] = routeKey.split(' ') as [string, string];
    const resourceId = await resourceOf(path);
    await v1.send(new PutMethodCommand({ restApiId: id, resourceId, httpMethod: method, authorizationType: 'NONE' }));
    await v1.send(
      new PutIntegrationCommand({
        restApiId: id,
        resourceId,
        httpMethod: method,
        type: 'AWS_PROXY',
        // Lambda proxy integrations are always called with POST, whatever the client's method.
        integrationHttpMethod: 'POST',
        uri: `arn:aws:apigateway:${arns.region}:lambda:path/2015-03-31/functions/${arns.functionArn(route.function)}/invocations`,
      }),
    );
  }
}

async function deployRestStage(v1: APIGatewayClient, id: string, api: ApiState, arns: ApiArns): Promise<void> {
  const { CreateDeploymentCommand, UpdateStageCommand } = await v1Module();
  await v1.send(new CreateDeploymentCommand({ restApiId: id, stageName: api.stage }));
  if (api.accessLog) {
    await v1.send(
      new UpdateStageCommand({
        restApiId: id,
        stageName: api.stage,
        patchOperations: [
          { op: 'replace', path: '/accessLogSettings/destinationArn', value: arns.logGroupArn(api.accessLog) },
          { op: 'replace', path: '/accessLogSettings/format', value: REST_ACCESS_LOG_FORMAT },
        ],
      }),
    );
  }
}

/**
 * The URL a client calls: the endpoint's ApiEndpoint where it reports one, else LocalStack's form on a local
 * endpoint (`http://<id>.execute-api.localhost.localstack.cloud:<port>`, which the evlab engine serves too) and
 * AWS's on a remote one. The `$default` stage has no path segment.
 */
export function invokeUrl(api: { id: string; type: 'http' | 'rest'; stage: string; apiEndpoint?: string }, endpoint: { url: string; local: boolean; region: string }): string {
  let base = api.apiEndpoint;
  if (!base) {
    const u = new URL(endpoint.url);
    base = endpoint.local
      ? `${u.protocol}//${api.id}.execute-api.localhost.localstack.cloud${u.port ? `:${u.port}` : ''}`
      : `https://${api.id}.execute-api.${endpoint.region}.amazonaws.com`;
  }
  base = base.replace(/\/+$/, '');
  return api.stage === '$default' || api.stage === '' ? base : `${base}/${encodeURIComponent(api.stage)}`;
}
