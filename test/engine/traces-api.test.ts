// Traces of requests to invoke URLs: HTTP APIs, REST APIs and function URLs, rooted at the API's request id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiGatewayV2Client, CreateApiCommand, CreateIntegrationCommand, CreateRouteCommand, CreateStageCommand } from '@aws-sdk/client-apigatewayv2';
import { APIGatewayClient, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, GetResourcesCommand, PutIntegrationCommand, PutMethodCommand } from '@aws-sdk/client-api-gateway';
import { CreateFunctionUrlConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Engine } from '../../src/engine/index.js';
import type { Trace } from '../../src/engine/traces/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { createActive } from '../fixtures/lambda/helpers.js';
import { makeZip } from '../fixtures/lambda/zip.js';
import { httpCall } from './apigateway/http.js';

// One handler for every case, chosen by the last path segment.
const HANDLER = `
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export const handler = async (event) => {
  const path = event.rawPath ?? event.path;
  const requestId = event.requestContext.requestId;
  if (path.endsWith('/boom')) throw new TypeError('no such order');
  if (path.endsWith('/garbled')) return { statusCode: 'two hundred' };
  if (path.endsWith('/slow')) { await new Promise((r) => setTimeout(r, 1500)); return { statusCode: 200, body: 'late' }; }
  if (path.endsWith('/order')) await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: JSON.stringify({ requestId }) }));
  return { statusCode: 200, body: JSON.stringify({ requestId }) };
};`;

let engine: Engine;
let lambda: LambdaClient;
let v2: ApiGatewayV2Client;
let v1: APIGatewayClient;
let httpBase: string;
let restBase: string;
let urlBase: string;

const read = async (id: string) => {
  const res = await fetch(`${engine.url}/_evlab/traces/${encodeURIComponent(id)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { trace: Trace; children: Trace[] };
};
const idle = async () => ((await (await fetch(`${engine.url}/_evlab/idle?timeout=20000`)).json()) as { idle: boolean }).idle;
const types = (t: Trace) => t.steps.map((s) => s.type);

beforeAll(async () => {
  engine = await startTestEngine();
  lambda = new LambdaClient(clientConfig(engine.url));
  v2 = new ApiGatewayV2Client(clientConfig(engine.url));
  v1 = new APIGatewayClient(clientConfig(engine.url));
  const sqs = new SQSClient(clientConfig(engine.url));
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'orders' }))).QueueUrl!;
  sqs.destroy();
  const fn = await createActive(lambda, { FunctionName: 'shop', Code: { ZipFile: await makeZip({ 'index.mjs': HANDLER }) }, Environment: { Variables: { QUEUE_URL: queueUrl } } });

  const api = await v2.send(new CreateApiCommand({ Name: 'shop-api', ProtocolType: 'HTTP' }));
  const proxy = await v2.send(new CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fn.FunctionArn, PayloadFormatVersion: '2.0' }));
  const impatient = await v2.send(new CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fn.FunctionArn, PayloadFormatVersion: '2.0', TimeoutInMillis: 200 }));
  await v2.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: 'ANY /v1/{proxy+}', Target: `integrations/${proxy.IntegrationId}` }));
  await v2.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: 'GET /v1/slow', Target: `integrations/${impatient.IntegrationId}` }));
  await v2.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: 'dev', AutoDeploy: true }));
  httpBase = `${engine.url}/_aws/execute-api/${api.ApiId}/dev`;

  const rest = await v1.send(new CreateRestApiCommand({ name: 'shop-rest' }));
  const root = (await v1.send(new GetResourcesCommand({ restApiId: rest.id }))).items!.find((r) => r.path === '/')!;
  const resource = await v1.send(new CreateResourceCommand({ restApiId: rest.id, parentId: root.id!, pathPart: '{proxy+}' }));
  await v1.send(new PutMethodCommand({ restApiId: rest.id, resourceId: resource.id, httpMethod: 'ANY', authorizationType: 'NONE' }));
  await v1.send(new PutIntegrationCommand({ restApiId: rest.id, resourceId: resource.id, httpMethod: 'ANY', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn.FunctionArn}/invocations` }));
  await v1.send(new CreateDeploymentCommand({ restApiId: rest.id, stageName: 'prod' }));
  restBase = `${engine.url}/_aws/execute-api/${rest.id}/prod`;

  urlBase = (await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'shop', AuthType: 'NONE' }))).FunctionUrl!.replace(/\/$/, '');
});
afterAll(async () => {
  for (const c of [lambda, v2, v1]) c?.destroy();
  await engine?.stop();
});

describe('API request traces', () => {
  it('HTTP API: rooted at requestContext.requestId (the apigw-requestid header), request → integration → response', async () => {
    const res = await httpCall(`${httpBase}/v1/items`);
    expect(res.status).toBe(200);
    const requestId = res.headers['apigw-requestid'] as string;
    // AWS's shape for HTTP APIs: a short id ending in "=", not a UUID.
    expect(requestId).toMatch(/^[A-Za-z0-9]{15}=$/);
    expect(res.json().requestId).toBe(requestId);
    const { trace } = await read(requestId);
    expect(trace).toMatchObject({ id: requestId, kind: 'api', status: 'processed' });
    expect(types(trace)).toEqual(['api-request', 'api-integration', 'api-response']);
    expect(trace.steps[0]).toMatchObject({ service: 'apigateway', front: 'http', apiName: 'shop-api', stage: 'dev', method: 'GET', path: '/dev/v1/items', routeKey: 'ANY /v1/{proxy+}' });
    expect(trace.steps[1]).toMatchObject({ function: 'shop', outcome: 'response', ok: true });
    expect(trace.steps[1].requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof trace.steps[1].durationMs).toBe('number');
    expect(trace.steps[2]).toMatchObject({ status: 200, ok: true });
  });

  it('no route: a 404 with no integration step, processed (the client asked for nothing that exists)', async () => {
    const res = await httpCall(`${httpBase}/nothing/here`);
    expect(res.status).toBe(404);
    const { trace } = await read(res.headers['apigw-requestid'] as string);
    expect(types(trace)).toEqual(['api-request', 'api-response']);
    expect(trace.steps[0].routeKey).toBeUndefined();
    expect(trace).toMatchObject({ status: 'processed' });
    expect(trace.steps[1]).toMatchObject({ status: 404, ok: true });
  });

  it('a function error (502), a malformed response (502) and an integration timeout (504) end failed, and trace --failed lists them', async () => {
    const answers = await Promise.all(['boom', 'garbled', 'slow'].map((p) => httpCall(`${httpBase}/v1/${p}`)));
    expect(answers.map((a) => a.status)).toEqual([502, 502, 504]);
    const ids = answers.map((a) => a.headers['apigw-requestid'] as string);
    const [boom, garbled, slow] = await Promise.all(ids.map(async (id) => (await read(id)).trace));
    expect(boom.steps[1]).toMatchObject({ type: 'api-integration', outcome: 'function-error', ok: false });
    expect(String(boom.steps[1].error)).toContain('TypeError: no such order');
    expect(garbled.steps[1]).toMatchObject({ outcome: 'malformed-response', ok: false });
    expect(slow.steps[1]).toMatchObject({ outcome: 'integration-timeout', ok: false });
    expect(slow.steps[0].routeKey).toBe('GET /v1/slow');
    for (const t of [boom, garbled, slow]) expect(t.status).toBe('failed');
    expect([boom, garbled, slow].map((t) => t.steps.at(-1)!.status)).toEqual([502, 502, 504]);
    expect(await idle()).toBe(true);
    const failed = (await (await fetch(`${engine.url}/_evlab/traces?failed=1`)).json()) as { traces: Trace[] };
    expect(failed.traces.map((t) => t.id)).toEqual(expect.arrayContaining(ids));
  });

  it('REST API (x-amzn-RequestId) and function URL (x-amzn-RequestId, the invocation\'s own id) requests are traced too', async () => {
    const rest = await httpCall(`${restBase}/orders/7`);
    expect(rest.status).toBe(200);
    const restTrace = (await read(rest.headers['x-amzn-requestid'] as string)).trace;
    expect(restTrace).toMatchObject({ kind: 'api', status: 'processed' });
    expect(restTrace.steps[0]).toMatchObject({ front: 'rest', apiName: 'shop-rest', stage: 'prod', routeKey: 'GET /{proxy+}', path: '/prod/orders/7' });
    expect(rest.json().requestId).toBe(restTrace.id);

    const url = await httpCall(`${urlBase}/boom`, { method: 'POST', body: '{}' });
    expect(url.status).toBe(502);
    const urlTrace = (await read(url.headers['x-amzn-requestid'] as string)).trace;
    expect(urlTrace).toMatchObject({ kind: 'api', status: 'failed' });
    expect(urlTrace.steps[0]).toMatchObject({ service: 'lambda', front: 'url', apiName: 'shop', routeKey: '$default', method: 'POST' });
    expect(urlTrace.steps[1]).toMatchObject({ function: 'shop', requestId: urlTrace.id, outcome: 'function-error', ok: false });
  });

  it('what the function sends while it answers is a child of the request\'s trace, under its invocation', async () => {
    const res = await httpCall(`${httpBase}/v1/order`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    expect(await idle()).toBe(true);
    const { trace, children } = await read(res.headers['apigw-requestid'] as string);
    const integration = trace.steps.find((s) => s.type === 'api-integration')!;
    expect(children).toHaveLength(1);
    expect(children[0]).toMatchObject({ kind: 'message', parent: trace.id, causedBy: integration.requestId });
    expect(trace.children).toEqual([children[0].id]);
    expect(trace.steps.find((s) => s.type === 'caused')).toMatchObject({ service: 'sqs', requestId: integration.requestId, child: children[0].id });
  });
});
