// Parent links between traces: a function's SDK calls (SDK v3 in Node, boto3 in Python) carry the X-Ray header
// the engine's runtime handed the invocation (_X_AMZN_TRACE_ID → X-Amzn-Trace-Id), and what they start is a child.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventSourceMappingCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Engine } from '../../src/engine/index.js';
import type { Trace } from '../../src/engine/traces/index.js';
import { traceRootOf } from '../../src/engine/traces/cause.js';
import { TraceRing } from '../../src/engine/traces/ring.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { createActive, waitFor } from '../fixtures/lambda/helpers.js';
import { makeZip } from '../fixtures/lambda/zip.js';

let engine: Engine;
let lambda: LambdaClient;
let sqs: SQSClient;
let s3: S3Client;
let ddb: DynamoDBClient;

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${engine.url}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}
const idle = () => getJson<{ idle: boolean }>('/_evlab/idle?timeout=20000');
const read = (id: string) => getJson<{ trace: Trace; children: Trace[] }>(`/_evlab/traces/${encodeURIComponent(id)}`);

async function queue(name: string): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url, arn };
}

// The csv-pipeline shape: an upload → a Node function sends one message per row → a consumer writes DynamoDB.
const SPLITTER = `
import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';
import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
const s3 = new S3Client({ forcePathStyle: true });
const sqs = new SQSClient({});
export const handler = async (event) => {
  const record = event.Records[0].s3;
  const text = await (await s3.send(new GetObjectCommand({ Bucket: record.bucket.name, Key: record.object.key }))).Body.transformToString();
  const rows = text.trim().split('\\n').slice(1).map((line) => { const [id, city] = line.split(','); return { id, city }; });
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: process.env.QUEUE_URL, Entries: rows.map((row, i) => ({ Id: String(i), MessageBody: JSON.stringify(row) })) }));
  return { sent: rows.length, traceHeader: process.env._X_AMZN_TRACE_ID };
};`;
const WRITER = `
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
const ddb = new DynamoDBClient({});
export const handler = async (event) => {
  for (const r of event.Records) {
    const row = JSON.parse(r.body);
    await ddb.send(new PutItemCommand({ TableName: 'jobs', Item: { id: { S: row.id }, city: { S: row.city } } }));
  }
};`;
// boto3 in the Python runtime: a message, an event and an asynchronous invoke from one invocation.
const PY_FANOUT = `
import json, os, boto3
sqs = boto3.client("sqs")
events = boto3.client("events")
lam = boto3.client("lambda")
def handler(event, context):
    sent = sqs.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=json.dumps({"from": "python"}))
    put = events.put_events(Entries=[{"Source": "py", "DetailType": "fanned", "Detail": "{}"}])
    lam.invoke(FunctionName="py-leaf", InvocationType="Event", Payload=b"{}")
    return {"messageId": sent["MessageId"], "eventId": put["Entries"][0]["EventId"], "trace": os.environ["_X_AMZN_TRACE_ID"]}
`;

beforeAll(async () => {
  engine = await startTestEngine();
  lambda = new LambdaClient(clientConfig(engine.url));
  sqs = new SQSClient(clientConfig(engine.url));
  s3 = new S3Client({ ...clientConfig(engine.url), forcePathStyle: true });
  ddb = new DynamoDBClient(clientConfig(engine.url));
});
afterAll(async () => {
  for (const c of [lambda, sqs, s3, ddb]) c?.destroy();
  await engine?.stop();
});

describe('parent links', () => {
  it('an upload\'s trace reaches the messages its function sent and their consumption (Node, SDK v3)', async () => {
    const rows = await queue('rows');
    await ddb.send(new CreateTableCommand({ TableName: 'jobs', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
    const splitter = await createActive(lambda, { FunctionName: 'splitter', Code: { ZipFile: await makeZip({ 'index.mjs': SPLITTER }) }, Environment: { Variables: { QUEUE_URL: rows.url } } });
    await createActive(lambda, { FunctionName: 'writer', Code: { ZipFile: await makeZip({ 'index.mjs': WRITER }) } });
    await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'writer', EventSourceArn: rows.arn, BatchSize: 1 }));
    await s3.send(new CreateBucketCommand({ Bucket: 'uploads' }));
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'uploads', NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: splitter.FunctionArn, Events: ['s3:ObjectCreated:*'] }] } }));
    const put = await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'jobs.csv', Body: 'id,city\n1,Paris\n2,Lyon\n' }));
    await waitFor('two rows in the table', async () => ((await ddb.send(new ScanCommand({ TableName: 'jobs' }))).Count === 2 ? true : undefined), 20_000);
    expect((await idle()).idle).toBe(true);

    const { trace, children } = await read(put.$metadata.requestId!);
    expect(trace).toMatchObject({ kind: 's3', status: 'processed' });
    const invocation = trace.steps.find((s) => s.type === 'invocation')!;
    expect(invocation).toMatchObject({ function: 'splitter', ok: true });
    // One child per message, each caused by the splitter's invocation, each consumed by the writer.
    expect(trace.children).toHaveLength(2);
    expect(children.map((c) => c.id).sort()).toEqual([...trace.children!].sort());
    for (const child of children) {
      expect(child).toMatchObject({ kind: 'message', status: 'processed', parent: trace.id, causedBy: invocation.requestId });
      expect(child.steps.map((s) => s.type)).toEqual(['message-sent', 'message-received', 'invocation', 'message-deleted']);
      expect(child.steps.find((s) => s.type === 'invocation')).toMatchObject({ function: 'writer', trigger: 'esm', ok: true });
    }
    const caused = trace.steps.filter((s) => s.type === 'caused');
    expect(caused.map((s) => [s.service, s.childKind, s.requestId])).toEqual([
      ['sqs', 'message', invocation.requestId],
      ['sqs', 'message', invocation.requestId],
    ]);
    // A message id finds its own trace, which names its parent.
    expect((await read(children[0].id)).trace.parent).toBe(trace.id);
  });

  it('a Python function\'s boto3 calls: SendMessage, PutEvents and Invoke (Event) are children of its invocation', async () => {
    const fanout = await queue('fanout');
    await createActive(lambda, { FunctionName: 'py-leaf', Runtime: 'python3.12', Handler: 'app.handler', Code: { ZipFile: await makeZip({ 'app.py': 'def handler(event, context):\n    return "leaf"\n' }) } });
    await createActive(lambda, { FunctionName: 'py-fanout', Runtime: 'python3.12', Handler: 'app.handler', Code: { ZipFile: await makeZip({ 'app.py': PY_FANOUT }) }, Environment: { Variables: { QUEUE_URL: fanout.url } } });
    const res = await lambda.send(new InvokeCommand({ FunctionName: 'py-fanout', Payload: Buffer.from('{}') }));
    expect(res.FunctionError).toBeUndefined();
    const out = JSON.parse(Buffer.from(res.Payload!).toString()) as { messageId: string; eventId: string; trace: string };
    // The runtime set the variable per invocation, in AWS's shape.
    expect(out.trace).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    expect((await idle()).idle).toBe(true);

    const requestId = res.$metadata.requestId!;
    const { trace, children } = await read(requestId);
    expect(trace).toMatchObject({ id: requestId, kind: 'invocation', status: 'processed' });
    expect(trace.steps.map((s) => s.type).filter((t) => t !== 'caused')).toEqual(['invocation-started', 'invocation']);
    // The Root the function saw finds the invocation's trace too.
    expect((await read(traceRootOf(out.trace)!)).trace.id).toBe(requestId);
    const byKind = Object.fromEntries(children.map((c) => [c.kind, c]));
    expect(Object.keys(byKind).sort()).toEqual(['event', 'invocation', 'message']);
    expect(byKind.message).toMatchObject({ id: out.messageId, parent: requestId, causedBy: requestId });
    expect(byKind.event).toMatchObject({ id: out.eventId, parent: requestId, status: 'unmatched' });
    expect(byKind.invocation).toMatchObject({ parent: requestId, status: 'processed' });
    expect(byKind.invocation.steps.find((s) => s.type === 'invocation')).toMatchObject({ function: 'py-leaf', trigger: 'async', ok: true });
    expect(trace.steps.filter((s) => s.type === 'caused').map((s) => s.service).sort()).toEqual(['events', 'lambda', 'sqs']);
  });

  it('a call from outside any function (no header, or a Root no invocation was given) starts a trace of its own', async () => {
    const q = await queue('outside');
    const plain = await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'x' }));
    const forged = new SQSClient(clientConfig(engine.url));
    forged.middlewareStack.add((next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['X-Amzn-Trace-Id'] = 'Root=1-00000000-000000000000000000000000;Sampled=0';
      return next(args);
    }, { step: 'build' });
    const other = await forged.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'y' }));
    forged.destroy();
    for (const id of [plain.MessageId!, other.MessageId!]) expect((await read(id)).trace.parent).toBeUndefined();
  });
});

describe('the ring keeps parent links bounded', () => {
  it('lists at most MAX children, notes the first few as steps, and forgets an invocation\'s Root with its trace', () => {
    const ring = new TraceRing(3);
    ring.start('p', { kind: 'invocation' }, { type: 'invocation-queued', service: 'lambda', requestId: 'p' });
    expect(ring.linkInvocation('1-aa-bb', 'p')).toBe(true);
    expect(ring.linkInvocation('1-cc-dd', 'nobody')).toBe(false);
    expect(ring.invocationOf('1-aa-bb')).toEqual({ traceId: 'p', requestId: 'p' });
    for (let i = 0; i < 15; i++) {
      ring.start(`m${i}`, { kind: 'message', parent: 'p', causedBy: 'p' }, { type: 'message-sent', service: 'sqs' });
      ring.caused('p', `m${i}`, { type: 'caused', service: 'sqs', requestId: 'p', child: `m${i}` });
    }
    // p was the oldest of more than 3 traces: gone, with its Root.
    expect(ring.find('p')).toBeUndefined();
    expect(ring.invocationOf('1-aa-bb')).toBeUndefined();
    const kept = new TraceRing(100);
    kept.start('p', { kind: 'invocation' }, { type: 'invocation-queued', service: 'lambda', requestId: 'p' });
    for (let i = 0; i < 15; i++) kept.caused('p', `m${i}`, { type: 'caused', service: 'sqs', requestId: 'p', child: `m${i}` });
    expect(kept.find('p')!.children).toHaveLength(15);
    expect(kept.find('p')!.steps.filter((s) => s.type === 'caused')).toHaveLength(10);
  });
});
