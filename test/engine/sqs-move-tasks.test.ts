import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelMessageMoveTaskCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { Engine } from '../../src/engine/index.js';
import { BOTO3_PRELUDE, clientConfig, runPython, startTestEngine } from '../helpers/engine.js';
import { waitFor } from '../fixtures/lambda/helpers.js';

let engine: Engine;
let sqs: SQSClient;

beforeAll(async () => {
  engine = await startTestEngine();
  sqs = new SQSClient(clientConfig(engine.url));
});
afterAll(async () => {
  sqs?.destroy();
  await engine?.stop();
});

/** A source queue whose redrive policy moves a message to its DLQ on the second receive; `n` messages moved there. */
async function deadLettered(name: string, n: number) {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const src = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) } }));
  for (let i = 0; i < n; i++) await sqs.send(new SendMessageCommand({ QueueUrl: src.QueueUrl, MessageBody: `m${i}`, MessageAttributes: { n: { DataType: 'Number', StringValue: String(i) } } }));
  // First receives (visibility 0) count one receive each; the next receive moves them to the DLQ.
  for (let seen = 0; seen < n; ) seen += (await sqs.send(new ReceiveMessageCommand({ QueueUrl: src.QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }))).Messages?.length ?? 0;
  expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: src.QueueUrl, MaxNumberOfMessages: 10 }))).Messages).toBeUndefined();
  return { srcUrl: src.QueueUrl!, dlqUrl: dlq.QueueUrl!, dlqArn };
}

const depth = async (url: string) =>
  Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!.ApproximateNumberOfMessages);

describe('SQS message move tasks', () => {
  it('moves a DLQ back to its source queue, with bodies and attributes, and lists the finished task', async () => {
    const { srcUrl, dlqUrl, dlqArn } = await deadLettered('move-back', 5);
    expect(await depth(dlqUrl)).toBe(5);
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    expect(TaskHandle).toBeTruthy();
    const done = await waitFor('the task to complete', async () => {
      const [task] = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results ?? [];
      return task?.Status === 'COMPLETED' ? task : undefined;
    });
    expect(done).toMatchObject({ SourceArn: dlqArn, ApproximateNumberOfMessagesMoved: 5, ApproximateNumberOfMessagesToMove: 5 });
    expect(done.TaskHandle).toBeUndefined(); // only running tasks have one
    expect(await depth(dlqUrl)).toBe(0);
    const back = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: srcUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }))).Messages ?? [];
    expect(back.map((m) => m.Body).sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(back.every((m) => m.MessageAttributes?.n?.DataType === 'Number')).toBe(true);
  });

  it('cancels a rate-limited task part-way: every message is in exactly one queue', async () => {
    const { srcUrl, dlqUrl, dlqArn } = await deadLettered('move-cancel', 10);
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 20 }));
    await waitFor('some messages to move', async () => ((await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results?.[0]?.ApproximateNumberOfMessagesMoved ?? 0) >= 2);
    const second = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn })).catch((err: Error) => err);
    expect((second as Error).name).toBe('UnsupportedOperation');
    await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    const task = await waitFor('the task to be cancelled', async () => {
      const [t] = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results ?? [];
      return t?.Status === 'CANCELLED' ? t : undefined;
    });
    const moved = task.ApproximateNumberOfMessagesMoved!;
    expect(moved).toBeGreaterThanOrEqual(2);
    expect(moved).toBeLessThan(10);
    expect([await depth(srcUrl), await depth(dlqUrl)]).toEqual([moved, 10 - moved]);
  });

  it('answers boto3 with AWS error codes: unknown source, not a DLQ, unknown destination', async () => {
    const out = await runPython(
      `${BOTO3_PRELUDE}
sqs = boto3.client('sqs')
url = sqs.create_queue(QueueName='plain-queue')['QueueUrl']
arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
print(json.dumps({
  'missing': error(lambda: sqs.start_message_move_task(SourceArn=arn + '-nope')),
  'notDlq': error(lambda: sqs.start_message_move_task(SourceArn=arn)),
  'badDest': error(lambda: sqs.start_message_move_task(SourceArn=arn, DestinationArn=arn + '-gone')),
  'list': sqs.list_message_move_tasks(SourceArn=arn)['Results'],
}))`,
      engine.url,
    );
    const result = JSON.parse(out);
    expect(result.missing.code).toBe('ResourceNotFoundException');
    expect(result.notDlq.code).toBe('UnsupportedOperation');
    expect(result.badDest.code).toBe('InvalidParameterValue');
    expect(result.list).toEqual([]);
  });
});
