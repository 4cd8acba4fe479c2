import { randomUUID } from 'node:crypto';
import type { ApiGatewayCore } from './context.js';
import { applyCorsHeaders, corsRules, preflightReply } from './cors.js';
import { clfTime, decode, header, type HttpCall, type HttpReply } from './http-call.js';
import { functionOfUri } from './integration-uri.js';
import { callLambda } from './lambda-call.js';
import type { AccessLogSettings, HttpApi, HttpStage } from './model.js';
import { notFoundReply, replyForOutcome } from './outcome.js';
import { applyRequestParameters } from './parameter-mapping.js';
import { buildV1Event, mapV1Response } from './payload-v1.js';
import { buildV2Event, mapV2Response } from './payload-v2.js';
import { ApiRequestTrace, functionNameOf } from './request-trace.js';
import { selectRoute } from './routing.js';

export interface InvokeResult {
  reply: HttpReply;
  accessLog?: { settings: AccessLogSettings; stream: string; vars: Record<string, string | number | undefined> };
}

/** The stage a request addresses: a first path segment naming a stage, else `$default`. */
function stageOf(api: HttpApi, rawPath: string): { stage: HttpStage; path: string } | undefined {
  const match = /^\/([^/]+)(\/.*)?$/.exec(rawPath);
  if (match) {
    const name = decode(match[1]);
    const stage = name !== '$default' ? api.stages.get(name) : undefined;
    if (stage) return { stage, path: match[2] ?? '/' };
  }
  const fallback = api.stages.get('$default');
  return fallback ? { stage: fallback, path: rawPath } : undefined;
}

/** A request to an HTTP API's invoke URL: stage, route, integration, the Lambda call, the response. */
export async function serveHttpApi(core: ApiGatewayCore, api: HttpApi, call: HttpCall): Promise<InvokeResult> {
  const { accountId } = core.store;
  const selected = stageOf(api, call.rawPath);
  const deployment = selected?.stage.deploymentId ? api.deployments.get(selected.stage.deploymentId) : undefined;
  const vars: Record<string, string | number | undefined> = {
    accountId,
    apiId: api.apiId,
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
    stage: selected?.stage.stageName,
  };
  const cors = corsRules(api.corsConfiguration);
  const trace = new ApiRequestTrace(core.ctx, call, { front: 'http', api: api.apiId, apiName: api.name, stage: selected?.stage.stageName });
  const finish = (reply: HttpReply, extra: Record<string, string | number | undefined> = {}, isPreflight = false): InvokeResult => {
    if (!isPreflight) applyCorsHeaders(cors, call, reply);
    reply.headers.push(['apigw-requestid', call.requestId]);
    trace.respond(reply, typeof extra.integrationErrorMessage === 'string' ? extra.integrationErrorMessage : undefined);
    const settings = selected?.stage.accessLogSettings;
    Object.assign(vars, extra, { status: reply.status, responseLength: reply.body.length });
    if (reply.status >= 400 && vars['error.message'] === undefined) vars['error.message'] = safeMessage(reply);
    return { reply, accessLog: settings ? { settings, stream: `${api.apiId}_${selected!.stage.stageName}`, vars } : undefined };
  };
  if (!selected || !deployment) return finish(notFoundReply());
  // With a CORS configuration, preflight requests never reach a route (AWS answers them itself).
  const preflight = preflightReply(cors, call);
  if (preflight) {
    trace.request('CORS preflight');
    return finish(preflight, {}, true);
  }

  const chosen = selectRoute(deployment.snapshot.routes, call.method, selected.path);
  if (!chosen) return finish(notFoundReply());
  const { route, pathParameters } = chosen;
  trace.request(route.routeKey);
  vars.routeKey = route.routeKey;
  const integrationId = route.target?.startsWith('integrations/') ? route.target.slice('integrations/'.length) : undefined;
  const integration = deployment.snapshot.integrations.find((i) => i.integrationId === integrationId);
  if (!integration) return finish(notFoundReply());

  const stageVariables = selected.stage.stageVariables;
  const mapped = applyRequestParameters(integration.requestParameters, {
    call,
    path: selected.path,
    pathParameters,
    stageVariables,
    context: Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])),
  });
  const routePath = route.routeKey === '$default' ? '$default' : route.routeKey.slice(route.routeKey.indexOf(' ') + 1);
  const event =
    integration.payloadFormatVersion === '1.0'
      ? buildV1Event(call, {
          kind: 'http',
          accountId,
          apiId: api.apiId,
          stage: selected.stage.stageName,
          resource: routePath,
          resourceId: route.routeKey,
          path: mapped.path ?? call.rawPath,
          pathParameters,
          stageVariables,
          headerPairs: mapped.headerPairs,
          rawQueryString: mapped.rawQueryString,
        })
      : buildV2Event(call, {
          accountId,
          apiId: api.apiId,
          routeKey: route.routeKey,
          stage: selected.stage.stageName,
          rawPath: mapped.path ?? call.rawPath,
          pathParameters,
          stageVariables,
          headerPairs: mapped.headerPairs,
          rawQueryString: mapped.rawQueryString,
        });

  const functionArn = integration.integrationUri ? functionOfUri(integration.integrationUri, stageVariables) : undefined;
  if (!functionArn) {
    return finish(replyForOutcome({ kind: 'invoke-error', message: `Invalid integration URI ${integration.integrationUri}`, tooLarge: false }, 'http', mapV2Response).reply);
  }
  const lambdaRequestId = randomUUID();
  trace.invoking(lambdaRequestId);
  const result = await callLambda(core.ctx, functionArn, event, integration.timeoutInMillis, lambdaRequestId);
  const outcome = replyForOutcome(result.outcome, 'http', integration.payloadFormatVersion === '1.0' ? mapV1Response : mapV2Response);
  trace.integrated(functionNameOf(functionArn), result, outcome);
  // The client only sees a generic message: say in the engine's log what went wrong.
  if (outcome.integrationError) core.ctx.options.log(`apigateway: ${call.method} ${call.rawPath} on API ${api.apiId} → ${outcome.reply.status}: ${outcome.integrationError}`);
  return finish(outcome.reply, {
    integrationLatency: result.latencyMs,
    'integration.latency': result.latencyMs,
    integrationStatus: outcome.integrationStatus,
    'integration.status': outcome.integrationStatus,
    'integration.integrationStatus': outcome.integrationStatus,
    integrationErrorMessage: outcome.integrationError,
    'integration.error': outcome.integrationError,
    'integration.requestId': result.lambdaRequestId,
    responseLatency: Date.now() - call.timeEpoch,
  });
}

function safeMessage(reply: HttpReply): string | undefined {
  try {
    const parsed = JSON.parse(reply.body.toString('utf8')) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}
