import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine.stop());

const XMLNS = 'http://queue.amazonaws.com/doc/2012-11-05/';
const SIGNED = 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0';

/** A query-protocol POST, as older SDKs and tools send it; signed or not. */
async function query(params: Record<string, string>, path = '/', signed = true) {
  const res = await fetch(engine.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...(signed ? { authorization: SIGNED } : {}) },
    body: new URLSearchParams({ Version: '2012-11-05', ...params }).toString(),
  });
  return { status: res.status, contentType: res.headers.get('content-type'), xml: await res.text() };
}

const all = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]);
const one = (xml: string, tag: string) => all(xml, tag)[0];

describe('SQS query protocol (form-encoded requests, XML answers)', () => {
  let queueUrl = '';

  it('creates a queue with flattened attributes and tags', async () => {
    const res = await query({
      Action: 'CreateQueue',
      QueueName: 'query-q',
      'Attribute.1.Name': 'VisibilityTimeout',
      'Attribute.1.Value': '40',
      'Attribute.2.Name': 'DelaySeconds',
      'Attribute.2.Value': '0',
      'Tag.1.Key': 'team',
      'Tag.1.Value': 'core',
    });
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('text/xml');
    expect(res.xml).toContain(`<CreateQueueResponse xmlns="${XMLNS}"><CreateQueueResult><QueueUrl>`);
    expect(res.xml).toMatch(/<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/CreateQueueResponse>$/);
    queueUrl = one(res.xml, 'QueueUrl');
    expect(queueUrl).toBe(`http://${engine.context.hostPort}/000000000000/query-q`);
    const tags = await query({ Action: 'ListQueueTags', QueueUrl: queueUrl });
    expect(tags.xml).toContain('<ListQueueTagsResult><Tag><Key>team</Key><Value>core</Value></Tag></ListQueueTagsResult>');
  });

  it('reads attributes as flattened Attribute elements', async () => {
    const res = await query({ Action: 'GetQueueAttributes', QueueUrl: queueUrl, 'AttributeName.1': 'VisibilityTimeout', 'AttributeName.2': 'QueueArn' });
    expect(res.xml).toContain('<Attribute><Name>QueueArn</Name><Value>arn:aws:sqs:us-east-1:000000000000:query-q</Value></Attribute>');
    expect(res.xml).toContain('<Attribute><Name>VisibilityTimeout</Name><Value>40</Value></Attribute>');
    await query({ Action: 'SetQueueAttributes', QueueUrl: queueUrl, 'Attribute.1.Name': 'VisibilityTimeout', 'Attribute.1.Value': '50' });
    const after = await query({ Action: 'GetQueueAttributes', QueueUrl: queueUrl, 'AttributeName.1': 'All' });
    expect(after.xml).toContain('<Attribute><Name>VisibilityTimeout</Name><Value>50</Value></Attribute>');
    expect(after.xml).toContain('<Name>ApproximateNumberOfMessages</Name>');
  });

  it('sends with message attributes and answers the same MD5s as the JSON protocol', async () => {
    const body = 'query <body> & "quotes"';
    const res = await query({
      Action: 'SendMessage',
      QueueUrl: queueUrl,
      MessageBody: body,
      'MessageAttribute.1.Name': 'color',
      'MessageAttribute.1.Value.DataType': 'String',
      'MessageAttribute.1.Value.StringValue': 'blue',
      'MessageAttribute.2.Name': 'bytes',
      'MessageAttribute.2.Value.DataType': 'Binary',
      'MessageAttribute.2.Value.BinaryValue': Buffer.from([1, 2, 3]).toString('base64'),
    });
    expect(res.status).toBe(200);
    expect(one(res.xml, 'MD5OfMessageBody')).toBe(createHash('md5').update(body).digest('hex'));
    const sqs = new SQSClient(clientConfig(engine.url));
    const viaJson = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: body,
        MessageAttributes: { color: { DataType: 'String', StringValue: 'blue' }, bytes: { DataType: 'Binary', BinaryValue: Uint8Array.from([1, 2, 3]) } },
      }),
    );
    sqs.destroy();
    expect(one(res.xml, 'MD5OfMessageAttributes')).toBe(viaJson.MD5OfMessageAttributes);
    expect(one(res.xml, 'MessageId')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('receives as Message elements with Attribute and MessageAttribute children, then deletes', async () => {
    const res = await query({
      Action: 'ReceiveMessage',
      QueueUrl: queueUrl,
      MaxNumberOfMessages: '10',
      'AttributeName.1': 'All',
      'MessageAttributeName.1': 'All',
    });
    const messages = all(res.xml, 'Message');
    expect(messages).toHaveLength(2);
    const first = messages[0];
    expect(one(first, 'Body')).toBe('query &lt;body&gt; &amp; &quot;quotes&quot;');
    expect(first).toContain('<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>');
    expect(first).toContain('<MessageAttribute><Name>color</Name><Value><DataType>String</DataType><StringValue>blue</StringValue></Value></MessageAttribute>');
    expect(first).toContain(`<MessageAttribute><Name>bytes</Name><Value><DataType>Binary</DataType><BinaryValue>${Buffer.from([1, 2, 3]).toString('base64')}</BinaryValue></Value></MessageAttribute>`);
    const deleted = await query({ Action: 'DeleteMessage', QueueUrl: queueUrl, ReceiptHandle: one(first, 'ReceiptHandle') });
    expect(deleted.xml).toBe(
      `<?xml version="1.0"?><DeleteMessageResponse xmlns="${XMLNS}"><ResponseMetadata><RequestId>${/<RequestId>(.*?)<\/RequestId>/.exec(deleted.xml)![1]}</RequestId></ResponseMetadata></DeleteMessageResponse>`,
    );
    const batch = await query({
      Action: 'DeleteMessageBatch',
      QueueUrl: queueUrl,
      'DeleteMessageBatchRequestEntry.1.Id': 'second',
      'DeleteMessageBatchRequestEntry.1.ReceiptHandle': one(messages[1], 'ReceiptHandle'),
      'DeleteMessageBatchRequestEntry.2.Id': 'broken',
      'DeleteMessageBatchRequestEntry.2.ReceiptHandle': 'nope',
    });
    expect(batch.xml).toContain('<DeleteMessageBatchResultEntry><Id>second</Id></DeleteMessageBatchResultEntry>');
    expect(batch.xml).toContain('<BatchResultErrorEntry><Id>broken</Id><SenderFault>true</SenderFault><Code>ReceiptHandleIsInvalid</Code>');
  });

  it('answers an empty receive with an empty result element', async () => {
    const res = await query({ Action: 'ReceiveMessage', QueueUrl: queueUrl });
    expect(res.xml).toContain('<ReceiveMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ReceiveMessageResult></ReceiveMessageResult>');
  });

  it('sends batches with flattened entries and nested message attributes', async () => {
    const res = await query({
      Action: 'SendMessageBatch',
      QueueUrl: queueUrl,
      'SendMessageBatchRequestEntry.1.Id': 'a',
      'SendMessageBatchRequestEntry.1.MessageBody': 'first',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Name': 'n',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType': 'Number',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue': '7',
      'SendMessageBatchRequestEntry.2.Id': 'b',
      'SendMessageBatchRequestEntry.2.MessageBody': 'second',
      'SendMessageBatchRequestEntry.2.DelaySeconds': '1000',
    });
    const entries = all(res.xml, 'SendMessageBatchResultEntry');
    expect(entries).toHaveLength(1);
    expect(one(entries[0], 'Id')).toBe('a');
    expect(one(entries[0], 'MD5OfMessageBody')).toBe(createHash('md5').update('first').digest('hex'));
    expect(one(entries[0], 'MD5OfMessageAttributes')).toMatch(/^[0-9a-f]{32}$/);
    expect(res.xml).toContain('<BatchResultErrorEntry><Id>b</Id><SenderFault>true</SenderFault><Code>InvalidParameterValue</Code>');
  });

  it('accepts requests posted to the queue URL itself, without a QueueUrl parameter', async () => {
    const res = await query({ Action: 'SendMessage', MessageBody: 'to the path' }, '/000000000000/query-q');
    expect(res.status).toBe(200);
    const attrs = await query({ Action: 'GetQueueAttributes', 'AttributeName.1': 'ApproximateNumberOfMessages' }, '/000000000000/query-q');
    expect(attrs.xml).toContain('<Name>ApproximateNumberOfMessages</Name><Value>2</Value>');
  });

  it('refuses a request without authentication as AWS does (403 MissingAuthenticationToken), changing nothing', async () => {
    const res = await query({ Action: 'SendMessage', MessageBody: 'unsigned' }, '/000000000000/query-q', false);
    expect(res.status).toBe(403);
    expect(res.xml).toContain('<Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message>');
    const attrs = await query({ Action: 'GetQueueAttributes', 'AttributeName.1': 'ApproximateNumberOfMessages' }, '/000000000000/query-q');
    expect(attrs.xml).toContain('<Name>ApproximateNumberOfMessages</Name><Value>2</Value>');
  });

  it('takes parameters from a GET query string too', async () => {
    const res = await fetch(`${engine.url}/?Action=GetQueueUrl&QueueName=query-q&Version=2012-11-05`, { headers: { authorization: SIGNED } });
    expect(res.status).toBe(200);
    expect(one(await res.text(), 'QueueUrl')).toBe(queueUrl);
  });

  it('lists queues as flattened QueueUrl elements', async () => {
    await query({ Action: 'CreateQueue', QueueName: 'query-q2' });
    const res = await query({ Action: 'ListQueues', QueueNamePrefix: 'query-' });
    expect(all(res.xml, 'QueueUrl').map((u) => u.split('/').pop())).toEqual(['query-q', 'query-q2']);
    const paged = await query({ Action: 'ListQueues', QueueNamePrefix: 'query-', MaxResults: '1' });
    expect(all(paged.xml, 'QueueUrl')).toHaveLength(1);
    expect(one(paged.xml, 'NextToken')).toBeTruthy();
  });

  it('answers errors as XML ErrorResponse with the legacy codes', async () => {
    const missing = await query({ Action: 'GetQueueUrl', QueueName: 'nope' });
    expect(missing.status).toBe(400);
    expect(missing.contentType).toBe('text/xml');
    expect(missing.xml).toContain('<ErrorResponse><Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist.</Message>');
    expect(missing.xml).toMatch(/<RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);

    const exists = await query({ Action: 'CreateQueue', QueueName: 'query-q', 'Attribute.1.Name': 'VisibilityTimeout', 'Attribute.1.Value': '1' });
    expect(one(exists.xml, 'Code')).toBe('QueueAlreadyExists');

    const badAttr = await query({ Action: 'GetQueueAttributes', QueueUrl: queueUrl, 'AttributeName.1': 'Nope' });
    expect(one(badAttr.xml, 'Code')).toBe('InvalidAttributeName');

    const tooMany = await query({ Action: 'ReceiveMessage', QueueUrl: queueUrl, MaxNumberOfMessages: '11' });
    expect(one(tooMany.xml, 'Code')).toBe('InvalidParameterValue');

    const empty = await query({ Action: 'SendMessageBatch', QueueUrl: queueUrl });
    expect(one(empty.xml, 'Code')).toBe('AWS.SimpleQueueService.EmptyBatchRequest');

    const unknown = await query({ Action: 'FlyToTheMoon' });
    expect(unknown.status).toBe(400);
    expect(one(unknown.xml, 'Code')).toBe('InvalidAction');

    const badHandle = await query({ Action: 'DeleteMessage', QueueUrl: queueUrl, ReceiptHandle: 'x' });
    expect(badHandle.status).toBe(404);
    expect(one(badHandle.xml, 'Code')).toBe('ReceiptHandleIsInvalid');
  });

  it('ignores a parameter named __proto__ rather than polluting objects', async () => {
    const res = await query({ Action: 'SendMessage', QueueUrl: queueUrl, MessageBody: 'p', '__proto__.polluted': 'yes', 'MessageAttribute.1.__proto__': 'x' });
    expect(res.status).toBe(200);
    expect(res.xml).not.toContain('MD5OfMessageAttributes');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
