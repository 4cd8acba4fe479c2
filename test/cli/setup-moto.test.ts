import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, DeleteItemCommand, DescribeTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutRuleCommand, RemoveTargetsCommand, DescribeEventBusCommand } from '@aws-sdk/client-eventbridge';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
} from '@aws-sdk/client-lambda';
import { DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { runSetup, setup } from '../../src/commands/setup.js';
import { runTeardown, teardown } from '../../src/commands/teardown.js';
import { packageFunction } from '../../src/package/index.js';
import { clientConfig } from '../helpers/engine.js';
import { startMoto, type MotoServer } from '../helpers/moto.js';
import { captureContext, copyStack } from '../fixtures/stacks/project.js';

let moto: MotoServer;
let project: ReturnType<typeof copyStack>;
let sqs: SQSClient;
let lambda: LambdaClient;
let events: EventBridgeClient;
let ddb: DynamoDBClient;
let iam: IAMClient;

beforeAll(async () => {
  moto = await startMoto();
  project = copyStack('good');
  const config = clientConfig(moto.url);
  sqs = new SQSClient(config);
  lambda = new LambdaClient(config);
  events = new EventBridgeClient(config);
  ddb = new DynamoDBClient(config);
  iam = new IAMClient(config);
});

afterAll(async () => {
  for (const client of [sqs, lambda, events, ddb, iam]) client?.destroy();
  project?.remove();
  await moto?.stop();
});

const run = (flags: { json?: boolean } = {}) => captureContext(project.dir, { endpoint: moto.url, ...flags });

async function queueAttributes(name: string): Promise<Record<string, string>> {
  const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
  return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
}
async function targetsOf(rule: string, bus = 'default') {
  return (await events.send(new ListTargetsByRuleCommand({ Rule: rule, EventBusName: bus }))).Targets ?? [];
}
const actions = (changes: { action: string; resource: { type: string; name: string } }[]) =>
  changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.resource.type} ${c.resource.name}`);

describe('evlab setup against moto', () => {
  it('creates every resource of the stack from nothing', async () => {
    const { ctx, stdout } = run();
    expect(await runSetup({}, ctx)).toBe(0);
    expect(stdout()).toContain('✓ endpoint');
    expect(stdout()).toContain('+ function lambda-testing: does not exist');
    expect(stdout()).toMatch(/16 created, 0 updated, 0 deleted, 0 unchanged/);

    await iam.send(new GetRoleCommand({ RoleName: 'lambda-role' }));
    const jobs = await queueAttributes('jobs');
    expect(JSON.parse(jobs.RedrivePolicy!)).toMatchObject({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:jobs-dlq' });
    expect(Number(JSON.parse(jobs.RedrivePolicy!).maxReceiveCount)).toBe(4);
    expect(jobs.VisibilityTimeout).toBe('30');
    await queueAttributes('lambda-testing-dlq');

    const table = (await ddb.send(new DescribeTableCommand({ TableName: 'Distance' }))).Table!;
    expect(table.TableStatus).toBe('ACTIVE');
    expect(table.KeySchema).toEqual([{ AttributeName: 'Name', KeyType: 'HASH' }, { AttributeName: 'city', KeyType: 'RANGE' }]);
    const seeded = await ddb.send(new GetItemCommand({ TableName: 'Distance', Key: { Name: { S: 'Distance' }, city: { S: 'all' } } }));
    expect(seeded.Item?.Distance).toEqual({ N: '0' });

    const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'lambda-testing' }));
    expect(fn).toMatchObject({ Runtime: 'python3.12', Handler: 'app.handler', Timeout: 10, MemorySize: 128, Role: 'arn:aws:iam::000000000000:role/lambda-role' });
    expect(fn.Environment?.Variables).toEqual({ TABLE_NAME: 'Distance' });
    const code = await packageFunction({ runtime: 'python3.12', source: 'functions/distance' }, project.dir);
    expect(fn.CodeSha256).toBe(code.codeSha256);
    expect((await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'lambda-testing' }))).MaximumRetryAttempts).toBe(2);

    await events.send(new DescribeEventBusCommand({ Name: 'orders' }));
    const rule = await events.send(new DescribeRuleCommand({ Name: 'cli-events' }));
    expect(JSON.parse(rule.EventPattern!)).toEqual({ source: ['cli'] });
    const targets = await targetsOf('cli-events');
    expect(targets.map((t) => t.Id).sort()).toEqual(['jobs', 'lambda-testing']);
    expect(targets.find((t) => t.Id === 'jobs')).toMatchObject({ Arn: 'arn:aws:sqs:us-east-1:000000000000:jobs', InputPath: '$.detail' });
    const transformed = (await targetsOf('order-placed', 'orders'))[0]!;
    expect(transformed.InputTransformer).toEqual({ InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"order": <id>}' });

    const policy = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: 'lambda-testing' }))).Policy!);
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Sid: 'evlab-cli-events',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:events:us-east-1:000000000000:rule/cli-events' } },
      }),
    );
    const mappings = (await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'counter' }))).EventSourceMappings!;
    expect(mappings).toHaveLength(1);
    expect(mappings[0]).toMatchObject({ EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:jobs', BatchSize: 10 });
  });

  it('changes nothing on a second run and says so', async () => {
    const { ctx, stdout } = run();
    expect(await runSetup({}, ctx)).toBe(0);
    expect(stdout()).toMatch(/no changes: 16 resources up to date/);
    const json = run({ json: true });
    expect(await runSetup({}, json.ctx)).toBe(0);
    const result = JSON.parse(json.stdout());
    expect(result).toMatchObject({ schemaVersion: 1, endpoint: { url: moto.url, kind: 'moto' }, applied: false });
    expect(result.changes.every((c: { action: string }) => c.action === 'noop')).toBe(true);
    expect(result.checks.map((c: { name: string }) => c.name)).toEqual(['stack file', 'endpoint', 'services', 'account', 'dead-letter queues']);
    // moto drops a function's DeadLetterConfig: "no changes" must not hide that the declared DLQ is not there.
    expect(result.checks[4]).toMatchObject({ status: 'warn', detail: expect.stringContaining('lambda-testing → lambda-testing-dlq cannot be set there') });
  });

  it('repairs drift: a removed target, a changed pattern, a deleted queue, changed code and configuration', async () => {
    await events.send(new RemoveTargetsCommand({ Rule: 'cli-events', Ids: ['jobs'] }));
    await events.send(new PutRuleCommand({ Name: 'order-placed', EventBusName: 'orders', EventPattern: '{"source":["changed"]}' }));
    const dlqUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'lambda-testing-dlq' }))).QueueUrl!;
    await sqs.send(new DeleteQueueCommand({ QueueUrl: dlqUrl }));
    writeFileSync(join(project.dir, 'functions/counter/index.mjs'), 'export const handler = async () => ({ changed: true });\n');

    const dry = run({ json: true });
    expect(await runSetup({ dryRun: true }, dry.ctx)).toBe(0);
    const plan = JSON.parse(dry.stdout());
    expect(plan.applied).toBe(false);
    expect(actions(plan.changes)).toEqual([
      'create queue lambda-testing-dlq',
      'update function counter',
      'update rule order-placed',
      'create target cli-events/jobs',
    ]);
    // --dry-run changed nothing.
    expect((await targetsOf('cli-events')).map((t) => t.Id)).toEqual(['lambda-testing']);
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'lambda-testing-dlq' }))).rejects.toThrow();

    const { ctx, stdout } = run();
    expect(await runSetup({}, ctx)).toBe(0);
    expect(stdout()).toContain('~ function counter: code changed');
    expect(stdout()).toContain('~ rule order-placed: pattern changed');
    expect((await targetsOf('cli-events')).map((t) => t.Id).sort()).toEqual(['jobs', 'lambda-testing']);
    expect(JSON.parse((await events.send(new DescribeRuleCommand({ Name: 'order-placed', EventBusName: 'orders' }))).EventPattern!)).toEqual({
      'detail-type': ['OrderPlaced'],
      detail: { total: [{ numeric: ['>', 0] }] },
    });
    await queueAttributes('lambda-testing-dlq');
    const code = await packageFunction({ runtime: 'nodejs20.x', source: 'functions/counter' }, project.dir);
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'counter' }))).CodeSha256).toBe(code.codeSha256);

    const again = await setup({}, run().ctx);
    expect(actions(again.changes)).toEqual([]);
  });

  it('keeps a target added by hand unless told to adopt it, and puts back a drifted queue setting', async () => {
    const { PutTargetsCommand } = await import('@aws-sdk/client-eventbridge');
    const { SetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
    await events.send(new PutTargetsCommand({ Rule: 'cli-events', Targets: [{ Id: 'manual', Arn: 'arn:aws:sqs:us-east-1:000000000000:jobs-dlq' }] }));
    const jobsUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))).QueueUrl!;
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: jobsUrl, Attributes: { VisibilityTimeout: '99' } }));
    // evlab created the queue (so it is put back), not the target (so it stays until --adopt).
    const kept = await setup({}, run().ctx);
    expect(kept.skipped.map((c) => `${c.action} ${c.resource.type} ${c.resource.name}`)).toEqual(['delete target cli-events/manual']);
    expect((await targetsOf('cli-events')).map((t) => t.Id).sort()).toEqual(['jobs', 'lambda-testing', 'manual']);
    expect((await queueAttributes('jobs')).VisibilityTimeout).toBe('30');
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: jobsUrl, Attributes: { VisibilityTimeout: '99' } }));
    const result = await setup({ adopt: true }, run().ctx);
    expect(result.skipped).toEqual([]);
    expect(actions(result.changes)).toEqual(['delete target cli-events/manual', 'update queue jobs']);
    expect(result.changes.find((c) => c.resource.name === 'jobs')!.reason).toBe('VisibilityTimeout 99 → 30');
    expect((await targetsOf('cli-events')).map((t) => t.Id).sort()).toEqual(['jobs', 'lambda-testing']);
    expect((await queueAttributes('jobs')).VisibilityTimeout).toBe('30');
  });

  it('--fresh deletes the resources and recreates them, seeding the table again', async () => {
    await ddb.send(new DeleteItemCommand({ TableName: 'Distance', Key: { Name: { S: 'Distance' }, city: { S: 'all' } } }));
    const result = await setup({ fresh: true }, run().ctx);
    expect(result.applied).toBe(true);
    const done = actions(result.changes);
    expect(done.filter((c) => c.startsWith('delete'))).toHaveLength(15);
    expect(done.filter((c) => c.startsWith('create'))).toHaveLength(15);
    expect(done.some((c) => c.includes('role'))).toBe(false);
    const seeded = await ddb.send(new GetItemCommand({ TableName: 'Distance', Key: { Name: { S: 'Distance' }, city: { S: 'all' } } }));
    expect(seeded.Item).toBeDefined();
    expect(actions((await setup({}, run().ctx)).changes)).toEqual([]);
  });

  it('teardown deletes only what the stack names and tolerates what is already gone', async () => {
    const { CreateQueueCommand } = await import('@aws-sdk/client-sqs');
    await sqs.send(new CreateQueueCommand({ QueueName: 'not-in-the-stack' }));
    const json = run({ json: true });
    expect(await runTeardown({}, json.ctx)).toBe(0);
    const result = JSON.parse(json.stdout());
    expect(result.schemaVersion).toBe(1);
    expect(result.deletions).toHaveLength(15);
    expect(result.deletions[0].resource).toEqual({ type: 'subscription', name: 'jobs → counter' });
    expect(result.deletions.at(-1).resource).toEqual({ type: 'queue', name: 'jobs-dlq' });

    const left = (await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
    expect(left.map((u) => u.split('/').pop())).toEqual(['not-in-the-stack']);
    await expect(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'counter' }))).rejects.toThrow();
    await expect(ddb.send(new DescribeTableCommand({ TableName: 'Distance' }))).rejects.toThrow();
    await expect(events.send(new DescribeEventBusCommand({ Name: 'orders' }))).rejects.toThrow();
    await iam.send(new GetRoleCommand({ RoleName: 'lambda-role' }));

    const again = await teardown(run().ctx);
    expect(again.deletions).toEqual([]);
    expect(again.missing.length).toBeGreaterThan(10);
    const human = run();
    expect(await runTeardown({}, human.ctx)).toBe(0);
    expect(human.stdout()).toMatch(/nothing to delete/);
  });
});

describe('evlab setup against moto: less common resources', () => {
  it('creates log-group and bus targets, seeds N and B keys, and keeps a disabled rule disabled', async () => {
    const { mkdirSync, mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'evlab-extras-'));
    try {
      mkdirSync(join(dir, 'fn'));
      writeFileSync(join(dir, 'fn', 'index.js'), 'exports.handler = async () => 1;\n');
      writeFileSync(
        join(dir, 'evlab.json'),
        JSON.stringify({
          role: 'arn:aws:iam::000000000000:role/custom-role',
          queues: { inbox: {} },
          tables: {
            Counters: { partitionKey: { name: 'id', type: 'N' }, seed: [{ id: 1, n: 0 }, { id: 2, n: 5 }] },
            Blobs: { partitionKey: { name: 'key', type: 'B' }, seed: [{ key: 'AAEC', note: 'bytes 0,1,2' }] },
          },
          functions: { worker: { runtime: 'nodejs20.x', handler: 'index.handler', source: 'fn', timeout: 5 } },
          buses: { audit: {} },
          rules: {
            everything: {
              pattern: { source: [{ prefix: '' }] },
              enabled: false,
              description: 'copies',
              targets: [{ logGroup: '/aws/events/everything' }, { bus: 'audit' }, { queue: 'inbox', input: { fixed: true } }],
            },
          },
          subscriptions: [{ queue: 'inbox', function: 'worker', batchSize: 5 }],
        }),
      );
      const ctx = () => captureContext(dir, { endpoint: moto.url }).ctx;
      const first = await setup({}, ctx());
      expect(first.applied).toBe(true);
      expect(actions(first.changes)).toContain('create role custom-role');
      expect(actions(first.changes)).toContain('create log-group /aws/events/everything');
      const targets = await targetsOf('everything');
      expect(targets.map((t) => t.Arn).sort()).toEqual([
        'arn:aws:events:us-east-1:000000000000:event-bus/audit',
        'arn:aws:logs:us-east-1:000000000000:log-group:/aws/events/everything',
        'arn:aws:sqs:us-east-1:000000000000:inbox',
      ]);
      expect(targets.find((t) => t.Id === 'inbox')!.Input).toBe('{"fixed":true}');
      expect((await events.send(new DescribeRuleCommand({ Name: 'everything' }))).State).toBe('DISABLED');
      const counter = await ddb.send(new GetItemCommand({ TableName: 'Counters', Key: { id: { N: '2' } } }));
      expect(counter.Item?.n).toEqual({ N: '5' });
      const blob = await ddb.send(new GetItemCommand({ TableName: 'Blobs', Key: { key: { B: Uint8Array.from([0, 1, 2]) } } }));
      expect(blob.Item?.note).toEqual({ S: 'bytes 0,1,2' });
      expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'worker' }))).Role).toBe('arn:aws:iam::000000000000:role/custom-role');

      expect(actions((await setup({}, ctx())).changes)).toEqual([]);

      const stack = JSON.parse(readFileSync(join(dir, 'evlab.json'), 'utf8'));
      stack.subscriptions[0].batchSize = 7;
      stack.rules.everything.enabled = true;
      writeFileSync(join(dir, 'evlab.json'), JSON.stringify(stack));
      const changed = await setup({}, ctx());
      expect(actions(changed.changes)).toEqual(['update rule everything', 'update subscription inbox → worker']);
      const mapping = (await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'worker' }))).EventSourceMappings![0]!;
      expect(mapping.BatchSize).toBe(7);
      expect(actions((await setup({}, ctx())).changes)).toEqual([]);
      expect((await teardown(ctx())).deletions.length).toBeGreaterThan(8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('evlab setup against moto: a rule moved to another bus', () => {
  it('removes the rule from the old bus and creates it on the new one', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'evlab-move-'));
    const { ListRulesCommand } = await import('@aws-sdk/client-eventbridge');
    const stack = { queues: { moved: {} }, buses: { other: {} }, rules: { mover: { pattern: { source: ['m'] }, targets: [{ queue: 'moved' }] } } };
    try {
      writeFileSync(join(dir, 'evlab.json'), JSON.stringify(stack));
      const ctx = () => captureContext(dir, { endpoint: moto.url }).ctx;
      await setup({}, ctx());
      writeFileSync(join(dir, 'evlab.json'), JSON.stringify({ ...stack, rules: { mover: { ...stack.rules.mover, bus: 'other' } } }));
      const moved = await setup({}, ctx());
      expect(actions(moved.changes)).toEqual(['delete rule default/mover', 'create rule mover', 'create target mover/moved']);
      expect(((await events.send(new ListRulesCommand({ NamePrefix: 'mover' }))).Rules ?? []).length).toBe(0);
      expect((await targetsOf('mover', 'other')).map((t) => t.Id)).toEqual(['moved']);
      expect(actions((await setup({}, ctx())).changes)).toEqual([]);
      await teardown(ctx());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
