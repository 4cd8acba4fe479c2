import { randomUUID } from 'node:crypto';
import type { ApiGatewayCore } from './context.js';
import { clfTime, decode, header, jsonReply, type HttpCall, type HttpReply } from './http-call.js';
import { functionOfUri } from './integration-uri.js';
import type { InvokeResult } from './invoke-http.js';
import { callLambda } from './lambda-call.js';
import type { RestApi, RestMethod, RestResource } from './model.js';
import { replyForOutcome } from './outcome.js';
import { buildV1Event, mapV1Response } from './payload-v1.js';
import { ApiRequestTrace, functionNameOf } from './request-trace.js';
import { compareRank, matchPath, parsePathTemplate } from './routing.js';

/** The deployed resource and method for a path: the most specific resource with the method (or ANY). */
function selectResource(resources: RestResource[], method: string, path: string) {
  let best: { resource: RestResource; method: RestMethod; pathParameters: Record<string, string>; rank: number[] } | undefined;
  for (const resource of resources) {
    const template = parsePathTemplate(resource.path);
    const found = resource.resourceMethods[method] ?? resource.resourceMethods.ANY;
    if (!template || !found) continue;
    const match = matchPath(template, path);
    if (!match) continue;
    if (!best || compareRank(match.rank, best.rank) > 0) best = { resource, method: found, pathParameters: match.pathParameters, rank: match.rank };
  }
  return best;
}

/** A request to a REST API's invoke URL (`/<stage>/...`). */
export async function serveRestApi(core: ApiGatewayCore, api: RestApi, call: HttpCall): Promise<InvokeResult> {
  const { accountId } = core.store;
  const match = /^\/([^/]+)(\/.*)?$/.exec(call.rawPath);
  const stage = match ? api.stages.get(decode(match[1])) : undefined;
  const path = match?.[2] ?? '/';
  const vars: Record<string, string | number | undefined> = {
    accountId,
    apiId: api.id,
    domainName: call.domainName,
    domainPrefix: call.domainPrefix,
    extendedRequestId: call.requestId,
    httpMethod: call.method,
    'identity.sourceIp': call.sourceIp,
    'identity.userAgent': header(call, 'user-agent'),
    path: call.rawPath,
    protocol: call.protocol,
    requestId: call.requestId,
    requestTime: clfTime(call.timeEpoch),
    requestTimeEpoch: call.timeEpoch,
    stage: stage?.stageName,
  };
  const trace = new ApiRequestTrace(core.ctx, call, { front: 'rest', api: api.id, apiName: api.name, stage: stage?.stageName });
  const finish = (reply: HttpReply, extra: Record<string, string | number | undefined> = {}): InvokeResult => {
    reply.headers.push(['x-amzn-requestid', call.requestId], ['x-amz-apigw-id', call.requestId.slice(0, 16)]);
    trace.respond(reply, typeof extra.integrationErrorMessage === 'string' ? extra.integrationErrorMessage : undefined);
    Object.assign(vars, extra, { status: reply.status, responseLength: reply.body.length });
    const settings = stage?.accessLogSettings;
    return { reply, accessLog: settings ? { settings, stream: `${api.id}_${stage!.stageName}`, vars } : undefined };
  };
  // REST APIs answer an unknown stage with 403 Forbidden and an unknown resource or method with
  // 403 Missing Authentication Token (not 404), as AWS does.
  if (!stage) return finish(jsonReply(403, { message: 'Forbidden' }));
  const deployment = api.deployments.get(stage.deploymentId);
  const selected = deployment ? selectResource(deployment.resources, call.method, path) : undefined;
  if (!selected || !selected.method.methodIntegration) return finish(jsonReply(403, { message: 'Missing Authentication Token' }));
  Object.assign(vars, { resourcePath: selected.resource.path, resourceId: selected.resource.id });
  trace.request(`${call.method} ${selected.resource.path}`);

  const event = buildV1Event(call, {
    kind: 'rest',
    accountId,
    apiId: api.id,
    stage: stage.stageName,
    resource: selected.resource.path,
    resourceId: selected.resource.id,
    path,
    pathParameters: selected.pathParameters,
    stageVariables: stage.variables,
    binaryMediaTypes: api.binaryMediaTypes,
  });
  const integration = selected.method.methodIntegration;
  const functionArn = integration.uri ? functionOfUri(integration.uri, stage.variables) : undefined;
  if (!functionArn) {
    return finish(replyForOutcome({ kind: 'invoke-error', message: `Invalid integration URI ${integration.uri}`, tooLarge: false }, 'rest', mapV1Response).reply);
  }
  const lambdaRequestId = randomUUID();
  trace.invoking(lambdaRequestId);
  const result = await callLambda(core.ctx, functionArn, event, integration.timeoutInMillis, lambdaRequestId);
  const outcome = replyForOutcome(result.outcome, 'rest', mapV1Response);
  trace.integrated(functionNameOf(functionArn), result, outcome);
  // The client only sees a generic message: say in the engine's log what went wrong.
  if (outcome.integrationError) core.ctx.options.log(`apigateway: ${call.method} ${call.rawPath} on API ${api.id} → ${outcome.reply.status}: ${outcome.integrationError}`);
  return finish(outcome.reply, {
    integrationLatency: result.latencyMs,
    'integration.latency': result.latencyMs,
    integrationStatus: outcome.integrationStatus,
    'integration.status': outcome.integrationStatus,
    integrationErrorMessage: outcome.integrationError,
    'integration.error': outcome.integrationError,
    'integration.requestId': result.lambdaRequestId,
    responseLatency: Date.now() - call.timeEpoch,
  });
}
