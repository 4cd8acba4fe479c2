import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateEventBusCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type PutEventsRequestEntry,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { Engine } from '../../src/engine/index.js';
import type { EventsService } from '../../src/engine/events/service.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';

let engine: Engine;
let eb: EventBridgeClient;
let sqs: SQSClient;
let logs: CloudWatchLogsClient;
let events: EventsService;
const logLines: string[] = [];
let counter = 0;

beforeAll(async () => {
  engine = await startTestEngine({ log: (line) => logLines.push(line) });
  eb = new EventBridgeClient(clientConfig(engine.url));
  sqs = new SQSClient(clientConfig(engine.url));
  logs = new CloudWatchLogsClient(clientConfig(engine.url));
  events = (await engine.context.service('events')) as EventsService;
});
afterAll(async () => {
  eb?.destroy();
  sqs?.destroy();
  logs?.destroy();
  await engine?.stop();
});

const ACCOUNT = '000000000000';
const unique = (label: string) => `${label}-${++counter}`;

async function createQueue(name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: attrs.Attributes!.QueueArn! };
}

/** Every message in the queue, taken off it. */
async function drain(url: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }));
    if (!Messages?.length) return all;
    all.push(...Messages);
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  }
}

/** The engine's idle signal, as `evlab fire --wait` reads it. */
async function idle(): Promise<{ idle: boolean; inFlight: Record<string, number> }> {
  return (await fetch(`${engine.url}/_evlab/idle?timeout=5000`)).json() as Promise<{ idle: boolean; inFlight: Record<string, number> }>;
}

/** A rule on `bus` matching source `source`, with the given targets. */
async function rule(source: string, targets: Target[], bus?: string, name = unique('rule')): Promise<string> {
  const { RuleArn } = await eb.send(new PutRuleCommand({ Name: name, EventBusName: bus, EventPattern: JSON.stringify({ source: [source] }) }));
  const put = await eb.send(new PutTargetsCommand({ Rule: name, EventBusName: bus, Targets: targets }));
  expect(put.FailedEntryCount).toBe(0);
  return RuleArn!;
}

async function put(...entries: PutEventsRequestEntry[]) {
  return eb.send(new PutEventsCommand({ Entries: entries }));
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return { name: (err as Error).name, message: (err as Error).message };
  }
  throw new Error('expected the call to fail');
}

describe('PutEvents validation', () => {
  const entry = (over: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({ Source: 'v', DetailType: 't', Detail: '{}', ...over });

  it('refuses more than 10 entries and no entries', async () => {
    const eleven = await failure(put(...Array.from({ length: 11 }, () => entry())));
    expect(eleven.name).toBe('ValidationException');
    expect(eleven.message).toMatch(/^1 validation error detected: Value '\[PutEventsRequestEntry\(.*\)\]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10$/);
    expect(await failure(eb.send(new PutEventsCommand({ Entries: [] })))).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Member must have length greater than or equal to 1'),
    });
  });

  it('counts the request size as AWS documents it (Time 14 bytes + Source + DetailType + Detail + Resources)', async () => {
    const limit = 256 * 1024;
    // 14 (Time) + 1 (Source) + 1 (DetailType) + 8 (Resources) + Detail = exactly the limit: accepted.
    const detailAt = (size: number) => `{"p":"${'x'.repeat(size - 8)}"}`;
    const exact = entry({ Time: new Date(), Source: 's', DetailType: 'd', Resources: ['12345678'], Detail: detailAt(limit - 24) });
    expect((await put(exact)).FailedEntryCount).toBe(0);
    const over = { ...exact, Detail: detailAt(limit - 23) };
    expect(await failure(put(over))).toMatchObject({ name: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' });
    // The limit is for the whole request, not per entry.
    const half = entry({ Detail: detailAt(limit / 2) });
    expect(await failure(put(half, half))).toMatchObject({ name: 'ValidationException' });
  });

  it('fails bad entries one by one, in their place, with AWS codes and messages', async () => {
    const result = await put(
      entry(),
      entry({ Source: undefined }),
      entry({ DetailType: undefined }),
      entry({ Detail: undefined }),
      entry({ Detail: 'not json' }),
      entry({ Detail: '[1, 2]' }),
      entry({ Detail: '"a string"' }),
      entry(),
    );
    expect(result.FailedEntryCount).toBe(6);
    const [ok, noSource, noType, noDetail, notJson, array, string, ok2] = result.Entries!;
    expect(ok.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok2.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(noSource).toEqual({ ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' });
    expect(noType).toEqual({ ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' });
    expect(noDetail).toEqual({ ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' });
    for (const bad of [notJson, array, string]) expect(bad).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
  });

  it('accepts events for a bus that does not exist, as AWS does, and says so in the engine log', async () => {
    const result = await put(entry({ EventBusName: 'no-such-bus' }));
    expect(result.FailedEntryCount).toBe(0);
    expect(logLines.some((l) => l.includes(result.Entries![0].EventId!) && l.includes('no-such-bus'))).toBe(true);
  });
});

describe('delivery to SQS', () => {
  it('delivers the full AWS envelope, asynchronously, and the idle signal waits for it', async () => {
    const q = await createQueue(unique('envelope'));
    const source = unique('envelope.source');
    await rule(source, [{ Id: 'q', Arn: q.arn }]);
    const result = await put({
      Source: source,
      DetailType: 'Order Placed',
      Detail: '{ "orderId": "o-1",\n  "total": 12.50, "big": 12345678901234567890 }',
      Resources: ['arn:aws:s3:::bucket'],
      Time: new Date('2024-03-04T05:06:07.890Z'),
    });
    expect(result.FailedEntryCount).toBe(0);
    expect((await idle()).idle).toBe(true);
    const [message, ...rest] = await drain(q.url);
    expect(rest).toEqual([]);
    const body = JSON.parse(message.Body!);
    expect(body).toEqual({
      version: '0',
      id: result.Entries![0].EventId,
      'detail-type': 'Order Placed',
      source,
      account: ACCOUNT,
      time: '2024-03-04T05:06:07Z',
      region: 'us-east-1',
      resources: ['arn:aws:s3:::bucket'],
      detail: { orderId: 'o-1', total: 12.5, big: 12345678901234567890 },
    });
    // Keys in AWS's order; the detail is compact and keeps its numbers' exact text.
    expect(message.Body).toMatch(/^\{"version":"0","id":"[^"]+","detail-type":"Order Placed","source":"[^"]+","account":"000000000000","time":"2024-03-04T05:06:07Z","region":"us-east-1","resources":\["arn:aws:s3:::bucket"\],"detail":\{"orderId":"o-1","total":12.50,"big":12345678901234567890\}\}$/);
  });

  it('stamps the current time when Time is absent', async () => {
    const q = await createQueue(unique('now'));
    const source = unique('now.source');
    await rule(source, [{ Id: 'q', Arn: q.arn }]);
    const before = Math.floor(Date.now() / 1000) * 1000;
    await put({ Source: source, DetailType: 't', Detail: '{}' });
    await idle();
    const body = JSON.parse((await drain(q.url))[0].Body!);
    expect(body.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(body.time)).toBeGreaterThanOrEqual(before);
    expect(body.resources).toEqual([]);
  });

  it('shapes what targets receive with Input, InputPath and InputTransformer', async () => {
    const q = await createQueue(unique('inputs'));
    const source = unique('inputs.source');
    const ruleName = unique('inputs-rule');
    const ruleArn = await rule(
      source,
      [
        { Id: 'constant', Arn: q.arn, Input: '{"fixed":[1,2]}' },
        { Id: 'path', Arn: q.arn, InputPath: '$.detail.order' },
        { Id: 'path-string', Arn: q.arn, InputPath: '$.detail.order.id' },
        {
          Id: 'json-template',
          Arn: q.arn,
          InputTransformer: {
            InputPathsMap: { id: '$.detail.order.id', total: '$.detail.order.total', order: '$.detail.order', missing: '$.detail.nope', first: '$.detail.items[0]' },
            InputTemplate:
              '{"id": <id>, "total": <total>, "order": <order>, "text": "order <id> costs <total>", "inline": "<order>", "missing": <missing>, "first": <first>, "rule": <aws.events.rule-name>, "arn": "<aws.events.rule-arn>"}',
          },
        },
        {
          Id: 'string-template',
          Arn: q.arn,
          InputTransformer: { InputPathsMap: { id: '$.detail.order.id' }, InputTemplate: '"Order <id> was placed"' },
        },
      ],
      undefined,
      ruleName,
    );
    await put({ Source: source, DetailType: 't', Detail: JSON.stringify({ order: { id: 'o-7', total: 99 }, items: ['pen', 'ink'] }) });
    await idle();
    const bodies = (await drain(q.url)).map((m) => m.Body!);
    expect(bodies).toHaveLength(5);
    expect(bodies).toContain('{"fixed":[1,2]}');
    expect(bodies).toContain('{"id":"o-7","total":99}');
    // A string reached by InputPath arrives as its text, as SQS shows a JSON string value.
    expect(bodies).toContain('o-7');
    expect(bodies).toContain('Order o-7 was placed');
    const transformed = bodies.find((b) => b.startsWith('{"id": '))!;
    expect(transformed).toBe(
      `{"id": "o-7", "total": 99, "order": {"id":"o-7","total":99}, "text": "order o-7 costs 99", "inline": "{id:o-7,total:99}", "missing": null, "first": "pen", "rule": "${ruleName}", "arn": "${ruleArn}"}`,
    );
  });

  it('fills <aws.events.event>, <aws.events.event.json> and <aws.events.event.ingestion-time>', async () => {
    const q = await createQueue(unique('predefined'));
    const source = unique('predefined.source');
    await rule(source, [
      {
        Id: 't',
        Arn: q.arn,
        InputTransformer: { InputTemplate: '{"event": <aws.events.event>, "full": <aws.events.event.json>, "at": <aws.events.event.ingestion-time>}' },
      },
    ]);
    const { Entries } = await put({ Source: source, DetailType: 'kind', Detail: '{"a":1}' });
    await idle();
    const body = JSON.parse((await drain(q.url))[0].Body!);
    expect(body.full).toMatchObject({ id: Entries![0].EventId, source, 'detail-type': 'kind', detail: { a: 1 } });
    expect(body.event).toMatchObject({ id: Entries![0].EventId, source, detailType: 'kind' });
    expect(body.event.detail).toBeUndefined();
    expect(body.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('skips disabled rules until they are enabled again', async () => {
    const q = await createQueue(unique('disabled'));
    const source = unique('disabled.source');
    const name = unique('disabled-rule');
    await rule(source, [{ Id: 'q', Arn: q.arn }], undefined, name);
    await eb.send(new DisableRuleCommand({ Name: name }));
    await put({ Source: source, DetailType: 'off', Detail: '{}' });
    await idle();
    expect(await drain(q.url)).toEqual([]);
    await eb.send(new EnableRuleCommand({ Name: name }));
    await put({ Source: source, DetailType: 'on', Detail: '{}' });
    await idle();
    expect((await drain(q.url)).map((m) => JSON.parse(m.Body!)['detail-type'])).toEqual(['on']);
  });

  it('keeps buses apart: rules see only events put on their own bus', async () => {
    const bus = unique('isolated');
    const { EventBusArn } = await eb.send(new CreateEventBusCommand({ Name: bus }));
    const onDefault = await createQueue(unique('default-bus'));
    const onCustom = await createQueue(unique('custom-bus'));
    const source = unique('isolation.source');
    await rule(source, [{ Id: 'q', Arn: onDefault.arn }]);
    await rule(source, [{ Id: 'q', Arn: onCustom.arn }], bus);
    await put(
      { Source: source, DetailType: 'to-default', Detail: '{}' },
      { Source: source, DetailType: 'to-custom', Detail: '{}', EventBusName: bus },
      { Source: source, DetailType: 'to-custom-by-arn', Detail: '{}', EventBusName: EventBusArn },
    );
    await idle();
    const kinds = async (url: string) => (await drain(url)).map((m) => JSON.parse(m.Body!)['detail-type']).sort();
    expect(await kinds(onDefault.url)).toEqual(['to-default']);
    expect(await kinds(onCustom.url)).toEqual(['to-custom', 'to-custom-by-arn']);
  });

  it('delivers to every target of every matching rule', async () => {
    const a = await createQueue(unique('fan-a'));
    const b = await createQueue(unique('fan-b'));
    const source = unique('fan.source');
    await rule(source, [{ Id: 'a', Arn: a.arn }, { Id: 'b', Arn: b.arn }]);
    await rule(source, [{ Id: 'a-again', Arn: a.arn }]);
    await put({ Source: source, DetailType: 't', Detail: '{}' });
    await idle();
    expect(await drain(a.url)).toHaveLength(2);
    expect(await drain(b.url)).toHaveLength(1);
  });
});

describe('bus-to-bus and CloudWatch Logs targets', () => {
  it('forwards events to another bus, whose rules then deliver them', async () => {
    const downstream = unique('downstream');
    const { EventBusArn } = await eb.send(new CreateEventBusCommand({ Name: downstream }));
    const q = await createQueue(unique('forwarded'));
    const source = unique('forward.source');
    await rule(source, [{ Id: 'bus', Arn: EventBusArn! }]);
    await rule(source, [{ Id: 'q', Arn: q.arn }], downstream);
    const { Entries } = await put({ Source: source, DetailType: 'hop', Detail: '{"n":1}' });
    await idle();
    const [message] = await drain(q.url);
    expect(JSON.parse(message.Body!)).toMatchObject({ id: Entries![0].EventId, source, 'detail-type': 'hop', detail: { n: 1 } });
  });

  it('stops an event that loops between buses and records it', async () => {
    const a = unique('loop-a');
    const b = unique('loop-b');
    const arnA = (await eb.send(new CreateEventBusCommand({ Name: a }))).EventBusArn!;
    const arnB = (await eb.send(new CreateEventBusCommand({ Name: b }))).EventBusArn!;
    const source = unique('loop.source');
    await rule(source, [{ Id: 'to-b', Arn: arnB }], a);
    await rule(source, [{ Id: 'to-a', Arn: arnA }], b);
    const { Entries } = await eb.send(new PutEventsCommand({ Entries: [{ Source: source, DetailType: 'loop', Detail: '{}', EventBusName: a }] }));
    expect((await idle()).idle).toBe(true);
    const failure = events.deliveryFailures.find((f) => f.eventId === Entries![0].EventId);
    expect(failure).toMatchObject({ errorCode: 'EventLoopDetected', attempts: 1 });
  });

  it('writes events to a log group target, one stream per event', async () => {
    const group = `/aws/events/${unique('logged')}`;
    const source = unique('logs.source');
    await rule(source, [{ Id: 'logs', Arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${group}:*` }]);
    const { Entries } = await put({ Source: source, DetailType: 'logged', Detail: '{"line":1}' });
    await idle();
    const found = await logs.send(new FilterLogEventsCommand({ logGroupName: group }));
    expect(found.events).toHaveLength(1);
    expect(found.events![0].logStreamName).toBe(Entries![0].EventId);
    expect(JSON.parse(found.events![0].message!)).toMatchObject({ id: Entries![0].EventId, detail: { line: 1 } });
  });
});

describe('failed deliveries', () => {
  it('retries, then sends the event to the target dead-letter queue with AWS attributes; idle waits for all of it', async () => {
    const dlq = await createQueue(unique('dlq'));
    const source = unique('dlq.source');
    const missing = `arn:aws:sqs:us-east-1:${ACCOUNT}:${unique('missing')}`;
    const ruleArn = await rule(source, [{ Id: 'gone', Arn: missing, DeadLetterConfig: { Arn: dlq.arn }, RetryPolicy: { MaximumRetryAttempts: 5 } }]);
    const { Entries } = await put({ Source: source, DetailType: 'lost', Detail: '{"k":"v"}' });
    // Retries take 100 + 200 ms in the test engine; idle must not be reported before the DLQ has the event.
    expect((await idle()).idle).toBe(true);
    const [message] = await drain(dlq.url);
    expect(JSON.parse(message.Body!)).toMatchObject({ id: Entries![0].EventId, detail: { k: 'v' } });
    const attr = (name: string) => message.MessageAttributes?.[name]?.StringValue;
    expect(attr('RULE_ARN')).toBe(ruleArn);
    expect(attr('TARGET_ARN')).toBe(missing);
    expect(attr('ERROR_CODE')).toBe('QueueDoesNotExist');
    expect(attr('EXHAUSTED_RETRY_CONDITION')).toBe('MaximumRetryAttemptsExhausted');
    expect(attr('RETRY_ATTEMPTS')).toBe('2');
    const failure = events.deliveryFailures.find((f) => f.eventId === Entries![0].EventId);
    expect(failure).toMatchObject({ targetId: 'gone', targetArn: missing, attempts: 3, deadLetter: { arn: dlq.arn, messageId: message.MessageId } });
  });

  it('respects MaximumRetryAttempts 0 and logs a failure that has no dead-letter queue', async () => {
    const source = unique('nodlq.source');
    const missing = `arn:aws:sqs:us-east-1:${ACCOUNT}:${unique('nowhere')}`;
    await rule(source, [{ Id: 'gone', Arn: missing, RetryPolicy: { MaximumRetryAttempts: 0 } }]);
    const { Entries } = await put({ Source: source, DetailType: 'lost', Detail: '{}' });
    await idle();
    const id = Entries![0].EventId!;
    expect(events.deliveryFailures.find((f) => f.eventId === id)).toMatchObject({ attempts: 1, errorCode: 'QueueDoesNotExist' });
    expect(logLines.some((l) => l.includes(id) && l.includes('no dead-letter queue configured'))).toBe(true);
    expect(events.deliveryStats.deliveryFailures).toBeGreaterThan(0);
  });

  it('records a Lambda target whose function does not exist', async () => {
    const source = unique('lambda.source');
    const fn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${unique('no-such-function')}`;
    await rule(source, [{ Id: 'fn', Arn: fn, RetryPolicy: { MaximumRetryAttempts: 0 } }]);
    const { Entries } = await put({ Source: source, DetailType: 't', Detail: '{}' });
    await idle();
    expect(events.deliveryFailures.find((f) => f.eventId === Entries![0].EventId)).toMatchObject({ targetArn: fn, attempts: 1, errorCode: 'ResourceNotFoundException' });
  });
});

describe('EventsInternal and throughput', () => {
  it('putEventsInternal validates and routes like PutEvents', async () => {
    const q = await createQueue(unique('internal'));
    const source = unique('internal.source');
    await rule(source, [{ Id: 'q', Arn: q.arn }]);
    const result = (await events.putEventsInternal([{ Source: source, DetailType: 'inside', Detail: '{}' }, { Source: source }], 'us-east-1')) as {
      FailedEntryCount: number;
    };
    expect(result.FailedEntryCount).toBe(1);
    await idle();
    expect(await drain(q.url)).toHaveLength(1);
  });

  it('carries 1000 events from PutEvents to an SQS queue quickly', async () => {
    const q = await createQueue(unique('throughput'));
    const source = unique('throughput.source');
    await rule(source, [{ Id: 'q', Arn: q.arn }]);
    const entries = Array.from({ length: 10 }, (_, i) => ({ Source: source, DetailType: 'bulk', Detail: `{"i":${i},"payload":"${'x'.repeat(200)}"}` }));
    const started = performance.now();
    await Promise.all(Array.from({ length: 100 }, () => put(...entries)));
    expect((await idle()).idle).toBe(true);
    const elapsed = performance.now() - started;
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ['ApproximateNumberOfMessages'] }));
    expect(Number(Attributes!.ApproximateNumberOfMessages)).toBe(1000);
    // ≥ 1000 events/s end to end is the target; the bound leaves room for a busy test machine.
    expect(elapsed).toBeLessThan(3000);
  });
});

describe('FIFO queue targets', () => {
  it('delivers with the MessageGroupId of SqsParameters and content-based deduplication; a queue without it records a failure', async () => {
    const name = unique('orders');
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: `${name}.fifo`, Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }),
    );
    const { QueueUrl: strictUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-strict.fifo`, Attributes: { FifoQueue: 'true' } }));
    const arn = `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}.fifo`;
    const strictArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}-strict.fifo`;
    const source = unique('fifo.source');
    await eb.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: [source] }) }));
    await expect(eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'no-group', Arn: arn }] }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await eb.send(
      new PutTargetsCommand({
        Rule: name,
        Targets: [
          { Id: 'fifo', Arn: arn, InputPath: '$.detail', SqsParameters: { MessageGroupId: 'orders' } },
          { Id: 'strict', Arn: strictArn, SqsParameters: { MessageGroupId: 'orders' } },
        ],
      }),
    );
    const { Entries } = await eb.send(
      new PutEventsCommand({ Entries: [1, 2, 3].map((n) => ({ Source: source, DetailType: 'order', Detail: JSON.stringify({ n }) })) }),
    );
    expect((await idle()).idle).toBe(true);

    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['MessageGroupId'] }));
    expect(Messages?.map((m) => JSON.parse(m.Body!).n).sort()).toEqual([1, 2, 3]);
    expect(new Set(Messages?.map((m) => m.Attributes?.MessageGroupId))).toEqual(new Set(['orders']));

    // Without content-based deduplication SQS refuses every message: each event is a recorded failure, not a silent loss.
    expect(await drain(strictUrl!)).toEqual([]);
    for (const entry of Entries!) {
      expect(events.deliveryFailures.find((f) => f.eventId === entry.EventId && f.targetId === 'strict')).toBeTruthy();
    }
  });
});
