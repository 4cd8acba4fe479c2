import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  BatchEntryIdsNotDistinct,
  BatchRequestTooLong,
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  EmptyBatchRequest,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  InvalidAttributeName,
  InvalidAttributeValue,
  InvalidBatchEntryId,
  InvalidMessageContents,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  TagQueueCommand,
  TooManyEntriesInBatchRequest,
  UntagQueueCommand,
  paginateListQueues,
} from '@aws-sdk/client-sqs';
import type { Engine } from '../../src/engine/index.js';
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

const createQueue = async (name: string, Attributes?: Record<string, string>) =>
  (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;

const attributesOf = async (QueueUrl: string, names: string[] = ['All']) =>
  (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: names as never }))).Attributes ?? {};

describe('SQS queues (SDK v3, JSON protocol)', () => {
  it('creates a queue with a LocalStack path-style URL and finds it by name', async () => {
    const url = await createQueue('orders');
    expect(url).toBe(`http://${engine.context.hostPort}/000000000000/orders`);
    expect(url).toMatch(/^http:\/\/localhost:\d+\/000000000000\/orders$/);
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }))).QueueUrl).toBe(url);
    const attributes = await attributesOf(url);
    expect(attributes).toMatchObject({
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:orders',
      VisibilityTimeout: '30',
      DelaySeconds: '0',
      MaximumMessageSize: '1048576',
      MessageRetentionPeriod: '345600',
      ReceiveMessageWaitTimeSeconds: '0',
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
      ApproximateNumberOfMessagesDelayed: '0',
    });
    expect(Number(attributes.CreatedTimestamp)).toBeCloseTo(Date.now() / 1000, -1);
  });

  it('is idempotent for the same attributes and refuses different ones with QueueNameExists', async () => {
    const url = await createQueue('idem', { VisibilityTimeout: '45', DelaySeconds: '0' });
    expect(await createQueue('idem', { VisibilityTimeout: '45' })).toBe(url);
    expect(await createQueue('idem')).toBe(url);
    const err = await sqs.send(new CreateQueueCommand({ QueueName: 'idem', Attributes: { VisibilityTimeout: '46' } })).catch((e) => e);
    expect(err).toBeInstanceOf(QueueNameExists);
    expect(err.message).toBe('A queue already exists with the same name and a different value for attribute VisibilityTimeout');
  });

  it('validates queue names and attribute values', async () => {
    await expect(createQueue('bad name')).rejects.toMatchObject({ name: 'InvalidParameterValue', $metadata: { httpStatusCode: 400 } });
    await expect(createQueue('x'.repeat(81))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(createQueue('standard.fifo')).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(createQueue('vt', { VisibilityTimeout: '43201' })).rejects.toBeInstanceOf(InvalidAttributeValue);
    await expect(createQueue('vt', { Bogus: '1' })).rejects.toBeInstanceOf(InvalidAttributeName);
    await expect(createQueue('vt', { RedrivePolicy: '{"maxReceiveCount":3}' })).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(createQueue('vt', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:nope', maxReceiveCount: 3 }) })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('Dead-letter target does not exist'),
    });
  });

  it('lists queues by prefix, with MaxResults pages and NextToken', async () => {
    for (const n of ['page-a', 'page-b', 'page-c', 'page-d', 'page-e']) await createQueue(n);
    const all = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'page-' }));
    expect(all.QueueUrls?.map((u) => u.split('/').pop())).toEqual(['page-a', 'page-b', 'page-c', 'page-d', 'page-e']);
    expect(all.NextToken).toBeUndefined();
    const first = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'page-', MaxResults: 2 }));
    expect(first.QueueUrls).toHaveLength(2);
    expect(first.NextToken).toBeTruthy();
    const pages: string[] = [];
    for await (const page of paginateListQueues({ client: sqs, pageSize: 2 }, { QueueNamePrefix: 'page-', MaxResults: 2 })) pages.push(...(page.QueueUrls ?? []));
    expect(pages.map((u) => u.split('/').pop())).toEqual(['page-a', 'page-b', 'page-c', 'page-d', 'page-e']);
    const none = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'no-such-prefix' }));
    expect(none.QueueUrls).toBeUndefined();
  });

  it('reads selected attributes and applies SetQueueAttributes, including a redrive policy', async () => {
    const url = await createQueue('settable');
    const dlq = await createQueue('settable-dlq');
    const dlqArn = (await attributesOf(dlq, ['QueueArn'])).QueueArn;
    const only = await attributesOf(url, ['VisibilityTimeout', 'QueueArn']);
    expect(only).toEqual({ VisibilityTimeout: '30', QueueArn: 'arn:aws:sqs:us-east-1:000000000000:settable' });
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: url,
        Attributes: {
          VisibilityTimeout: '5',
          DelaySeconds: '2',
          MessageRetentionPeriod: '600',
          ReceiveMessageWaitTimeSeconds: '1',
          MaximumMessageSize: '2048',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: '4' }),
        },
      }),
    );
    const after = await attributesOf(url);
    expect(after).toMatchObject({ VisibilityTimeout: '5', DelaySeconds: '2', MessageRetentionPeriod: '600', ReceiveMessageWaitTimeSeconds: '1', MaximumMessageSize: '2048' });
    expect(JSON.parse(after.RedrivePolicy!)).toEqual({ deadLetterTargetArn: dlqArn, maxReceiveCount: 4 });
    expect((await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }))).queueUrls).toEqual([url]);
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { RedrivePolicy: '' } }));
    expect((await attributesOf(url)).RedrivePolicy).toBeUndefined();
    await expect(sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Nope' as never] }))).rejects.toBeInstanceOf(InvalidAttributeName);
    expect((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url }))).Attributes).toBeUndefined();
  });

  it('tags queues at creation and with TagQueue / UntagQueue', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'tagged', tags: { team: 'core', env: 'dev' } }));
    await sqs.send(new TagQueueCommand({ QueueUrl, Tags: { env: 'test', owner: 'me' } }));
    await sqs.send(new UntagQueueCommand({ QueueUrl, TagKeys: ['team'] }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags).toEqual({ env: 'test', owner: 'me' });
  });

  it('purges and deletes queues', async () => {
    const url = await createQueue('short-lived');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect((await attributesOf(url, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages).toBe('0');
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'short-lived' }))).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('keeps queues per region', async () => {
    const west = new SQSClient(clientConfig(engine.url, 'us-west-2'));
    const url = (await west.send(new CreateQueueCommand({ QueueName: 'regional' }))).QueueUrl!;
    expect((await west.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn).toBe(
      'arn:aws:sqs:us-west-2:000000000000:regional',
    );
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'regional' }))).rejects.toBeInstanceOf(QueueDoesNotExist);
    // An AWS-style URL names its region, whichever region signed the request.
    await sqs.send(new SendMessageCommand({ QueueUrl: 'https://sqs.us-west-2.amazonaws.com/000000000000/regional', MessageBody: 'x' }));
    expect((await west.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes?.ApproximateNumberOfMessages).toBe('1');
    west.destroy();
  });
});

describe('SQS messages (SDK v3, JSON protocol)', () => {
  it('sends and receives with String, Number and Binary attributes (the SDK validates the body MD5s)', async () => {
    const QueueUrl = await createQueue('messages');
    const MessageAttributes = {
      name: { DataType: 'String', StringValue: 'Ada' },
      count: { DataType: 'Number', StringValue: '42' },
      ratio: { DataType: 'Number.float', StringValue: '0.5' },
      blob: { DataType: 'Binary', BinaryValue: Uint8Array.from([0, 1, 2, 250]) },
    };
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'héllo ✓', MessageAttributes }));
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update('héllo ✓', 'utf8').digest('hex'));
    expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'], MaxNumberOfMessages: 10 }),
    );
    const [message] = received.Messages!;
    expect(message.MessageId).toBe(sent.MessageId);
    expect(message.Body).toBe('héllo ✓');
    expect(message.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(message.MessageAttributes?.name).toEqual({ DataType: 'String', StringValue: 'Ada' });
    expect(message.MessageAttributes?.count).toEqual({ DataType: 'Number', StringValue: '42' });
    expect(Array.from(message.MessageAttributes!.blob.BinaryValue!)).toEqual([0, 1, 2, 250]);
    expect(message.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: '000000000000' });
    expect(Math.abs(Number(message.Attributes!.SentTimestamp) - Date.now())).toBeLessThan(10_000);
    expect(Number(message.Attributes!.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(Number(message.Attributes!.SentTimestamp));
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
    expect((await attributesOf(QueueUrl, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']))).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('filters message attributes by name, prefix and All, and system attributes by name', async () => {
    const QueueUrl = await createQueue('filtering');
    const MessageAttributes = {
      'trace.id': { DataType: 'String', StringValue: 't1' },
      'trace.span': { DataType: 'String', StringValue: 's1' },
      other: { DataType: 'String', StringValue: 'o' },
    };
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'f', MessageAttributes }));
    const receive = async (names: string[] | undefined, system: string[] | undefined) => {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: names, MessageSystemAttributeNames: system as never, VisibilityTimeout: 0 }));
      return r.Messages![0];
    };
    expect(Object.keys((await receive(['trace.*'], undefined)).MessageAttributes!).sort()).toEqual(['trace.id', 'trace.span']);
    expect(Object.keys((await receive(['other'], undefined)).MessageAttributes!)).toEqual(['other']);
    const all = await receive(['.*'], ['ApproximateReceiveCount']);
    expect(Object.keys(all.MessageAttributes!)).toHaveLength(3);
    expect(all.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(all.Attributes).toEqual({ ApproximateReceiveCount: '3' });
    const none = await receive(undefined, undefined);
    expect(none.MessageAttributes).toBeUndefined();
    expect(none.MD5OfMessageAttributes).toBeUndefined();
    expect(none.Attributes).toBeUndefined();
  });

  it('sends batches with per-entry success and failure', async () => {
    const QueueUrl = await createQueue('batch');
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'ok-1', MessageBody: 'one' },
          { Id: 'bad-delay', MessageBody: 'two', DelaySeconds: 901 },
          { Id: 'ok-2', MessageBody: 'three', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } },
          { Id: 'bad-attr', MessageBody: 'four', MessageAttributes: { k: { DataType: 'Text', StringValue: 'v' } } },
        ],
      }),
    );
    expect(result.Successful?.map((e) => e.Id)).toEqual(['ok-1', 'ok-2']);
    expect(result.Successful?.[1].MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(result.Failed).toEqual([
      expect.objectContaining({ Id: 'bad-delay', SenderFault: true, Code: 'InvalidParameterValue' }),
      expect.objectContaining({ Id: 'bad-attr', SenderFault: true, Code: 'InvalidParameterValue' }),
    ]);
    expect((await attributesOf(QueueUrl, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages).toBe('2');
  });

  it('refuses malformed batches as a whole', async () => {
    const QueueUrl = await createQueue('batch-limits');
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' }));
    await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries(11) }))).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
    await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [] }))).rejects.toBeInstanceOf(EmptyBatchRequest);
    await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'a', MessageBody: 'x' }, { Id: 'a', MessageBody: 'y' }] }))).rejects.toBeInstanceOf(
      BatchEntryIdsNotDistinct,
    );
    await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'no spaces', MessageBody: 'x' }] }))).rejects.toBeInstanceOf(InvalidBatchEntryId);
    const big = 'x'.repeat(600_000);
    await expect(
      sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'a', MessageBody: big }, { Id: 'b', MessageBody: big }] })),
    ).rejects.toBeInstanceOf(BatchRequestTooLong);
    expect((await attributesOf(QueueUrl, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages).toBe('0');
  });

  it('deletes and changes visibility in batches, reporting bad receipt handles per entry', async () => {
    const QueueUrl = await createQueue('batch-delete');
    await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [1, 2, 3].map((i) => ({ Id: `m${i}`, MessageBody: `body ${i}` })) }));
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(Messages).toHaveLength(3);
    const changed = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'c1', ReceiptHandle: Messages[2].ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'c2', ReceiptHandle: 'garbage', VisibilityTimeout: 0 },
        ],
      }),
    );
    expect(changed.Successful).toEqual([{ Id: 'c1' }]);
    expect(changed.Failed).toEqual([expect.objectContaining({ Id: 'c2', Code: 'ReceiptHandleIsInvalid', SenderFault: true })]);
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'd1', ReceiptHandle: Messages[0].ReceiptHandle },
          { Id: 'd2', ReceiptHandle: Messages[1].ReceiptHandle },
          { Id: 'd3', ReceiptHandle: 'not-a-handle' },
        ],
      }),
    );
    expect(deleted.Successful?.map((e) => e.Id)).toEqual(['d1', 'd2']);
    expect(deleted.Failed).toEqual([
      { Id: 'd3', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'The input receipt handle "not-a-handle" is not a valid receipt handle.' },
    ]);
    expect(await attributesOf(QueueUrl, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'])).toEqual({
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
    await expect(sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: 'bogus' }))).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
    // Deleting an already deleted message succeeds, as on AWS.
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages[0].ReceiptHandle }));
  });

  it('validates message bodies, sizes and receive parameters', async () => {
    const QueueUrl = await createQueue('validation', { MaximumMessageSize: '1024' });
    await expect(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(1025) }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.',
    });
    await expect(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'bad \u0001 char' }))).rejects.toBeInstanceOf(InvalidMessageContents);
    await expect(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '' }))).rejects.toMatchObject({ name: 'MissingParameter' });
    await expect(sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 11 }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    });
    await expect(sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 21 }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('answers a missing queue with QueueDoesNotExist in the query-compatible JSON shape', async () => {
    const QueueUrl = `http://${engine.context.hostPort}/000000000000/missing`;
    const err = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })).catch((e) => e);
    expect(err).toBeInstanceOf(QueueDoesNotExist);
    expect(err.name).toBe('QueueDoesNotExist');
    expect(err.Code).toBe('AWS.SimpleQueueService.NonExistentQueue');
    expect(err.$metadata.httpStatusCode).toBe(400);

    const raw = await fetch(engine.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AmazonSQS.GetQueueUrl',
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify({ QueueName: 'missing' }),
    });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
    expect(raw.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(await raw.json()).toEqual({ __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
  });

  it('accepts every queue URL form: any host, LocalStack hosts, AWS hosts and LocalStack path style', async () => {
    await createQueue('forms');
    const port = engine.port;
    const forms = [
      `http://127.0.0.1:${port}/000000000000/forms`,
      'http://some-other-host:1234/000000000000/forms',
      'http://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/forms',
      'http://us-east-1.queue.localhost.localstack.cloud:4566/000000000000/forms',
      'https://sqs.us-east-1.amazonaws.com/000000000000/forms',
      `http://localhost:${port}/queue/us-east-1/000000000000/forms`,
    ];
    for (const QueueUrl of forms) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: QueueUrl }));
    const url = await createQueue('forms');
    expect((await attributesOf(url, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages).toBe(String(forms.length));
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: 'forms', MessageBody: 'x' }))).rejects.toMatchObject({ name: 'InvalidAddress' });
  });

  it('supports FIFO basics: groups in order, deduplication, content-based deduplication', async () => {
    const QueueUrl = await createQueue('jobs.fifo', { FifoQueue: 'true' });
    expect(await attributesOf(QueueUrl, ['FifoQueue', 'ContentBasedDeduplication'])).toEqual({ FifoQueue: 'true', ContentBasedDeduplication: 'false' });
    const send = (body: string, group: string, dedup?: string) =>
      sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: dedup }));
    const first = await send('a1', 'a', 'd-a1');
    expect(first.SequenceNumber).toMatch(/^\d{20}$/);
    expect((await send('a1 again', 'a', 'd-a1')).MessageId).toBe(first.MessageId);
    await send('a2', 'a', 'd-a2');
    await send('b1', 'b', 'd-b1');
    await expect(send('no group', '' as string, 'd-x')).rejects.toMatchObject({ name: 'MissingParameter' });
    await expect(send('no dedup', 'a')).rejects.toMatchObject({ name: 'InvalidParameterValue' });

    const one = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, MessageSystemAttributeNames: ['MessageGroupId', 'SequenceNumber'] }));
    expect(one.Messages?.map((m) => m.Body)).toEqual(['a1']);
    expect(one.Messages?.[0].Attributes?.MessageGroupId).toBe('a');
    // Group a is blocked while a1 is in flight; b is not.
    const next = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(next.Messages?.map((m) => m.Body)).toEqual(['b1']);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: one.Messages![0].ReceiptHandle }));
    const last = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(last.Messages?.map((m) => m.Body)).toEqual(['a2']);

    const cbd = await createQueue('cbd.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    const x = await sqs.send(new SendMessageCommand({ QueueUrl: cbd, MessageBody: 'same', MessageGroupId: 'g' }));
    const y = await sqs.send(new SendMessageCommand({ QueueUrl: cbd, MessageBody: 'same', MessageGroupId: 'g' }));
    expect(y.MessageId).toBe(x.MessageId);
    expect((await attributesOf(cbd, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages).toBe('1');
  });
});
