import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { createHash } from 'node:crypto';
import type { Engine } from '../../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../../helpers/engine.js';
import { createActive } from '../../fixtures/lambda/helpers.js';
import { makeZip } from '../../fixtures/lambda/zip.js';

let engine: Engine;
let s3: S3Client;
let sqs: SQSClient;

beforeAll(async () => {
  engine = await startTestEngine();
  s3 = new S3Client({ ...clientConfig(engine.url), forcePathStyle: true });
  sqs = new SQSClient(clientConfig(engine.url));
});
afterAll(async () => {
  s3?.destroy();
  sqs?.destroy();
  await engine?.stop();
});

async function queue(name: string): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url, arn };
}

/** Everything in the queue once the engine is idle (every notification handed over). */
async function drain(url: string): Promise<Message[]> {
  expect(await engine.waitForIdle(20_000)).toBe(true);
  const all: Message[] = [];
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }));
    if (!out.Messages?.length) return all;
    all.push(...out.Messages);
  }
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('S3 bucket notifications', () => {
  it('to SQS: a TestEvent on configuration, then AWS-shaped records for matching keys only', async () => {
    const created = await queue('s3-created');
    const removed = await queue('s3-removed');
    await s3.send(new CreateBucketCommand({ Bucket: 'uploads' }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'uploads',
        NotificationConfiguration: {
          QueueConfigurations: [
            {
              Id: 'csv-in',
              QueueArn: created.arn,
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }, { Name: 'suffix', Value: '.csv' }] } },
            },
            { QueueArn: removed.arn, Events: ['s3:ObjectRemoved:*'] },
          ],
        },
      }),
    );
    const config = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'uploads' }));
    expect(config.QueueConfigurations?.[0]).toMatchObject({ Id: 'csv-in', QueueArn: created.arn, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }, { Name: 'suffix', Value: '.csv' }] } } });
    expect(config.QueueConfigurations?.[1].Id).toMatch(/\S/);

    const tests = await drain(created.url);
    expect(tests.map((m) => JSON.parse(m.Body!))).toEqual([expect.objectContaining({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'uploads' })]);
    await drain(removed.url);

    await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'incoming/jobs 2024+x.csv', Body: 'id,city\n1,Paris\n' }));
    await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'incoming/readme.txt', Body: 'not csv' }));
    await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'elsewhere/a.csv', Body: 'no prefix' }));
    await s3.send(new CopyObjectCommand({ Bucket: 'uploads', Key: 'incoming/copy.csv', CopySource: 'uploads/elsewhere/a.csv' }));
    const records = (await drain(created.url)).map((m) => JSON.parse(m.Body!).Records);
    expect(records.map((r) => r.length)).toEqual([1, 1]);
    const [put, copy] = records.map((r) => r[0]);
    expect(put).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventName: 'ObjectCreated:Put',
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'csv-in',
        bucket: { name: 'uploads', arn: 'arn:aws:s3:::uploads', ownerIdentity: { principalId: expect.any(String) } },
        object: { key: 'incoming/jobs+2024%2Bx.csv', size: 16, eTag: md5('id,city\n1,Paris\n'), sequencer: expect.stringMatching(/^[0-9A-F]+$/) },
      },
    });
    expect(new Date(put.eventTime).toISOString()).toBe(put.eventTime);
    expect(copy).toMatchObject({ eventName: 'ObjectCreated:Copy', s3: { object: { key: 'incoming/copy.csv', size: 9 } } });
    expect(copy.s3.object.sequencer > put.s3.object.sequencer).toBe(true);

    await s3.send(new DeleteObjectCommand({ Bucket: 'uploads', Key: 'elsewhere/a.csv' }));
    const deletes = (await drain(removed.url)).map((m) => JSON.parse(m.Body!).Records[0]);
    expect(deletes).toHaveLength(1);
    expect(deletes[0]).toMatchObject({ eventName: 'ObjectRemoved:Delete', s3: { object: { key: 'elsewhere/a.csv' } } });
    expect(deletes[0].s3.object.size).toBeUndefined();
  });

  it('refuses a configuration naming a queue or function that does not exist (InvalidArgument)', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'badconfig' }));
    const attempt = (config: ConstructorParameters<typeof PutBucketNotificationConfigurationCommand>[0]['NotificationConfiguration']) =>
      s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'badconfig', NotificationConfiguration: config })).then(
        () => undefined,
        (err: S3ServiceException) => ({ name: err.name, status: err.$metadata.httpStatusCode, message: err.message }),
      );
    expect(await attempt({ QueueConfigurations: [{ QueueArn: 'arn:aws:sqs:us-east-1:000000000000:nope', Events: ['s3:ObjectCreated:*'] }] })).toMatchObject({ name: 'InvalidArgument', status: 400, message: 'Unable to validate the following destination configurations' });
    expect(await attempt({ LambdaFunctionConfigurations: [{ LambdaFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:nope', Events: ['s3:ObjectCreated:*'] }] })).toMatchObject({ name: 'InvalidArgument' });
    const q = await queue('s3-badevent');
    expect(await attempt({ QueueConfigurations: [{ QueueArn: q.arn, Events: ['s3:ObjectMade:*' as never] }] })).toMatchObject({ name: 'InvalidArgument' });
    expect((await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'badconfig' }))).QueueConfigurations).toBeUndefined();
  });

  it('to Lambda: an asynchronous invoke, with the same retries and DLQ as any async event', async () => {
    const lambda = new LambdaClient(clientConfig(engine.url));
    const logs = new CloudWatchLogsClient(clientConfig(engine.url));
    const dlq = await queue('s3-lambda-dlq');
    const handler = `exports.handler = async (event) => { console.log('got', event.Records[0].s3.object.key); throw new Error('cannot parse'); };`;
    const fn = await createActive(lambda, { FunctionName: 's3-failing', Code: { ZipFile: await makeZip({ 'index.js': handler }) }, DeadLetterConfig: { TargetArn: dlq.arn } });
    await s3.send(new CreateBucketCommand({ Bucket: 'to-lambda' }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'to-lambda',
        NotificationConfiguration: { LambdaFunctionConfigurations: [{ Id: 'fn', LambdaFunctionArn: fn.FunctionArn, Events: ['s3:ObjectCreated:Put'], Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.json' }] } } }] },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'to-lambda', Key: 'data/one.json', Body: '{}' }));
    await s3.send(new PutObjectCommand({ Bucket: 'to-lambda', Key: 'data/two.txt', Body: 'skip' }));
    const dead = await drain(dlq.url);
    expect(dead).toHaveLength(1);
    const event = JSON.parse(dead[0].Body!);
    expect(event.Records[0]).toMatchObject({ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { configurationId: 'fn', object: { key: 'data/one.json', size: 2 } } });
    expect(dead[0].MessageAttributes?.ErrorMessage?.StringValue).toBe('cannot parse');
    const starts = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/s3-failing', filterPattern: '"START RequestId"' }));
    expect(starts.events).toHaveLength(3); // the first attempt and two retries
    lambda.destroy();
    logs.destroy();
  });

  it('to Lambda: a handler reads the object with the SDK the engine provides, as an ingestion lambda does', async () => {
    const lambda = new LambdaClient(clientConfig(engine.url));
    const out = await queue('s3-read-out');
    const handler = `
import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
const s3 = new S3Client({});
const sqs = new SQSClient({});
export const handler = async (event) => {
  for (const record of event.Records) {
    const key = decodeURIComponent(record.s3.object.key.replace(/\\+/g, ' '));
    const got = await s3.send(new GetObjectCommand({ Bucket: record.s3.bucket.name, Key: key }));
    const rows = (await got.Body.transformToString()).trim().split('\\n');
    for (const row of rows) await sqs.send(new SendMessageCommand({ QueueUrl: process.env.OUT_URL, MessageBody: JSON.stringify({ key, row }) }));
  }
};`;
    const fn = await createActive(lambda, { FunctionName: 's3-reader', Handler: 'index.handler', Code: { ZipFile: await makeZip({ 'index.mjs': handler }) }, Environment: { Variables: { OUT_URL: out.url } } });
    await s3.send(new CreateBucketCommand({ Bucket: 'ingest' }));
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'ingest', NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: fn.FunctionArn, Events: ['s3:ObjectCreated:*'] }] } }));
    await s3.send(new PutObjectCommand({ Bucket: 'ingest', Key: 'job offers/jobs.csv', Body: 'id,city\n1,Paris\n2,Lyon\n' }));
    const rows = (await drain(out.url)).map((m) => JSON.parse(m.Body!));
    expect(rows.sort((a, b) => a.row.localeCompare(b.row))).toEqual([
      { key: 'job offers/jobs.csv', row: '1,Paris' },
      { key: 'job offers/jobs.csv', row: '2,Lyon' },
      { key: 'job offers/jobs.csv', row: 'id,city' },
    ]);
    lambda.destroy();
  });

  it('to EventBridge: "Object Created" / "Object Deleted" events from aws.s3 on the default bus', async () => {
    const events = new EventBridgeClient(clientConfig(engine.url));
    const target = await queue('s3-eventbridge');
    await events.send(new PutRuleCommand({ Name: 's3-objects', EventPattern: JSON.stringify({ source: ['aws.s3'], 'detail-type': ['Object Created', 'Object Deleted'], detail: { bucket: { name: ['to-bus'] } } }) }));
    await events.send(new PutTargetsCommand({ Rule: 's3-objects', Targets: [{ Id: 'q', Arn: target.arn }] }));
    await s3.send(new CreateBucketCommand({ Bucket: 'to-bus' }));
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'to-bus', NotificationConfiguration: { EventBridgeConfiguration: {} } }));
    expect((await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'to-bus' }))).EventBridgeConfiguration).toEqual({});
    await s3.send(new PutObjectCommand({ Bucket: 'to-bus', Key: 'a b.txt', Body: 'hello' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'to-bus', Key: 'a b.txt' }));
    const delivered = (await drain(target.url)).map((m) => JSON.parse(m.Body!));
    const byType = Object.fromEntries(delivered.map((e) => [e['detail-type'], e]));
    expect(byType['Object Created']).toMatchObject({
      source: 'aws.s3',
      account: '000000000000',
      region: 'us-east-1',
      resources: ['arn:aws:s3:::to-bus'],
      detail: { version: '0', bucket: { name: 'to-bus' }, object: { key: 'a b.txt', size: 5, etag: md5('hello'), sequencer: expect.any(String) }, reason: 'PutObject', requester: '000000000000' },
    });
    expect(byType['Object Deleted'].detail).toMatchObject({ object: { key: 'a b.txt' }, reason: 'DeleteObject', 'deletion-type': 'Permanently Deleted' });
    events.destroy();
  });
});
