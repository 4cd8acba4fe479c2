// `fire --trace` draws what each event's function sent under the invocation: an event → rule → a function that
// sends two SQS messages (its SDK passes the runtime's X-Amzn-Trace-Id) → their consumption by a subscriber.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setup } from '../../src/commands/setup.js';
import { runFire } from '../../src/commands/fire.js';
import type { Trace } from '../../src/engine/traces/types.js';
import type { Engine } from '../../src/engine/index.js';
import { startTestEngine } from '../helpers/engine.js';
import { captureContext } from '../fixtures/stacks/project.js';

const STACK = {
  queues: { lines: {} },
  functions: {
    splitter: { runtime: 'nodejs20.x', handler: 'index.handler', source: 'functions/splitter', environment: { QUEUE_NAME: 'lines' } },
    worker: { runtime: 'nodejs20.x', handler: 'index.handler', source: 'functions/worker' },
  },
  subscriptions: [{ queue: 'lines', function: 'worker', batchSize: 1 }],
  rules: { orders: { bus: 'default', pattern: { source: ['shop'] }, targets: [{ function: 'splitter' }] } },
};
const SPLITTER = `
import { GetQueueUrlCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export const handler = async (event) => {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: process.env.QUEUE_NAME }));
  await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: event.detail.lines.map((line, i) => ({ Id: String(i), MessageBody: line })) }));
};`;

let engine: Engine;
let dir: string;

beforeAll(async () => {
  engine = await startTestEngine();
  dir = mkdtempSync(join(tmpdir(), 'evlab-fire-children-'));
  writeFileSync(join(dir, 'evlab.json'), JSON.stringify(STACK, null, 2));
  for (const [name, code] of [['splitter', SPLITTER], ['worker', 'export const handler = async () => {};']]) {
    mkdirSync(join(dir, 'functions', name), { recursive: true });
    writeFileSync(join(dir, 'functions', name, 'index.mjs'), code);
  }
  mkdirSync(join(dir, 'events'));
  writeFileSync(join(dir, 'events', 'order.json'), JSON.stringify([{ Source: 'shop', DetailType: 'OrderPlaced', Detail: { lines: ['tea', 'cups'] } }], null, 2));
  await setup({}, captureContext(dir, { endpoint: engine.url }).ctx);
});
afterAll(async () => {
  await engine?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('fire --trace with parent links', () => {
  it('draws the messages the target function sent, and their consumption, under its invocation', async () => {
    const json = captureContext(dir, { endpoint: engine.url, json: true });
    expect(await runFire({ files: ['events/order.json'], trace: true, timeout: 60 }, json.ctx), json.stderr()).toBe(0);
    const fired = JSON.parse(json.stdout()).traces as { traces: { trace: Trace }[]; caused: Trace[] };
    const event = fired.traces[0].trace;
    const invocation = event.steps.find((s) => s.type === 'invocation')!;
    expect(fired.caused.map((t) => [t.kind, t.status, t.parent, t.causedBy])).toEqual([
      ['message', 'processed', event.id, invocation.requestId],
      ['message', 'processed', event.id, invocation.requestId],
    ]);

    const text = captureContext(dir, { endpoint: engine.url });
    expect(await runFire({ files: ['events/order.json'], trace: true, timeout: 60 }, text.ctx), text.stderr()).toBe(0);
    const lines = text.stdout().split('\n');
    const at = lines.findIndex((l) => l.includes('events/order.json:'));
    expect(lines[at]).toMatch(/^ {2}✓ events\/order\.json:\d+ → rule orders → splitter ✓ {2}\S+$/);
    expect(lines[at + 1]).toMatch(/^ {4}↳ splitter \(request [0-9a-f-]{36}\) caused 2 messages:$/);
    for (const line of lines.slice(at + 2, at + 4)) expect(line).toMatch(/^ {6}✓ message [0-9a-f-]{36} → queue lines → worker ✓$/);
  });
});
