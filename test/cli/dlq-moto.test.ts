// The dead-letter tools against moto, which has no peek endpoint and no message move tasks: dlq lists by receiving
// with visibility 0, trace says plainly that traces need the engine and shows the dead letters, and redrive runs
// client-side (receive, hand on, journal, delete) — also when the first run is killed half-way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../helpers/engine.js';
import { startMoto, type MotoServer } from '../helpers/moto.js';
import { evlab } from '../e2e/nothing-lost-check.js';

const REPO = join(import.meta.dirname, '..', '..');
const N = 12;
let moto: MotoServer;
let sqs: SQSClient;
let dir: string;
let urls: { src: string; dlq: string };

beforeAll(async () => {
  moto = await startMoto();
  sqs = new SQSClient(clientConfig(moto.url));
  dir = mkdtempSync(join(tmpdir(), 'evlab-dlq-moto-'));
  const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: 'jobs-dlq' }))).QueueUrl!;
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const src = (await sqs.send(new CreateQueueCommand({ QueueName: 'jobs', Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) } }))).QueueUrl!;
  urls = { src, dlq };
  for (let i = 0; i < N; i++) await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: JSON.stringify({ n: i }) }));
  for (let seen = 0; seen < N; ) seen += (await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }))).Messages?.length ?? 0;
  expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10 }))).Messages ?? []).toEqual([]);
}, 60_000);
afterAll(async () => {
  sqs?.destroy();
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const count = async (url: string) => {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
};

describe('dlq and trace on moto', () => {
  it('lists the dead letters without consuming them, and trace falls back to them', async () => {
    const listed = await evlab(['--json', 'dlq'], dir, moto.url);
    expect(listed.code, listed.stderr).toBe(0);
    const letters = listed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { queue: string; body: string });
    expect(letters.map((l) => JSON.parse(l.body).n).sort((a, b) => a - b)).toEqual([...Array(N).keys()]);
    expect(letters.every((l) => l.queue === 'jobs-dlq')).toBe(true);
    expect(await count(urls.dlq)).toBe(N);

    const traced = await evlab(['trace', '--failed'], dir, moto.url);
    expect(traced.code).toBe(0);
    expect(traced.stderr).toContain("traces need evlab's embedded engine");
    expect(traced.stdout).toContain(`dead letters: ${N}`);
  }, 60_000);

  it('redrives back to the source queue client-side; a run killed half-way is finished by the next, nothing lost', async () => {
    const killedAfter = await killAfterHandOns(dir, moto.url, 4);
    expect(killedAfter).toBeGreaterThanOrEqual(4);
    const second = await evlab(['--json', 'dlq', 'redrive', 'jobs-dlq'], dir, moto.url);
    expect(second.code, second.stderr).toBe(0);
    const [result] = JSON.parse(second.stdout).results as { handedOn: number; alreadyHandedOn: number; uncertain: number; method: string }[];
    expect(result.method).toBe('receive-hand-on-delete');
    expect(await count(urls.dlq)).toBe(0);
    // A kill can land between a hand-on and its journal line: that one message is handed on again, and counted.
    expect(result.uncertain).toBeLessThanOrEqual(1);
    expect(await count(urls.src)).toBe(N + result.uncertain);
    expect(existsSync(join(dir, '.evlab', 'redrive', 'jobs-dlq.ndjson'))).toBe(false);
  }, 90_000);
});

function killAfterHandOns(cwd: string, endpoint: string, n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NO_COLOR: '1' };
    delete env.EVLAB_ENDPOINT;
    delete env.AWS_ENDPOINT_URL;
    const child = spawn(process.execPath, [join(REPO, 'bin', 'evlab'), '--endpoint', endpoint, 'dlq', 'redrive', 'jobs-dlq', '--rate', '5'], { cwd, env });
    let stderr = '';
    let seen = 0;
    child.stderr.on('data', (d) => {
      stderr += d;
      seen = Math.max(0, ...[...stderr.matchAll(/handed on (\d+):/g)].map((m) => Number(m[1])));
      if (seen >= n) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => (signal === 'SIGKILL' ? resolve(seen) : reject(new Error(`redrive ended before it was killed (${code}): ${stderr}`))));
  });
}
