import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AddPermissionCommand,
  CreateEventSourceMappingCommand,
  GetFunctionCommand,
  GetFunctionEventInvokeConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  PutFunctionEventInvokeConfigCommand,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { createActive, invoke, waitFor } from '../fixtures/lambda/helpers.js';
import { makeZip } from '../fixtures/lambda/zip.js';

const dir = mkdtempSync(join(tmpdir(), 'evlab-lambda-persist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Lambda with --persist', () => {
  it('brings functions, their settings and event source mappings back after a restart', async () => {
    const first = await startTestEngine({ persist: dir });
    let sha: string | undefined;
    let queueUrl: string;
    try {
      const lambda = new LambdaClient(clientConfig(first.url));
      const sqs = new SQSClient(clientConfig(first.url));
      queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'kept' }))).QueueUrl!;
      const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
      const zip = await makeZip({ 'index.js': 'exports.handler = async (e) => ({ kept: process.env.KEPT, records: e.Records?.length ?? 0 });' });
      sha = (await createActive(lambda, { FunctionName: 'kept', Code: { ZipFile: zip }, Environment: { Variables: { KEPT: 'yes' } }, Tags: { t: '1' } })).CodeSha256;
      await lambda.send(new AddPermissionCommand({ FunctionName: 'kept', StatementId: 's1', Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com' }));
      await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'kept', MaximumRetryAttempts: 1 }));
      await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'kept', EventSourceArn: queueArn }));
    } finally {
      await first.stop();
    }

    const second = await startTestEngine({ persist: dir });
    try {
      const lambda = new LambdaClient(clientConfig(second.url));
      const sqs = new SQSClient(clientConfig(second.url));
      const config = await waitFor('Active again', async () => {
        const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'kept' }));
        return got.Configuration?.State === 'Active' ? got : undefined;
      });
      expect(config.Configuration?.CodeSha256).toBe(sha);
      expect(config.Tags).toEqual({ t: '1' });
      expect(JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: 'kept' }))).Policy!).Statement[0].Sid).toBe('s1');
      expect((await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'kept' }))).MaximumRetryAttempts).toBe(1);
      expect((await invoke(lambda, 'kept', {})).payload).toEqual({ kept: 'yes', records: 0 });

      const mappings = (await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'kept' }))).EventSourceMappings!;
      expect(mappings.map((m) => m.State)).toEqual(['Enabled']);
      const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'kept' }))).QueueUrl!;
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'after restart' }));
      await waitFor('the mapping to consume it', async () => {
        const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
        return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible) === 0;
      });
    } finally {
      await second.stop();
    }
  });
});
