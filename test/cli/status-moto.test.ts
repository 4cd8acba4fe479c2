import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, PurgeQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { runStatus } from '../../src/commands/status.js';
import { packageFunction } from '../../src/package/index.js';
import type { StackFile } from '../../src/stack/types.js';
import { clientConfig } from '../helpers/engine.js';
import { startMoto, type MotoServer } from '../helpers/moto.js';
import { testContext, writeProject } from '../fixtures/events/command-context.js';

let moto: MotoServer;
let sqs: SQSClient;
let dlqUrl: string;
let healthy: ReturnType<typeof writeProject>;
let broken: ReturnType<typeof writeProject>;

const stack: StackFile = {
  queues: { jobs: { deadLetterQueue: 'jobs-dlq', maxReceiveCount: 4 }, 'jobs-dlq': {}, 'counter-dlq': {} },
  tables: { Distance: { partitionKey: { name: 'Name', type: 'S' }, sortKey: { name: 'city', type: 'S' } } },
  functions: { counter: { runtime: 'python3.12', handler: 'app.handler', source: 'functions/counter', deadLetterQueue: 'counter-dlq' } },
  rules: { 'cli-events': { pattern: { source: ['cli'], 'detail-type': ['distance.add'] }, targets: [{ queue: 'jobs' }] } },
};

beforeAll(async () => {
  moto = await startMoto();
  const config = clientConfig(moto.url);
  sqs = new SQSClient(config);
  const ddb = new DynamoDBClient(config);
  const events = new EventBridgeClient(config);
  const iam = new IAMClient(config);
  const lambda = new LambdaClient(config);
  healthy = writeProject(stack);
  broken = writeProject({ ...stack, tables: { ...stack.tables, Gone: { partitionKey: { name: 'id', type: 'S' } } }, buses: { orders: {} } });

  const arnOf = async (url: string) => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'jobs-dlq' }))).QueueUrl!;
  const counterDlq = (await sqs.send(new CreateQueueCommand({ QueueName: 'counter-dlq' }))).QueueUrl!;
  const jobs = (await sqs.send(new CreateQueueCommand({
    QueueName: 'jobs',
    Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(dlqUrl), maxReceiveCount: 4 }) },
  }))).QueueUrl!;
  await sqs.send(new SendMessageCommand({ QueueUrl: jobs, MessageBody: '{}' }));
  await ddb.send(new CreateTableCommand({
    TableName: 'Distance', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'Name', KeyType: 'HASH' }, { AttributeName: 'city', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'Name', AttributeType: 'S' }, { AttributeName: 'city', AttributeType: 'S' }],
  }));
  await ddb.send(new BatchWriteItemCommand({
    RequestItems: {
      Distance: ['all', 'Paris', 'Lyon', 'Nice'].map((city, i) => ({ PutRequest: { Item: { Name: { S: 'Distance' }, city: { S: city }, Distance: { N: String(i * 10) }, big: { N: '12345678901234567890' } } } })),
    },
  }));
  await iam.send(new CreateRoleCommand({ RoleName: 'lambda-role', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }));
  const { zip } = await packageFunction(stack.functions!.counter!, healthy.dir, { cache: false });
  await lambda.send(new CreateFunctionCommand({
    FunctionName: 'counter', Runtime: 'python3.12', Handler: 'app.handler', Role: 'arn:aws:iam::000000000000:role/lambda-role',
    Code: { ZipFile: zip }, DeadLetterConfig: { TargetArn: await arnOf(counterDlq) },
  }));
  await events.send(new PutRuleCommand({ Name: 'cli-events', EventPattern: JSON.stringify(stack.rules!['cli-events']!.pattern) }));
  await events.send(new PutTargetsCommand({ Rule: 'cli-events', Targets: [{ Id: 'jobs', Arn: await arnOf(jobs) }] }));
  for (const c of [ddb, events, iam, lambda]) c.destroy();
});
afterAll(async () => {
  sqs?.destroy();
  healthy?.remove();
  broken?.remove();
  await moto?.stop();
});

describe('evlab status against moto', () => {
  it('shows every resource and exits 0 with --check when all is well (--json)', async () => {
    const run = testContext({ cwd: healthy.dir, flags: { endpoint: moto.url, json: true } });
    expect(await runStatus({ limit: 2, check: true }, run.ctx)).toBe(0);
    const status = JSON.parse(run.stdout());
    expect(status).toMatchObject({ schemaVersion: 1, ok: true, stackFile: 'evlab.json', endpoint: { kind: 'moto', url: moto.url } });
    // moto accepts DeadLetterConfig and drops it: a declared DLQ it cannot keep is said, not hidden (and not a failure).
    expect(status.problems).toEqual([expect.objectContaining({ kind: 'not-kept', resource: { type: 'function', name: 'counter' } })]);
    expect(status.problems[0].message).toContain('declares dead-letter queue counter-dlq, but moto does not keep DeadLetterConfig');
    expect(status.functions).toEqual([
      expect.objectContaining({ name: 'counter', presence: 'present', runtime: 'python3.12', state: 'Active', lastUpdateStatus: 'Successful', declaredDeadLetterQueue: 'counter-dlq' }),
    ]);
    expect(status.queues).toEqual([
      expect.objectContaining({ name: 'jobs', visible: 1, inFlight: 0, deadLetter: false, redrive: { deadLetterQueue: 'jobs-dlq', maxReceiveCount: 4 } }),
      expect.objectContaining({ name: 'jobs-dlq', visible: 0, deadLetter: true, deadLetterOf: ['queue jobs'] }),
      expect.objectContaining({ name: 'counter-dlq', visible: 0, deadLetter: true, deadLetterOf: ['function counter'] }),
    ]);
    expect(status.tables[0]).toMatchObject({ name: 'Distance', presence: 'present', count: 4, keys: ['Name', 'city'] });
    expect(status.tables[0].items).toHaveLength(2);
    // Numbers beyond 2^53 keep every digit.
    expect(status.tables[0].items[0].big).toBe('12345678901234567890');
    expect(status.rules).toEqual([
      expect.objectContaining({ name: 'cli-events', bus: 'default', state: 'ENABLED', pattern: 'source=cli detail-type=distance.add', targets: [expect.objectContaining({ type: 'queue', name: 'jobs' })], missingTargets: [] }),
    ]);
  });

  it('marks a non-empty DLQ as a problem; --check exits 1, plain status exits 0', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: '{"failed": true}' }));
    try {
      const run = testContext({ cwd: healthy.dir, flags: { endpoint: moto.url } });
      expect(await runStatus({ check: true }, run.ctx)).toBe(1);
      expect(run.stdout()).toMatch(/jobs-dlq \(DLQ\) +1 +0 +0 +dead letters of queue jobs/);
      expect(run.stdout()).toContain('✗ dead-letter queue jobs-dlq holds 1 message (dead letters of queue jobs)');
      expect(run.stdout()).toContain(`read them: AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws --endpoint-url ${moto.url} --region us-east-1 sqs receive-message --queue-url`);
      const plain = testContext({ cwd: healthy.dir, flags: { endpoint: moto.url } });
      expect(await runStatus({}, plain.ctx)).toBe(0);
    } finally {
      await sqs.send(new PurgeQueueCommand({ QueueUrl: dlqUrl }));
    }
  });

  it('shows missing resources as "missing — run evlab setup" and --check exits 1', async () => {
    const run = testContext({ cwd: broken.dir, flags: { endpoint: moto.url } });
    expect(await runStatus({ check: true }, run.ctx)).toBe(1);
    expect(run.stdout()).toContain('  Gone  missing — run evlab setup');
    expect(run.stdout()).toMatch(/orders +missing — run evlab setup/);
    expect(run.stdout()).toContain('✗ table Gone is missing');
  });

  it('renders the first N items of a table', async () => {
    const run = testContext({ cwd: healthy.dir, flags: { endpoint: moto.url } });
    await runStatus({ limit: 3 }, run.ctx);
    expect(run.stdout()).toContain('Distance  4 items (first 3)');
    expect(run.stdout()).toMatch(/Name +city +Distance +big\n/);
  });

  it('refuses a bad --limit (exit 2)', async () => {
    const run = testContext({ cwd: healthy.dir, flags: { endpoint: moto.url } });
    await expect(runStatus({ limit: -1 }, run.ctx)).rejects.toMatchObject({ code: 'InvalidLimit', exitCode: 2 });
  });
});
