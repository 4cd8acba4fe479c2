import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { createActive, waitFor } from '../fixtures/lambda/helpers.js';
import { makeZip } from '../fixtures/lambda/zip.js';

let engine: Engine;
let lambda: LambdaClient;
let sqs: SQSClient;
let logs: CloudWatchLogsClient;

// Logs each batch; fails the batch when a body says "fail", reports single items when one says "partial".
const CONSUMER = `
exports.handler = async (event) => {
  console.log('BATCH ' + JSON.stringify(event));
  if (event.Records.some((r) => r.body.includes('fail'))) throw new Error('batch failed');
  const failures = event.Records.filter((r) => r.body.includes('partial')).map((r) => ({ itemIdentifier: r.messageId }));
  return { batchItemFailures: failures };
};`;

beforeAll(async () => {
  engine = await startTestEngine();
  lambda = new LambdaClient(clientConfig(engine.url));
  sqs = new SQSClient(clientConfig(engine.url));
  logs = new CloudWatchLogsClient(clientConfig(engine.url));
  await createActive(lambda, { FunctionName: 'consumer', Code: { ZipFile: await makeZip({ 'index.js': CONSUMER }) } });
});
afterAll(() => engine?.stop());

async function queue(name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url, arn };
}

async function depth(url: string): Promise<number> {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
  return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible) + Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
}

async function batches(): Promise<{ Records: Record<string, any>[] }[]> {
  const out = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/consumer', filterPattern: '"BATCH"' }));
  return (out.events ?? []).map((e) => JSON.parse(e.message!.slice(e.message!.indexOf('BATCH ') + 6)));
}

async function idle(): Promise<boolean> {
  const res = await fetch(`${engine.url}/_evlab/idle?timeout=10000`);
  return ((await res.json()) as { idle: boolean }).idle;
}

describe('Lambda event source mappings (SQS)', () => {
  let uuid: string;
  let main: { url: string; arn: string };
  let dlq: { url: string; arn: string };

  it('creates a mapping (Creating, then Enabled) and delivers messages in the SQS event shape', async () => {
    dlq = await queue('orders-dlq');
    main = await queue('orders', { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }) });
    const created = await lambda.send(
      new CreateEventSourceMappingCommand({ EventSourceArn: main.arn, FunctionName: 'consumer', BatchSize: 5, FunctionResponseTypes: ['ReportBatchItemFailures'] }),
    );
    expect(created.$metadata.httpStatusCode).toBe(202);
    expect(created).toMatchObject({
      EventSourceArn: main.arn,
      FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:consumer',
      BatchSize: 5,
      MaximumBatchingWindowInSeconds: 0,
      State: 'Creating',
      StateTransitionReason: 'USER_INITIATED',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(created.LastModified).toBeInstanceOf(Date);
    uuid = created.UUID!;
    await waitFor('Enabled', async () => (await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State === 'Enabled');

    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: main.url, MessageBody: 'hello orders', MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } } }),
    );
    expect(await idle()).toBe(true);
    expect(await depth(main.url)).toBe(0);
    const record = (await batches()).flatMap((b) => b.Records).find((r) => r.messageId === sent.MessageId)!;
    expect(record).toEqual({
      messageId: sent.MessageId,
      receiptHandle: expect.any(String),
      body: 'hello orders',
      attributes: expect.objectContaining({ ApproximateReceiveCount: '1', SentTimestamp: expect.any(String), ApproximateFirstReceiveTimestamp: expect.any(String) }),
      messageAttributes: { kind: { stringValue: 'order', stringListValues: [], binaryListValues: [], dataType: 'String' } },
      md5OfBody: sent.MD5OfMessageBody,
      eventSource: 'aws:sqs',
      eventSourceARN: main.arn,
      awsRegion: 'us-east-1',
    });
  });

  it('leaves a failed batch to the queue, which redrives it to its DLQ', async () => {
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: main.url, MessageBody: 'please fail' }));
    const moved = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 10 }));
    expect(moved.Messages?.[0]?.MessageId).toBe(sent.MessageId);
    const attempts = (await batches()).filter((b) => b.Records.some((r) => r.messageId === sent.MessageId));
    expect(attempts.length).toBe(2);
    expect(await idle()).toBe(true);
  });

  it('deletes the successful items of a partial batch (ReportBatchItemFailures)', async () => {
    const partial = await sqs.send(new SendMessageCommand({ QueueUrl: main.url, MessageBody: 'partial one' }));
    const ok = await sqs.send(new SendMessageCommand({ QueueUrl: main.url, MessageBody: 'fine one' }));
    const moved = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 10 }));
    expect(moved.Messages?.[0]?.MessageId).toBe(partial.MessageId);
    expect(await idle()).toBe(true);
    const seen = (await batches()).flatMap((b) => b.Records).filter((r) => r.messageId === ok.MessageId);
    expect(seen).toHaveLength(1);
  });

  it('stops polling while disabled and resumes when enabled', async () => {
    const disabled = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    expect(disabled.State).toBe('Disabling');
    await waitFor('Disabled', async () => (await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State === 'Disabled');
    await sqs.send(new SendMessageCommand({ QueueUrl: main.url, MessageBody: 'while disabled' }));
    // Several poll intervals (100 ms in tests) pass without a delivery.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await depth(main.url)).toBe(1);
    const enabled = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true, BatchSize: 3 }));
    expect(enabled).toMatchObject({ State: 'Enabling', BatchSize: 3 });
    await waitFor('the message to be consumed', async () => (await depth(main.url)) === 0);
  });

  it('lists, refuses duplicates and bad input, and deletes', async () => {
    const listed = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'consumer' }));
    expect(listed.EventSourceMappings?.map((m) => m.UUID)).toEqual([uuid]);
    const errors = async (input: Record<string, unknown>) => {
      try {
        await lambda.send(new CreateEventSourceMappingCommand(input as never));
      } catch (err) {
        return { name: (err as Error).name, message: (err as Error).message };
      }
      throw new Error('expected a failure');
    };
    expect(await errors({ EventSourceArn: main.arn, FunctionName: 'consumer' })).toEqual({
      name: 'ResourceConflictException',
      message: `An event source mapping with SQS arn (" ${main.arn} ") and function (" consumer ") already exists. Please update or delete the existing mapping with UUID ${uuid}`,
    });
    expect(await errors({ EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:missing', FunctionName: 'consumer' })).toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('NonExistentQueue'),
    });
    expect(await errors({ EventSourceArn: dlq.arn, FunctionName: 'nope' })).toEqual({ name: 'InvalidParameterValueException', message: 'Function does not exist' });
    expect(await errors({ EventSourceArn: dlq.arn, FunctionName: 'consumer', BatchSize: 50 })).toEqual({
      name: 'InvalidParameterValueException',
      message: 'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
    });

    const deleted = await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
    expect(deleted.State).toBe('Deleting');
    await expect(lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await sqs.send(new SendMessageCommand({ QueueUrl: main.url, MessageBody: 'after delete' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await depth(main.url)).toBe(1);
  });

  it('filters messages with FilterCriteria (non-matching ones are dropped)', async () => {
    const q = await queue('filtered');
    const mapping = await lambda.send(
      new CreateEventSourceMappingCommand({
        EventSourceArn: q.arn,
        FunctionName: 'consumer',
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ body: { type: ['wanted'] } }) }] },
      }),
    );
    await waitFor('Enabled', async () => (await lambda.send(new GetEventSourceMappingCommand({ UUID: mapping.UUID }))).State === 'Enabled');
    const wanted = await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: JSON.stringify({ type: 'wanted' }) }));
    const unwanted = await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: JSON.stringify({ type: 'other' }) }));
    expect(await idle()).toBe(true);
    expect(await depth(q.url)).toBe(0);
    const ids = (await batches()).flatMap((b) => b.Records).map((r) => r.messageId);
    expect(ids).toContain(wanted.MessageId);
    expect(ids).not.toContain(unwanted.MessageId);
  });
});
