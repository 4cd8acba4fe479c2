import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Engine } from '../../src/engine/index.js';
import { connect } from '../../src/aws/connect.js';
import { startWatch } from '../../src/status/wait.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { createActive } from '../fixtures/lambda/helpers.js';
import { makeZip } from '../fixtures/lambda/zip.js';
import { testContext } from '../fixtures/events/command-context.js';

// A consumer that is still busy when the wait ends: `fire --wait` must say what is in flight in words.
const SLOW = `exports.handler = () => new Promise((resolve) => setTimeout(resolve, 30000));`;

let engine: Engine;
let lambda: LambdaClient;
let sqs: SQSClient;

beforeAll(async () => {
  engine = await startTestEngine();
  lambda = new LambdaClient(clientConfig(engine.url));
  sqs = new SQSClient(clientConfig(engine.url));
  await createActive(lambda, { FunctionName: 'slow-consumer', Timeout: 60, Code: { ZipFile: await makeZip({ 'index.js': SLOW }) } });
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'work' }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'slow-consumer', EventSourceArn: arn, BatchSize: 1 }));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a' }));
});
afterAll(async () => {
  lambda?.destroy();
  sqs?.destroy();
  await engine?.stop();
});

describe('fire --wait that does not settle', () => {
  it('describes the work in flight in words, naming the function a subscription feeds', async () => {
    const { ctx } = testContext({ cwd: process.cwd(), flags: { endpoint: engine.url } });
    const conn = await connect(ctx);
    try {
      const watch = await startWatch(conn, undefined);
      const result = await watch.wait(300, new AbortController().signal);
      expect(result.settled).toBe(false);
      expect(result.pending).toContain('1 message on its way to function slow-consumer via its SQS subscription (queue work)');
      expect(result.pending!.join('\n')).not.toMatch(/lambda-esm:/);
    } finally {
      conn.close();
    }
  });
});
