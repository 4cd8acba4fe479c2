import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvokeCommand, LambdaClient, PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CloudWatchLogsClient, DescribeLogStreamsCommand, FilterLogEventsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { createActive, waitFor } from '../fixtures/lambda/helpers.js';
import { makeZip } from '../fixtures/lambda/zip.js';

let engine: Engine;
let lambda: LambdaClient;
let sqs: SQSClient;
let logs: CloudWatchLogsClient;
const engineLog: string[] = [];

// Fails when the event says so, times out when asked, and succeeds otherwise.
const HANDLER = `
exports.handler = async (event) => {
  console.log('attempt', JSON.stringify(event));
  if (event.fail) throw new Error(event.fail);
  if (event.hang) await new Promise(() => {});
  return { handled: event };
};`;

beforeAll(async () => {
  engine = await startTestEngine({ log: (line) => engineLog.push(line) });
  lambda = new LambdaClient(clientConfig(engine.url));
  sqs = new SQSClient(clientConfig(engine.url));
  logs = new CloudWatchLogsClient(clientConfig(engine.url));
});
afterAll(() => engine?.stop());

async function queue(name: string): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url, arn };
}

async function receiveOne(url: string): Promise<Message> {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10, MessageAttributeNames: ['All'], MaxNumberOfMessages: 1 }));
  if (!out.Messages?.length) throw new Error(`no message arrived in ${url}`);
  return out.Messages[0];
}

async function invokeEvent(name: string, event: unknown): Promise<string> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }));
  expect(out.StatusCode).toBe(202);
  return out.$metadata.requestId!;
}

async function startLines(fn: string, requestId: string): Promise<number> {
  const out = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: `"START RequestId: ${requestId}"` }));
  return out.events?.length ?? 0;
}

async function idle(): Promise<boolean> {
  const res = await fetch(`${engine.url}/_evlab/idle?timeout=10000`);
  return ((await res.json()) as { idle: boolean }).idle;
}

describe('Lambda asynchronous invocation', () => {
  it('retries twice, then sends the original event to the dead-letter queue with AWS attributes', async () => {
    const dlq = await queue('async-dlq');
    await createActive(lambda, { FunctionName: 'async-dlq-fn', Code: { ZipFile: await makeZip({ 'index.js': HANDLER }) }, DeadLetterConfig: { TargetArn: dlq.arn } });
    const payload = '{"fail":"boom","keep":  "spacing"}';
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'async-dlq-fn', InvocationType: 'Event', Payload: Buffer.from(payload) }));
    const requestId = out.$metadata.requestId!;
    expect(await idle()).toBe(true);
    const message = await receiveOne(dlq.url);
    expect(message.Body).toBe(payload);
    expect(message.MessageAttributes).toEqual({
      RequestID: { DataType: 'String', StringValue: requestId },
      ErrorCode: { DataType: 'Number', StringValue: '200' },
      ErrorMessage: { DataType: 'String', StringValue: 'boom' },
    });
    expect(await startLines('async-dlq-fn', requestId)).toBe(3);
  });

  it('honours MaximumRetryAttempts and sends a timed-out event to the DLQ', async () => {
    const dlq = await queue('async-timeout-dlq');
    await createActive(lambda, { FunctionName: 'async-timeout', Timeout: 1, Code: { ZipFile: await makeZip({ 'index.js': HANDLER }) }, DeadLetterConfig: { TargetArn: dlq.arn } });
    await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'async-timeout', MaximumRetryAttempts: 0 }));
    const requestId = await invokeEvent('async-timeout', { hang: true });
    const message = await receiveOne(dlq.url);
    expect(message.MessageAttributes?.RequestID?.StringValue).toBe(requestId);
    expect(message.MessageAttributes?.ErrorMessage?.StringValue).toMatch(/Task timed out after 1\.\d\d seconds/);
    expect(await startLines('async-timeout', requestId)).toBe(1);
  });

  it('sends invocation records to OnFailure and OnSuccess destinations', async () => {
    const failures = await queue('async-failures');
    const successes = await queue('async-successes');
    await createActive(lambda, { FunctionName: 'async-dest', Code: { ZipFile: await makeZip({ 'index.js': HANDLER }) } });
    await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'async-dest',
        MaximumRetryAttempts: 1,
        DestinationConfig: { OnFailure: { Destination: failures.arn }, OnSuccess: { Destination: successes.arn } },
      }),
    );
    const failedId = await invokeEvent('async-dest', { fail: 'nope', n: 1 });
    const failed = JSON.parse((await receiveOne(failures.url)).Body!);
    expect(failed).toEqual({
      version: '1.0',
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/),
      requestContext: {
        requestId: failedId,
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:async-dest:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 2,
      },
      requestPayload: { fail: 'nope', n: 1 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: 'nope', trace: expect.any(Array) },
    });

    const okId = await invokeEvent('async-dest', { n: 2 });
    const ok = JSON.parse((await receiveOne(successes.url)).Body!);
    expect(ok).toMatchObject({
      requestContext: { requestId: okId, condition: 'Success', approximateInvokeCount: 1 },
      requestPayload: { n: 2 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      responsePayload: { handled: { n: 2 } },
    });
    expect(ok.responseContext.functionError).toBeUndefined();
  });

  it('invokes a function destination with the record', async () => {
    const successes = await queue('relay-successes');
    await createActive(lambda, { FunctionName: 'async-relay', Code: { ZipFile: await makeZip({ 'index.js': HANDLER }) } });
    await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'async-relay', DestinationConfig: { OnSuccess: { Destination: successes.arn } } }));
    await createActive(lambda, { FunctionName: 'async-source', Code: { ZipFile: await makeZip({ 'index.js': HANDLER }) } });
    await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'async-source',
        DestinationConfig: { OnSuccess: { Destination: 'arn:aws:lambda:us-east-1:000000000000:function:async-relay' } },
      }),
    );
    const requestId = await invokeEvent('async-source', { hop: 1 });
    // The relay got the source's record as its event, and its own record says so.
    const relayed = JSON.parse((await receiveOne(successes.url)).Body!);
    expect(relayed.requestPayload).toMatchObject({ requestContext: { requestId, condition: 'Success' }, responsePayload: { handled: { hop: 1 } } });
  });

  it('puts the record on an EventBridge bus destination', async () => {
    const events = new EventBridgeClient(clientConfig(engine.url));
    const results = await queue('bus-results');
    await events.send(new PutRuleCommand({ Name: 'lambda-results', EventPattern: JSON.stringify({ source: ['lambda'] }) }));
    await events.send(new PutTargetsCommand({ Rule: 'lambda-results', Targets: [{ Id: 'q', Arn: results.arn }] }));
    await createActive(lambda, { FunctionName: 'async-bus', Code: { ZipFile: await makeZip({ 'index.js': HANDLER }) } });
    await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'async-bus',
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: 'arn:aws:events:us-east-1:000000000000:event-bus/default' } },
      }),
    );
    const requestId = await invokeEvent('async-bus', { fail: 'to the bus' });
    const event = JSON.parse((await receiveOne(results.url)).Body!);
    expect(event).toMatchObject({
      source: 'lambda',
      'detail-type': 'Lambda Function Invocation Result - Failure',
      resources: ['arn:aws:lambda:us-east-1:000000000000:function:async-bus:$LATEST'],
      detail: { requestContext: { requestId, condition: 'RetriesExhausted', approximateInvokeCount: 1 }, requestPayload: { fail: 'to the bus' } },
    });
  });

  it('reports a DLQ that does not exist instead of dropping the event silently', async () => {
    const missing = 'arn:aws:sqs:us-east-1:000000000000:no-such-dlq';
    await createActive(lambda, { FunctionName: 'async-lost', Code: { ZipFile: await makeZip({ 'index.js': HANDLER }) }, DeadLetterConfig: { TargetArn: missing } });
    await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'async-lost', MaximumRetryAttempts: 0 }));
    const requestId = await invokeEvent('async-lost', { fail: 'lost' });
    expect(await idle()).toBe(true);
    expect(engineLog.join('\n')).toContain(`could not send asynchronous invocation ${requestId} to the dead-letter queue ${missing}`);
    const events = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/async-lost', filterPattern: `"${requestId}"` }));
    expect(events.events?.some((e) => e.message?.includes('could not send asynchronous invocation'))).toBe(true);
  });

  it('takes events from other services through LambdaInternal.invokeAsync', async () => {
    const successes = await queue('internal-successes');
    await createActive(lambda, { FunctionName: 'async-internal', Code: { ZipFile: await makeZip({ 'index.js': HANDLER }) } });
    await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'async-internal', DestinationConfig: { OnSuccess: { Destination: successes.arn } } }));
    const service = await engine.context.service('lambda');
    expect(service.functionExists('arn:aws:lambda:us-east-1:000000000000:function:async-internal')).toBe(true);
    expect(service.functionExists('nope')).toBe(false);
    const { requestId } = await service.invokeAsync('arn:aws:lambda:us-east-1:000000000000:function:async-internal', '{"from":"events"}');
    const record = JSON.parse((await receiveOne(successes.url)).Body!);
    expect(record.requestContext.requestId).toBe(requestId);
    expect(record.responsePayload).toEqual({ handled: { from: 'events' } });
    await expect(service.invokeAsync('nope', '{}')).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
  });
});

describe('Lambda logs in CloudWatch Logs', () => {
  it('writes START, the output, END and REPORT to /aws/lambda/<name> in one stream per environment', async () => {
    await createActive(lambda, { FunctionName: 'logged', Code: { ZipFile: await makeZip({ 'index.js': HANDLER }) } });
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'logged', Payload: Buffer.from('{"n":7}') }));
    const requestId = out.$metadata.requestId!;
    const streams = await waitFor('a log stream', async () => {
      const s = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/logged' }));
      return s.logStreams?.length ? s.logStreams : undefined;
    });
    expect(streams[0].logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    const messages = await waitFor('the REPORT line', async () => {
      const events = await logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/logged', logStreamName: streams[0].logStreamName!, startFromHead: true }));
      const all = (events.events ?? []).map((e) => e.message!);
      return all.some((m) => m.startsWith('REPORT')) ? all : undefined;
    });
    expect(messages[0]).toBe(`START RequestId: ${requestId} Version: $LATEST\n`);
    expect(messages[1]).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t${requestId}\\tINFO\\tattempt {"n":7}\\n$`));
    expect(messages[2]).toBe(`END RequestId: ${requestId}\n`);
    // The first REPORT of an environment has its real peak memory, never 0 MB.
    expect(messages[3]).toMatch(
      new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: [1-9]\\d* MB\\tInit Duration: [\\d.]+ ms\\t\\n$`),
    );
  });
});
