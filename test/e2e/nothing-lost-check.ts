// The nothing-lost check (issue 4): fire 200 events, 20 of them poison, into the distance-counter stack on the
// engine and account for every one after `evlab fire --wait`: 180 counted, exactly the 20 poison events in the
// DLQ (bodies equal to what was fired, ErrorMessage set), one REPORT line per attempt in the log group, and
// `evlab status --check` failing because the DLQ is not empty. Variants change how the lambda fails on poison.
import { expect } from 'vitest';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig, startTestEngine } from '../helpers/engine.js';

const REPO = join(import.meta.dirname, '..', '..');
const TEMPLATE = join(REPO, 'templates', 'distance-counter');
const FUNCTION = 'lambda-testing';
export const TOTAL = 200;
export const POISON = 20;
const ATTEMPTS = 3; // the first try and maxRetryAttempts 2

export type Runtime = 'python' | 'node';
/** How the lambda fails on a poison event: raise/throw, run past its timeout, or end its own process. */
export type Failure = 'error' | 'timeout' | 'exit';

// Wrappers around the template's handler that fail differently on the events app.check() rejects.
const WRAPPERS: Record<Runtime, Record<Exclude<Failure, 'error'>, { file: string; handler: string; code: string }>> = {
  python: {
    timeout: {
      file: 'poison_timeout.py',
      handler: 'poison_timeout.handler',
      code: `import time\nimport app\n\n\ndef handler(event, context):\n    try:\n        app.check(event.get("detail"))\n    except app.PoisonEvent:\n        time.sleep(3600)  # the function's timeout ends this\n    return app.handler(event, context)\n`,
    },
    exit: {
      file: 'poison_exit.py',
      handler: 'poison_exit.handler',
      code: `import os\nimport app\n\n\ndef handler(event, context):\n    try:\n        app.check(event.get("detail"))\n    except app.PoisonEvent:\n        os._exit(3)  # no response, no error report: the runtime process is just gone\n    return app.handler(event, context)\n`,
    },
  },
  node: {
    timeout: {
      file: 'poison-timeout.mjs',
      handler: 'poison-timeout.handler',
      code: `import { check, handler as count, PoisonEvent } from './index.mjs';\n\nexport async function handler(event) {\n  try {\n    check(event.detail);\n  } catch (err) {\n    if (!(err instanceof PoisonEvent)) throw err;\n    await new Promise((resolve) => setTimeout(resolve, 3_600_000)); // the function's timeout ends this\n  }\n  return count(event);\n}\n`,
    },
    exit: {
      file: 'poison-exit.mjs',
      handler: 'poison-exit.handler',
      code: `import { check, handler as count, PoisonEvent } from './index.mjs';\n\nexport async function handler(event) {\n  try {\n    check(event.detail);\n  } catch (err) {\n    if (err instanceof PoisonEvent) process.exit(3); // no response, no error report: the process is just gone\n    throw err;\n  }\n  return count(event);\n}\n`,
    },
  },
};

interface FiredEvent {
  Source: string;
  DetailType: string;
  Detail: string;
}

/** 200 events; every tenth is poison, cycling through the ways an event can be unusable. */
export function makeEvents(): { entries: FiredEvent[]; poisonSeqs: number[] } {
  const poisonKinds = [
    (seq: number) => ({ seq, type: 'poison: no coordinate', persist: true }),
    (seq: number) => ({ seq, type: 'poison: persist is false', persist: false, coordinate: { x: String(seq), y: '1' } }),
    (seq: number) => ({ seq, type: 'poison: persist is missing', coordinate: { x: String(seq), y: '1' } }),
    (seq: number) => ({ seq, type: 'poison: y is not a number', persist: true, coordinate: { x: String(seq), y: 'north' } }),
  ];
  const entries: FiredEvent[] = [];
  const poisonSeqs: number[] = [];
  for (let seq = 0; seq < TOTAL; seq++) {
    const poison = seq % 10 === 9;
    const detail = poison ? poisonKinds[poisonSeqs.length % poisonKinds.length](seq) : { seq, type: 'fake', persist: true, coordinate: { x: String(seq), y: String(-seq) } };
    if (poison) poisonSeqs.push(seq);
    entries.push({ Source: 'cli', DetailType: 'coordinate', Detail: JSON.stringify(detail) });
  }
  return { entries, poisonSeqs };
}

/** A scratch copy of the distance-counter template, its stack switched to the variant's runtime and handler. */
export function makeProject(runtime: Runtime, failure: Failure, entries: FiredEvent[]): { dir: string; config: string } {
  const dir = join(mkdtempSync(join(tmpdir(), `evlab-nothing-lost-${runtime}-${failure}-`)), 'project');
  cpSync(TEMPLATE, dir, { recursive: true, filter: (src) => !/[\\/](node_modules|\.evlab|__pycache__|test)$/.test(src) });
  const config = runtime === 'python' ? 'evlab.json' : 'evlab.node.json';
  const stack = JSON.parse(readFileSync(join(dir, config), 'utf8'));
  const fn = stack.functions[FUNCTION];
  if (failure !== 'error') {
    const wrapper = WRAPPERS[runtime][failure];
    writeFileSync(join(dir, fn.source, wrapper.file), wrapper.code);
    fn.handler = wrapper.handler;
  }
  // Short enough that 60 timed-out attempts keep the test fast, long enough for a cold start on a busy CI machine.
  if (failure === 'timeout') fn.timeout = 2;
  writeFileSync(join(dir, config), JSON.stringify(stack, null, 2));
  writeFileSync(join(dir, 'events', 'nothing-lost.json'), JSON.stringify(entries, null, 1));
  return { dir, config };
}

export interface EvlabRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real binary, asynchronously: the engine lives in this process and must keep serving while it runs. */
export function evlab(args: string[], cwd: string, endpoint: string): Promise<EvlabRun> {
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.EVLAB_ENDPOINT;
  delete env.AWS_ENDPOINT_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'evlab'), '--endpoint', endpoint, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function receiveAll(sqs: SQSClient, queueName: string): Promise<Message[]> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
  const messages: Message[] = [];
  for (;;) {
    // Received messages stay invisible for the queue's visibility timeout (30 s), so every round brings new ones.
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return messages;
    messages.push(...Messages);
  }
}

async function logMessages(logs: CloudWatchLogsClient, group: string): Promise<string[]> {
  const messages: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName: group, nextToken }));
    messages.push(...(page.events ?? []).map((e) => e.message ?? ''));
    nextToken = page.nextToken;
  } while (nextToken);
  return messages;
}

/** The whole check for one variant, on a fresh engine. */
export async function checkNothingLost(runtime: Runtime, failure: Failure): Promise<void> {
  const { entries, poisonSeqs } = makeEvents();
  const project = makeProject(runtime, failure, entries);
  const engine = await startTestEngine();
  const ddb = new DynamoDBClient(clientConfig(engine.url));
  const sqs = new SQSClient(clientConfig(engine.url));
  const logs = new CloudWatchLogsClient(clientConfig(engine.url));
  const run = (...args: string[]) => evlab(['--config', project.config, ...args], project.dir, engine.url);
  try {
    const setup = await run('setup');
    expect(setup.code, `setup\n${setup.stderr}${setup.stdout}`).toBe(0);

    const fired = await run('fire', 'events/nothing-lost.json', '--wait', '--timeout', '50');
    expect(fired.code, `fire\n${fired.stderr}${fired.stdout}`).toBe(0);

    // Right after --wait returns, nothing may still be on its way: no polling from here on.
    const item = await ddb.send(new GetItemCommand({ TableName: 'Distance', Key: { Name: { S: 'Distance' } }, ConsistentRead: true }));
    expect(Number(item.Item?.Distance?.N), 'counter').toBe(TOTAL - POISON);

    const check = await run('status', '--check');
    expect(check.code, `status --check must fail while the DLQ holds messages\n${check.stderr}${check.stdout}`).toBe(1);

    const dead = await receiveAll(sqs, 'lambda-testing-dlq');
    const bodies = dead.map((m) => JSON.parse(m.Body!) as { source: string; 'detail-type': string; detail: { seq: number } });
    expect(bodies.map((b) => b.detail.seq).sort((a, b) => a - b), 'the DLQ holds exactly the poison events').toEqual(poisonSeqs);
    for (const body of bodies) {
      const sent = entries[body.detail.seq];
      expect(body.detail, `DLQ body of event ${body.detail.seq}`).toEqual(JSON.parse(sent.Detail));
      expect([body.source, body['detail-type']]).toEqual([sent.Source, sent.DetailType]);
    }
    for (const m of dead) expect(m.MessageAttributes?.ErrorMessage?.StringValue, 'ErrorMessage attribute').toBeTruthy();

    const lines = await logMessages(logs, `/aws/lambda/${FUNCTION}`);
    const reports = lines.filter((l) => l.startsWith('REPORT RequestId:'));
    const counted = lines.filter((l) => l.includes('"msg": "counted"') || l.includes('"msg":"counted"'));
    expect(counted, 'one "counted" line per counted event').toHaveLength(TOTAL - POISON);
    expect(reports, 'one REPORT line per attempt: 180 successes + 20 poison events × 3 attempts').toHaveLength(TOTAL - POISON + POISON * ATTEMPTS);
    if (failure === 'timeout') expect(lines.filter((l) => l.includes('Task timed out after'))).toHaveLength(POISON * ATTEMPTS);
  } finally {
    ddb.destroy();
    sqs.destroy();
    logs.destroy();
    await engine.stop();
    rmSync(join(project.dir, '..'), { recursive: true, force: true });
  }
}
