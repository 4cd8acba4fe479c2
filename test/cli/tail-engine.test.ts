import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { Engine } from '../../src/engine/index.js';
import { runTail } from '../../src/commands/tail.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { eventually, testContext, writeProject } from '../fixtures/events/command-context.js';

let engine: Engine;
let logs: CloudWatchLogsClient;
let project: ReturnType<typeof writeProject>;
const stream = '2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef';

beforeAll(async () => {
  engine = await startTestEngine();
  logs = new CloudWatchLogsClient(clientConfig(engine.url));
  project = writeProject({ functions: { counter: { runtime: 'python3.12', handler: 'app.handler', source: 'functions/counter' } } });
});
afterAll(async () => {
  logs?.destroy();
  project?.remove();
  await engine?.stop();
});

describe('evlab tail against the engine', () => {
  it('waits for the log group, then follows it without duplicates; --filter passes a filter pattern', async () => {
    const controller = new AbortController();
    const run = testContext({ cwd: project.dir, flags: { endpoint: engine.url, json: true }, signal: controller.signal });
    const done = runTail({}, run.ctx, { intervalMs: 50 });
    await eventually(() => expect(run.stderr()).toContain('waiting for /aws/lambda/counter'));
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/counter' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/aws/lambda/counter', logStreamName: stream }));
    const now = Date.now();
    await logs.send(new PutLogEventsCommand({
      logGroupName: '/aws/lambda/counter', logStreamName: stream,
      logEvents: [
        { timestamp: now, message: 'START RequestId: r1 Version: $LATEST' },
        { timestamp: now + 1, message: '{"level": "ERROR", "msg": "boom"}' },
        { timestamp: now + 2, message: 'REPORT RequestId: r1 Duration: 1.00 ms' },
      ],
    }));
    await eventually(() => expect(run.stdout().trim().split('\n')).toHaveLength(3));
    // A late line, stamped before the newest one shown: still found, once.
    await logs.send(new PutLogEventsCommand({ logGroupName: '/aws/lambda/counter', logStreamName: stream, logEvents: [{ timestamp: now - 2000, message: 'late line' }] }));
    await eventually(() => expect(run.stdout()).toContain('late line'));
    controller.abort();
    expect(await done).toBe(0);
    const records = run.stdout().trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((r) => [r.kind, r.message])).toEqual([
      ['meta', 'START RequestId: r1 Version: $LATEST'],
      ['error', '{"level": "ERROR", "msg": "boom"}'],
      ['report', 'REPORT RequestId: r1 Duration: 1.00 ms'],
      ['plain', 'late line'],
    ]);

    const filtered = testContext({ cwd: project.dir, flags: { endpoint: engine.url, json: true } });
    expect(await runTail({ follow: false, filter: 'REPORT' }, filtered.ctx)).toBe(0);
    expect(filtered.stdout().trim().split('\n').map((l) => JSON.parse(l).message)).toEqual(['REPORT RequestId: r1 Duration: 1.00 ms']);
  });

  it('says since when in an unambiguous local date and time', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: engine.url } });
    expect(await runTail({ follow: false, since: '1d' }, run.ctx)).toBe(0);
    expect(run.stderr()).toMatch(/reading \/aws\/lambda\/counter on .* since \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\n/);
    expect(run.stderr()).not.toMatch(/[AP]M/);
  });

  it('an invalid --filter is a usage error (exit 2) naming the flag, with examples', async () => {
    // The endpoint checks the pattern of a log group that exists (the first test creates it; alone, create it here).
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/counter' })).catch(() => undefined);
    const run = testContext({ cwd: project.dir, flags: { endpoint: engine.url } });
    const failed = runTail({ follow: false, filter: '{ $.msg = ' }, run.ctx);
    await expect(failed).rejects.toMatchObject({ code: 'InvalidFilterPattern', exitCode: 2, hint: expect.stringContaining('{ $.level = "error" }') });
    await expect(failed).rejects.toThrow('--filter "{ $.msg = "');
  });
});
