import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient, ListTargetsByRuleCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { runSetup, setup } from '../../src/commands/setup.js';
import { runTeardown } from '../../src/commands/teardown.js';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { captureContext } from '../fixtures/stacks/project.js';

// A user made a queue and a rule by hand with the aws CLI, then wrote a stack file with the same names.
// setup must not take them over silently: it changes them only with --adopt, and never removes the user's target.
let engine: Engine;
let dir: string;
let sqs: SQSClient;
let events: EventBridgeClient;

const STACK = {
  queues: { jobs: { visibilityTimeout: 30 }, audit: {} },
  rules: { 'job-events': { pattern: { source: ['jobs'] }, targets: [{ queue: 'jobs' }] } },
};

beforeAll(async () => {
  engine = await startTestEngine();
  sqs = new SQSClient(clientConfig(engine.url));
  events = new EventBridgeClient(clientConfig(engine.url));
  dir = mkdtempSync(join(tmpdir(), 'evlab-adopt-'));
  writeFileSync(join(dir, 'evlab.json'), JSON.stringify(STACK));
  await sqs.send(new CreateQueueCommand({ QueueName: 'jobs', Attributes: { VisibilityTimeout: '99' } }));
  await sqs.send(new CreateQueueCommand({ QueueName: 'mine' }));
  await events.send(new PutRuleCommand({ Name: 'job-events', EventPattern: JSON.stringify({ source: ['hand-made'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'job-events', Targets: [{ Id: 'my-own', Arn: 'arn:aws:sqs:us-east-1:000000000000:mine' }] }));
});
afterAll(async () => {
  sqs?.destroy();
  events?.destroy();
  rmSync(dir, { recursive: true, force: true });
  await engine?.stop();
});

const visibility = async () => {
  const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))).QueueUrl!;
  return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout'] }))).Attributes!.VisibilityTimeout;
};
const targetIds = async () => ((await events.send(new ListTargetsByRuleCommand({ Rule: 'job-events' }))).Targets ?? []).map((t) => t.Id).sort();
const describeChange = (c: { action: string; resource: { type: string; name: string } }) => `${c.action} ${c.resource.type} ${c.resource.name}`;

describe('setup and resources evlab did not create', () => {
  it('--dry-run shows them as adopt', async () => {
    const plan = await setup({ dryRun: true }, captureContext(dir, { endpoint: engine.url }).ctx);
    expect(plan.adoptions.map(describeChange).sort()).toEqual(['delete target job-events/my-own', 'update queue jobs', 'update rule job-events'].sort());
  });

  it('without --adopt (and no terminal to ask on) creates what is new, leaves what is not its own, and exits 1', async () => {
    const run = captureContext(dir, { endpoint: engine.url });
    expect(await runSetup({}, run.ctx)).toBe(1);
    expect(run.stdout()).toContain('[adopt, skipped: evlab did not create it (--adopt)]');
    expect(run.stdout()).toMatch(/^2 created, 0 updated, 0 deleted, 0 unchanged/m);
    expect(run.stderr()).toContain('3 changes not applied: evlab did not create those resources; `evlab setup --adopt` takes them over');
    expect(await visibility()).toBe('99');
    // The user's target stays; evlab's own target and queue are created.
    expect(await targetIds()).toEqual(['jobs', 'my-own']);
    expect(existsSync(join(dir, '.evlab', 'owned.json'))).toBe(true);
  });

  it('--adopt takes them over; after that they are evlab\'s and setup is quiet', async () => {
    const adopted = await setup({ adopt: true }, captureContext(dir, { endpoint: engine.url }).ctx);
    expect(adopted.skipped).toEqual([]);
    expect(adopted.applied).toBe(true);
    expect(await visibility()).toBe('30');
    expect(await targetIds()).toEqual(['jobs']);
    const again = captureContext(dir, { endpoint: engine.url });
    expect(await runSetup({}, again.ctx)).toBe(0);
    expect(again.stdout()).toMatch(/no changes: \d+ resources up to date/);
  });

  it('drift on what evlab created is repaired without asking', async () => {
    const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))).QueueUrl!;
    const { SetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '45' } }));
    const repaired = await setup({}, captureContext(dir, { endpoint: engine.url }).ctx);
    expect(repaired.adoptions).toEqual([]);
    expect(repaired.changes.filter((c) => c.action !== 'noop').map(describeChange)).toEqual(['update queue jobs']);
    expect(await visibility()).toBe('30');
  });

  it('teardown leaves a resource of the stack\'s names that evlab did not create, unless --adopt', async () => {
    // A fresh project folder has no record: nothing at the endpoint is its own.
    const other = mkdtempSync(join(tmpdir(), 'evlab-adopt-other-'));
    try {
      writeFileSync(join(other, 'evlab.json'), JSON.stringify({ queues: { mine: {} } }));
      const kept = captureContext(other, { endpoint: engine.url });
      expect(await runTeardown({}, kept.ctx)).toBe(1);
      expect(kept.stdout()).toContain('kept 1, which evlab did not create: queue mine (`evlab teardown --adopt` deletes them too)');
      expect((await sqs.send(new GetQueueUrlCommand({ QueueName: 'mine' }))).QueueUrl).toBeTruthy();
      const adopted = captureContext(other, { endpoint: engine.url });
      expect(await runTeardown({ adopt: true }, adopted.ctx)).toBe(0);
      await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'mine' }))).rejects.toThrow();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
