import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../helpers/engine.js';
import { freePort, startMoto, type MotoServer } from '../helpers/moto.js';
import { runBinary, writeProject } from '../fixtures/events/command-context.js';

// Drives the built binary (`npm run build` first): exit codes and output as a user sees them.

let moto: MotoServer;
let sqs: SQSClient;
let jobsUrl: string;
let project: ReturnType<typeof writeProject>;
const evlab = (...args: string[]) => runBinary(['--endpoint', moto.url, ...args], project.dir);

beforeAll(async () => {
  moto = await startMoto();
  sqs = new SQSClient(clientConfig(moto.url));
  const events = new EventBridgeClient(clientConfig(moto.url));
  jobsUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'jobs' }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: jobsUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await events.send(new PutRuleCommand({ Name: 'all-cli', EventPattern: JSON.stringify({ source: ['cli'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'all-cli', Targets: [{ Id: 'jobs', Arn: arn }] }));
  events.destroy();
  project = writeProject(
    { queues: { jobs: {} }, buses: { orders: {} }, rules: { 'all-cli': { pattern: { source: ['cli'] }, targets: [{ queue: 'jobs' }] } } },
    {
      'ok.json': '[{"Source": "cli", "DetailType": "a", "Detail": {"n": 1}}, {"Source": "cli", "DetailType": "b", "Detail": "{\\"n\\": 2}"}]',
      'half-bad.ndjson': '{"Source": "cli", "DetailType": "a", "Detail": {}}\n{"Source": "cli", "DetailType": "b"}\n',
      'broken.json': '[\n  {"Source": "cli",, "DetailType": "a", "Detail": {}}\n]\n',
      'orders.json': '{"Source": "shop", "DetailType": "order", "Detail": {}, "EventBusName": "orders"}',
    },
  );
});
afterAll(async () => {
  sqs?.destroy();
  project?.remove();
  await moto?.stop();
});
beforeEach(async () => {
  await sqs.send(new PurgeQueueCommand({ QueueUrl: jobsUrl }));
});

async function queued(): Promise<number> {
  const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: jobsUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(a.Attributes!.ApproximateNumberOfMessages);
}

describe('evlab fire (binary)', () => {
  it('exit 0: sends the events and the rule delivers them', async () => {
    const run = await evlab('fire', 'ok.json');
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✓ 2 events to default on moto: 2 sent');
    expect(await queued()).toBe(2);
  });

  it('exit 2: one bad entry in one file means nothing is sent from any file', async () => {
    const run = await evlab('fire', 'ok.json', 'half-bad.ndjson', 'broken.json');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('half-bad.ndjson:entry 2 (line 2): "Detail" is required');
    expect(run.stderr).toContain('broken.json:2:20: JSON syntax error: unexpected "," where a property name in double quotes was expected');
    expect(run.stdout).toBe('');
    expect(await queued()).toBe(0);
  });

  it('exit 2 with --json: the problems as a JSON error on stdout', async () => {
    const run = await evlab('--json', 'fire', 'half-bad.ndjson');
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      schemaVersion: 1, ok: false,
      error: { code: 'InvalidEvents', problems: [{ path: 'half-bad.ndjson:entry 2 (line 2)', message: '"Detail" is required' }] },
    });
    expect(await queued()).toBe(0);
  });

  it('exit 1: a bus that does not exist at the endpoint is reported before anything is sent', async () => {
    const run = await evlab('fire', 'orders.json');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[EventBusNotFound] event bus orders does not exist at');
    expect(run.stderr).toContain('hint: create it with `evlab setup`');
  });

  it('exit 3: nothing answers, within a few seconds', async () => {
    const run = await runBinary(['--endpoint', `http://127.0.0.1:${await freePort()}`, 'fire', 'ok.json'], project.dir);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('EndpointUnreachable');
    expect(run.ms).toBeLessThan(6000);
  });
});
