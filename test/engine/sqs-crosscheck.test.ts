import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateQueueCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, runPython, startTestEngine } from '../helpers/engine.js';
import { startMoto, type MotoServer } from '../helpers/moto.js';

let engine: Engine;
let moto: MotoServer;

beforeAll(async () => {
  [engine, moto] = await Promise.all([startTestEngine(), startMoto()]);
});
afterAll(async () => {
  await Promise.all([engine?.stop(), moto?.stop()]);
});

const BOTO3_SCRIPT = String.raw`
import boto3, json
sqs = boto3.client('sqs')
dlq = sqs.create_queue(QueueName='py-dlq')['QueueUrl']
dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
url = sqs.create_queue(QueueName='py-q', Attributes={'VisibilityTimeout': '12', 'RedrivePolicy': json.dumps({'deadLetterTargetArn': dlq_arn, 'maxReceiveCount': '3'})}, tags={'lang': 'python'})['QueueUrl']
assert sqs.get_queue_url(QueueName='py-q')['QueueUrl'] == url
sent = sqs.send_message(QueueUrl=url, MessageBody='from boto3', MessageAttributes={
  'who': {'DataType': 'String', 'StringValue': 'boto3'},
  'n': {'DataType': 'Number', 'StringValue': '3.5'},
  'b': {'DataType': 'Binary', 'BinaryValue': b'\x00\xff'},
})
batch = sqs.send_message_batch(QueueUrl=url, Entries=[{'Id': 'one', 'MessageBody': 'b1'}, {'Id': 'two', 'MessageBody': 'b2', 'DelaySeconds': 5000}])
got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, MessageAttributeNames=['All'], MessageSystemAttributeNames=['All'], WaitTimeSeconds=1)
m = got['Messages'][0]
sqs.delete_message(QueueUrl=url, ReceiptHandle=m['ReceiptHandle'])
attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['All'])['Attributes']
try:
  sqs.get_queue_url(QueueName='absent')
  missing = None
except sqs.exceptions.QueueDoesNotExist as e:
  missing = {'code': e.response['Error']['Code'], 'type': e.response['Error'].get('QueryErrorCode'), 'status': e.response['ResponseMetadata']['HTTPStatusCode']}
empty = sqs.receive_message(QueueUrl=dlq)
print(json.dumps({
  'url': url, 'sent': {k: sent[k] for k in ('MessageId', 'MD5OfMessageBody', 'MD5OfMessageAttributes')},
  'batch': {'ok': [e['Id'] for e in batch.get('Successful', [])], 'failed': [[e['Id'], e['Code'], e['SenderFault']] for e in batch.get('Failed', [])]},
  'received': {'id': m['MessageId'], 'body': m['Body'], 'md5': m['MD5OfMessageAttributes'], 'count': m['Attributes']['ApproximateReceiveCount'],
               'who': m['MessageAttributes']['who']['StringValue'], 'b': list(m['MessageAttributes']['b']['BinaryValue'])},
  'attrs': attrs, 'missing': missing, 'emptyHasMessages': 'Messages' in empty,
  'tags': sqs.list_queue_tags(QueueUrl=url).get('Tags'),
}))
`;

describe('SQS cross-checks with independent clients', () => {
  it('serves boto3 (JSON protocol): create, send, batch, receive, delete, attributes, errors', async () => {
    const out = JSON.parse(await runPython(BOTO3_SCRIPT, engine.url));
    expect(out.url).toMatch(/\/000000000000\/py-q$/);
    expect(out.received).toMatchObject({ id: out.sent.MessageId, body: 'from boto3', md5: out.sent.MD5OfMessageAttributes, count: '1', who: 'boto3', b: [0, 255] });
    expect(out.batch).toEqual({ ok: ['one'], failed: [['two', 'InvalidParameterValue', true]] });
    expect(out.attrs).toMatchObject({
      VisibilityTimeout: '12',
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '0',
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:py-q',
    });
    expect(JSON.parse(out.attrs.RedrivePolicy)).toEqual({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:py-dlq', maxReceiveCount: 3 });
    expect(out.missing).toEqual({ code: 'AWS.SimpleQueueService.NonExistentQueue', type: 'QueueDoesNotExist', status: 400 });
    expect(out.emptyHasMessages).toBe(false);
    expect(out.tags).toEqual({ lang: 'python' });
  });

  it('computes MD5OfMessageAttributes and MD5OfMessageSystemAttributes exactly as moto does', async () => {
    const ours = new SQSClient(clientConfig(engine.url));
    const theirs = new SQSClient(clientConfig(moto.url));
    const cases: Record<string, MessageAttributeValue>[] = [
      { s: { DataType: 'String', StringValue: 'x' } },
      { zeta: { DataType: 'String', StringValue: 'last' }, alpha: { DataType: 'Number', StringValue: '-1.5e3' }, Mid: { DataType: 'String.custom', StringValue: 'ünï' } },
      { bin: { DataType: 'Binary', BinaryValue: Uint8Array.from([0, 1, 2, 255]) }, num: { DataType: 'Number.int', StringValue: '12' } },
      { emoji: { DataType: 'String', StringValue: '🚀 launch' }, 'dotted.name': { DataType: 'Binary.gz', BinaryValue: Uint8Array.from([31, 139]) } },
    ];
    const trace = { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' };
    const run = async (client: SQSClient, withSystemAttributes: boolean) => {
      const QueueUrl = (await client.send(new CreateQueueCommand({ QueueName: 'md5-check' }))).QueueUrl!;
      const single = [];
      for (const MessageAttributes of cases) {
        const r = await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'body', MessageAttributes }));
        single.push([r.MD5OfMessageBody, r.MD5OfMessageAttributes]);
      }
      const batch = await client.send(
        new SendMessageBatchCommand({ QueueUrl, Entries: cases.map((MessageAttributes, i) => ({ Id: `e${i}`, MessageBody: `b${i}`, MessageAttributes })) }),
      );
      // moto has no MD5OfMessageSystemAttributes; the digest is the message-attribute one over the same map.
      const system = withSystemAttributes
        ? (await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'traced', MessageSystemAttributes: { AWSTraceHeader: trace } }))).MD5OfMessageSystemAttributes
        : (await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'traced', MessageAttributes: { AWSTraceHeader: trace } }))).MD5OfMessageAttributes;
      return { single, batch: batch.Successful?.map((e) => [e.Id, e.MD5OfMessageBody, e.MD5OfMessageAttributes]), system };
    };
    const [mine, reference] = await Promise.all([run(ours, true), run(theirs, false)]);
    ours.destroy();
    theirs.destroy();
    expect(mine).toEqual(reference);
    expect(mine.single.every(([, attrs]) => /^[0-9a-f]{32}$/.test(attrs!))).toBe(true);
    expect(mine.system).toMatch(/^[0-9a-f]{32}$/);
  });
});
