import { afterAll, beforeAll, expect, it } from 'vitest';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { runFire } from '../../src/commands/fire.js';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { testContext, writeProject } from '../fixtures/events/command-context.js';

let engine: Engine;
let project: ReturnType<typeof writeProject>;

const EVENTS = `[
  { "Source": "demo.orders", "DetailType": "OrderPlaced", "Detail": "{\\"id\\": 1}" },
  { "Source": "demo.orders", "DetailType": "OrderCancelled", "Detail": "{\\"id\\": 1}" },
  { "Source": "demo.orders", "DetailType": "OrderPlaced", "Detail": "{\\"id\\": 2}" }
]
`;

beforeAll(async () => {
  engine = await startTestEngine();
  const sqs = new SQSClient(clientConfig(engine.url));
  const events = new EventBridgeClient(clientConfig(engine.url));
  await sqs.send(new CreateQueueCommand({ QueueName: 'placed' }));
  await events.send(new PutRuleCommand({ Name: 'placed-orders', EventPattern: JSON.stringify({ source: ['demo.orders'], 'detail-type': ['OrderPlaced'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'placed-orders', Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:placed' }] }));
  sqs.destroy();
  events.destroy();
  project = writeProject({ queues: { placed: {} } }, { 'events/orders.json': EVENTS });
});
afterAll(async () => {
  project?.remove();
  await engine?.stop();
});

it('fire --wait names the events that matched no rule, with file and line', async () => {
  const text = testContext({ cwd: project.dir, flags: { endpoint: engine.url } });
  expect(await runFire({ files: ['events/orders.json'], wait: true, timeout: 30 }, text.ctx), text.stderr()).toBe(0);
  expect(text.stdout()).toContain('1 event matched no rule: OrderCancelled (events/orders.json:3)');

  const json = testContext({ cwd: project.dir, flags: { endpoint: engine.url, json: true } });
  expect(await runFire({ files: ['events/orders.json'], wait: true, timeout: 30 }, json.ctx)).toBe(0);
  const result = JSON.parse(json.stdout());
  expect(result.unmatched).toEqual([expect.objectContaining({ index: 2, line: 3, bus: 'default', detailType: 'OrderCancelled', eventId: expect.any(String) })]);
});
