import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { runTail } from '../../src/commands/tail.js';
import { ConfigError } from '../../src/errors.js';
import { clientConfig } from '../helpers/engine.js';
import { startMoto, type MotoServer } from '../helpers/moto.js';
import { eventually, testContext, writeProject } from '../fixtures/events/command-context.js';

let moto: MotoServer;
let logs: CloudWatchLogsClient;
let project: ReturnType<typeof writeProject>;

const fn = (source: string) => ({ runtime: 'python3.12', handler: 'app.handler', source });

beforeAll(async () => {
  moto = await startMoto();
  logs = new CloudWatchLogsClient(clientConfig(moto.url));
  project = writeProject({ functions: { counter: fn('functions/counter'), mailer: fn('functions/mailer'), quiet: fn('functions/quiet'), follower: fn('functions/follower') } });
  for (const name of ['counter', 'mailer']) {
    await logs.send(new CreateLogGroupCommand({ logGroupName: `/aws/lambda/${name}` }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: `/aws/lambda/${name}`, logStreamName: '2024/05/01/[$LATEST]abc' }));
  }
});
afterAll(async () => {
  logs?.destroy();
  project?.remove();
  await moto?.stop();
});

async function put(name: string, ...messages: string[]) {
  const now = Date.now();
  await logs.send(new PutLogEventsCommand({
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: '2024/05/01/[$LATEST]abc',
    logEvents: messages.map((message, i) => ({ message, timestamp: now + i })),
  }));
}

describe('evlab tail against moto', () => {
  it('--no-follow prints what is there, one line per event prefixed with the function, and notes missing groups', async () => {
    await put('counter', 'START RequestId: r1 Version: $LATEST', '{"counted": 3}', 'REPORT RequestId: r1 Duration: 2.00 ms');
    await put('mailer', '[ERROR] KeyError: \'to\'');
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url } });
    expect(await runTail({ follow: false }, run.ctx)).toBe(0);
    const lines = run.stdout().trimEnd().split('\n');
    expect(lines.filter((l) => / counter /.test(l))).toHaveLength(3);
    expect(run.stdout()).toMatch(/ counter +\{\n/);
    expect(run.stdout()).toMatch(/"counted": 3/);
    expect(run.stdout()).toMatch(/ mailer +\[ERROR\] KeyError/);
    expect(run.stderr()).toContain('/aws/lambda/quiet does not exist yet');
  });

  it('--json prints NDJSON records; a name limits the functions', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url, json: true } });
    expect(await runTail({ functions: ['mailer'], follow: false }, run.ctx)).toBe(0);
    const records = run.stdout().trim().split('\n').map((l) => JSON.parse(l));
    expect(records).toEqual([expect.objectContaining({ schemaVersion: 1, function: 'mailer', kind: 'error', logGroup: '/aws/lambda/mailer' })]);
  });

  it('follows new events without duplicates and exits 0 on Ctrl-C', async () => {
    const controller = new AbortController();
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url, json: true }, signal: controller.signal });
    const done = runTail({ functions: ['follower', 'quiet'] }, run.ctx, { intervalMs: 50 });
    // The group appears only after the tail started, as on a function's first run.
    await eventually(() => expect(run.stderr()).toContain('waiting for /aws/lambda/follower'));
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/follower' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/aws/lambda/follower', logStreamName: '2024/05/01/[$LATEST]abc' }));
    await put('follower', 'first');
    await eventually(() => expect(run.stdout()).toContain('"first"'));
    await put('follower', 'second');
    await eventually(() => expect(run.stdout()).toContain('"second"'));
    // Several more polls: nothing is printed twice.
    const polled = run.stdout();
    await new Promise((r) => setTimeout(r, 300));
    expect(run.stdout()).toBe(polled);
    controller.abort();
    expect(await done).toBe(0);
    const messages = run.stdout().trim().split('\n').map((l) => JSON.parse(l).message);
    expect(messages).toEqual(['first', 'second']);
    expect(run.stderr()).toContain('waiting for /aws/lambda/quiet');
  });

  it('refuses an unknown function with the list of known ones (exit 2)', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url } });
    const err = await runTail({ functions: ['countr'] }, run.ctx).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'UnknownFunction', exitCode: 2, hint: 'known functions: counter, mailer, quiet, follower' });
  });

  it('refuses a bad --since (exit 2)', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url } });
    await expect(runTail({ since: 'yesterday' }, run.ctx)).rejects.toMatchObject({ code: 'InvalidSince', exitCode: 2 });
  });
});
