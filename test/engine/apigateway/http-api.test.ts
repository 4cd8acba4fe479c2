import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateDeploymentCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
  DeleteApiCommand,
  GetApiCommand,
  GetApisCommand,
  GetRoutesCommand,
  GetStageCommand,
} from '@aws-sdk/client-apigatewayv2';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { Engine } from '../../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../../helpers/engine.js';
import { createActive, zipFixture } from '../../fixtures/lambda/helpers.js';
import { httpCall } from './http.js';

const ACCESS_LOG_GROUP = '/aws/apigateway/jobs-api';
const ACCESS_FORMAT = '{"requestId":"$context.requestId","status":"$context.status","routeKey":"$context.routeKey","method":"$context.httpMethod","path":"$context.path","missing":"$context.authorizer.nothing"}';

describe('API Gateway HTTP APIs: control plane and invoke URLs', () => {
  let engine: Engine;
  let api: ApiGatewayV2Client;
  let echoArn: string;
  let apiId: string;
  let base: string;

  beforeAll(async () => {
    engine = await startTestEngine();
    api = new ApiGatewayV2Client(clientConfig(engine.url));
    const lambda = new LambdaClient(clientConfig(engine.url));
    const zip = await zipFixture('http-echo');
    echoArn = (await createActive(lambda, { FunctionName: 'echo', Code: { ZipFile: zip } })).FunctionArn!;
    // Its own timeout (1 s) ends it before it wakes: a function timeout.
    await createActive(lambda, { FunctionName: 'sleepy', Code: { ZipFile: zip }, Timeout: 1 });

    const created = await api.send(new CreateApiCommand({ Name: 'jobs', ProtocolType: 'HTTP' }));
    apiId = created.ApiId!;
    base = `${engine.url}/_aws/execute-api/${apiId}`;
    const proxy = await api.send(
      new CreateIntegrationCommand({
        ApiId: apiId,
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: echoArn,
        PayloadFormatVersion: '2.0',
        RequestParameters: { 'overwrite:path': '$request.path' },
      }),
    );
    const plain = await api.send(
      new CreateIntegrationCommand({
        ApiId: apiId,
        IntegrationType: 'AWS_PROXY',
        // The apigateway-style Lambda URI, as CloudFormation writes it.
        IntegrationUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${echoArn}/invocations`,
        PayloadFormatVersion: '2.0',
      }),
    );
    const v1 = await api.send(new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: echoArn, PayloadFormatVersion: '1.0' }));
    const sleepy = await api.send(
      new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: echoArn.replace(':echo', ':sleepy'), PayloadFormatVersion: '2.0' }),
    );
    const impatient = await api.send(
      new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: echoArn, PayloadFormatVersion: '2.0', TimeoutInMillis: 300 }),
    );
    await api.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'ANY /{proxy+}', Target: `integrations/${proxy.IntegrationId}` }));
    await api.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /items/{id}', Target: `integrations/${plain.IntegrationId}` }));
    await api.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: '$default', Target: `integrations/${v1.IntegrationId}` }));
    await api.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /slow/sleep', Target: `integrations/${sleepy.IntegrationId}` }));
    await api.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /impatient/sleep', Target: `integrations/${impatient.IntegrationId}` }));
    await api.send(
      new CreateStageCommand({
        ApiId: apiId,
        StageName: 'dev',
        AutoDeploy: true,
        AccessLogSettings: { DestinationArn: `arn:aws:logs:us-east-1:000000000000:log-group:${ACCESS_LOG_GROUP}`, Format: ACCESS_FORMAT },
      }),
    );
    await api.send(new CreateStageCommand({ ApiId: apiId, StageName: '$default', AutoDeploy: true }));
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('reads back what was created, with the engine-served endpoint and AWS error shapes', async () => {
    const got = await api.send(new GetApiCommand({ ApiId: apiId }));
    expect(got).toMatchObject({ Name: 'jobs', ProtocolType: 'HTTP', RouteSelectionExpression: '$request.method $request.path', ApiEndpoint: base });
    expect(got.CreatedDate).toBeInstanceOf(Date);
    expect((await api.send(new GetApisCommand({}))).Items?.map((a) => a.ApiId)).toContain(apiId);
    const routes = await api.send(new GetRoutesCommand({ ApiId: apiId }));
    expect(routes.Items?.map((r) => r.RouteKey).sort()).toEqual(['$default', 'ANY /{proxy+}', 'GET /impatient/sleep', 'GET /items/{id}', 'GET /slow/sleep']);
    const stage = await api.send(new GetStageCommand({ ApiId: apiId, StageName: 'dev' }));
    expect(stage).toMatchObject({ StageName: 'dev', AutoDeploy: true, AccessLogSettings: { Format: ACCESS_FORMAT } });
    expect(stage.DeploymentId).toMatch(/^[a-z0-9]+$/);

    await expect(api.send(new GetApiCommand({ ApiId: 'nosuchapi1' }))).rejects.toMatchObject({
      name: 'NotFoundException',
      $metadata: { httpStatusCode: 404 },
      message: 'Invalid API identifier specified 000000000000:nosuchapi1',
    });
    for (const bad of ['GET items', 'FETCH /items', 'GET /items/{id+}/more', 'GET /a/{x}/{x}', 'GET']) {
      await expect(api.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: bad }))).rejects.toMatchObject({ name: 'BadRequestException', $metadata: { httpStatusCode: 400 } });
    }
    await expect(api.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /items/{id}' }))).rejects.toMatchObject({ name: 'ConflictException', $metadata: { httpStatusCode: 409 } });
    await expect(api.send(new CreateStageCommand({ ApiId: apiId, StageName: 'dev' }))).rejects.toMatchObject({ name: 'ConflictException' });
    await expect(
      api.send(new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: 'not-an-arn', PayloadFormatVersion: '2.0' })),
    ).rejects.toMatchObject({ name: 'BadRequestException' });
    await expect(api.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /x', Target: 'integrations/nope123' }))).rejects.toMatchObject({ name: 'BadRequestException' });
  });

  it('maps a request to the payload 2.0 event, with overwrite:path dropping the stage from rawPath', async () => {
    const res = await httpCall(`${base}/dev/v1/jobs?city=Paris&city=Lyon&q=a%20b`, {
      headers: [
        ['X-Multi', 'one'],
        ['X-Multi', 'two'],
        ['Cookie', 'session=abc; theme=dark'],
        ['User-Agent', 'evlab-test'],
      ],
    });
    expect(res.status).toBe(200);
    expect(res.headers['apigw-requestid']).toBeTruthy();
    const event = res.json();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'ANY /{proxy+}',
      rawPath: '/v1/jobs',
      rawQueryString: 'city=Paris&city=Lyon&q=a%20b',
      cookies: ['session=abc', 'theme=dark'],
      queryStringParameters: { city: 'Paris,Lyon', q: 'a b' },
      pathParameters: { proxy: 'v1/jobs' },
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId,
        domainPrefix: apiId,
        http: { method: 'GET', path: '/dev/v1/jobs', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'evlab-test' },
        routeKey: 'ANY /{proxy+}',
        stage: 'dev',
      },
    });
    expect(event.headers['x-multi']).toBe('one,two');
    expect(event.headers.cookie).toBeUndefined();
    expect(Object.keys(event.headers).every((h: string) => h === h.toLowerCase())).toBe(true);
    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(event.requestContext.requestId).toBe(res.headers['apigw-requestid']);
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(typeof event.requestContext.timeEpoch).toBe('number');
    expect(event.body).toBeUndefined();
  });

  it('serves the DNS form by Host header and prefers the most specific route', async () => {
    const host = `${apiId}.execute-api.localhost.localstack.cloud:${engine.port}`;
    const get = (await httpCall(`${engine.url}/dev/items/42`, { host })).json();
    expect(get).toMatchObject({
      routeKey: 'GET /items/{id}',
      rawPath: '/dev/items/42',
      pathParameters: { id: '42' },
      requestContext: { domainName: `${apiId}.execute-api.localhost.localstack.cloud`, stage: 'dev' },
    });
    // POST has no route of its own: the greedy ANY route takes it.
    const post = (await httpCall(`${engine.url}/dev/items/42`, { host, method: 'POST', headers: [['Content-Type', 'application/json']], body: '{"a":1}' })).json();
    expect(post).toMatchObject({ routeKey: 'ANY /{proxy+}', rawPath: '/items/42', body: '{"a":1}', isBase64Encoded: false });
    // The $default stage: no stage segment, the same routes.
    const viaDefault = (await httpCall(`${base}/items/7`)).json();
    expect(viaDefault).toMatchObject({ routeKey: 'GET /items/{id}', rawPath: '/items/7', requestContext: { stage: '$default' } });
  });

  it('passes binary bodies base64-encoded and text bodies as text', async () => {
    const bytes = Buffer.from([0, 1, 2, 3, 254, 255]);
    const binary = (await httpCall(`${base}/dev/upload`, { method: 'PUT', headers: [['Content-Type', 'application/octet-stream']], body: bytes })).json();
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body, 'base64').equals(bytes)).toBe(true);
    const form = (await httpCall(`${base}/dev/form`, { method: 'POST', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'a=1&b=2' })).json();
    expect(form.isBase64Encoded).toBe(true);
    expect(Buffer.from(form.body, 'base64').toString()).toBe('a=1&b=2');
    const text = (await httpCall(`${base}/dev/note`, { method: 'POST', headers: [['Content-Type', 'text/plain; charset=utf-8']], body: 'héllo' })).json();
    expect(text).toMatchObject({ isBase64Encoded: false, body: 'héllo' });
  });

  it('maps the $default route to payload 1.0 with multi-value fields', async () => {
    const event = (await httpCall(`${base}/?a=1&a=2`, { headers: [['X-Twice', 'x'], ['X-Twice', 'y']] })).json();
    expect(event).toMatchObject({
      version: '1.0',
      resource: '$default',
      path: '/',
      httpMethod: 'GET',
      queryStringParameters: { a: '2' },
      multiValueQueryStringParameters: { a: ['1', '2'] },
      pathParameters: null,
      body: null,
      isBase64Encoded: false,
      requestContext: { stage: '$default', httpMethod: 'GET', identity: { sourceIp: '127.0.0.1' } },
    });
    expect(event.headers['x-twice']).toBe('y');
    expect(event.multiValueHeaders['x-twice']).toEqual(['x', 'y']);
  });

  it('maps the function response: simple form, cookies, multi-value headers, base64 bodies', async () => {
    const simple = await httpCall(`${base}/dev/simple`);
    expect(simple.status).toBe(200);
    expect(simple.headers['content-type']).toBe('application/json');
    expect(simple.json()).toEqual({ hello: 'world' });
    const text = await httpCall(`${base}/dev/text`);
    expect(text.text).toBe('just a string');

    const cookies = await httpCall(`${base}/dev/cookies`);
    expect(cookies.status).toBe(201);
    expect(cookies.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(cookies.headers['x-custom']).toBe('yes');
    expect(cookies.text).toBe('cookies set');

    const binary = await httpCall(`${base}/dev/binary`);
    expect(binary.headers['content-type']).toBe('image/png');
    expect([...binary.body]).toEqual([0, 1, 2, 250, 255]);
  });

  it('answers 502 for a malformed response or a function error, 504 on a timeout, 404 when nothing matches', async () => {
    const malformed = await httpCall(`${base}/dev/malformed`);
    expect(malformed.status).toBe(502);
    expect(malformed.json()).toEqual({ message: 'Internal Server Error' });
    const thrown = await httpCall(`${base}/dev/throw`);
    expect(thrown.status).toBe(502);
    expect(thrown.json()).toEqual({ message: 'Internal Server Error' });

    // The function's own 1 s timeout.
    const functionTimeout = await httpCall(`${base}/dev/slow/sleep`);
    expect(functionTimeout.status).toBe(504);
    // The integration's 300 ms timeout, with a function that would run 3 s.
    const integrationTimeout = await httpCall(`${base}/dev/impatient/sleep`);
    expect(integrationTimeout.status).toBe(504);
    expect(integrationTimeout.json()).toEqual({ message: 'Endpoint request timed out' });

    const other = await api.send(new CreateApiCommand({ Name: 'narrow', ProtocolType: 'HTTP' }));
    const integration = await api.send(new CreateIntegrationCommand({ ApiId: other.ApiId, IntegrationType: 'AWS_PROXY', IntegrationUri: echoArn, PayloadFormatVersion: '2.0' }));
    await api.send(new CreateRouteCommand({ ApiId: other.ApiId, RouteKey: 'GET /only', Target: `integrations/${integration.IntegrationId}` }));
    await api.send(new CreateStageCommand({ ApiId: other.ApiId, StageName: 'live', AutoDeploy: true }));
    const otherBase = `${engine.url}/_aws/execute-api/${other.ApiId}`;
    expect((await httpCall(`${otherBase}/live/only`)).status).toBe(200);
    for (const url of [`${otherBase}/live/other`, `${otherBase}/nostage/only`, `${otherBase}/live/only/deeper`, `${engine.url}/_aws/execute-api/nosuchapi1/live/only`]) {
      const res = await httpCall(url);
      expect(res.status, url).toBe(404);
      expect(res.json()).toEqual({ message: 'Not Found' });
    }
    expect((await httpCall(`${otherBase}/live/only`, { method: 'POST' })).status).toBe(404);
    await api.send(new DeleteApiCommand({ ApiId: other.ApiId }));
    expect((await httpCall(`${otherBase}/live/only`)).status).toBe(404);
  });

  it('answers CORS preflights itself and adds the CORS headers to function answers', async () => {
    const created = await api.send(
      new CreateApiCommand({
        Name: 'cors',
        ProtocolType: 'HTTP',
        Target: echoArn, // quick create: integration, $default route, auto-deployed $default stage
        CorsConfiguration: { AllowOrigins: ['http://app.local'], AllowMethods: ['GET', 'POST'], AllowHeaders: ['content-type'], MaxAge: 300 },
      }),
    );
    const url = `${engine.url}/_aws/execute-api/${created.ApiId}/things`;
    const preflight = await httpCall(url, {
      method: 'OPTIONS',
      headers: [['Origin', 'http://app.local'], ['Access-Control-Request-Method', 'POST'], ['Access-Control-Request-Headers', 'Content-Type, X-Other']],
    });
    expect(preflight.status).toBe(204);
    expect(preflight.text).toBe('');
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': 'http://app.local',
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '300',
    });
    const get = await httpCall(url, { headers: [['Origin', 'http://app.local']] });
    expect(get.status).toBe(200);
    expect(get.json()).toMatchObject({ routeKey: '$default', rawPath: '/things' });
    expect(get.headers['access-control-allow-origin']).toBe('http://app.local');
    const stranger = await httpCall(url, { headers: [['Origin', 'http://elsewhere.example']] });
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves what a stage without autoDeploy was deployed with, until the next deployment', async () => {
    const created = await api.send(new CreateApiCommand({ Name: 'manual', ProtocolType: 'HTTP' }));
    const id = created.ApiId!;
    const integration = await api.send(new CreateIntegrationCommand({ ApiId: id, IntegrationType: 'AWS_PROXY', IntegrationUri: echoArn, PayloadFormatVersion: '2.0' }));
    await api.send(new CreateRouteCommand({ ApiId: id, RouteKey: 'GET /first', Target: `integrations/${integration.IntegrationId}` }));
    await api.send(new CreateStageCommand({ ApiId: id, StageName: 'prod' }));
    const url = (path: string) => `${engine.url}/_aws/execute-api/${id}/prod${path}`;
    expect((await httpCall(url('/first'))).status).toBe(404); // never deployed
    const deployment = await api.send(new CreateDeploymentCommand({ ApiId: id, StageName: 'prod' }));
    expect(deployment.DeploymentStatus).toBe('DEPLOYED');
    expect((await httpCall(url('/first'))).status).toBe(200);
    await api.send(new CreateRouteCommand({ ApiId: id, RouteKey: 'GET /second', Target: `integrations/${integration.IntegrationId}` }));
    expect((await httpCall(url('/second'))).status).toBe(404);
    await api.send(new CreateDeploymentCommand({ ApiId: id, StageName: 'prod' }));
    expect((await httpCall(url('/second'))).status).toBe(200);
  });

  it('counts a request in flight as engine activity, so waitForIdle waits for its answer', async () => {
    const pending = httpCall(`${base}/dev/slow/sleep`);
    const inFlight = () => (engine.context.activity.snapshot().inFlight as Record<string, number>).http ?? 0;
    for (let i = 0; i < 500 && inFlight() === 0; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(inFlight()).toBe(1);
    // Idle means the HTTP request is over: the count drops only after the response was written.
    expect(await engine.waitForIdle(10_000)).toBe(true);
    expect(inFlight()).toBe(0);
    expect((await pending).status).toBe(504);
  });

  it("writes one access log line per request to the stage's log group", async () => {
    const res = await httpCall(`${base}/dev/logged/path`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await engine.waitForIdle(10_000)).toBe(true);
    const logs = new CloudWatchLogsClient(clientConfig(engine.url));
    const events = await logs.send(new GetLogEventsCommand({ logGroupName: ACCESS_LOG_GROUP, logStreamName: `${apiId}_dev`, startFromHead: true }));
    const lines = (events.events ?? []).map((e) => JSON.parse(e.message!));
    const line = lines.find((l) => l.requestId === res.headers['apigw-requestid']);
    expect(line).toEqual({ requestId: res.headers['apigw-requestid'], status: '200', routeKey: 'ANY /{proxy+}', method: 'DELETE', path: '/dev/logged/path', missing: '-' });
    // Requests to the $default stage (no access log settings) write nothing there.
    expect(lines.every((l) => l.path.startsWith('/dev/'))).toBe(true);
    expect(lines.some((l) => l.status === '502')).toBe(true);
  });
});
