// The template end to end on evlab's embedded engine: the producer puts a seeded random mix of events on
// the custom bus; only sales events reach the consumer's log, inventory events wait in their queue,
// and the producer's counts add up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type Engine } from 'evlab/engine';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig, copyProject, evlab } from './evlab.js';

interface Counts {
  tot_msgs: number;
  bad_msgs: number;
  sale_evnts: number;
  inventory_evnts: number;
}

let engine: Engine;
let project: ReturnType<typeof copyProject>;
let logs: CloudWatchLogsClient;
let sqs: SQSClient;
const run = (...args: string[]) => evlab(args, { cwd: project.dir, endpoint: engine.url });

beforeAll(async () => {
  engine = await startEngine({ port: 0, lambdaRetryBaseDelayMs: 100 });
  project = copyProject();
  logs = new CloudWatchLogsClient(clientConfig(engine.url));
  sqs = new SQSClient(clientConfig(engine.url));
  const setup = await run('setup');
  expect(setup.code, setup.stderr + setup.stdout).toBe(0);
}, 60_000);

afterAll(async () => {
  logs?.destroy();
  sqs?.destroy();
  await engine?.stop();
  project?.remove();
});

/** The `{"msg": "sale", ...}` lines the consumer logged (since a time, in ms, if given). */
async function loggedSales(since?: number): Promise<Record<string, unknown>[]> {
  const sales: Record<string, unknown>[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/consumer', filterPattern: '"sale"', startTime: since, nextToken }));
    for (const event of page.events ?? []) {
      const message = event.message ?? '';
      if (!message.includes('{')) continue;
      const line = JSON.parse(message.slice(message.indexOf('{'))) as Record<string, unknown>;
      if (line.msg === 'sale') sales.push(line);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return sales;
}

async function queuedInventory(): Promise<Record<string, unknown>[]> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'inventory-events' }));
  const events: Record<string, unknown>[] = [];
  for (;;) {
    // Received messages stay invisible (30 s by default), so each round returns new ones.
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    if (Messages.length === 0) return events;
    events.push(...Messages.map((m) => JSON.parse(m.Body!) as Record<string, unknown>));
  }
}

describe('store-events', () => {
  it('routes sales events to the consumer and inventory events to the queue; the counts add up', async () => {
    const invoked = await run('invoke', 'producer', '--payload', '{"count": 40, "seed": 7}');
    expect(invoked.code, invoked.stderr + invoked.stdout).toBe(0);
    const counts = JSON.parse(/\{[^{}]*"tot_msgs"[^{}]*\}/.exec(invoked.stdout)![0]) as Counts;
    // Seed 7 gives both kinds and some events without a store_id.
    expect(counts).toEqual({ tot_msgs: 40, bad_msgs: 9, sale_evnts: 23, inventory_evnts: 17 });
    expect(await engine.context.activity.whenIdle(30_000)).toBe(true);

    const sales = await loggedSales();
    expect(sales).toHaveLength(counts.sale_evnts);
    expect(sales.every((s) => s.detail_type === 'sales-events')).toBe(true);
    expect(sales.filter((s) => s.warning === 'sale without store_id')).toHaveLength(4);

    const inventory = await queuedInventory();
    expect(inventory).toHaveLength(counts.inventory_evnts);
    expect(inventory.every((e) => e['detail-type'] === 'inventory-events')).toBe(true);
  }, 60_000);

  it('evlab tail consumer shows only sales events', async () => {
    const tailed = await run('tail', 'consumer', '--no-follow');
    expect(tailed.code, tailed.stderr).toBe(0);
    expect(tailed.stdout).toContain('sales-events');
    expect(tailed.stdout).not.toContain('inventory-events');
    expect(tailed.stdout).not.toContain('on_hand');
  }, 60_000);

  it('from template.yaml: after tearing down, the SAM template alone sets it up and routes the same mix', async () => {
    const down = await run('teardown');
    expect(down.code, down.stderr + down.stdout).toBe(0);
    // A copy without evlab.json: evlab finds template.yaml on its own.
    const sam = copyProject({ templateOnly: true });
    try {
      const inSam = (...args: string[]) => evlab(args, { cwd: sam.dir, endpoint: engine.url });
      const setup = await inSam('setup');
      expect(setup.code, setup.stderr + setup.stdout).toBe(0);
      expect(setup.stderr).toContain('template.yaml');
      const since = Date.now();
      const invoked = await inSam('invoke', 'producer', '--payload', '{"count": 40, "seed": 7}');
      expect(invoked.code, invoked.stderr + invoked.stdout).toBe(0);
      const counts = JSON.parse(/\{[^{}]*"tot_msgs"[^{}]*\}/.exec(invoked.stdout)![0]) as Counts;
      expect(counts).toEqual({ tot_msgs: 40, bad_msgs: 9, sale_evnts: 23, inventory_evnts: 17 });
      expect(await engine.context.activity.whenIdle(30_000)).toBe(true);
      expect(await loggedSales(since)).toHaveLength(counts.sale_evnts);
      // The queue was deleted by teardown and made again from the template: only this round's events are in it.
      expect(await queuedInventory()).toHaveLength(counts.inventory_evnts);
    } finally {
      sam.remove();
    }
  }, 60_000);
});
