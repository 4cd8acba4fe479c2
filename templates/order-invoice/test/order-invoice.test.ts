// The template end to end on evlab's embedded engine: the order lambda calls EventBridge from inside
// the engine, the rule routes the event to the invoice lambda, and the invoice shows up in its log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type Engine } from 'evlab/engine';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig, copyProject, evlab } from './evlab.js';

let engine: Engine;
let project: ReturnType<typeof copyProject>;
let logs: CloudWatchLogsClient;
const run = (...args: string[]) => evlab(args, { cwd: project.dir, endpoint: engine.url });

beforeAll(async () => {
  engine = await startEngine({ port: 0, lambdaRetryBaseDelayMs: 100 });
  project = copyProject();
  logs = new CloudWatchLogsClient(clientConfig(engine.url));
  const setup = await run('setup');
  expect(setup.code, setup.stderr + setup.stdout).toBe(0);
}, 60_000);

afterAll(async () => {
  logs?.destroy();
  await engine?.stop();
  project?.remove();
});

interface Invoice {
  orderId: string;
  customer: string;
  subtotal: string;
  tax: string;
  total: string;
  lines: { sku: string; amount: string }[];
}

/** The invoices the invoice lambda has logged (since a time, in ms, if given), by order id. */
async function invoices(since?: number): Promise<Map<string, Invoice>> {
  const found = new Map<string, Invoice>();
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/invoice', filterPattern: '"invoice"', startTime: since, nextToken }));
    for (const event of page.events ?? []) {
      const json = event.message?.slice(event.message.indexOf('{'));
      if (!json) continue;
      const parsed = JSON.parse(json) as Invoice & { msg?: string };
      if (parsed.msg === 'invoice') found.set(parsed.orderId, parsed);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return found;
}

describe('order-invoice', () => {
  it('an order placed by the order lambda gets its invoice', async () => {
    const invoked = await run('invoke', 'order', '--payload', '@payloads/order.json');
    expect(invoked.code, invoked.stderr + invoked.stdout).toBe(0);
    expect(invoked.stdout).toContain('1001');
    // The invocation returns once the event is on the bus; the invoice lambda runs after it.
    expect(await engine.context.activity.whenIdle(30_000)).toBe(true);

    const invoice = (await invoices()).get('1001');
    expect(invoice).toMatchObject({ customer: 'Ada Lovelace', subtotal: '9.30', tax: '1.86', total: '11.16' });
  }, 60_000);

  it('orders fired from a file are invoiced; other detail-types are not routed', async () => {
    const fired = await run('fire', 'events/orders.json', '--wait');
    expect(fired.code, fired.stderr + fired.stdout).toBe(0);

    const all = await invoices();
    expect(all.get('2001')?.total).toBe('119.99'); // 99.99 + 20 % tax
    expect(all.get('2002')?.total).toBe('15.12'); // (12.50 + 0.10) × 1.2
    expect([...all.keys()].sort()).toEqual(['1001', '2001', '2002']);
  }, 60_000);

  it('an invalid order fails in the order lambda and puts nothing on the bus', async () => {
    const invoked = await run('invoke', 'order', '--payload', '{"customer": "", "items": []}');
    expect(invoked.stdout + invoked.stderr).toContain('invalid order');
    expect(await engine.context.activity.whenIdle(30_000)).toBe(true);
    expect((await invoices()).size).toBe(3);
  }, 60_000);

  it('from template.yaml: after tearing down, the SAM template alone sets it up and orders are invoiced again', async () => {
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
      const invoked = await inSam('invoke', 'order', '--payload', '@payloads/order.json');
      expect(invoked.code, invoked.stderr + invoked.stdout).toBe(0);
      const fired = await inSam('fire', 'events/orders.json', '--wait');
      expect(fired.code, fired.stderr + fired.stdout).toBe(0);
      expect(await engine.context.activity.whenIdle(30_000)).toBe(true);
      const again = await invoices(since);
      expect([...again.keys()].sort()).toEqual(['1001', '2001', '2002']);
      expect(again.get('1001')?.total).toBe('11.16');
    } finally {
      sam.remove();
    }
  }, 60_000);
});
