import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  MessageNotInflight,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Engine } from '../../src/engine/index.js';
import { storeOf } from '../../src/engine/sqs/store.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';

let engine: Engine;
let sqs: SQSClient;

beforeAll(async () => {
  engine = await startTestEngine();
  sqs = new SQSClient(clientConfig(engine.url));
});
afterAll(async () => {
  sqs.destroy();
  await engine.stop();
});

/** Polls a condition (not a sleep): resolves as soon as it holds, fails after the deadline. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const createQueue = async (name: string, Attributes?: Record<string, string>) =>
  (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;

const counts = async (QueueUrl: string) =>
  (
    await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    )
  ).Attributes;

async function parkedReceives(name: string): Promise<number> {
  const store = storeOf(await engine.context.service('sqs'))!;
  return store.get('us-east-1', name)?.waitingReceives ?? 0;
}

describe('SQS long polling and visibility', () => {
  it('returns a long poll as soon as a message arrives', async () => {
    const QueueUrl = await createQueue('long-poll');
    const started = Date.now();
    const receiving = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    await until(async () => (await parkedReceives('long-poll')) === 1);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'wake up' }));
    const { Messages } = await receiving;
    expect(Messages?.map((m) => m.Body)).toEqual(['wake up']);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await parkedReceives('long-poll')).toBe(0);
  });

  it('uses the queue ReceiveMessageWaitTimeSeconds when the request has none, and ends empty at the deadline', async () => {
    const QueueUrl = await createQueue('queue-wait', { ReceiveMessageWaitTimeSeconds: '1' });
    const started = Date.now();
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(Messages).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('drops the waiting receive when the client aborts, so the next message is not lost', async () => {
    const QueueUrl = await createQueue('aborted-poll');
    const controller = new AbortController();
    const receiving = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }), { abortSignal: controller.signal });
    await until(async () => (await parkedReceives('aborted-poll')) === 1);
    controller.abort();
    await expect(receiving).rejects.toThrow();
    await until(async () => (await parkedReceives('aborted-poll')) === 0);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'still here' }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(Messages?.map((m) => m.Body)).toEqual(['still here']);
  });

  it('hides a received message for the visibility timeout, then delivers it again with a higher receive count', async () => {
    const QueueUrl = await createQueue('visibility', { VisibilityTimeout: '1' });
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'again' }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    expect(first.Messages?.[0].Attributes?.ApproximateReceiveCount).toBe('1');
    expect(await counts(QueueUrl)).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1' });
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    // The long poll is woken by the visibility timer, not by polling.
    const started = Date.now();
    const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, AttributeNames: ['All'] }));
    expect(Date.now() - started).toBeLessThan(2500);
    expect(second.Messages?.[0].MessageId).toBe(first.Messages?.[0].MessageId);
    expect(second.Messages?.[0].Attributes?.ApproximateReceiveCount).toBe('2');
    expect(second.Messages?.[0].ReceiptHandle).not.toBe(first.Messages?.[0].ReceiptHandle);
  });

  it('overrides the visibility timeout per receive and per message', async () => {
    const QueueUrl = await createQueue('visibility-override');
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'v' }));
    const a = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0 }));
    expect(a.Messages).toHaveLength(1);
    const b = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 600 }));
    expect(b.Messages?.[0].MessageId).toBe(a.Messages?.[0].MessageId);
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: b.Messages![0].ReceiptHandle, VisibilityTimeout: 0 }));
    const c = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(c.Messages?.[0].MessageId).toBe(a.Messages?.[0].MessageId);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: c.Messages![0].ReceiptHandle, VisibilityTimeout: 0 }));
    // Visible again: no longer in flight.
    await expect(
      sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: c.Messages![0].ReceiptHandle, VisibilityTimeout: 10 })),
    ).rejects.toBeInstanceOf(MessageNotInflight);
  });

  it('delays messages (queue DelaySeconds or per message) and counts them as delayed', async () => {
    const QueueUrl = await createQueue('delayed');
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later', DelaySeconds: 1 }));
    expect(await counts(QueueUrl)).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesDelayed: '1' });
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    const started = Date.now();
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    expect(Messages?.map((m) => m.Body)).toEqual(['later']);
    expect(Date.now() - started).toBeLessThan(2500);

    const queueDelay = await createQueue('delayed-queue', { DelaySeconds: '1' });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueDelay, MessageBody: 'q' }));
    expect((await counts(queueDelay))?.ApproximateNumberOfMessagesDelayed).toBe('1');
    await sqs.send(new SendMessageCommand({ QueueUrl: queueDelay, MessageBody: 'now', DelaySeconds: 0 }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueDelay }))).Messages?.map((m) => m.Body)).toEqual(['now']);
  });
});

describe('SQS redrive to a dead-letter queue', () => {
  it('moves a message received more than maxReceiveCount times on the next receive attempt', async () => {
    const dlq = await createQueue('redrive-dlq');
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const source = await createQueue('redrive-source', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) });
    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: source, MessageBody: 'poison', MessageAttributes: { kind: { DataType: 'String', StringValue: 'bad' } } }),
    );
    for (const expected of ['1', '2']) {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, VisibilityTimeout: 0, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
      expect(r.Messages?.[0].Attributes?.ApproximateReceiveCount).toBe(expected);
    }
    // The third attempt finds the message past maxReceiveCount: it moves instead of being delivered.
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: source }))).Messages).toBeUndefined();
    expect(await counts(source)).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    const moved = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
    const [message] = moved.Messages!;
    expect(message.MessageId).toBe(sent.MessageId);
    expect(message.Body).toBe('poison');
    expect(message.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(message.Attributes?.DeadLetterQueueSourceArn).toBe('arn:aws:sqs:us-east-1:000000000000:redrive-source');
  });

  it('wakes a long poll on the dead-letter queue when a message moves there', async () => {
    const dlq = await createQueue('redrive-wake-dlq');
    const dlqArn = `arn:aws:sqs:us-east-1:000000000000:redrive-wake-dlq`;
    const source = await createQueue('redrive-wake', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) });
    await sqs.send(new SendMessageCommand({ QueueUrl: source, MessageBody: 'm' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, VisibilityTimeout: 0 }));
    const waiting = sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 10 }));
    await until(async () => (await parkedReceives('redrive-wake-dlq')) === 1);
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: source }));
    expect((await waiting).Messages?.map((m) => m.Body)).toEqual(['m']);
  });
});
