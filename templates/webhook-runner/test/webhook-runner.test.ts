// The template end to end on evlab's embedded engine: setup (the bucket with its seed NDJSON, the function, the
// HTTP API route), then a webhook request through `evlab call`. A destination and a callback receiver listen on
// loopback in this process; the runner must read the file from the bucket by URL, post every row exactly once in
// batches, send its callbacks in order, and re-invoke itself asynchronously when its batch budget is used up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine, type Engine } from 'evlab/engine';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig, copyProject, evlab, evlabJson } from './evlab.js';

const BATCH_SIZE = 25;
const BUDGET = 3; // batches per invocation

interface Callback {
  webhook_id: string;
  seq: number;
  status: 'started' | 'progress' | 'completed';
  rows_sent: number;
  total_rows: number;
  invocation: number;
}

let engine: Engine;
let project: ReturnType<typeof copyProject>;
let receiver: Server;
let receiverUrl: string;
const batches: { authorization?: string; body: { offset: number; rows: { id: string }[] } }[] = [];
const callbacks: Callback[] = [];
let completed: (c: Callback) => void;
const done = new Promise<Callback>((resolve) => (completed = resolve));
const run = (...args: string[]) => evlab(args, { cwd: project.dir, endpoint: engine.url });

beforeAll(async () => {
  engine = await startEngine({ port: 0, lambdaRetryBaseDelayMs: 100 });
  project = copyProject();
  // The destination and the callback receiver, as the runner's customers would run them.
  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      const body = JSON.parse(text);
      if (req.url === '/destination') batches.push({ authorization: req.headers.authorization, body });
      if (req.url === '/callback') {
        callbacks.push(body);
        if (body.status === 'completed') completed(body);
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  const setup = await run('setup');
  expect(setup.code, setup.stderr + setup.stdout).toBe(0);
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await engine?.stop();
  project?.remove();
});

describe('webhook-runner', () => {
  it('posts every row once in batches, calls back in order, and re-invokes itself for the rest', async () => {
    const lines = readFileSync(join(project.dir, 'data/sample.ndjson'), 'utf8').trim().split('\n');
    const ids = lines.map((l) => (JSON.parse(l) as { id: string }).id);
    const request = {
      // The seed object, read with a plain HTTP GET (no signature), path style.
      data_url: `${engine.url}/test-bucket/sample.ndjson`,
      callback_url: `${receiverUrl}/callback`,
      webhook_id: 'wh-1',
      access_token: 'token-123',
      settings: { destination_url: `${receiverUrl}/destination`, batch_size: BATCH_SIZE, max_batches_per_invocation: BUDGET },
    };
    writeFileSync(join(project.dir, 'request.json'), JSON.stringify(request));

    const answer = await evlabJson<{ status: number; json: { status: string; rows_sent: number } }>(
      ['call', 'POST', '/lambda/webhook_runner', '--api', 'webhooks', '--data', '@request.json'],
      { cwd: project.dir, endpoint: engine.url },
    );
    // The first invocation used its budget and handed the rest on.
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({ webhook_id: 'wh-1', status: 'continuing', rows_sent: BATCH_SIZE * BUDGET, total_rows: ids.length });

    const last = await done;
    const received = batches.flatMap((b) => b.body.rows.map((r) => r.id));
    expect(received.length).toBe(ids.length);
    expect([...received].sort()).toEqual([...ids].sort());
    expect(new Set(received).size).toBe(ids.length);
    expect(batches.every((b) => b.body.rows.length <= BATCH_SIZE && b.authorization === 'Bearer token-123')).toBe(true);
    expect(batches.length).toBe(Math.ceil(ids.length / BATCH_SIZE));

    // In order: started, one progress per batch, completed; seq 1..n with nothing missing.
    expect(callbacks.map((c) => c.seq)).toEqual(callbacks.map((_, i) => i + 1));
    expect(callbacks[0]!.status).toBe('started');
    expect(callbacks.at(-1)).toBe(last);
    expect(last).toMatchObject({ status: 'completed', rows_sent: ids.length, total_rows: ids.length });
    expect(callbacks.filter((c) => c.status === 'progress').map((c) => c.rows_sent)).toEqual(
      Array.from({ length: batches.length }, (_, i) => Math.min((i + 1) * BATCH_SIZE, ids.length)),
    );

    // The self re-invocations happened: ceil(10 batches / 3) = 4 invocations, 3 of them asynchronous.
    const invocations = Math.ceil(batches.length / BUDGET);
    expect(last.invocation).toBe(invocations);
    const logs = new CloudWatchLogsClient(clientConfig(engine.url));
    const continuing = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/webhook_runner', filterPattern: '"continuing"' }));
    logs.destroy();
    expect(continuing.events!.length).toBe(invocations - 1);
  }, 60_000);

  it('refuses a request without its fields, and a route name that is not the runner', async () => {
    const bad = await run('--json', 'call', 'POST', '/lambda/webhook_runner', '--api', 'webhooks', '--data', '{"webhook_id": "x"}');
    expect(bad.code).toBe(0);
    expect(JSON.parse(bad.stdout)).toMatchObject({ status: 400, json: { message: 'missing: data_url, callback_url, access_token, settings.destination_url' } });
    const other = await run('--json', 'call', 'POST', '/lambda/someone_else', '--api', 'webhooks', '--data', '{}');
    expect(JSON.parse(other.stdout)).toMatchObject({ status: 404 });
  }, 30_000);
});
