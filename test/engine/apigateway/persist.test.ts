import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiGatewayV2Client, CreateApiCommand, CreateIntegrationCommand, CreateRouteCommand, CreateStageCommand, GetStageCommand } from '@aws-sdk/client-apigatewayv2';
import { CreateFunctionUrlConfigCommand, GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { clientConfig, startTestEngine } from '../../helpers/engine.js';
import { createActive, waitFor, zipFixture } from '../../fixtures/lambda/helpers.js';
import { httpCall } from './http.js';

const dir = mkdtempSync(join(tmpdir(), 'evlab-apigw-persist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('API Gateway and function URLs with --persist', () => {
  it('serves the same invoke URLs after a restart', async () => {
    const first = await startTestEngine({ persist: dir });
    const lambda = new LambdaClient(clientConfig(first.url));
    const fn = await createActive(lambda, { FunctionName: 'kept', Code: { ZipFile: await zipFixture('http-echo') } });
    const v2 = new ApiGatewayV2Client(clientConfig(first.url));
    const api = await v2.send(new CreateApiCommand({ Name: 'kept', ProtocolType: 'HTTP' }));
    const integration = await v2.send(new CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fn.FunctionArn, PayloadFormatVersion: '2.0' }));
    await v2.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: 'GET /items/{id}', Target: `integrations/${integration.IntegrationId}` }));
    await v2.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: 'dev', AutoDeploy: true }));
    const url = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'kept', AuthType: 'NONE' }));
    const urlId = url.FunctionUrl!.split('/').at(-2);
    const deploymentId = (await v2.send(new GetStageCommand({ ApiId: api.ApiId, StageName: 'dev' }))).DeploymentId;
    await first.stop();

    const second = await startTestEngine({ persist: dir });
    try {
      const lambda2 = new LambdaClient(clientConfig(second.url));
      await waitFor('the restored function to be Active', async () => (await lambda2.send(new GetFunctionConfigurationCommand({ FunctionName: 'kept' }))).State === 'Active');
      const v2again = new ApiGatewayV2Client(clientConfig(second.url));
      expect((await v2again.send(new GetStageCommand({ ApiId: api.ApiId, StageName: 'dev' }))).DeploymentId).toBe(deploymentId);
      const viaApi = await httpCall(`${second.url}/_aws/execute-api/${api.ApiId}/dev/items/9`);
      expect(viaApi.status).toBe(200);
      expect(viaApi.json()).toMatchObject({ routeKey: 'GET /items/{id}', pathParameters: { id: '9' } });
      const viaUrl = await httpCall(`${second.url}/_aws/lambda-url/${urlId}/simple`);
      expect(viaUrl.json()).toEqual({ hello: 'world' });
    } finally {
      await second.stop();
    }
  });
});
