import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, PurgeQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { runFire } from '../../src/commands/fire.js';
import { ValidationError } from '../../src/errors.js';
import { clientConfig } from '../helpers/engine.js';
import { freePort, startMoto, type MotoServer } from '../helpers/moto.js';
import { testContext, writeProject } from '../fixtures/events/command-context.js';

let moto: MotoServer;
let sqs: SQSClient;
let jobsUrl: string;
let project: ReturnType<typeof writeProject>;
const settle = { quietMs: 300, graceMs: 600, busyQuietMs: 600 };

beforeAll(async () => {
  moto = await startMoto();
  sqs = new SQSClient(clientConfig(moto.url));
  const events = new EventBridgeClient(clientConfig(moto.url));
  const ddb = new DynamoDBClient(clientConfig(moto.url));
  jobsUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'jobs' }))).QueueUrl!;
  await sqs.send(new CreateQueueCommand({ QueueName: 'jobs-dlq' }));
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: jobsUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await events.send(new PutRuleCommand({ Name: 'cli-events', EventPattern: JSON.stringify({ source: ['cli'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'cli-events', Targets: [{ Id: 'jobs', Arn: arn, InputPath: '$.detail' }] }));
  // moto answers PutEvents with HTTP 500 when a Lambda target matches (it cannot run code): a whole request the endpoint fails.
  await events.send(new PutRuleCommand({ Name: 'to-lambda', EventPattern: JSON.stringify({ source: ['lambda-bound'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'to-lambda', Targets: [{ Id: 'f', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:nope' }] }));
  await ddb.send(new CreateTableCommand({
    TableName: 'Distance', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'Name', KeyType: 'HASH' }, { AttributeName: 'city', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'Name', AttributeType: 'S' }, { AttributeName: 'city', AttributeType: 'S' }],
  }));
  await ddb.send(new PutItemCommand({ TableName: 'Distance', Item: { Name: { S: 'Distance' }, city: { S: 'all' }, Distance: { N: '0' } } }));
  events.destroy();
  ddb.destroy();
  project = writeProject(
    {
      queues: { jobs: { deadLetterQueue: 'jobs-dlq', maxReceiveCount: 2 }, 'jobs-dlq': {} },
      tables: { Distance: { partitionKey: { name: 'Name', type: 'S' }, sortKey: { name: 'city', type: 'S' } } },
      buses: { orders: {} },
      rules: { 'cli-events': { pattern: { source: ['cli'] }, targets: [{ queue: 'jobs', inputPath: '$.detail' }] } },
    },
    {
      'events/ok.json': JSON.stringify([
        { Source: 'cli', DetailType: 'distance.add', Detail: { city: 'Paris', km: 12 } },
        { source: 'cli', 'detail-type': 'distance.add', detail: { city: 'Lyon', km: 3 } },
      ]),
      'events/many.ndjson': Array.from({ length: 23 }, (_, i) => JSON.stringify({ Source: 'cli', DetailType: 'n', Detail: { n: i } })).join('\n'),
      'events/bad.json': '[{"Source": "cli", "DetailType": "x", "Detail": "[1]"}]',
      'events/orders.json': '{"Source": "shop", "DetailType": "order", "Detail": {}, "EventBusName": "orders"}',
      'events/to-lambda.json': '{"Source": "lambda-bound", "DetailType": "x", "Detail": {}}',
    },
  );
});
afterAll(async () => {
  sqs?.destroy();
  project?.remove();
  await moto?.stop();
});
beforeEach(async () => {
  await sqs.send(new PurgeQueueCommand({ QueueUrl: jobsUrl }));
});

async function jobsCount(): Promise<number> {
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: jobsUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(attrs.Attributes!.ApproximateNumberOfMessages) + Number(attrs.Attributes!.ApproximateNumberOfMessagesNotVisible);
}

describe('evlab fire against moto', () => {
  it('sends every entry, reports each EventId (--json), and the rule delivers to the SQS target', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url, json: true } });
    expect(await runFire({ files: ['events/ok.json', 'events/many.ndjson'] }, run.ctx)).toBe(0);
    const result = JSON.parse(run.stdout());
    expect(result).toMatchObject({ schemaVersion: 1, ok: true, sent: 25, failed: 0, endpoint: { kind: 'moto' } });
    expect(result.files).toEqual([
      { file: 'events/ok.json', format: 'entries', entries: 2, sent: 2, failed: 0 },
      { file: 'events/many.ndjson', format: 'ndjson', entries: 23, sent: 23, failed: 0 },
    ]);
    expect(result.entries.every((e: { eventId?: string }) => typeof e.eventId === 'string')).toBe(true);
    expect(await jobsCount()).toBe(25);
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: jobsUrl, MaxNumberOfMessages: 10 }));
    // moto ignores the target's InputPath and delivers whole envelopes; either way the details arrived.
    const details = received.Messages!.map((m) => JSON.parse(m.Body!)).map((b) => b.detail ?? b);
    expect(details.every((d) => 'km' in d || 'n' in d)).toBe(true);
  });

  it('prints a summary line per file in human mode', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url } });
    expect(await runFire({ files: ['events/ok.json'] }, run.ctx)).toBe(0);
    expect(run.stdout()).toMatch(/✓ 2 events to default on moto: 2 sent\n  events\/ok.json  2 sent/);
  });

  it('sends nothing when any entry of any file is invalid (exit 2, every problem listed)', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url } });
    const err = await runFire({ files: ['events/ok.json', 'events/bad.json', 'events/missing.json'] }, run.ctx).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.exitCode).toBe(2);
    expect(err.problems.map((p: { path: string; message: string }) => `${p.path}: ${p.message}`)).toEqual([
      'events/missing.json: no such file',
      'events/bad.json:entry 1 (line 1): "Detail" must hold a JSON object, but holds an array',
    ]);
    expect(await jobsCount()).toBe(0);
  });

  it('refuses a bus the stack does not declare (exit 2)', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url } });
    await expect(runFire({ files: ['events/ok.json'], bus: 'ordres' }, run.ctx)).rejects.toMatchObject({
      exitCode: 2,
      problems: [{ path: '--bus', message: 'the bus "ordres" is not declared in evlab.json', hint: expect.stringContaining('did you mean "orders"?') }],
    });
    expect(await jobsCount()).toBe(0);
  });

  it('sends nothing to a declared bus that was never created (AWS would drop the events) and says to run setup', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url } });
    await expect(runFire({ files: ['events/ok.json', 'events/orders.json'] }, run.ctx)).rejects.toMatchObject({
      code: 'EventBusNotFound',
      exitCode: 1,
      message: `event bus orders does not exist at ${moto.url}: nothing was sent (AWS would accept the events and drop them)`,
      hint: 'create it with `evlab setup` (the stack file declares it)',
    });
    expect(await jobsCount()).toBe(0);
  });

  it('reports the entries of a request the endpoint failed, and exits 1', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url } });
    expect(await runFire({ files: ['events/to-lambda.json'] }, run.ctx)).toBe(1);
    expect(run.stdout()).toContain('1 failed');
    expect(run.stdout()).toMatch(/entry 1.* lambda-bound\/x: HTTP500 the endpoint answered HTTP 500 with a text\/html body that is not an AWS response/);
  });

  it('--wait does not wait when no entry reached the bus', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url, json: true } });
    expect(await runFire({ files: ['events/to-lambda.json'], wait: true, timeout: 20 }, run.ctx)).toBe(1);
    const result = JSON.parse(run.stdout());
    expect(result).toMatchObject({ ok: false, sent: 0, failed: 1 });
    expect(result.wait).toBeUndefined();
  });

  it('--wait polls until counts settle and prints what changed', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url, json: true } });
    expect(await runFire({ files: ['events/ok.json'], wait: true, timeout: 20 }, run.ctx, { settle, pollMs: 50 })).toBe(0);
    const { wait } = JSON.parse(run.stdout());
    expect(wait).toMatchObject({ settled: true, method: 'quiet-window' });
    expect(wait.changes.queues).toEqual([
      { name: 'jobs', deadLetter: false, before: { visible: 0, inFlight: 0, delayed: 0 }, after: { visible: 2, inFlight: 0, delayed: 0 }, changed: true },
      { name: 'jobs-dlq', deadLetter: true, before: { visible: 0, inFlight: 0, delayed: 0 }, after: { visible: 0, inFlight: 0, delayed: 0 }, changed: false },
    ]);
    expect(wait.changes.tables).toEqual([{ name: 'Distance', before: 1, after: 1, delta: 0, items: [] }]);

    const human = testContext({ cwd: project.dir, flags: { endpoint: moto.url } });
    expect(await runFire({ files: ['events/ok.json'], wait: true, timeout: 20 }, human.ctx, { settle, pollMs: 50 })).toBe(0);
    expect(human.stdout()).toMatch(/settled after [\d.]+ s \(nothing changed for a quiet window\)/);
    expect(human.stdout()).toContain('queue jobs: 2 messages → 4 messages');
    expect(human.stdout()).toContain('unchanged: table Distance (1), DLQ jobs-dlq (0 messages)');
  });

  it('exits 3 when nothing answers', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: `http://127.0.0.1:${await freePort()}` } });
    await expect(runFire({ files: ['events/ok.json'] }, run.ctx)).rejects.toMatchObject({ exitCode: 3, code: 'EndpointUnreachable' });
  });

  it('works without a stack file (no bus check, nothing to compare)', async () => {
    const dir = join(project.dir, 'events');
    writeFileSync(join(dir, 'solo.json'), '{"source": "cli", "detail-type": "solo", "detail": {"x": 1}}');
    const run = testContext({ cwd: dir, flags: { endpoint: moto.url } });
    expect(await runFire({ files: ['solo.json'], wait: true }, run.ctx)).toBe(0);
    expect(run.stdout()).toContain('no stack file: no queues or tables to compare');
    expect(await jobsCount()).toBe(1);
  });
});
