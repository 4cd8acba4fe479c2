import { parseJsonBody } from '../protocol/encode.js';
import { json, noContent, type Handler } from './context.js';
import { badRequest, conflict, limitExceeded, notFound, str, stringMap } from './errors.js';
import { validateLambdaUri } from './integration-uri.js';
import { LIMITS, type HttpApi, type HttpIntegration } from './model.js';
import { validateRequestParameters } from './parameter-mapping.js';
import { randomId } from './store.js';
import { autoDeploy } from './v2-deploy.js';

export function integrationView(i: HttpIntegration): Record<string, unknown> {
  return {
    apiGatewayManaged: false,
    connectionType: i.connectionType,
    ...(i.credentialsArn ? { credentialsArn: i.credentialsArn } : {}),
    ...(i.description !== undefined ? { description: i.description } : {}),
    integrationId: i.integrationId,
    ...(i.integrationMethod ? { integrationMethod: i.integrationMethod } : {}),
    integrationType: i.integrationType,
    ...(i.integrationUri ? { integrationUri: i.integrationUri } : {}),
    payloadFormatVersion: i.payloadFormatVersion,
    ...(i.requestParameters ? { requestParameters: i.requestParameters } : {}),
    timeoutInMillis: i.timeoutInMillis,
  };
}

function requireIntegration(api: HttpApi, id: string): HttpIntegration {
  const integration = api.integrations.get(id);
  if (!integration) throw notFound(`Invalid Integration identifier specified ${id}`, 'Integration');
  return integration;
}

/** The fields Create and Update share; Update passes the current integration as the base. */
function applyFields(body: Record<string, unknown>, base: Partial<HttpIntegration>): HttpIntegration {
  const integrationType = str(body, 'integrationType') ?? base.integrationType;
  if (!integrationType) throw badRequest('Invalid input: integrationType is required');
  if (integrationType !== 'AWS_PROXY') {
    throw badRequest(`Unsupported integration type ${integrationType}: the evlab engine serves AWS_PROXY integrations to Lambda functions only.`);
  }
  const integrationUri = validateLambdaUri(str(body, 'integrationUri') ?? base.integrationUri, 'integrationUri');
  const payloadFormatVersion = str(body, 'payloadFormatVersion') ?? base.payloadFormatVersion;
  if (payloadFormatVersion !== '1.0' && payloadFormatVersion !== '2.0') {
    throw badRequest(
      payloadFormatVersion === undefined
        ? 'Invalid input: payloadFormatVersion is required for AWS_PROXY integrations of HTTP APIs (1.0 or 2.0)'
        : `Invalid payloadFormatVersion specified: ${payloadFormatVersion}. Expected 1.0 or 2.0.`,
    );
  }
  const timeout = body.timeoutInMillis ?? base.timeoutInMillis ?? 30_000;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 50 || timeout > 30_000) {
    throw badRequest(`Invalid timeoutInMillis: ${String(timeout)}. It must be between 50 and 30000 milliseconds.`);
  }
  const requestParameters = stringMap(body, 'requestParameters') ?? base.requestParameters;
  validateRequestParameters(requestParameters);
  return {
    integrationId: base.integrationId ?? randomId(7),
    integrationType,
    integrationUri,
    integrationMethod: str(body, 'integrationMethod') ?? base.integrationMethod ?? 'POST',
    payloadFormatVersion,
    timeoutInMillis: timeout,
    connectionType: str(body, 'connectionType') ?? base.connectionType ?? 'INTERNET',
    description: str(body, 'description') ?? base.description,
    requestParameters,
    credentialsArn: str(body, 'credentialsArn') ?? base.credentialsArn,
  };
}

export const createIntegration: Handler = (core, req, [apiId]) => {
  const api = core.store.requireHttp(apiId, req.region);
  if (api.integrations.size >= LIMITS.integrationsPerApi) throw limitExceeded(`Maximum number of integrations per API (${LIMITS.integrationsPerApi}) reached.`);
  const integration = applyFields(parseJsonBody(req.body), {});
  api.integrations.set(integration.integrationId, integration);
  autoDeploy(core, api);
  return json(201, integrationView(integration));
};

export const getIntegration: Handler = (core, req, [apiId, id]) =>
  json(200, integrationView(requireIntegration(core.store.requireHttp(apiId, req.region), id)));

export const getIntegrations: Handler = (core, req, [apiId]) => {
  const api = core.store.requireHttp(apiId, req.region);
  return json(200, { items: [...api.integrations.values()].map(integrationView) });
};

export const updateIntegration: Handler = (core, req, [apiId, id]) => {
  const api = core.store.requireHttp(apiId, req.region);
  const updated = applyFields(parseJsonBody(req.body), requireIntegration(api, id));
  api.integrations.set(id, updated);
  autoDeploy(core, api);
  return json(200, integrationView(updated));
};

export const deleteIntegration: Handler = (core, req, [apiId, id]) => {
  const api = core.store.requireHttp(apiId, req.region);
  requireIntegration(api, id);
  const users = [...api.routes.values()].filter((r) => r.target === `integrations/${id}`);
  if (users.length > 0) {
    throw conflict(`Cannot delete integration ${id}: it is the target of route(s) ${users.map((r) => r.routeId).join(', ')}. Delete or retarget them first.`);
  }
  api.integrations.delete(id);
  autoDeploy(core, api);
  return noContent();
};
