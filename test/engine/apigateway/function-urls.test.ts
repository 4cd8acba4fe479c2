import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddPermissionCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  LambdaClient,
  ListFunctionUrlConfigsCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import type { Engine } from '../../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../../helpers/engine.js';
import { createActive, zipFixture } from '../../fixtures/lambda/helpers.js';
import { httpCall } from './http.js';

describe('Lambda function URLs', () => {
  let engine: Engine;
  let lambda: LambdaClient;
  let functionArn: string;

  beforeAll(async () => {
    engine = await startTestEngine();
    lambda = new LambdaClient(clientConfig(engine.url));
    functionArn = (await createActive(lambda, { FunctionName: 'url-echo', Code: { ZipFile: await zipFixture('http-echo') } })).FunctionArn!;
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('creates, reads, updates, lists and deletes a URL config; the URL works with no DNS', async () => {
    const created = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'url-echo', AuthType: 'NONE' }));
    expect(created).toMatchObject({ AuthType: 'NONE', FunctionArn: functionArn, InvokeMode: 'BUFFERED' });
    expect(created.FunctionUrl).toMatch(new RegExp(`^${engine.url}/_aws/lambda-url/[a-z0-9]{32}/$`));
    // The permission AWS needs for a public URL is recorded (not enforced).
    await lambda.send(
      new AddPermissionCommand({ FunctionName: 'url-echo', StatementId: 'public-url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' }),
    );
    await expect(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'url-echo', AuthType: 'NONE' }))).rejects.toMatchObject({
      name: 'ResourceConflictException',
      $metadata: { httpStatusCode: 409 },
    });
    await expect(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'url-echo', AuthType: 'OPEN' as never }))).rejects.toMatchObject({ name: 'ValidationException' });

    const got = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'url-echo' }));
    expect(got).toMatchObject({ FunctionUrl: created.FunctionUrl, CreationTime: created.CreationTime });
    const updated = await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'url-echo', AuthType: 'AWS_IAM', Cors: { AllowOrigins: ['*'], AllowMethods: ['*'] } }));
    expect(updated).toMatchObject({ AuthType: 'AWS_IAM', Cors: { AllowOrigins: ['*'] }, FunctionUrl: created.FunctionUrl });
    const preflight = await httpCall(`${created.FunctionUrl}any`, { method: 'OPTIONS', headers: [['Origin', 'http://app.local'], ['Access-Control-Request-Method', 'PUT']] });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect((await httpCall(`${created.FunctionUrl}simple`, { headers: [['Origin', 'http://app.local']] })).headers['access-control-allow-origin']).toBe('*');
    const listed = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'url-echo' }));
    expect(listed.FunctionUrlConfigs?.map((c) => c.FunctionUrl)).toEqual([created.FunctionUrl]);

    const res = await httpCall(`${created.FunctionUrl}jobs/7?x=1&x=2`, { method: 'POST', headers: [['Content-Type', 'application/json'], ['Cookie', 'k=v']], body: '{"hi":true}' });
    expect(res.status).toBe(200);
    const urlId = created.FunctionUrl!.split('/').at(-2)!;
    expect(res.json()).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/jobs/7',
      rawQueryString: 'x=1&x=2',
      cookies: ['k=v'],
      queryStringParameters: { x: '1,2' },
      body: '{"hi":true}',
      isBase64Encoded: false,
      requestContext: { apiId: urlId, stage: '$default', routeKey: '$default', http: { method: 'POST', path: '/jobs/7' } },
    });
    expect(res.json().pathParameters).toBeUndefined();

    // The host form LocalStack prints, reached through the Host header.
    const host = `${urlId}.lambda-url.us-east-1.localhost.localstack.cloud:${engine.port}`;
    const viaHost = await httpCall(`${engine.url}/cookies`, { host });
    expect(viaHost.status).toBe(201);
    expect(viaHost.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect((await httpCall(`${engine.url}/simple`, { host })).json()).toEqual({ hello: 'world' });
    const thrown = await httpCall(`${created.FunctionUrl}throw`);
    expect(thrown.status).toBe(502);

    await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'url-echo' }));
    await expect(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'url-echo' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect((await httpCall(created.FunctionUrl!)).status).toBe(404);
  });
});
