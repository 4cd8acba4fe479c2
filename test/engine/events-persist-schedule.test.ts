import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function engineWithClients(options: Parameters<typeof startTestEngine>[0] = {}) {
  const engine = await startTestEngine(options);
  const eb = new EventBridgeClient(clientConfig(engine.url));
  const sqs = new SQSClient(clientConfig(engine.url));
  cleanup.push(() => {
    eb.destroy();
    sqs.destroy();
  }, () => engine.stop());
  return { engine, eb, sqs };
}

async function queue(sqs: SQSClient, name: string) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

const idle = async (engine: Engine) => ((await (await fetch(`${engine.url}/_evlab/idle?timeout=5000`)).json()) as { idle: boolean }).idle;

describe('persistence', () => {
  it('keeps buses, rules, targets and tags across a restart, and routes with them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evlab-events-persist-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));

    const first = await engineWithClients({ persist: dir });
    const q = await queue(first.sqs, 'persisted-q');
    await first.eb.send(new CreateEventBusCommand({ Name: 'kept', Description: 'survives' }));
    const { RuleArn } = await first.eb.send(
      new PutRuleCommand({ Name: 'kept-rule', EventBusName: 'kept', EventPattern: JSON.stringify({ source: ['p'] }), State: 'ENABLED', Tags: [{ Key: 'k', Value: 'v' }] }),
    );
    const target = { Id: 't', Arn: q.arn, InputTransformer: { InputPathsMap: { n: '$.detail.n' }, InputTemplate: '{"n": <n>}' } };
    await first.eb.send(new PutTargetsCommand({ Rule: 'kept-rule', EventBusName: 'kept', Targets: [target] }));
    await first.engine.stop();

    const second = await engineWithClients({ persist: dir });
    expect(await second.eb.send(new DescribeRuleCommand({ Name: 'kept-rule', EventBusName: 'kept' }))).toMatchObject({
      Arn: RuleArn,
      EventPattern: JSON.stringify({ source: ['p'] }),
      State: 'ENABLED',
    });
    expect((await second.eb.send(new ListTargetsByRuleCommand({ Rule: 'kept-rule', EventBusName: 'kept' }))).Targets).toEqual([target]);
    expect((await second.eb.send(new ListTagsForResourceCommand({ ResourceARN: RuleArn }))).Tags).toEqual([{ Key: 'k', Value: 'v' }]);
    await second.eb.send(new PutEventsCommand({ Entries: [{ Source: 'p', DetailType: 'd', Detail: '{"n":42}', EventBusName: 'kept' }] }));
    expect(await idle(second.engine)).toBe(true);
    const { Messages } = await second.sqs.send(new ReceiveMessageCommand({ QueueUrl: q.url, WaitTimeSeconds: 0 }));
    expect(Messages?.map((m) => m.Body)).toEqual(['{"n": 42}']);
  });
});

describe('scheduled rules', () => {
  it('fires enabled rate() rules with a Scheduled Event to their targets', async () => {
    const { engine, eb, sqs } = await engineWithClients();
    const q = await queue(sqs, 'ticks');
    // Only the interval timer is faked: HTTP, delivery (setImmediate) and the idle signal run on real time.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { RuleArn } = await eb.send(new PutRuleCommand({ Name: 'tick', ScheduleExpression: 'rate(2 minutes)' }));
    await eb.send(new PutTargetsCommand({ Rule: 'tick', Targets: [{ Id: 'q', Arn: q.arn }] }));
    vi.advanceTimersByTime(60_000);
    expect(await idle(engine)).toBe(true);
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.url, WaitTimeSeconds: 0 }))).Messages).toBeUndefined();
    vi.advanceTimersByTime(60_000);
    expect(await idle(engine)).toBe(true);
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.url, WaitTimeSeconds: 0 }));
    expect(Messages).toHaveLength(1);
    expect(JSON.parse(Messages![0].Body!)).toMatchObject({
      version: '0',
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      account: '000000000000',
      region: 'us-east-1',
      resources: [RuleArn],
      detail: {},
    });
  });
});
