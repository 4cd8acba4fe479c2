// Issue 10's done-when scenario on the nothing-lost fixture (200 events, 20 poison, Node.js lambda that throws):
// `fire --trace` accounts for every event, `trace --failed` shows exactly the 20, and once the handler is fixed
// `dlq redrive` empties the DLQ and the counter reaches 200 — also when the first redrive is killed half-way.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { evlab, makeEvents, makeProject, POISON, TOTAL } from './nothing-lost-check.js';

const REPO = join(import.meta.dirname, '..', '..');
const DLQ = 'lambda-testing-dlq';

interface TraceJson {
  id: string;
  status: string;
  steps: { type: string; [k: string]: unknown }[];
}

describe('traces and redrive on the nothing-lost scenario', () => {
  it('fire --trace accounts for all 200, trace --failed shows the 20, redrive (killed half-way, then again) brings the counter to 200', async () => {
    const { entries, poisonSeqs } = makeEvents();
    const project = makeProject('node', 'error', entries);
    const engine = await startTestEngine();
    const ddb = new DynamoDBClient(clientConfig(engine.url));
    const sqs = new SQSClient(clientConfig(engine.url));
    const run = (...args: string[]) => evlab(['--config', project.config, ...args], project.dir, engine.url);
    const counter = async () =>
      Number((await ddb.send(new GetItemCommand({ TableName: 'Distance', Key: { Name: { S: 'Distance' } }, ConsistentRead: true }))).Item?.Distance?.N);
    const dlqDepth = async () => {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: DLQ }));
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
      return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
    };
    try {
      expect((await run('setup')).code).toBe(0);

      const fired = await run('--json', 'fire', 'events/nothing-lost.json', '--trace', '--timeout', '50');
      expect(fired.code, fired.stderr).toBe(0);
      const traced = JSON.parse(fired.stdout).traces.traces as { index: number; eventId: string; trace: TraceJson }[];
      expect(traced).toHaveLength(TOTAL);
      const poison = new Set(poisonSeqs);
      for (const t of traced) {
        const last = t.trace.steps.at(-1)!;
        if (poison.has(t.index - 1)) {
          expect([t.trace.status, last.type, last.queue], `event ${t.index}`).toEqual(['failed', 'dead-letter', DLQ]);
          expect(t.trace.steps.filter((s) => s.type === 'invocation').map((s) => [s.attempt, s.errorType])).toEqual([[1, 'PoisonEvent'], [2, 'PoisonEvent'], [3, 'PoisonEvent']]);
        } else {
          expect([t.trace.status, last.type, last.ok], `event ${t.index}`).toEqual(['processed', 'invocation', true]);
        }
      }

      // The human form: one tree per event, the poison ones ending in the DLQ.
      const failedText = await run('trace', '--failed');
      expect(failedText.code).toBe(0);
      const failedLines = failedText.stdout.split('\n').filter((l) => l.startsWith('✗ event'));
      expect(failedLines).toHaveLength(POISON);
      for (const line of failedLines) expect(line).toMatch(/→ rule cli-events → lambda-testing ✗ PoisonEvent ".+" \(attempts 1\/3, 2\/3, 3\/3\) → DLQ lambda-testing-dlq/);
      const failedJson = JSON.parse((await run('--json', 'trace', '--failed')).stdout) as { failed: number; traces: TraceJson[] };
      expect(failedJson.failed).toBe(POISON);
      expect(new Set(failedJson.traces.map((t) => t.id))).toEqual(new Set(traced.filter((t) => poison.has(t.index - 1)).map((t) => t.eventId)));

      // One trace by the DLQ message id and by the failed request id.
      const dead = traced.find((t) => poison.has(t.index - 1))!.trace.steps.at(-1)!;
      const byMessage = await run('trace', String(dead.messageId));
      expect(byMessage.stdout).toContain('→ DLQ lambda-testing-dlq');
      const byRequest = JSON.parse((await run('--json', 'trace', String(dead.requestId))).stdout) as { trace: TraceJson };
      expect(byRequest.trace.steps.at(-1)!.messageId).toBe(dead.messageId);

      // dlq lists the 20 without consuming them.
      const listed = await run('--json', 'dlq');
      const letters = listed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { requestId: string; errorCode: string; errorMessage: string; body: string });
      expect(letters).toHaveLength(POISON);
      for (const l of letters) expect([l.errorCode, Boolean(l.requestId), Boolean(l.errorMessage)]).toEqual(['200', true, true]);
      expect(await dlqDepth()).toBe(POISON);
      expect(await counter()).toBe(TOTAL - POISON);

      // Fix the handler: count every event, then redeploy.
      const source = join(project.dir, 'functions', 'distance-node', 'index.mjs');
      writeFileSync(source, readFileSync(source, 'utf8').replace('const coordinate = check(event.detail);', 'const coordinate = event.detail?.coordinate ?? null;'));
      expect((await run('relambda')).code).toBe(0);

      const dry = await run('dlq', 'redrive', '--dry-run');
      expect(dry.stdout).toContain(`would hand ${POISON} messages of ${DLQ} back to function lambda-testing`);
      expect(await dlqDepth()).toBe(POISON);

      // A redrive killed (SIGKILL) after it reported 5 hand-ons: nothing is lost or doubled.
      const killedAt = await killAfterMoved(project.dir, project.config, engine.url, 5);
      expect(killedAt).toBeGreaterThanOrEqual(5);
      const second = await run('--json', 'dlq', 'redrive');
      expect(second.code, second.stderr).toBe(0);
      const result = JSON.parse(second.stdout).results[0] as { handedOn: number; alreadyHandedOn: number };
      expect(await dlqDepth()).toBe(0);
      await engine.waitForIdle(30_000);
      expect(await counter(), `counter after redrive (second run moved ${result.handedOn}, an earlier one ${result.alreadyHandedOn})`).toBe(TOTAL);

      // The redriven events' traces now end processed.
      const after = JSON.parse((await run('--json', 'trace', '--failed')).stdout) as { failed: number };
      expect(after.failed).toBe(0);
    } finally {
      ddb.destroy();
      sqs.destroy();
      await engine.stop();
      rmSync(join(project.dir, '..'), { recursive: true, force: true });
    }
  }, 120_000);
});

/** Runs `dlq redrive --rate 10` and SIGKILLs it once it reports `n` messages moved; resolves with the count it saw. */
function killAfterMoved(cwd: string, config: string, endpoint: string, n: number): Promise<number> {
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.EVLAB_ENDPOINT;
  delete env.AWS_ENDPOINT_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'evlab'), '--endpoint', endpoint, '--config', config, 'dlq', 'redrive', '--rate', '10'], { cwd, env });
    let stderr = '';
    let seen = 0;
    child.stderr.on('data', (d) => {
      stderr += d;
      const moved = [...stderr.matchAll(/moved (\d+)\//g)].map((m) => Number(m[1]));
      seen = Math.max(seen, ...moved, 0);
      if (seen >= n) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => (signal === 'SIGKILL' ? resolve(seen) : reject(new Error(`redrive ended before it was killed (${code}): ${stderr}`))));
  });
}
