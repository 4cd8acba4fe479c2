import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { Engine } from '../../src/engine/index.js';
import { runStatus } from '../../src/commands/status.js';
import { runTail } from '../../src/commands/tail.js';
import { Writable } from 'node:stream';
import { createContext } from '../../src/context.js';
import { Output } from '../../src/ui/output.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { testContext } from '../fixtures/events/command-context.js';
import { createActive, invoke, zipFixture } from '../fixtures/lambda/helpers.js';

// A folder without evlab.json, and an endpoint holding what a user made by hand with the aws CLI.
let engine: Engine;
let empty: string;

beforeAll(async () => {
  engine = await startTestEngine();
  empty = mkdtempSync(join(tmpdir(), 'evlab-nostack-'));
  const config = clientConfig(engine.url);
  const sqs = new SQSClient(config);
  const lambda = new LambdaClient(config);
  const events = new EventBridgeClient(config);
  const ddb = new DynamoDBClient(config);
  const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: 'hand-dlq' }))).QueueUrl!;
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await sqs.send(new CreateQueueCommand({ QueueName: 'hand-jobs', Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) } }));
  await ddb.send(new CreateTableCommand({
    TableName: 'HandTable', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
  }));
  const fn = await createActive(lambda, { FunctionName: 'hand-fn', Handler: 'index.handler', Code: { ZipFile: await zipFixture('node-esm') } });
  await events.send(new CreateEventBusCommand({ Name: 'hand-bus' }));
  await events.send(new PutRuleCommand({ Name: 'hand-rule', EventBusName: 'hand-bus', EventPattern: JSON.stringify({ source: ['hand'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'hand-rule', EventBusName: 'hand-bus', Targets: [{ Id: 't1', Arn: fn.FunctionArn! }] }));
  // A run creates the function's log group, which tail must find on its own.
  await invoke(lambda, 'hand-fn', { hello: 'from the hand-made function' });
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const { ApiGatewayV2Client, CreateApiCommand } = await import('@aws-sdk/client-apigatewayv2');
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'hand-bucket' }));
  const apis = new ApiGatewayV2Client(config);
  await apis.send(new CreateApiCommand({ Name: 'hand-api', ProtocolType: 'HTTP' }));
  for (const c of [sqs, lambda, events, ddb, s3, apis]) c.destroy();
});
afterAll(async () => {
  rmSync(empty, { recursive: true, force: true });
  await engine?.stop();
});

describe('evlab status with no stack file', () => {
  it('lists what the endpoint holds: functions, queues with their DLQ link, tables, buses, rules, log groups', async () => {
    const run = testContext({ cwd: empty, flags: { endpoint: engine.url } });
    expect(await runStatus({}, run.ctx)).toBe(0);
    const text = run.stdout();
    expect(text).toContain('stack     none here: everything evlab engine');
    expect(text).toMatch(/hand-fn +Active/);
    expect(text).toMatch(/hand-jobs +0 +0 +0 +→ hand-dlq after 2 receives/);
    expect(text).toMatch(/hand-dlq \(DLQ\) +0 +0 +0 +dead letters of queue hand-jobs/);
    expect(text).toContain('HandTable  0 items');
    expect(text).toMatch(/hand-rule +hand-bus +ENABLED .*function hand-fn/);
    expect(text).toContain('/aws/lambda/hand-fn');
    expect(text).toContain('✓ no problems');
  });

  it('--json carries the inventory', async () => {
    const run = testContext({ cwd: empty, flags: { endpoint: engine.url, json: true } });
    expect(await runStatus({}, run.ctx)).toBe(0);
    const status = JSON.parse(run.stdout());
    expect(status.functions.map((f: { name: string }) => f.name)).toEqual(['hand-fn']);
    expect(status.tables[0]).toMatchObject({ name: 'HandTable', keys: ['pk', 'sk'] });
    expect(status.buses.map((b: { name: string }) => b.name)).toEqual(['hand-bus']);
    expect(status.inventory.logGroups).toContain('/aws/lambda/hand-fn');
    expect(status.inventory.unavailable).toEqual([]);
    expect(JSON.stringify(status)).toContain('hand-bucket');
    expect(JSON.stringify(status)).toContain('hand-api');
  });
});

describe('evlab tail --no-follow with no stack file', () => {
  it('reads every /aws/lambda/* group the endpoint has', async () => {
    const run = testContext({ cwd: empty, flags: { endpoint: engine.url } });
    expect(await runTail({ follow: false }, run.ctx)).toBe(0);
    expect(run.stderr()).toContain('reading /aws/lambda/hand-fn on evlab engine');
    expect(run.stdout()).toMatch(/hand-fn .*START RequestId/);
  });
});

describe('evlab status --watch', () => {
  it('reads again each round until stopped; piped with --json, one NDJSON line per round', async () => {
    const stop = new AbortController();
    const lines: string[] = [];
    const stdout = new Writable({
      write(chunk, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        // Stopped as Ctrl-C would, once the second round is out.
        if (lines.length === 2) stop.abort();
        done();
      },
    });
    const stderr = new Writable({ write: (_c, _e, done) => done() });
    const ctx = createContext({ autoStart: false, endpoint: engine.url, json: true }, { cwd: empty, env: {}, out: new Output({ json: true, color: false, stdout, stderr }), signal: stop.signal });
    expect(await runStatus({ watch: 0.5 }, ctx)).toBe(0);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(JSON.parse(line).functions.map((f: { name: string }) => f.name)).toEqual(['hand-fn']);
  });

  it('refuses a watch interval below half a second', async () => {
    const run = testContext({ cwd: empty, flags: { endpoint: engine.url } });
    await expect(runStatus({ watch: 0 }, run.ctx)).rejects.toMatchObject({ code: 'InvalidWatch' });
  });
});
