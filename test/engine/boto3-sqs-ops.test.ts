import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { runAws, runPython, startTestEngine, BOTO3_PRELUDE } from '../helpers/engine.js';

// boto3 (botocore's JSON 1.0 serializer in query-compatible mode) over every SQS operation the engine serves,
// one python process for the whole sequence; then the aws CLI, which speaks the same JSON protocol.
let engine: Engine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine?.stop());

const SCRIPT = String.raw`${BOTO3_PRELUDE}
import json, threading, time, boto3
from botocore.exceptions import ClientError
sqs = boto3.client('sqs')

ERROR_EXTRAS = {'query': lambda r: r['Error'].get('QueryErrorCode')}

def attrs(url, *names):
  return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(names) or ['All'])['Attributes']

dlq = sqs.create_queue(QueueName='ops-dlq', Attributes={'MessageRetentionPeriod': '1209600'})['QueueUrl']
dlq_arn = attrs(dlq, 'QueueArn')['QueueArn']
url = sqs.create_queue(QueueName='ops-main', Attributes={'VisibilityTimeout': '30', 'DelaySeconds': '0', 'ReceiveMessageWaitTimeSeconds': '0',
  'RedrivePolicy': json.dumps({'deadLetterTargetArn': dlq_arn, 'maxReceiveCount': 2})})['QueueUrl']
other = sqs.create_queue(QueueName='other-q')['QueueUrl']
out = {'urls': {'dlq': dlq, 'main': url, 'byName': sqs.get_queue_url(QueueName='ops-main')['QueueUrl']}}
out['created'] = attrs(url, 'VisibilityTimeout', 'DelaySeconds', 'RedrivePolicy', 'QueueArn', 'MaximumMessageSize')
out['dlqRetention'] = attrs(dlq, 'MessageRetentionPeriod')['MessageRetentionPeriod']
out['listAll'] = sorted(sqs.list_queues().get('QueueUrls', []))
out['listPrefix'] = sqs.list_queues(QueueNamePrefix='ops-').get('QueueUrls', [])
out['listNone'] = 'QueueUrls' in sqs.list_queues(QueueNamePrefix='zzz')
pages = sqs.list_queues(MaxResults=2)
out['listPage'] = {'n': len(pages['QueueUrls']), 'hasToken': 'NextToken' in pages}
out['listPage2'] = len(sqs.list_queues(MaxResults=2, NextToken=pages['NextToken'])['QueueUrls']) if 'NextToken' in pages else None

# SetQueueAttributes
sqs.set_queue_attributes(QueueUrl=url, Attributes={'VisibilityTimeout': '45', 'MaximumMessageSize': '2048'})
out['setAttrs'] = attrs(url, 'VisibilityTimeout', 'MaximumMessageSize')

# Counts: visible, delayed, not visible
sqs.send_message(QueueUrl=url, MessageBody='delayed', DelaySeconds=600)
single = sqs.send_message(QueueUrl=url, MessageBody='one', MessageAttributes={'kind': {'DataType': 'String', 'StringValue': 'single'}})
batch = sqs.send_message_batch(QueueUrl=url, Entries=[{'Id': 'a', 'MessageBody': 'two'}, {'Id': 'b', 'MessageBody': 'three', 'MessageAttributes': {'n': {'DataType': 'Number', 'StringValue': '7'}}}])
out['batchIds'] = sorted(e['Id'] for e in batch['Successful'])
out['batchMd5'] = {e['Id']: e['MD5OfMessageBody'] for e in batch['Successful']}
out['counts0'] = attrs(url, 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed')
got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=300, MessageAttributeNames=['All'], MessageSystemAttributeNames=['ApproximateReceiveCount', 'SentTimestamp'])['Messages']
out['received'] = sorted([m['Body'], m['Attributes']['ApproximateReceiveCount'], sorted(m.get('MessageAttributes', {}).keys())] for m in got)
out['counts1'] = attrs(url, 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed')
out['emptyWhileInvisible'] = 'Messages' in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
by_body = {m['Body']: m for m in got}
# ChangeMessageVisibility back to 0: visible again, receive count goes to 2
sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=by_body['one']['ReceiptHandle'], VisibilityTimeout=0)
again = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=300, MessageSystemAttributeNames=['ApproximateReceiveCount'])['Messages']
out['again'] = [[m['Body'], m['Attributes']['ApproximateReceiveCount']] for m in again]
out['staleHandle'] = error(lambda: sqs.change_message_visibility(QueueUrl=url, ReceiptHandle='not-a-handle', VisibilityTimeout=0))
# DeleteMessage + DeleteMessageBatch (one good entry, one bad handle)
sqs.delete_message(QueueUrl=url, ReceiptHandle=again[0]['ReceiptHandle'])
deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[{'Id': 'x', 'ReceiptHandle': by_body['two']['ReceiptHandle']}, {'Id': 'y', 'ReceiptHandle': 'bogus'}])
out['deleteBatch'] = {'ok': [e['Id'] for e in deleted.get('Successful', [])], 'failed': [[e['Id'], e['Code'], e['SenderFault']] for e in deleted.get('Failed', [])]}
out['counts2'] = attrs(url, 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed')
# PurgeQueue
sqs.purge_queue(QueueUrl=url)
out['counts3'] = attrs(url, 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed')

# Redrive: maxReceiveCount 2, VisibilityTimeout 0 makes each receive immediate
sqs.send_message(QueueUrl=url, MessageBody='poison')
counts = []
for _ in range(3):
  r = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0, MessageSystemAttributeNames=['ApproximateReceiveCount']).get('Messages', [])
  counts.append([m['Attributes']['ApproximateReceiveCount'] for m in r])
out['redriveReceives'] = counts
dead = sqs.receive_message(QueueUrl=dlq, MessageSystemAttributeNames=['All'])['Messages']
out['dead'] = {'body': dead[0]['Body'], 'source': dead[0]['Attributes'].get('DeadLetterQueueSourceArn')}
out['counts4'] = attrs(url, 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible')
out['dlqSources'] = sqs.list_dead_letter_source_queues(QueueUrl=dlq).get('queueUrls')

# Long polling: an empty wait lasts WaitTimeSeconds; a message sent meanwhile ends it early
t0 = time.time()
empty = sqs.receive_message(QueueUrl=other, WaitTimeSeconds=1)
out['emptyWait'] = {'has': 'Messages' in empty, 'elapsed': time.time() - t0}
result = {}
def poll():
  t = time.time()
  result['r'] = sqs.receive_message(QueueUrl=other, WaitTimeSeconds=10).get('Messages', [])
  result['elapsed'] = time.time() - t
th = threading.Thread(target=poll); th.start()
boto3.client('sqs').send_message(QueueUrl=other, MessageBody='wake up')
th.join()
out['longPoll'] = {'bodies': [m['Body'] for m in result['r']], 'fast': result['elapsed'] < 5}

# DeleteQueue and errors on a missing queue
sqs.delete_queue(QueueUrl=other)
out['afterDelete'] = sorted(sqs.list_queues().get('QueueUrls', []))
out['errors'] = {
  'getUrl': error(lambda: sqs.get_queue_url(QueueName='other-q')),
  'send': error(lambda: sqs.send_message(QueueUrl=other, MessageBody='x')),
  'attrs': error(lambda: sqs.get_queue_attributes(QueueUrl=other, AttributeNames=['All'])),
  'purge': error(lambda: sqs.purge_queue(QueueUrl=other)),
  'delete': error(lambda: sqs.delete_queue(QueueUrl=other)),
  'badAttr': error(lambda: sqs.set_queue_attributes(QueueUrl=url, Attributes={'VisibilityTimeout': '99999'})),
  'createConflict': error(lambda: sqs.create_queue(QueueName='ops-main', Attributes={'VisibilityTimeout': '1'})),
}
print(json.dumps(out))
`;

const counts = (visible: number, notVisible: number, delayed: number) => ({
  ApproximateNumberOfMessages: String(visible),
  ApproximateNumberOfMessagesNotVisible: String(notVisible),
  ApproximateNumberOfMessagesDelayed: String(delayed),
});

describe('SQS operations through boto3', () => {
  it('creates, lists, sets attributes, counts, receives, changes visibility, deletes, purges, redrives and reports missing queues', async () => {
    const out = JSON.parse(await runPython(SCRIPT, engine.url));
    const base = `http://localhost:${new URL(engine.url).port}/000000000000`;
    expect(out.urls).toEqual({ dlq: `${base}/ops-dlq`, main: `${base}/ops-main`, byName: `${base}/ops-main` });
    expect(out.created).toEqual({
      VisibilityTimeout: '30',
      DelaySeconds: '0',
      MaximumMessageSize: '1048576',
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:ops-main',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:ops-dlq', maxReceiveCount: 2 }),
    });
    expect(out.dlqRetention).toBe('1209600');
    // ListQueues: all, by prefix, none (no QueueUrls key at all, as AWS), and paged with MaxResults.
    expect(out.listAll).toEqual([`${base}/ops-dlq`, `${base}/ops-main`, `${base}/other-q`]);
    expect(out.listPrefix).toEqual([`${base}/ops-dlq`, `${base}/ops-main`]);
    expect(out.listNone).toBe(false);
    expect(out.listPage).toEqual({ n: 2, hasToken: true });
    expect(out.listPage2).toBe(1);
    expect(out.setAttrs).toEqual({ VisibilityTimeout: '45', MaximumMessageSize: '2048' });
    // Batch send: MD5 of the bodies.
    expect(out.batchIds).toEqual(['a', 'b']);
    expect(out.batchMd5).toEqual({ a: 'b8a9f715dbb64fd5c56e7783c6820a61', b: '35d6d33467aae9a2e3dccb4b6b027878' });
    // Visible / in flight / delayed as the messages move.
    expect(out.counts0).toEqual(counts(3, 0, 1));
    expect(out.received).toEqual([
      ['one', '1', ['kind']],
      ['three', '1', ['n']],
      ['two', '1', []],
    ]);
    expect(out.counts1).toEqual(counts(0, 3, 1));
    expect(out.emptyWhileInvisible).toBe(false);
    expect(out.again).toEqual([['one', '2']]);
    expect(out.staleHandle).toEqual({
      code: 'ReceiptHandleIsInvalid',
      query: 'ReceiptHandleIsInvalid',
      message: 'The input receipt handle "not-a-handle" is not a valid receipt handle.',
      status: 404,
    });
    expect(out.deleteBatch).toEqual({ ok: ['x'], failed: [['y', 'ReceiptHandleIsInvalid', true]] });
    expect(out.counts2).toEqual(counts(0, 1, 1));
    expect(out.counts3).toEqual(counts(0, 0, 0));
    // Redrive: two receives, then the third attempt moves the message to the DLQ.
    expect(out.redriveReceives).toEqual([['1'], ['2'], []]);
    expect(out.dead).toEqual({ body: 'poison', source: 'arn:aws:sqs:us-east-1:000000000000:ops-main' });
    expect(out.counts4).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    expect(out.dlqSources).toEqual([`${base}/ops-main`]);
    // Long polling.
    expect(out.emptyWait.has).toBe(false);
    expect(out.emptyWait.elapsed).toBeGreaterThanOrEqual(0.9);
    expect(out.longPoll).toEqual({ bodies: ['wake up'], fast: true });
    // DeleteQueue, then every operation on the deleted queue fails as AWS's does.
    expect(out.afterDelete).toEqual([`${base}/ops-dlq`, `${base}/ops-main`]);
    const missing = { code: 'AWS.SimpleQueueService.NonExistentQueue', query: 'QueueDoesNotExist', message: 'The specified queue does not exist.', status: 400 };
    for (const op of ['getUrl', 'send', 'attrs', 'purge', 'delete']) expect(out.errors[op], op).toEqual(missing);
    expect(out.errors.badAttr).toEqual({
      code: 'InvalidAttributeValue',
      query: 'InvalidAttributeValue',
      message: 'Invalid value for the parameter VisibilityTimeout.',
      status: 400,
    });
    expect(out.errors.createConflict).toEqual({
      code: 'QueueAlreadyExists',
      query: 'QueueNameExists',
      message: 'A queue already exists with the same name and a different value for attribute VisibilityTimeout',
      status: 400,
    });
  });
});

describe('SQS through the aws CLI', () => {
  it('creates, sends (JSON 1.0 protocol), receives, reads attributes, deletes and reports a missing queue', async () => {
    const created = await runAws(['sqs', 'create-queue', '--queue-name', 'cli-q', '--attributes', 'VisibilityTimeout=20'], engine.url);
    expect(created.code).toBe(0);
    const url = JSON.parse(created.stdout).QueueUrl as string;
    expect(url).toMatch(/\/000000000000\/cli-q$/);
    const sent = await runAws(
      ['sqs', 'send-message', '--queue-url', url, '--message-body', 'from the cli', '--message-attributes', '{"who":{"DataType":"String","StringValue":"cli"}}', '--debug'],
      engine.url,
    );
    expect(sent.code).toBe(0);
    // awscli (v1, on botocore's current SQS model) speaks AWS JSON 1.0, not the query protocol.
    expect(sent.stderr).toContain("'X-Amz-Target': 'AmazonSQS.SendMessage'");
    expect(sent.stderr).toContain("'Content-Type': 'application/x-amz-json-1.0'");
    const { MessageId, MD5OfMessageBody } = JSON.parse(sent.stdout);
    expect(MD5OfMessageBody).toBe('adc1c5502a75b5c1afdc54d0d67abd6f');
    const received = await runAws(
      ['sqs', 'receive-message', '--queue-url', url, '--attribute-names', 'All', '--message-attribute-names', 'All', '--wait-time-seconds', '1'],
      engine.url,
    );
    expect(received.code).toBe(0);
    const [message] = JSON.parse(received.stdout).Messages;
    expect(message).toMatchObject({ MessageId, Body: 'from the cli', MessageAttributes: { who: { DataType: 'String', StringValue: 'cli' } } });
    expect(message.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: '000000000000' });
    const attributes = await runAws(['sqs', 'get-queue-attributes', '--queue-url', url, '--attribute-names', 'All'], engine.url);
    expect(JSON.parse(attributes.stdout).Attributes).toMatchObject({
      VisibilityTimeout: '20',
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:cli-q',
    });
    expect((await runAws(['sqs', 'delete-queue', '--queue-url', url], engine.url)).code).toBe(0);
    const missing = await runAws(['sqs', 'get-queue-url', '--queue-name', 'cli-q'], engine.url);
    expect(missing.code).toBe(255);
    expect(missing.stderr.trim()).toBe(
      'An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the GetQueueUrl operation: The specified queue does not exist.',
    );
  });
});
