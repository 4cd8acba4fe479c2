import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateQueueCommand, GetQueueAttributesCommand, ListQueueTagsCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AwsError, type Engine } from '../../src/engine/index.js';
import { isPeekPath, peekMessages } from '../../src/engine/sqs/peek.js';
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

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const arnOf = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
const createQueue = async (name: string, Attributes?: Record<string, string>) =>
  (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;

describe('SqsInternal (in-process SQS for the other services)', () => {
  it('sends to an ARN, receives, changes visibility and deletes', async () => {
    const internal = await engine.context.service('sqs');
    const url = await createQueue('internal', { VisibilityTimeout: '30' });
    const arn = arnOf('internal');
    expect(internal.queueExists(arn)).toBe(true);
    expect(internal.queueExists(arnOf('nope'))).toBe(false);

    const { messageId } = await internal.sendToArn(arn, '{"detail":1}', {
      source: { DataType: 'String', StringValue: 'events' },
      raw: { DataType: 'Binary', BinaryValue: Buffer.from('bin') },
    });
    // What the service sent is what an SDK client sees, MD5s included.
    const peeked = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['All'], VisibilityTimeout: 0 }));
    expect(peeked.Messages?.[0].MessageId).toBe(messageId);
    expect(Buffer.from(peeked.Messages![0].MessageAttributes!.raw.BinaryValue!).toString()).toBe('bin');

    const [message] = await internal.receiveFromArn(arn, 10);
    expect(message).toMatchObject({
      messageId,
      body: '{"detail":1}',
      md5OfBody: createHash('md5').update('{"detail":1}').digest('hex'),
      eventSourceArn: arn,
      attributes: expect.objectContaining({ ApproximateReceiveCount: '2', SenderId: '000000000000' }),
    });
    expect(message.messageAttributes.source).toEqual({ DataType: 'String', StringValue: 'events' });
    expect(internal.pendingCount(arn)).toBe(1);
    expect(await internal.receiveFromArn(arn, 10)).toEqual([]);

    await internal.changeVisibilityByArn(arn, message.receiptHandle, 0);
    const [again] = await internal.receiveFromArn(arn, 1);
    expect(again.messageId).toBe(messageId);
    await internal.deleteFromArn(arn, again.receiptHandle);
    expect(internal.pendingCount(arn)).toBe(0);
  });

  it('throws QueueDoesNotExist for an unknown ARN', async () => {
    const internal = await engine.context.service('sqs');
    const err = await internal.sendToArn(arnOf('missing'), 'x').catch((e) => e);
    expect(err).toBeInstanceOf(AwsError);
    expect(err.code).toBe('QueueDoesNotExist');
    expect(internal.pendingCount(arnOf('missing'))).toBe(0);
  });

  it('counts visible, in-flight and delayed messages as pending', async () => {
    const internal = await engine.context.service('sqs');
    const url = await createQueue('pending');
    const arn = arnOf('pending');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'visible' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'delayed', DelaySeconds: 900 }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'in flight' }));
    await internal.receiveFromArn(arn, 1);
    expect(internal.pendingCount(arn)).toBe(3);
  });

  it('calls onVisible listeners on send and when a visibility timeout runs out, until unsubscribed', async () => {
    const internal = await engine.context.service('sqs');
    const arn = arnOf('listened');
    let calls = 0;
    // Subscribing before the queue exists works: listeners are kept by ARN.
    const unsubscribe = internal.onVisible(arn, () => calls++);
    const url = await createQueue('listened');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    await until(() => calls === 1);
    const [message] = await internal.receiveFromArn(arn, 1);
    await internal.changeVisibilityByArn(arn, message.receiptHandle, 1);
    await until(() => calls === 2, 3000);
    unsubscribe();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'y' }));
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    expect(calls).toBe(2);
  });

  it('applies redrive to in-process receives too', async () => {
    const internal = await engine.context.service('sqs');
    await createQueue('esm-dlq');
    await createQueue('esm-source', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('esm-dlq'), maxReceiveCount: 1 }) });
    await internal.sendToArn(arnOf('esm-source'), 'fails');
    const [first] = await internal.receiveFromArn(arnOf('esm-source'), 1);
    await internal.changeVisibilityByArn(arnOf('esm-source'), first.receiptHandle, 0);
    expect(await internal.receiveFromArn(arnOf('esm-source'), 1)).toEqual([]);
    expect(internal.pendingCount(arnOf('esm-dlq'))).toBe(1);
  });

  it('pokes the idle signal when a subscribed queue drains', async () => {
    const internal = await engine.context.service('sqs');
    await createQueue('probed');
    const arn = arnOf('probed');
    await internal.sendToArn(arn, 'work');
    const unregister = engine.context.activity.registerProbe('sqs:probed', () => internal.pendingCount(arn));
    const idle = engine.context.activity.whenIdle(3000);
    const [message] = await internal.receiveFromArn(arn, 1);
    await internal.deleteFromArn(arn, message.receiptHandle);
    expect(await idle).toBe(true);
    unregister();
  });

  it('rejects an invalid receipt handle', async () => {
    const internal = await engine.context.service('sqs');
    await createQueue('handles');
    await expect(internal.deleteFromArn(arnOf('handles'), 'garbage')).rejects.toMatchObject({ code: 'ReceiptHandleIsInvalid' });
    await expect(internal.changeVisibilityByArn(arnOf('handles'), 'garbage', 0)).rejects.toMatchObject({ code: 'ReceiptHandleIsInvalid' });
  });
});

describe('SQS peek endpoint (LocalStack /_aws/sqs/messages)', () => {
  it('lists messages with all attributes without receiving them', async () => {
    const url = await createQueue('peeked');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'look', MessageAttributes: { a: { DataType: 'String', StringValue: 'b' } } }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 900 }));
    const service = await engine.context.service('sqs');
    const peek = (path: string, params: Record<string, string>, headers: Record<string, string> = {}) =>
      peekMessages(service, path, new URLSearchParams(params), headers);

    const json = peek('/_aws/sqs/messages', { QueueUrl: url }, { 'content-type': 'application/x-amz-json-1.0' });
    const body = JSON.parse(String(json.body)) as { Messages: { Body: string; ReceiptHandle: string; Attributes: Record<string, string>; MessageAttributes: object }[] };
    expect(body.Messages.map((m) => m.Body)).toEqual(['look']);
    expect(body.Messages[0].ReceiptHandle).toBe('SQS/BACKDOOR/ACCESS');
    expect(body.Messages[0].Attributes.ApproximateReceiveCount).toBe('0');
    expect(body.Messages[0].MessageAttributes).toEqual({ a: { DataType: 'String', StringValue: 'b' } });

    const xml = String(peek('/_aws/sqs/messages/us-east-1/000000000000/peeked', { ShowDelayed: 'true' }).body);
    expect(xml).toContain('<ReceiveMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">');
    expect(xml).toContain('<Body>later</Body>');
    expect(xml).toContain('<Attribute><Name>IsDelayed</Name><Value>true</Value></Attribute>');

    const asJson = JSON.parse(String(peek('/_aws/sqs/messages', { QueueUrl: url }, { accept: 'application/json' }).body));
    expect(asJson.ReceiveMessageResponse.ReceiveMessageResult.Message[0].Body).toBe('look');

    // Nothing was received: the message is still visible and never counted as received.
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    expect(Messages?.[0].Body).toBe('look');
    expect(Messages?.[0].Attributes?.ApproximateReceiveCount).toBe('1');

    const missing = peek('/_aws/sqs/messages', { QueueUrl: `${url}-nope` }, { 'content-type': 'application/x-amz-json-1.0' });
    expect(missing.status).toBe(400);
    expect(JSON.parse(String(missing.body)).__type).toBe('com.amazonaws.sqs#QueueDoesNotExist');
    expect(String(peek('/_aws/sqs/messages', {}).body)).toContain('<Code>AWS.SimpleQueueService.NonExistentQueue</Code>');
    expect(isPeekPath('/_aws/sqs/messages')).toBe(true);
    expect(isPeekPath('/_aws/sqs/messages/us-east-1/000000000000/q')).toBe(true);
    expect(isPeekPath('/_aws/sqs/other')).toBe(false);
  });
});

describe('SQS persistence and shutdown', () => {
  it('keeps queues, attributes, tags and messages (with their visibility) across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evlab-sqs-persist-'));
    try {
      const first = await startTestEngine({ persist: dir });
      const a = new SQSClient(clientConfig(first.url));
      const url = (await a.send(new CreateQueueCommand({ QueueName: 'kept', Attributes: { VisibilityTimeout: '600' }, tags: { t: 'v' } }))).QueueUrl!;
      await a.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'in flight' }));
      await a.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1 }));
      const sent = await a.send(
        new SendMessageCommand({ QueueUrl: url, MessageBody: 'survives', MessageAttributes: { bin: { DataType: 'Binary', BinaryValue: Uint8Array.from([9, 8]) } } }),
      );
      a.destroy();
      await first.stop();

      const second = await startTestEngine({ persist: dir });
      const b = new SQSClient(clientConfig(second.url));
      const restoredUrl = `${second.url}/000000000000/kept`;
      const attrs = (await b.send(new GetQueueAttributesCommand({ QueueUrl: restoredUrl, AttributeNames: ['All'] }))).Attributes!;
      expect(attrs).toMatchObject({ VisibilityTimeout: '600', ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '1' });
      const { Messages } = await b.send(new ReceiveMessageCommand({ QueueUrl: restoredUrl, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
      expect(Messages?.map((m) => m.Body)).toEqual(['survives']);
      expect(Messages![0].MessageId).toBe(sent.MessageId);
      expect(Messages![0].MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
      expect(Array.from(Messages![0].MessageAttributes!.bin.BinaryValue!)).toEqual([9, 8]);
      expect((await b.send(new ListQueueTagsCommand({ QueueUrl: restoredUrl }))).Tags).toEqual({ t: 'v' });
      b.destroy();
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves no timers or parked polls behind after engine.stop(), even with delayed, in-flight and long-polling work', async () => {
    const local = await startTestEngine();
    const client = new SQSClient(clientConfig(local.url));
    const url = (await client.send(new CreateQueueCommand({ QueueName: 'busy' }))).QueueUrl!;
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'delayed', DelaySeconds: 900 }));
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'flight' }));
    await client.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 43_200 }));
    const queue = storeOf(await local.context.service('sqs'))!.get('us-east-1', 'busy')!;
    const polling = client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 })).catch(() => undefined);
    await until(() => queue.waitingReceives === 1);
    expect(queue.timerArmed).toBe(true);
    const stopped = Date.now();
    await local.stop();
    await polling;
    client.destroy();
    expect(Date.now() - stopped).toBeLessThan(2000);
    expect(queue.waitingReceives).toBe(0);
    expect(queue.timerArmed).toBe(false);
  });
});
