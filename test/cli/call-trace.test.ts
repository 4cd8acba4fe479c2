// `evlab call` names the API's request id and, with --trace, prints the request's tree once the engine is idle:
// the route, the function, the status, and the messages the function sent with their consumption under it.
// `evlab trace <request id>` and `trace --failed` find the same traces.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setup } from '../../src/commands/setup.js';
import { runCall, type CallResult } from '../../src/commands/call.js';
import { runTrace } from '../../src/commands/trace.js';
import type { Engine } from '../../src/engine/index.js';
import { startTestEngine } from '../helpers/engine.js';
import { captureContext } from '../fixtures/stacks/project.js';

const STACK = {
  queues: { orders: {} },
  functions: {
    api: { runtime: 'nodejs20.x', handler: 'index.handler', source: 'functions/api', environment: { QUEUE_NAME: 'orders' } },
    worker: { runtime: 'nodejs20.x', handler: 'index.handler', source: 'functions/worker' },
  },
  subscriptions: [{ queue: 'orders', function: 'worker', batchSize: 1 }],
  apis: { shop: { type: 'http', stage: 'dev', routes: { 'ANY /{proxy+}': { function: 'api' } } } },
};
const API = `
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export const handler = async (event) => {
  if (event.rawPath.endsWith('/broken')) throw new RangeError('total out of range');
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: process.env.QUEUE_NAME }));
  for (const n of [1, 2]) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ n }) }));
  return { statusCode: 201, body: JSON.stringify({ queued: 2 }) };
};`;
const WORKER = `export const handler = async (event) => ({ handled: event.Records.length });`;

let engine: Engine;
let dir: string;

beforeAll(async () => {
  engine = await startTestEngine();
  dir = mkdtempSync(join(tmpdir(), 'evlab-call-trace-'));
  writeFileSync(join(dir, 'evlab.json'), JSON.stringify(STACK, null, 2));
  for (const [name, code] of [['api', API], ['worker', WORKER]]) {
    mkdirSync(join(dir, 'functions', name), { recursive: true });
    writeFileSync(join(dir, 'functions', name, 'index.mjs'), code);
  }
  await setup({}, captureContext(dir, { endpoint: engine.url }).ctx);
});
afterAll(async () => {
  await engine?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function call(args: Omit<Parameters<typeof runCall>[0], 'method'> & { method?: string }, json: boolean) {
  const run = captureContext(dir, { endpoint: engine.url, json });
  const code = await runCall({ method: 'POST', api: 'shop', ...args }, run.ctx);
  return { code, stdout: run.stdout() };
}

describe('evlab call --trace', () => {
  it('prints the request id and the tree: route → function → status, the messages it sent and their consumption under it', async () => {
    const { code, stdout } = await call({ path: '/orders', data: '{"total":3}', trace: true }, true);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as CallResult;
    expect(result.status).toBe(201);
    expect(result.requestId).toBe(result.headers['apigw-requestid']);
    const { trace, children } = result.trace!;
    expect(trace).toMatchObject({ id: result.requestId, kind: 'api', status: 'processed' });
    expect(children.map((c) => [c.kind, c.status, c.parent])).toEqual([
      ['message', 'processed', trace.id],
      ['message', 'processed', trace.id],
    ]);

    const text = await call({ path: '/orders', data: '{"total":4}', trace: true }, false);
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    const status = lines[0];
    expect(status).toMatch(/^HTTP 201 Created {2}POST http:\/\/.+\/dev\/orders \(\d+ ms\) {2}request [A-Za-z0-9]{15}=$/);
    const requestId = /request (\S+)$/.exec(status)![1];
    const tree = lines.slice(lines.indexOf('Trace') + 1);
    expect(tree[0]).toMatch(new RegExp(`^  ✓ request ${requestId.replace(/[=+/]/g, '\\$&')} → POST /dev/orders \\(HTTP API shop\\) → route ANY /\\{proxy\\+\\} → api ✓ \\(\\d+ ms\\) → 201$`));
    expect(tree[1]).toMatch(/^ {4}↳ api \(request [0-9a-f-]{36}\) caused 2 messages:$/);
    expect(tree.slice(2, 4)).toEqual([expect.stringMatching(/^ {6}✓ message [0-9a-f-]{36} → queue orders → worker ✓$/), expect.stringMatching(/^ {6}✓ message [0-9a-f-]{36} → queue orders → worker ✓$/)]);

    // The same tree by `evlab trace <request id>`.
    const traced = captureContext(dir, { endpoint: engine.url });
    expect(await runTrace({ id: requestId }, traced.ctx)).toBe(0);
    expect(traced.stdout()).toContain(`✓ API request ${requestId} → POST /dev/orders (HTTP API shop)`);
    expect(traced.stdout()).toContain('caused 2 messages:');
    // A message's own trace says where it came from.
    const messageId = /message ([0-9a-f-]{36})/.exec(tree[2])![1];
    const byMessage = captureContext(dir, { endpoint: engine.url });
    await runTrace({ id: messageId }, byMessage.ctx);
    expect(byMessage.stdout()).toContain(`caused by trace ${requestId}`);
  });

  it('a function error is a 502: exit 1, the tree ends failed, and trace --failed lists the request', async () => {
    const { code, stdout } = await call({ method: 'GET', path: '/broken', trace: true }, false);
    expect(code).toBe(1);
    const line = stdout.split('\n').find((l) => l.includes('→ GET /dev/broken'))!;
    expect(line).toMatch(/^  ✗ request \S+ → GET \/dev\/broken \(HTTP API shop\) → route ANY \/\{proxy\+\} → api ✗ RangeError "total out of range" → 502 ✗$/);
    const requestId = /^HTTP 502 .* request (\S+)$/m.exec(stdout)![1];
    const failed = captureContext(dir, { endpoint: engine.url, json: true });
    await runTrace({ failed: true }, failed.ctx);
    expect((JSON.parse(failed.stdout()) as { traces: { id: string }[] }).traces.map((t) => t.id)).toContain(requestId);
  });
});
