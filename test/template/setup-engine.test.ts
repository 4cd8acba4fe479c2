import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { setup } from '../../src/commands/setup.js';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { captureContext } from '../fixtures/stacks/project.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/templates/sam-app');
let engine: Engine;
let dir: string;
let sqs: SQSClient;
let events: EventBridgeClient;

beforeAll(async () => {
  engine = await startTestEngine();
  sqs = new SQSClient(clientConfig(engine.url));
  events = new EventBridgeClient(clientConfig(engine.url));
  dir = mkdtempSync(join(tmpdir(), 'evlab-sam-app-'));
  cpSync(fixture, dir, { recursive: true });
});
afterAll(async () => {
  sqs?.destroy();
  events?.destroy();
  rmSync(dir, { recursive: true, force: true });
  await engine?.stop();
});

const work = (changes: { action: string; resource: { type: string; name: string } }[]) =>
  changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.resource.type} ${c.resource.name}`);

describe('a SAM template as the stack, against the embedded engine', () => {
  it('sets up every resource, runs rule → lambda → DLQ, and a second setup changes nothing', async () => {
    // template.yaml is found on its own in the project folder; the stack name makes the physical names stable.
    const run = () => captureContext(dir, { endpoint: engine.url, stackName: 'sam-app' });
    const first = run();
    const result = await setup({}, first.ctx);
    expect(result.checks.filter((c) => c.status === 'fail')).toEqual([]);
    const created = work(result.changes);
    for (const expected of [
      'create function sam-app-InvoiceFunction-941D78740B79',
      'create queue sam-app-invoice-dlq',
      'create queue sam-app-ordered.fifo',
      'create bus sam-app-orders',
      'create rule sam-app-InvoiceFunctionOrderPlaced-42F080C14521',
      'create rule sam-app-WorkerFunctionNightly-7D8EE683715A',
      'create table sam-app-InvoicesTable-B7005880A734',
    ]) {
      expect(created).toContain(expected);
    }
    expect(result.template?.unsupported.map((u) => `${u.location} ${u.logicalId}${u.property ? `.${u.property}` : ''}`)).toEqual([
      'template.yaml:82 WorkerFunction.AutoPublishAlias',
      'template.yaml:122 WorkerFunction.Events.Stream',
      'template.yaml:179 AuditTable.StreamSpecification',
      'template.yaml:187 AlertsTopic',
    ]);
    // The report is on stderr, each line with file:line.
    expect(first.stderr()).toContain('Not supported locally (4');
    expect(first.stderr()).toContain('template.yaml:187  AlertsTopic (AWS::SNS::Topic)');
    expect(first.stderr()).toContain('runtime python3.6 is retired by AWS; it runs on python3.9 locally');

    // The SQS event's FunctionResponseTypes, the Schedule event's expression and the rule target's DLQ and retries reach the engine.
    const { LambdaClient, ListEventSourceMappingsCommand } = await import('@aws-sdk/client-lambda');
    const { DescribeRuleCommand, ListTargetsByRuleCommand } = await import('@aws-sdk/client-eventbridge');
    const lambda = new LambdaClient(clientConfig(engine.url));
    const mappings = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'sam-app-WorkerFunction-20786C145099' }));
    lambda.destroy();
    expect(mappings.EventSourceMappings?.map((m) => [m.BatchSize, m.FunctionResponseTypes])).toEqual([[5, ['ReportBatchItemFailures']]]);
    expect((await events.send(new DescribeRuleCommand({ Name: 'sam-app-WorkerFunctionNightly-7D8EE683715A' }))).ScheduleExpression).toBe('rate(1 day)');
    const [target] = (await events.send(new ListTargetsByRuleCommand({ Rule: 'sam-app-InvoiceFunctionOrderPlaced-42F080C14521', EventBusName: 'sam-app-orders' }))).Targets ?? [];
    expect(target?.DeadLetterConfig?.Arn).toBe('arn:aws:sqs:us-east-1:000000000000:sam-app-InvoiceFunctionOrderPlacedQueue-E4AA55DFB8BD');
    expect(target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 });

    // An order that fails: MaximumRetryAttempts 0 (EventInvokeConfig), so it goes straight to the function's DLQ.
    const put = await events.send(
      new PutEventsCommand({ Entries: [{ EventBusName: 'sam-app-orders', Source: 'demo.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify({ id: 'o-7', fail: true }) }] }),
    );
    expect(put.FailedEntryCount).toBe(0);
    const dlqUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'sam-app-invoice-dlq' }))).QueueUrl!;
    let body: string | undefined;
    while (!body) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 5, MessageAttributeNames: ['All'] }));
      body = got.Messages?.[0]?.Body;
      if (body) expect(got.Messages![0]!.MessageAttributes?.ErrorMessage?.StringValue).toContain('order o-7 cannot be invoiced');
    }
    expect(JSON.parse(body).detail).toEqual({ id: 'o-7', fail: true });

    const second = await setup({}, run().ctx);
    expect(work(second.changes)).toEqual([]);

    // Logical IDs name the resources too: invoke the inline function by its logical ID.
    const invoked = run();
    const { runInvoke } = await import('../../src/commands/invoke.js');
    expect(await runInvoke({ function: 'HelloFunction' }, invoked.ctx)).toBe(0);
    expect(invoked.stdout()).toContain('hello');

    // status prints the template's Outputs with the local values: the function URL the engine assigned.
    const shown = captureContext(dir, { endpoint: engine.url, stackName: 'sam-app', json: true });
    const { runStatus } = await import('../../src/commands/status.js');
    await runStatus({}, shown.ctx);
    const outputs = Object.fromEntries((JSON.parse(shown.stdout()).outputs as { name: string; value: string }[]).map((o) => [o.name, o.value]));
    expect(outputs.InvoiceFunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:sam-app-InvoiceFunction-941D78740B79');
    expect(outputs.WorkerUrl).toMatch(new RegExp(`^${engine.url}/_aws/lambda-url/[a-z0-9]+/$`));
    expect(outputs.HttpApiUrl).toMatch(new RegExp(`^${engine.url}/_aws/execute-api/[a-z0-9]+/$`));
    expect(outputs.Letters).toBe('a,b,c');
  }, 60_000);
});
