import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { LambdaClient, PutFunctionEventInvokeConfigCommand, UpdateFunctionCodeCommand, GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { createActive, waitFor } from '../fixtures/lambda/helpers.js';
import { makeZip } from '../fixtures/lambda/zip.js';
import { testContext } from '../fixtures/events/command-context.js';
import { runUi } from '../../src/commands/ui.js';

// The dashboard in a real headless Chromium (Debian's, driven by playwright-core): the page loads, events are
// fired, and what the page shows afterwards is checked: the counters, a failed event's trace, a redrive.
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', process.env.CHROMIUM_PATH].find((p) => p && existsSync(p));
if (!CHROMIUM) {
  throw new Error('the dashboard test needs Chromium: apt-get install chromium (or set CHROMIUM_PATH); .ci/run installs it');
}

// Counts each order in DynamoDB; an order with "poison" fails until the code is fixed.
const handler = (failPoison: boolean) => `
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
const ddb = new DynamoDBClient({});
export const handler = async (event) => {
  if (${failPoison} && event.detail.poison) throw new Error('poison order ' + event.detail.id);
  await ddb.send(new PutItemCommand({ TableName: 'Orders', Item: { id: { S: String(event.detail.id) } } }));
  return { counted: event.detail.id };
};
`;

let engine: Engine;
let browser: Browser;
let page: Page;
let lambda: LambdaClient;
let events: EventBridgeClient;

const idle = () => fetch(`${engine.url}/_evlab/idle?timeout=30000`).then((r) => r.json());

beforeAll(async () => {
  engine = await startTestEngine();
  const config = clientConfig(engine.url);
  const sqs = new SQSClient(config);
  const ddb = new DynamoDBClient(config);
  lambda = new LambdaClient(config);
  events = new EventBridgeClient(config);
  const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'orders-dlq' }))).QueueUrl!;
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await ddb.send(new CreateTableCommand({
    TableName: 'Orders', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
  }));
  const fn = await createActive(lambda, {
    FunctionName: 'order-counter', Handler: 'index.handler',
    Code: { ZipFile: await makeZip({ 'index.mjs': handler(true) }) },
    DeadLetterConfig: { TargetArn: dlqArn },
  });
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'order-counter', MaximumRetryAttempts: 0 }));
  await events.send(new PutRuleCommand({ Name: 'orders', EventPattern: JSON.stringify({ source: ['shop'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'orders', Targets: [{ Id: 'counter', Arn: fn.FunctionArn! }] }));
  // An upload bucket and an HTTP API in front of the same function: drawn as entry points.
  const { S3Client, CreateBucketCommand, PutBucketNotificationConfigurationCommand } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'order-uploads' }));
  await s3.send(new PutBucketNotificationConfigurationCommand({
    Bucket: 'order-uploads',
    NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: fn.FunctionArn!, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.never' }] } } }] },
  }));
  const { ApiGatewayV2Client, CreateApiCommand, CreateIntegrationCommand, CreateRouteCommand } = await import('@aws-sdk/client-apigatewayv2');
  const v2 = new ApiGatewayV2Client(config);
  const api = await v2.send(new CreateApiCommand({ Name: 'orders-api', ProtocolType: 'HTTP' }));
  const integration = await v2.send(new CreateIntegrationCommand({ ApiId: api.ApiId!, IntegrationType: 'AWS_PROXY', IntegrationUri: fn.FunctionArn!, PayloadFormatVersion: '2.0' }));
  await v2.send(new CreateRouteCommand({ ApiId: api.ApiId!, RouteKey: 'POST /orders', Target: `integrations/${integration.IntegrationId}` }));
  for (const c of [sqs, ddb, s3, v2]) c.destroy();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (err) => console.error('page error:', err));
});
afterAll(async () => {
  await browser?.close();
  lambda?.destroy();
  events?.destroy();
  await engine?.stop();
});

const edge = (id: string) => page.locator(`[data-edge="${id}"]`);

describe('the dashboard in headless Chromium', () => {
  it('draws the stack as a graph from what the engine holds', async () => {
    await page.goto(`${engine.url}/_evlab/ui/`);
    await page.waitForSelector('body[data-ready="true"]');
    await expect.poll(() => page.locator('#connection').textContent()).toBe('live');
    for (const node of ['bus:default', 'rule:orders', 'function:order-counter', 'queue:orders-dlq', 'table:Orders']) {
      expect(await page.locator(`[data-node="${node}"]`).count(), node).toBe(1);
    }
    expect(await edge('rule:orders->function:order-counter').count()).toBe(1);
    expect(await edge('function:order-counter->queue:orders-dlq').count()).toBe(1);
    expect(await edge('bucket:order-uploads->function:order-counter').count()).toBe(1);
    expect(await edge('api:orders-api->function:order-counter').count()).toBe(1);
  });

  it('counts deliveries, failures and dead letters live as events are fired', async () => {
    const entries = [1, 2, 3, 4, 5].map((id) => ({ Source: 'shop', DetailType: 'OrderPlaced', Detail: JSON.stringify({ id, poison: id === 2 || id === 4 }) }));
    const put = await events.send(new PutEventsCommand({ Entries: entries }));
    expect(put.FailedEntryCount).toBe(0);
    await idle();
    // Pushed by the stream: the page is not reloaded.
    await page.waitForFunction(() => document.querySelector('[data-edge="rule:orders->function:order-counter"]')?.getAttribute('data-ok') === '5');
    await page.waitForFunction(() => document.querySelector('[data-edge="function:order-counter->queue:orders-dlq"]')?.getAttribute('data-ok') === '2');
    const fn = page.locator('[data-node="function:order-counter"]');
    expect(await fn.getAttribute('data-ok')).toBe('3');
    expect(await fn.getAttribute('data-failed')).toBe('2');
    expect(await edge('rule:orders->function:order-counter').locator('.counts').textContent()).toBe('✓5');
    await page.waitForFunction(() => document.querySelector('[data-node="queue:orders-dlq"]')?.getAttribute('data-messages') === '2');
    expect(await page.locator('#feed li[data-status="failed"]').count()).toBe(2);
    expect(await page.locator('#feed li[data-status="processed"]').count()).toBe(3);
  });

  it("opens a failed event's trace: the rule, the failed invocation and the dead-letter queue", async () => {
    await page.locator('#feed li[data-status="failed"]').first().click();
    await page.waitForSelector('#trace-steps li[data-type="dead-letter"]');
    const steps = await page.locator('#trace-steps li').allTextContents();
    expect(steps.some((s) => s.includes('rule orders matched'))).toBe(true);
    expect(steps.some((s) => /order-counter ✗ Error: poison order \d/.test(s))).toBe(true);
    expect(steps.some((s) => s.includes('order-counter → dead-letter queue orders-dlq'))).toBe(true);
    expect(await page.locator('#trace-status').textContent()).toBe('failed');
  });

  it('peeks at the dead letters and redrives them once the handler is fixed', async () => {
    await page.click('nav button[data-view="dlq"]');
    await page.waitForSelector('#dlqs tr[data-queue="orders-dlq"]');
    await page.click('#dlqs tr[data-queue="orders-dlq"] button');
    await page.waitForFunction(() => document.querySelectorAll('#dlq-messages tbody tr[data-message]').length === 2);
    expect(await page.locator('#dlq-messages tbody').textContent()).toContain('poison order');

    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'order-counter', ZipFile: await makeZip({ 'index.mjs': handler(false) }) }));
    await waitFor('the fixed code', async () => (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'order-counter' }))).LastUpdateStatus === 'Successful');
    await page.click('#dlq-redrive');
    await page.waitForFunction(() => document.querySelector('#dlq-result')?.getAttribute('data-redriven') === '2');
    await idle();
    await page.waitForFunction(() => document.querySelectorAll('#dlq-messages tbody tr[data-message]').length === 0);

    await page.click('nav button[data-view="tables"]');
    await page.selectOption('#tables-select', 'Orders');
    await page.waitForFunction(() => document.querySelector('#table-count')?.getAttribute('data-count') === '5');
    await page.click('nav button[data-view="graph"]');
    await page.waitForFunction(() => document.querySelector('[data-node="function:order-counter"]')?.getAttribute('data-ok') === '5');
    await page.screenshot({ path: process.env.EVLAB_DASHBOARD_SCREENSHOT ?? '/tmp/evlab-dashboard.png', fullPage: true });
  });

  it('shows a function\'s log lines with a filter', async () => {
    await page.click('nav button[data-view="logs"]');
    await page.selectOption('#logs-function', 'order-counter');
    await page.fill('#logs-filter', 'poison');
    await page.click('#logs-form button');
    await page.waitForFunction(() => Number(document.querySelector('#logs')?.getAttribute('data-lines') ?? 0) > 0);
    const text = await page.locator('#logs').textContent();
    expect(text).toContain('poison order');
    expect(text).not.toContain('START RequestId');
  });
});

describe('evlab ui', () => {
  it('prints the address of the page the engine serves (--json too)', async () => {
    const text = testContext({ cwd: process.cwd(), flags: { endpoint: engine.url } });
    expect(await runUi({}, text.ctx)).toBe(0);
    expect(text.stdout().trim()).toBe(`${engine.url}/_evlab/ui/`);
    const json = testContext({ cwd: process.cwd(), flags: { endpoint: engine.url, json: true } });
    expect(await runUi({}, json.ctx)).toBe(0);
    expect(JSON.parse(json.stdout())).toMatchObject({ url: `${engine.url}/_evlab/ui/`, endpoint: engine.url, startedEngine: false });
  });

  it('serves only its own files', async () => {
    expect((await fetch(`${engine.url}/_evlab/ui/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${engine.url}/_evlab/ui/app.js`)).headers.get('content-type')).toContain('text/javascript');
    const missing = await fetch(`${engine.url}/_evlab/ui/api/scan?table=Nope`);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: { code: 'BadRequest', message: 'table Nope does not exist' } });
  });
});
