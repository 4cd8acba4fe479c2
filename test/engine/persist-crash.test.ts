import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CreateLogGroupCommand, CloudWatchLogsClient, CreateLogStreamCommand, DescribeLogGroupsCommand, GetLogEventsCommand, PutLogEventsCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startChildEngine, type ChildEngine } from '../helpers/child-engine.js';
import { clientConfig } from '../helpers/engine.js';
import { createActive } from '../fixtures/lambda/helpers.js';
import { makeZip } from '../fixtures/lambda/zip.js';

const dir = mkdtempSync(join(tmpdir(), 'evlab-persist-crash-'));
const engines: ChildEngine[] = [];
afterAll(async () => {
  for (const engine of engines) await engine.kill9();
  rmSync(dir, { recursive: true, force: true });
});

async function startChild(): Promise<ChildEngine> {
  const engine = await startChildEngine({ persist: dir });
  engines.push(engine);
  return engine;
}

describe('--persist and kill -9', () => {
  it('keeps every acknowledged change: queues, messages and receipt state, rules, functions, log groups', async () => {
    const first = await startChild();
    const sqs = new SQSClient(clientConfig(first.url));
    const events = new EventBridgeClient(clientConfig(first.url));
    const lambda = new LambdaClient(clientConfig(first.url));
    const logs = new CloudWatchLogsClient(clientConfig(first.url));
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'crash-q', Attributes: { VisibilityTimeout: '600' } }))).QueueUrl!;
    for (const body of ['kept', 'received', 'deleted']) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    const handle = (body: string) => received.Messages!.find((m) => m.Body === body)!.ReceiptHandle!;
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: handle('deleted') }));
    // 'kept' back to visible now; 'received' stays in flight for 600 s.
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: handle('kept'), VisibilityTimeout: 0 }));
    await events.send(new PutRuleCommand({ Name: 'crash-rule', EventPattern: JSON.stringify({ source: ['crash'] }) }));
    await events.send(new PutTargetsCommand({ Rule: 'crash-rule', Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:crash-q' }] }));
    await createActive(lambda, { FunctionName: 'crash-fn', MemorySize: 256, Code: { ZipFile: await makeZip({ 'index.js': 'exports.handler = async () => 1;' }) } });
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/crash/group' }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/crash/group', retentionInDays: 7 }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/crash/group', logStreamName: 's' }));
    await logs.send(new PutLogEventsCommand({ logGroupName: '/crash/group', logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: 'acknowledged' }] }));
    for (const c of [sqs, events, lambda, logs]) c.destroy();

    await first.kill9();
    const second = await startChild();
    const sqs2 = new SQSClient(clientConfig(second.url));
    const events2 = new EventBridgeClient(clientConfig(second.url));
    const lambda2 = new LambdaClient(clientConfig(second.url));
    const logs2 = new CloudWatchLogsClient(clientConfig(second.url));
    try {
      const attrs = await sqs2.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
      expect(attrs.Attributes).toMatchObject({ VisibilityTimeout: '600', ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '1' });
      const again = await sqs2.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, AttributeNames: ['ApproximateReceiveCount'] }));
      expect(again.Messages?.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([['kept', '2']]);

      expect((await events2.send(new DescribeRuleCommand({ Name: 'crash-rule' }))).EventPattern).toBe(JSON.stringify({ source: ['crash'] }));
      expect((await events2.send(new ListTargetsByRuleCommand({ Rule: 'crash-rule' }))).Targets?.map((t) => t.Id)).toEqual(['q']);
      expect((await lambda2.send(new GetFunctionConfigurationCommand({ FunctionName: 'crash-fn' }))).MemorySize).toBe(256);
      const group = (await logs2.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/crash/' }))).logGroups?.[0];
      expect(group).toMatchObject({ logGroupName: '/crash/group', retentionInDays: 7 });
      const stored = await logs2.send(new GetLogEventsCommand({ logGroupName: '/crash/group', logStreamName: 's', startFromHead: true }));
      expect(stored.events?.map((e) => e.message)).toEqual(['acknowledged']);
    } finally {
      for (const c of [sqs2, events2, lambda2, logs2]) c.destroy();
      await second.kill9();
    }
  });
});
