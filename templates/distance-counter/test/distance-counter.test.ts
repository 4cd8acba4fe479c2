// The template end to end on evlab's embedded engine: setup, fire both event files, and check that
// every event is accounted for — counted in DynamoDB or dead-lettered — first with the Python lambda,
// then with the Node.js edition (evlab.node.json) deployed over it, then from the SAM template.yaml alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine, type Engine } from 'evlab/engine';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig, copyProject, evlab } from './evlab.js';

const GOOD_EVENTS = 7; // events.json (5) and the two well-formed edge cases
const POISON_EVENTS = ['poison: no coordinate', 'poison: persist is false', 'poison: persist is missing', 'poison: y is not a number'];

let engine: Engine;
let project: ReturnType<typeof copyProject>;
let ddb: DynamoDBClient;
let sqs: SQSClient;
const run = (...args: string[]) => evlab(args, { cwd: project.dir, endpoint: engine.url });

beforeAll(async () => {
  // Retries 100 ms and 200 ms after a failure instead of AWS's minutes.
  engine = await startEngine({ port: 0, lambdaRetryBaseDelayMs: 100 });
  project = copyProject();
  ddb = new DynamoDBClient(clientConfig(engine.url));
  sqs = new SQSClient(clientConfig(engine.url));
});

afterAll(async () => {
  ddb?.destroy();
  sqs?.destroy();
  await engine?.stop();
  project?.remove();
});

async function counter(): Promise<number> {
  const item = await ddb.send(new GetItemCommand({ TableName: 'Distance', Key: { Name: { S: 'Distance' } }, ConsistentRead: true }));
  return Number(item.Item?.Distance?.N ?? 0);
}

/** Takes every message off the DLQ and returns the `type` of each event in it. */
async function drainDlq(): Promise<{ types: string[]; errorMessages: string[] }> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'lambda-testing-dlq' }));
  const types: string[] = [];
  const errorMessages: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return { types: types.sort(), errorMessages };
    for (const m of Messages) {
      types.push(JSON.parse(m.Body!).detail.type);
      errorMessages.push(m.MessageAttributes?.ErrorMessage?.StringValue ?? '');
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}

async function fireBothFiles(): Promise<void> {
  const fired = await run('fire', 'events/events.json', 'events/edge-cases.json', '--wait');
  expect(fired.code, fired.stderr + fired.stdout).toBe(0);
}

describe('distance-counter', () => {
  it('ships event files whose good and poison events add up', () => {
    const good = JSON.parse(readFileSync(join(project.dir, 'events/events.json'), 'utf8')) as unknown[];
    const edge = JSON.parse(readFileSync(join(project.dir, 'events/edge-cases.json'), 'utf8')) as { Entries: unknown[] };
    expect(good.length + edge.Entries.length).toBe(GOOD_EVENTS + POISON_EVENTS.length);
  });

  it('Python: counts the good events and dead-letters the poison ones', async () => {
    const setup = await run('setup');
    expect(setup.code, setup.stderr + setup.stdout).toBe(0);
    expect(await counter()).toBe(0); // the seed item

    await fireBothFiles();

    expect(await counter()).toBe(GOOD_EVENTS);
    const check = await run('status', '--check');
    expect(check.code, 'status --check fails while the DLQ holds messages').toBe(1);
    const dlq = await drainDlq();
    expect(dlq.types).toEqual([...POISON_EVENTS].sort());
    expect(dlq.errorMessages.every((m) => m.length > 0)).toBe(true);
  }, 60_000);

  it('Node.js: the same accounting after deploying evlab.node.json over it', async () => {
    const setup = await run('--config', 'evlab.node.json', 'setup');
    expect(setup.code, setup.stderr + setup.stdout).toBe(0);
    const before = await counter();

    await fireBothFiles();

    expect(await counter()).toBe(before + GOOD_EVENTS);
    const dlq = await drainDlq();
    expect(dlq.types).toEqual([...POISON_EVENTS].sort());
    const check = await run('--config', 'evlab.node.json', 'status', '--check');
    expect(check.code, check.stderr + check.stdout).toBe(0);
  }, 60_000);

  it('from template.yaml: the same accounting after tearing down and setting up from the SAM template alone', async () => {
    const down = await run('--config', 'evlab.node.json', 'teardown');
    expect(down.code, down.stderr + down.stdout).toBe(0);
    // A copy without evlab.json: evlab finds template.yaml on its own.
    const sam = copyProject({ templateOnly: true });
    try {
      const inSam = (...args: string[]) => evlab(args, { cwd: sam.dir, endpoint: engine.url });
      const setup = await inSam('setup');
      expect(setup.code, setup.stderr + setup.stdout).toBe(0);
      expect(setup.stderr).toContain('template.yaml');
      expect(await counter()).toBe(0); // the seed item, written again

      const fired = await inSam('fire', 'events/events.json', 'events/edge-cases.json', '--wait');
      expect(fired.code, fired.stderr + fired.stdout).toBe(0);
      expect(await counter()).toBe(GOOD_EVENTS);
      const dlq = await drainDlq();
      expect(dlq.types).toEqual([...POISON_EVENTS].sort());
    } finally {
      sam.remove();
    }
  }, 60_000);
});
