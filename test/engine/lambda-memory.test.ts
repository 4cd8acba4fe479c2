import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvokeCommand, LambdaClient, PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { createActive, invoke, requirePython3 } from '../fixtures/lambda/helpers.js';
import { makeZip } from '../fixtures/lambda/zip.js';

let engine: Engine;
let lambda: LambdaClient;
let sqs: SQSClient;

// Allocates without end: JS objects on the V8 heap, or Buffers outside it (only the RSS watchdog sees those).
const NODE_HOG = `
exports.handler = async (event) => {
  const keep = [];
  for (;;) {
    if (event.buffers) keep.push(Buffer.alloc(8 * 1024 * 1024, 1));
    else keep.push(new Array(100000).fill({ n: keep.length }));
    await new Promise((r) => setImmediate(r));
  }
};`;
const PYTHON_HOG = `
import time
def handler(event, context):
    keep = []
    while True:
        keep.append(bytearray(8 * 1024 * 1024))
        time.sleep(0.005)
`;

beforeAll(async () => {
  engine = await startTestEngine();
  lambda = new LambdaClient(clientConfig(engine.url));
  sqs = new SQSClient(clientConfig(engine.url));
});
afterAll(async () => {
  lambda?.destroy();
  sqs?.destroy();
  await engine?.stop();
});

function expectOutOfMemory(out: Awaited<ReturnType<typeof invoke>>): void {
  expect(out.functionError).toBe('Unhandled');
  expect(out.payload).toMatchObject({ errorType: 'Runtime.OutOfMemory' });
  expect(out.payload.errorMessage).toMatch(/^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: signal: killed$/);
  expect(out.log).toMatch(/REPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB/);
  expect(out.log).toContain('Runtime.OutOfMemory');
}

describe('Lambda MemorySize', () => {
  it('stops a Node function at its limit, on the V8 heap or outside it, as Lambda does', async () => {
    await createActive(lambda, { FunctionName: 'node-hog', MemorySize: 128, Timeout: 30, Code: { ZipFile: await makeZip({ 'index.js': NODE_HOG }) } });
    expectOutOfMemory(await invoke(lambda, 'node-hog', {}, { LogType: 'Tail' }));
    expectOutOfMemory(await invoke(lambda, 'node-hog', { buffers: true }, { LogType: 'Tail' }));
  });

  it('stops a Python function at its limit', async () => {
    requirePython3();
    await createActive(lambda, { FunctionName: 'python-hog', Runtime: 'python3.11', Handler: 'app.handler', MemorySize: 128, Timeout: 30, Code: { ZipFile: await makeZip({ 'app.py': PYTHON_HOG }) } });
    expectOutOfMemory(await invoke(lambda, 'python-hog', {}, { LogType: 'Tail' }));
  });

  it('fails an asynchronous invocation the same way, which then goes to the dead-letter queue', async () => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'oom-dlq' }))).QueueUrl!;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    await createActive(lambda, { FunctionName: 'node-hog-async', MemorySize: 128, Timeout: 30, DeadLetterConfig: { TargetArn: arn }, Code: { ZipFile: await makeZip({ 'index.js': NODE_HOG }) } });
    await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'node-hog-async', MaximumRetryAttempts: 0 }));
    await lambda.send(new InvokeCommand({ FunctionName: 'node-hog-async', InvocationType: 'Event', Payload: Buffer.from('{"buffers":true}') }));
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20, MessageAttributeNames: ['All'] }));
    expect(out.Messages?.[0]?.Body).toBe('{"buffers":true}');
    expect(out.Messages?.[0]?.MessageAttributes?.ErrorMessage?.StringValue).toMatch(/Runtime exited with error: signal: killed/);
  });
});
