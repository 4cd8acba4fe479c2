// `npm run demo`: the first five minutes with evlab. Makes sure an endpoint is up (the embedded engine in
// this process when nothing answers), then runs the real binary — setup, fire (good events, then edge cases
// and poison events), status — and checks that every fired event was counted or dead-lettered.
// Leaves the endpoint as it found it: an engine it started is stopped at the end.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext } from '../context.js';
import { UnreachableError } from '../errors.js';
import { Output } from '../ui/output.js';
import { reportError } from '../ui/report-error.js';
import { resolveTarget, type Target } from '../aws/target.js';
import { detectEndpoint, type EndpointInfo } from '../aws/detect.js';
import { createClients, type AwsClients } from '../aws/clients.js';
import { parseEventFile } from '../events/parse.js';
import type { Engine } from '../engine/index.js';
import { account, renderAccounting, type FiredFile, type Reading } from './accounting.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/evlab', import.meta.url));
const STACK = 'etc/evlab.json';
const EVENT_FILES = ['etc/events/events.json', 'etc/events/edge-cases.json'];
const TABLE = 'Distance';
const DLQ = 'lambda-testing-dlq';
// The engine's default: retries 1 s and 2 s after a failure, so poison events reach the DLQ in ~3 s (AWS: ~3 min).
const RETRY_DELAY_MS = 1000;

const out = new Output();
const c = out.c;

async function main(): Promise<number> {
  const started = Date.now();
  out.info(c.bold(`evlab demo: the Distance counter (${STACK})`));
  out.info(c.dim('Events with source "cli" go through the rule cli-events to the Python lambda lambda-testing, which adds one'));
  out.info(c.dim('to the Distance item in DynamoDB; events it cannot count are retried twice, then land in lambda-testing-dlq.\n'));

  const target = resolveTarget({}, process.env);
  const { endpoint, engine } = await ensureEndpoint(target);
  const clients = createClients({ ...target, endpoint });
  try {
    if (!(await evlab(endpoint, ['setup']))) return 1;
    const before = await read(clients);

    const files: FiredFile[] = [];
    for (const file of EVENT_FILES) {
      files.push({ file, events: countEvents(file) });
      if (!(await evlab(endpoint, ['fire', file, '--wait']))) return 1;
    }
    await evlab(endpoint, ['status']);

    const accounting = account(before, await read(clients), files);
    process.stdout.write('\n' + renderAccounting(accounting, c, (Date.now() - started) / 1000) + '\n');
    if (accounting.balanced) {
      const look = '`evlab tail --no-follow` shows each lambda run and why the poison events failed';
      // An engine started here stops with the demo, so looking around afterwards needs one that stays up.
      const next = engine ? `start an engine that stays up with \`evlab up --detach\` and run the demo again; then ${look}` : look;
      out.info(c.dim(`\nNext: ${next}; \`evlab init\` lists templates to start from.`));
    }
    return accounting.balanced ? 0 : 1;
  } finally {
    clients.destroy();
    if (engine) {
      await engine.stop();
      out.info(c.dim(`stopped the engine the demo started at ${endpoint}`));
    }
  }
}

/** Uses what answers at the target; when nothing does, starts the embedded engine in this process. */
async function ensureEndpoint(target: Target): Promise<{ endpoint: string; engine?: Engine }> {
  let info: EndpointInfo;
  try {
    info = await detectEndpoint(target.endpoint);
  } catch (err) {
    if (!(err instanceof UnreachableError) || !target.local) throw err;
    const engine = await startOwnEngine(target.endpoint);
    out.info(`${c.green('●')} nothing answered at ${target.endpoint}: started evlab's embedded engine at ${engine.url} in this process (stopped at the end)`);
    out.info(c.dim(`  failed events are retried ${RETRY_DELAY_MS / 1000} s and ${(2 * RETRY_DELAY_MS) / 1000} s after a failure here; AWS waits about 1 and 2 minutes\n`));
    // Ctrl-C: stop the engine (and the lambda processes it runs) before leaving.
    process.once('SIGINT', () => void engine.stop().finally(() => process.exit(130)));
    return { endpoint: engine.url, engine };
  }
  out.info(`${c.green('●')} using ${info.label} at ${target.endpoint} (left running)\n`);
  if (info.kind === 'moto') {
    out.warn('moto cannot run lambda code without Docker: the events will not be counted. Stop it, or point EVLAB_ENDPOINT at evlab up / LocalStack');
  } else if (info.kind === 'localstack') {
    out.warn('LocalStack retries failed async invocations after 60 s × attempt by default: the poison events need ~3 minutes to reach the DLQ');
  }
  return { endpoint: target.endpoint };
}

async function startOwnEngine(url: string): Promise<Engine> {
  const { startEngine } = await import('../engine/index.js');
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  try {
    return await startEngine({ port: Number(port || 80), host, lambdaRetryBaseDelayMs: RETRY_DELAY_MS });
  } catch (err) {
    // Something holds the port without answering HTTP: any free port does for the demo.
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return startEngine({ port: 0, host, lambdaRetryBaseDelayMs: RETRY_DELAY_MS });
  }
}

/**
 * Runs the real binary, showing its output as the user would see it. Asynchronous on purpose: the engine
 * may live in this process, and a synchronous child would block the server it talks to.
 */
function evlab(endpoint: string, args: string[]): Promise<boolean> {
  out.info(c.bold(`\n$ evlab ${args.join(' ')}`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--endpoint', endpoint, '--config', STACK, '--no-auto-start', ...args], {
      cwd: REPO,
      stdio: 'inherit',
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) out.info(c.red(`evlab ${args[0]} exited with ${code}; the demo stops here`));
      resolve(code === 0);
    });
  });
}

function countEvents(file: string): number {
  return parseEventFile(readFileSync(join(REPO, file), 'utf8'), file).items.length;
}

async function read(clients: AwsClients): Promise<Reading> {
  const [{ GetItemCommand }, { GetQueueUrlCommand, GetQueueAttributesCommand }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/client-sqs'),
  ]);
  const ddb = await clients.dynamodb();
  const sqs = await clients.sqs();
  const item = await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { Name: { S: 'Distance' } }, ConsistentRead: true }));
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: DLQ }));
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return {
    counter: Number(item.Item?.Distance?.N ?? 0),
    dlq: Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = reportError(err, createContext({}).out);
  },
);
