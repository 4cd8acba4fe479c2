import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  DeleteRestApiCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetRestApisCommand,
  GetStageCommand,
  PutIntegrationCommand,
  PutMethodCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { Engine } from '../../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../../helpers/engine.js';
import { createActive, zipFixture } from '../../fixtures/lambda/helpers.js';
import { httpCall } from './http.js';

describe('API Gateway REST APIs: {proxy+} resources, ANY methods, AWS_PROXY integrations', () => {
  let engine: Engine;
  let client: APIGatewayClient;
  let restApiId: string;
  let proxyResourceId: string;

  beforeAll(async () => {
    engine = await startTestEngine();
    client = new APIGatewayClient(clientConfig(engine.url));
    const lambda = new LambdaClient(clientConfig(engine.url));
    const fn = await createActive(lambda, { FunctionName: 'rest-echo', Code: { ZipFile: await zipFixture('http-echo') } });
    const uri = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn.FunctionArn}/invocations`;

    const api = await client.send(new CreateRestApiCommand({ name: 'sam-style', binaryMediaTypes: ['image/png'] }));
    restApiId = api.id!;
    const root = (await client.send(new GetResourcesCommand({ restApiId }))).items!.find((r) => r.path === '/')!;
    const proxy = await client.send(new CreateResourceCommand({ restApiId, parentId: root.id!, pathPart: '{proxy+}' }));
    proxyResourceId = proxy.id!;
    for (const resourceId of [root.id!, proxy.id!]) {
      await client.send(new PutMethodCommand({ restApiId, resourceId, httpMethod: 'ANY', authorizationType: 'NONE' }));
      await client.send(new PutIntegrationCommand({ restApiId, resourceId, httpMethod: 'ANY', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri }));
    }
    await client.send(new CreateDeploymentCommand({ restApiId, stageName: 'prod', variables: { color: 'blue' } }));
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('reads back the API, its resources and stage; errors have AWS shapes', async () => {
    expect(await client.send(new GetRestApiCommand({ restApiId }))).toMatchObject({ name: 'sam-style', binaryMediaTypes: ['image/png'], apiKeySource: 'HEADER' });
    expect((await client.send(new GetRestApisCommand({}))).items?.map((a) => a.id)).toContain(restApiId);
    const resources = (await client.send(new GetResourcesCommand({ restApiId }))).items!;
    expect(resources.map((r) => r.path).sort()).toEqual(['/', '/{proxy+}']);
    const proxy = resources.find((r) => r.path === '/{proxy+}')!;
    expect(proxy.resourceMethods?.ANY?.methodIntegration).toMatchObject({ type: 'AWS_PROXY', httpMethod: 'POST', timeoutInMillis: 29000 });
    const stage = await client.send(new GetStageCommand({ restApiId, stageName: 'prod' }));
    expect(stage).toMatchObject({ stageName: 'prod', variables: { color: 'blue' } });
    expect(stage.createdDate).toBeInstanceOf(Date);

    await expect(client.send(new GetRestApiCommand({ restApiId: 'missing123' }))).rejects.toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
    await expect(client.send(new CreateResourceCommand({ restApiId, parentId: proxyResourceId, pathPart: 'child' }))).rejects.toMatchObject({ name: 'BadRequestException' });
    await expect(client.send(new PutMethodCommand({ restApiId, resourceId: proxyResourceId, httpMethod: 'ANY', authorizationType: 'NONE' }))).rejects.toMatchObject({ name: 'ConflictException' });
    await expect(
      client.send(new PutIntegrationCommand({ restApiId, resourceId: proxyResourceId, httpMethod: 'ANY', type: 'HTTP', integrationHttpMethod: 'GET', uri: 'http://example.com' })),
    ).rejects.toMatchObject({ name: 'BadRequestException' });
  });

  it('maps a request through both invoke URL forms to the REST proxy event', async () => {
    const viaPath = await httpCall(`${engine.url}/_aws/execute-api/${restApiId}/prod/orders/17?tag=a&tag=b`, {
      method: 'PATCH',
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Trace', 'one'],
        ['X-Trace', 'two'],
      ],
      body: '{"qty":2}',
    });
    expect(viaPath.status).toBe(200);
    expect(viaPath.headers['x-amzn-requestid']).toBeTruthy();
    const event = viaPath.json();
    expect(event).toMatchObject({
      resource: '/{proxy+}',
      path: '/orders/17',
      httpMethod: 'PATCH',
      queryStringParameters: { tag: 'b' },
      multiValueQueryStringParameters: { tag: ['a', 'b'] },
      pathParameters: { proxy: 'orders/17' },
      stageVariables: { color: 'blue' },
      body: '{"qty":2}',
      isBase64Encoded: false,
      requestContext: { resourcePath: '/{proxy+}', httpMethod: 'PATCH', path: '/prod/orders/17', stage: 'prod', apiId: restApiId, accountId: '000000000000', resourceId: proxyResourceId },
    });
    expect(event.version).toBeUndefined();
    // REST APIs keep the client's header spelling.
    expect(event.headers['X-Trace']).toBe('two');
    expect(event.multiValueHeaders['X-Trace']).toEqual(['one', 'two']);

    const host = `${restApiId}.execute-api.localhost.localstack.cloud:${engine.port}`;
    const root = (await httpCall(`${engine.url}/prod`, { host })).json();
    expect(root).toMatchObject({ resource: '/', path: '/', httpMethod: 'GET', pathParameters: null, requestContext: { domainName: `${restApiId}.execute-api.localhost.localstack.cloud` } });

    // Only the API's binary media types arrive base64-encoded.
    const png = (await httpCall(`${engine.url}/_aws/execute-api/${restApiId}/prod/img`, { method: 'POST', headers: [['Content-Type', 'image/png']], body: Buffer.from([137, 80, 78, 71]) })).json();
    expect(png.isBase64Encoded).toBe(true);
    expect([...Buffer.from(png.body, 'base64')]).toEqual([137, 80, 78, 71]);
  });

  it('maps multiValueHeaders and answers as REST APIs do for errors and unknown stages', async () => {
    const base = `${engine.url}/_aws/execute-api/${restApiId}/prod`;
    const multi = await httpCall(`${base}/multi`);
    expect(multi.headers['x-multi']).toBe('1,2');
    expect(multi.headers['x-single']).toBe('s');
    const malformed = await httpCall(`${base}/malformed`);
    expect(malformed.status).toBe(502);
    expect(malformed.json()).toEqual({ message: 'Internal server error' });
    // A 2.0-style bare result is not a valid REST proxy response.
    expect((await httpCall(`${base}/simple`)).status).toBe(502);
    const unknownStage = await httpCall(`${engine.url}/_aws/execute-api/${restApiId}/staging/x`);
    expect(unknownStage.status).toBe(403);
    expect(unknownStage.json()).toEqual({ message: 'Forbidden' });
  });

  it('writes access log lines once UpdateStage sets accessLogSettings', async () => {
    await client.send(
      new UpdateStageCommand({
        restApiId,
        stageName: 'prod',
        patchOperations: [
          { op: 'replace', path: '/accessLogSettings/destinationArn', value: 'arn:aws:logs:us-east-1:000000000000:log-group:rest-access' },
          { op: 'replace', path: '/accessLogSettings/format', value: '$context.requestId $context.httpMethod $context.resourcePath $context.status' },
        ],
      }),
    );
    const res = await httpCall(`${engine.url}/_aws/execute-api/${restApiId}/prod/logged`, { method: 'POST', body: 'x' });
    const requestId = res.headers['x-amzn-requestid'];
    const logs = new CloudWatchLogsClient(clientConfig(engine.url));
    const events = await logs.send(new GetLogEventsCommand({ logGroupName: 'rest-access', logStreamName: `${restApiId}_prod`, startFromHead: true }));
    expect(events.events?.map((e) => e.message)).toEqual([`${requestId} POST /{proxy+} 200`]);

    await client.send(new DeleteRestApiCommand({ restApiId }));
    expect((await httpCall(`${engine.url}/_aws/execute-api/${restApiId}/prod/logged`)).status).toBe(404);
  });
});
