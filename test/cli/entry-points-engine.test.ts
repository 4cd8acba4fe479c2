// Buckets, APIs and function URLs on the embedded engine through the commands users run: setup creates them
// (seed objects, notifications, routes, permissions), a second setup has no changes, drift is repaired,
// upload --wait shows what a notification caused, call reaches routes and URLs, status lists them, teardown
// empties and removes them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteBucketCommand, GetObjectCommand, HeadBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { ApiGatewayV2Client, DeleteRouteCommand, GetApisCommand, GetRoutesCommand } from '@aws-sdk/client-apigatewayv2';
import { DeleteFunctionUrlConfigCommand, GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { setup } from '../../src/commands/setup.js';
import { teardown } from '../../src/commands/teardown.js';
import { runUpload, type UploadResult } from '../../src/commands/upload.js';
import { runCall, type CallResult } from '../../src/commands/call.js';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { captureContext, copyStack } from '../fixtures/stacks/project.js';
import { gatherStatus } from '../../src/status/gather.js';
import { connect } from '../../src/aws/connect.js';
import { loadStack } from '../../src/stack/load.js';

let engine: Engine;
let project: ReturnType<typeof copyStack>;
let s3: S3Client;
let v2: ApiGatewayV2Client;
let lambda: LambdaClient;

beforeAll(async () => {
  engine = await startTestEngine();
  project = copyStack('entry-points');
  s3 = new S3Client({ ...clientConfig(engine.url), forcePathStyle: true });
  v2 = new ApiGatewayV2Client(clientConfig(engine.url));
  lambda = new LambdaClient(clientConfig(engine.url));
});
afterAll(async () => {
  for (const c of [s3, v2, lambda]) c?.destroy();
  await engine?.stop();
  project?.remove();
});

const ctx = (json = false) => captureContext(project.dir, { endpoint: engine.url, json });
const actions = (changes: { action: string; resource: { type: string; name: string } }[]) =>
  changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.resource.type} ${c.resource.name}`);

async function call(args: Parameters<typeof runCall>[0], config?: string): Promise<{ code: number; result: CallResult }> {
  const run = captureContext(project.dir, { endpoint: engine.url, json: true, ...(config ? { config } : {}) });
  const code = await runCall(args, run.ctx);
  return { code, result: JSON.parse(run.stdout()) as CallResult };
}

describe('buckets, APIs and function URLs on the engine', () => {
  it('setup creates everything in dependency order, then has no changes', async () => {
    const first = await setup({}, ctx().ctx);
    expect(actions(first.changes)).toEqual([
      'create queue uploads',
      'create function api',
      'create function worker',
      'create log-group /aws/apigateway/entry-api',
      'create bucket entry-uploads',
      'create api entry-api',
      'create permission api/evlab-apigw-entry-api',
      'create permission api/evlab-function-url',
      'create permission worker/evlab-s3-entry-uploads',
      'create notification entry-uploads',
      'create function-url api',
    ]);
    // The seed folder, keyed by the paths inside it.
    const seed = await s3.send(new GetObjectCommand({ Bucket: 'entry-uploads', Key: 'job_offers/seed.csv' }));
    expect(await seed.Body!.transformToString()).toBe('id,city\n1,Paris\n');
    expect(seed.ContentType).toBe('text/csv');
    const policy = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: 'worker' }))).Policy!);
    expect(policy.Statement).toEqual([expect.objectContaining({ Sid: 'evlab-s3-entry-uploads', Principal: { Service: 's3.amazonaws.com' } })]);

    const second = await setup({}, ctx().ctx);
    expect(actions(second.changes)).toEqual([]);
  });

  it('repairs drift: a deleted route, notifications and URL come back, the API keeps its id', async () => {
    const apiId = (await v2.send(new GetApisCommand({}))).Items!.find((a) => a.Name === 'entry-api')!.ApiId!;
    const routes = (await v2.send(new GetRoutesCommand({ ApiId: apiId }))).Items!;
    await v2.send(new DeleteRouteCommand({ ApiId: apiId, RouteId: routes.find((r) => r.RouteKey === 'GET /items/{id}')!.RouteId }));
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'entry-uploads', NotificationConfiguration: {} }));
    await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'api' }));

    const repaired = await setup({}, ctx().ctx);
    expect(actions(repaired.changes)).toEqual(['update api entry-api', 'create notification entry-uploads', 'create function-url api']);
    expect(repaired.changes.find((c) => c.resource.type === 'api')!.reason).toBe('route GET /items/{id} added');
    expect((await v2.send(new GetRoutesCommand({ ApiId: apiId }))).Items!.map((r) => r.RouteKey).sort()).toEqual(['ANY /{proxy+}', 'GET /items/{id}']);
    expect(actions((await setup({}, ctx().ctx)).changes)).toEqual([]);
  });

  it('call: a route through the invoke URL (stage prefix overwritten away), a function URL, exit 1 on a 5xx', async () => {
    const route = await call({ method: 'post', path: '/v1/jobs', api: 'entry-api', data: '{"title":"x"}' });
    expect(route.code).toBe(0);
    expect(route.result.status).toBe(200);
    expect(route.result.request.url).toMatch(/\/dev\/v1\/jobs$/);
    expect(route.result.headers['x-handled-by']).toBe('api');
    expect(route.result.json).toEqual({ method: 'POST', path: '/v1/jobs', body: '{"title":"x"}', tag: null });

    const url = await call({ method: 'GET', path: '/fail', urlOf: 'api' });
    expect(url.code).toBe(1);
    expect(url.result.status).toBe(500);
    expect(url.result.json).toMatchObject({ path: '/fail' });
  });

  it('call: the body from stdin, headers with -H, usage errors before anything is sent', async () => {
    const stdin = Readable.from([Buffer.from('line one\n')]);
    const piped = await call({ method: 'PUT', path: '/notes', api: 'entry-api', data: '-', header: ['x-tag: blue'], stdin });
    expect(piped.result.json).toEqual({ method: 'PUT', path: '/notes', body: 'line one\n', tag: 'blue' });
    await expect(runCall({ method: 'GET', path: 'v1', api: 'entry-api' }, ctx().ctx)).rejects.toMatchObject({ code: 'InvalidPath' });
    await expect(runCall({ method: 'GET', path: '/', api: 'entry-api', urlOf: 'api' }, ctx().ctx)).rejects.toMatchObject({ code: 'CallTargetMissing' });
    await expect(runCall({ method: 'GET', path: '/', api: 'entry-api', header: ['nocolon'] }, ctx().ctx)).rejects.toMatchObject({ code: 'InvalidHeader' });
    await expect(runCall({ method: 'GET', path: '/', urlOf: 'worker' }, ctx().ctx)).rejects.toMatchObject({ code: 'NoFunctionUrl' });
  });

  it('a REST API: {proxy+} resources and ANY methods, deployed to stage dev, idempotent, called by its invoke URL', async () => {
    const rest = captureContext(project.dir, { endpoint: engine.url, config: 'evlab.rest.json' }).ctx;
    const first = await setup({}, rest);
    expect(actions(first.changes)).toEqual([
      'create function rest-handler',
      'create log-group /aws/apigateway/entry-rest',
      'create api entry-rest',
      'create permission rest-handler/evlab-apigw-entry-rest',
    ]);
    expect(actions((await setup({}, captureContext(project.dir, { endpoint: engine.url, config: 'evlab.rest.json' }).ctx)).changes)).toEqual([]);
    const item = await call({ method: 'GET', path: '/items/7', api: 'entry-rest' }, 'evlab.rest.json');
    expect(item.result.request.url).toMatch(/\/dev\/items\/7$/);
    expect(item.result.json).toEqual({ method: 'GET', path: '/items/7', body: null, tag: null });
    const down = await teardown(captureContext(project.dir, { endpoint: engine.url, config: 'evlab.rest.json' }).ctx);
    expect(down.deletions.map((c) => `${c.resource.type} ${c.resource.name}`)).toContain('api entry-rest');
  });

  it('upload --wait: the notification invoked the worker, which the wait saw finish', async () => {
    mkdirSync(join(project.dir, 'data', 'job_offers'), { recursive: true });
    writeFileSync(join(project.dir, 'data', 'job_offers', 'more.csv'), 'id,city\n2,Rome\n');
    writeFileSync(join(project.dir, 'data', 'notes.txt'), 'not a csv');
    const run = ctx(true);
    const code = await runUpload({ paths: ['data'], bucket: 'entry-uploads', wait: true }, run.ctx);
    expect(code, run.stderr()).toBe(0);
    const result = JSON.parse(run.stdout()) as UploadResult;
    expect(result.uploaded.map((u) => u.key)).toEqual(['job_offers/more.csv', 'notes.txt']);
    expect(result.wait).toMatchObject({ settled: true, method: 'idle-signal' });
    // Only the .csv under job_offers/ matched the worker's filter: one invocation, logged with its key.
    const logs = new CloudWatchLogsClient(clientConfig(engine.url));
    const lines = (await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/worker', filterPattern: '"object "' }))).events!.map((e) => e.message!.trim());
    logs.destroy();
    expect(lines.filter((l) => l.includes('job_offers/more.csv'))).toHaveLength(1);
    expect(lines.some((l) => l.includes('notes.txt'))).toBe(false);
    const status = await statusOf();
    expect(status.buckets![0]).toMatchObject({ name: 'entry-uploads', objects: 3, firstKeys: ['job_offers/more.csv', 'job_offers/seed.csv', 'notes.txt'] });
  });

  it('upload refuses a missing bucket and missing paths before sending anything', async () => {
    const run = ctx();
    await expect(runUpload({ paths: ['data'], bucket: 'nope' }, run.ctx)).rejects.toMatchObject({ code: 'NoSuchBucket' });
    await expect(runUpload({ paths: ['missing.csv', 'data'], bucket: 'entry-uploads' }, run.ctx)).rejects.toMatchObject({
      code: 'InvalidUpload',
      problems: [{ path: 'missing.csv', message: 'no such file or folder' }],
    });
  });

  it('status lists the invoke URL and function URL; teardown empties and removes the bucket and the API', async () => {
    const status = await statusOf();
    expect(status.apis![0]).toMatchObject({ name: 'entry-api', stage: 'dev', routes: ['ANY /{proxy+}', 'GET /items/{id}'] });
    expect(status.apis![0]!.invokeUrl).toMatch(/\/dev$/);
    expect(status.functionUrls![0]!.url).toMatch(/^http:\/\/127\.0\.0\.1/);
    expect(status.problems).toEqual([]);

    const down = await teardown(ctx().ctx);
    expect(down.deletions.map((c) => `${c.resource.type} ${c.resource.name}`)).toContain('bucket entry-uploads');
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'entry-uploads' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    expect((await v2.send(new GetApisCommand({}))).Items ?? []).toEqual([]);
    await expect(s3.send(new DeleteBucketCommand({ Bucket: 'entry-uploads' }))).rejects.toThrow();
  });
});

async function statusOf() {
  const c = ctx().ctx;
  const loaded = await loadStack(c);
  const conn = await connect(c, { stack: loaded.stack });
  try {
    return await gatherStatus(conn, loaded, { limit: 5, stackFile: 'evlab.json' });
  } finally {
    conn.close();
  }
}
