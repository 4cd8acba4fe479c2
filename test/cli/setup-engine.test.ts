import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { setup } from '../../src/commands/setup.js';
import { teardown } from '../../src/commands/teardown.js';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { captureContext } from '../fixtures/stacks/project.js';

let engine: Engine;
let dir: string;
let sqs: SQSClient;
let ddb: DynamoDBClient;

beforeAll(async () => {
  engine = await startTestEngine();
  sqs = new SQSClient(clientConfig(engine.url));
  ddb = new DynamoDBClient(clientConfig(engine.url));
  dir = mkdtempSync(join(tmpdir(), 'evlab-setup-engine-'));
});
afterAll(async () => {
  sqs?.destroy();
  ddb?.destroy();
  rmSync(dir, { recursive: true, force: true });
  await engine?.stop();
});

const actions = (changes: { action: string; resource: { type: string; name: string } }[]) =>
  changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.resource.type} ${c.resource.name}`);
const ctx = () => captureContext(dir, { endpoint: engine.url }).ctx;

describe('evlab setup against the embedded engine: queues and tables', () => {
  it('creates, is idempotent and fast, repairs a deleted queue, tears down', async () => {
    writeFileSync(
      join(dir, 'evlab.json'),
      JSON.stringify({
        queues: { jobs: { visibilityTimeout: 45, deadLetterQueue: 'jobs-dlq', maxReceiveCount: 3 }, 'jobs-dlq': {} },
        tables: { Distance: { partitionKey: { name: 'Name', type: 'S' }, sortKey: { name: 'city', type: 'S' }, seed: [{ Name: 'Distance', city: 'all', Distance: 0 }] } },
      }),
    );
    const first = await setup({}, ctx());
    expect(first.endpoint.kind).toBe('evlab');
    expect(first.checks.every((c) => c.status === 'ok')).toBe(true);
    expect(actions(first.changes)).toEqual(['create queue jobs-dlq', 'create queue jobs', 'create table Distance']);
    const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))).QueueUrl!;
    const attributes = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
    expect(attributes.VisibilityTimeout).toBe('45');
    expect(JSON.parse(attributes.RedrivePolicy!)).toMatchObject({ deadLetterTargetArn: expect.stringMatching(/:jobs-dlq$/) });
    const item = await ddb.send(new GetItemCommand({ TableName: 'Distance', Key: { Name: { S: 'Distance' }, city: { S: 'all' } } }));
    expect(item.Item?.Distance).toEqual({ N: '0' });

    const second = await setup({}, ctx());
    expect(actions(second.changes)).toEqual([]);
    // A run that changes nothing is quick (modules are loaded by now; reads run in parallel).
    expect(second.durationMs).toBeLessThan(300);

    const dlqUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'jobs-dlq' }))).QueueUrl!;
    await sqs.send(new DeleteQueueCommand({ QueueUrl: dlqUrl }));
    expect(actions((await setup({}, ctx())).changes)).toEqual(['create queue jobs-dlq']);
    expect(actions((await setup({}, ctx())).changes)).toEqual([]);

    const down = await teardown(ctx());
    expect(actions(down.deletions)).toEqual(['delete table Distance', 'delete queue jobs', 'delete queue jobs-dlq']);
  });
});
