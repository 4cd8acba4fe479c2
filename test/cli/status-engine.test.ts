import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Engine } from '../../src/engine/index.js';
import { runStatus } from '../../src/commands/status.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { testContext, writeProject } from '../fixtures/events/command-context.js';

let engine: Engine;
let project: ReturnType<typeof writeProject>;

beforeAll(async () => {
  engine = await startTestEngine();
  const sqs = new SQSClient(clientConfig(engine.url));
  const ddb = new DynamoDBClient(clientConfig(engine.url));
  const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: 'jobs-dlq' }))).QueueUrl!;
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await sqs.send(new CreateQueueCommand({ QueueName: 'jobs', Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) } }));
  await sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: '{"dead": true}' }));
  await ddb.send(new CreateTableCommand({
    TableName: 'Counts', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
  }));
  await ddb.send(new PutItemCommand({ TableName: 'Counts', Item: { id: { S: 'total' }, n: { N: '3' }, tags: { SS: ['a', 'b'] } } }));
  sqs.destroy();
  ddb.destroy();
  project = writeProject({
    queues: { jobs: { deadLetterQueue: 'jobs-dlq', maxReceiveCount: 3 }, 'jobs-dlq': {} },
    tables: { Counts: { partitionKey: { name: 'id', type: 'S' } } },
  });
});
afterAll(async () => {
  project?.remove();
  await engine?.stop();
});

describe('evlab status against the engine', () => {
  it('shows the engine, queue counts with the DLQ problem, and table items; --check exits 1', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: engine.url } });
    expect(await runStatus({ check: true }, run.ctx)).toBe(1);
    const text = run.stdout();
    expect(text).toMatch(/endpoint {2}http:\/\/127\.0\.0\.1:\d+ {2}evlab engine/);
    expect(text).toMatch(/jobs +0 +0 +0 +→ jobs-dlq after 3 receives/);
    expect(text).toMatch(/jobs-dlq \(DLQ\) +1 +0 +0 +dead letters of queue jobs/);
    expect(text).toContain('  Counts  1 item\n    id     n  tags\n    total  3  ["a","b"]');
    expect(text).toContain('✗ dead-letter queue jobs-dlq holds 1 message');
  });

  it('--json gives the structured result', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: engine.url, json: true } });
    expect(await runStatus({}, run.ctx)).toBe(0);
    const status = JSON.parse(run.stdout());
    expect(status.endpoint).toMatchObject({ kind: 'evlab', url: engine.url });
    expect(status.tables[0]).toMatchObject({ name: 'Counts', count: 1, items: [{ id: 'total', n: 3, tags: ['a', 'b'] }] });
    expect(status.problems.map((p: { kind: string }) => p.kind)).toEqual(['dead-letters']);
  });

  it('the DLQ hint peeks with a URL that works and leaves the messages in place, then names the aws CLI with region and credentials', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: engine.url, json: true } });
    await runStatus({}, run.ctx);
    const hint: string = JSON.parse(run.stdout()).problems[0].hint;
    const peek = /curl -H 'Accept: application\/json' '([^']+)'/.exec(hint)?.[1];
    expect(peek).toBeDefined();
    expect(hint.indexOf('curl')).toBeLessThan(hint.indexOf(' aws '));
    expect(hint).toContain(`AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws --endpoint-url ${engine.url} --region us-east-1 sqs receive-message`);
    for (let i = 0; i < 2; i++) {
      const body = await (await fetch(peek!, { headers: { accept: 'application/json' } })).text();
      expect(body).toContain('{\\"dead\\": true}');
    }
  });
});
