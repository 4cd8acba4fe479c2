import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Engine } from '../../src/engine/index.js';
import type { Trace } from '../../src/engine/traces/index.js';
import { TraceRing } from '../../src/engine/traces/ring.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { createActive, waitFor } from '../fixtures/lambda/helpers.js';
import { makeZip } from '../fixtures/lambda/zip.js';

let engine: Engine;
let eb: EventBridgeClient;
let lambda: LambdaClient;
let sqs: SQSClient;

// Fails on poison, succeeds otherwise; works for EventBridge events and SQS batches alike.
const HANDLER = `
exports.handler = async (event) => {
  const bodies = event.Records ? event.Records.map((r) => JSON.parse(r.body)) : [event.detail ?? event];
  for (const b of bodies) if (b.poison) { const e = new Error('cannot count ' + b.n); e.name = 'ValueError'; throw e; }
  return 'ok';
};`;

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${engine.url}${path}`);
  return { status: res.status, body: (await res.json()) as T };
}
const idle = () => getJson<{ idle: boolean }>('/_evlab/idle?timeout=20000');
const traceOf = async (id: string) => (await getJson<{ trace: Trace; children: Trace[] }>(`/_evlab/traces/${encodeURIComponent(id)}`)).body.trace;

beforeAll(async () => {
  engine = await startTestEngine();
  eb = new EventBridgeClient(clientConfig(engine.url));
  lambda = new LambdaClient(clientConfig(engine.url));
  sqs = new SQSClient(clientConfig(engine.url));
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'counter-dlq' }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const fn = await createActive(lambda, { FunctionName: 'counter', Code: { ZipFile: await makeZip({ 'index.js': HANDLER }) }, DeadLetterConfig: { TargetArn: dlqArn } });
  await eb.send(new PutRuleCommand({ Name: 'orders', EventPattern: JSON.stringify({ source: ['shop'] }) }));
  await eb.send(new PutRuleCommand({ Name: 'refunds', EventPattern: JSON.stringify({ source: ['bank'] }) }));
  await eb.send(new PutTargetsCommand({ Rule: 'orders', Targets: [{ Id: 'count', Arn: fn.FunctionArn!, InputPath: '$.detail' }] }));
  await eb.send(new PutTargetsCommand({ Rule: 'refunds', Targets: [{ Id: 'count', Arn: fn.FunctionArn! }] }));
});
afterAll(async () => {
  eb?.destroy();
  lambda?.destroy();
  sqs?.destroy();
  await engine?.stop();
});

describe('engine traces', () => {
  it('follows an event through its rule, the failing attempts and their retries to the DLQ, findable by every id', async () => {
    const { Entries } = await eb.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'shop', DetailType: 'order', Detail: JSON.stringify({ n: 1 }) },
          { Source: 'shop', DetailType: 'order', Detail: JSON.stringify({ n: 2, poison: true }) },
          { Source: 'nobody', DetailType: 'order', Detail: '{}' },
        ],
      }),
    );
    expect((await idle()).body.idle).toBe(true);
    const [good, bad, unmatched] = await Promise.all(Entries!.map((e) => traceOf(e.EventId!)));

    expect(good.status).toBe('processed');
    expect(good.steps.map((s) => s.type)).toEqual(['accepted', 'rule-matched', 'rules-not-matched', 'invocation-queued', 'delivery', 'invocation']);
    expect(good.steps[2]).toMatchObject({ rules: ['refunds'], count: 1 });
    expect(good.steps.find((s) => s.type === 'delivery')).toMatchObject({ rule: 'orders', target: 'counter', targetType: 'lambda', input: '{"n":1}', ok: true });

    expect(bad.status).toBe('failed');
    const invocations = bad.steps.filter((s) => s.type === 'invocation');
    expect(invocations.map((s) => [s.attempt, s.maxAttempts, s.ok, s.errorType])).toEqual([
      [1, 3, false, 'ValueError'],
      [2, 3, false, 'ValueError'],
      [3, 3, false, 'ValueError'],
    ]);
    expect(invocations[0].errorMessage).toBe('cannot count 2');
    expect(typeof invocations[0].durationMs).toBe('number');
    expect(bad.steps.filter((s) => s.type === 'retry').map((s) => [s.attempt, s.delayMs])).toEqual([
      [2, 100],
      [3, 200],
    ]);
    const dead = bad.steps.at(-1)!;
    expect(dead).toMatchObject({ type: 'dead-letter', function: 'counter', queue: 'counter-dlq', ok: true });
    // The request id and the DLQ message id find the same trace.
    expect((await traceOf(String(dead.requestId))).id).toBe(bad.id);
    expect((await traceOf(String(dead.messageId))).id).toBe(bad.id);
    expect(bad.ids).toEqual([bad.id, dead.requestId, dead.messageId]);

    expect(unmatched.status).toBe('unmatched');
    expect(unmatched.steps.map((s) => s.type)).toEqual(['accepted', 'rules-not-matched']);

    const failed = (await getJson<{ traces: Trace[] }>('/_evlab/traces?failed=1')).body.traces;
    expect(failed.map((t) => t.id)).toEqual([bad.id]);
    const missing = await getJson<{ error: { code: string } }>('/_evlab/traces/no-such-id');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'TraceNotFound']);
    const bogus = await getJson<{ error: { code: string } }>('/_evlab/traces?since=yesterday');
    expect([bogus.status, bogus.body.error.code]).toEqual([400, 'InvalidSince']);
  });

  it('traces an SQS message sent through the API through its event source mapping, and its redrive to a DLQ', async () => {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'jobs-dlq' }));
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const jobs = await sqs.send(
      new CreateQueueCommand({
        QueueName: 'jobs',
        Attributes: { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) },
      }),
    );
    const jobsArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: jobs.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const ok = await sqs.send(new SendMessageCommand({ QueueUrl: jobs.QueueUrl, MessageBody: JSON.stringify({ n: 3 }) }));
    const poison = await sqs.send(new SendMessageCommand({ QueueUrl: jobs.QueueUrl, MessageBody: JSON.stringify({ n: 4, poison: true }) }));
    await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'counter', EventSourceArn: jobsArn, BatchSize: 1 }));
    // The poison message is received twice (visibility 1 s each), then moved to the DLQ on the third receive.
    const done = await waitFor('the poison message to be redriven', async () => {
      const t = await traceOf(poison.MessageId!);
      return t.status === 'failed' ? t : undefined;
    }, 20_000);
    expect(done.kind).toBe('message');
    expect(done.steps.map((s) => s.type)).toEqual(['message-sent', 'message-received', 'invocation', 'message-received', 'invocation', 'message-redriven']);
    expect(done.steps.filter((s) => s.type === 'invocation').map((s) => [s.trigger, s.attempt, s.ok, s.errorType])).toEqual([
      ['esm', 1, false, 'ValueError'],
      ['esm', 2, false, 'ValueError'],
    ]);
    expect(done.steps.at(-1)).toMatchObject({ queue: 'jobs', deadLetterQueue: 'jobs-dlq', receiveCount: 2 });
    const fine = await traceOf(ok.MessageId!);
    expect(fine.status).toBe('processed');
    expect(fine.steps.map((s) => s.type)).toEqual(['message-sent', 'message-received', 'invocation', 'message-deleted']);
  }, 30_000);

  it('streams new steps as Server-Sent Events', async () => {
    const lines: string[] = [];
    const got = new Promise<string>((resolve, reject) => {
      const req = request(`${engine.url}/_evlab/traces/stream`, (res) => {
        expect(res.headers['content-type']).toBe('text/event-stream');
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          lines.push(chunk);
          const text = lines.join('');
          const data = text.split('\n').find((l) => l.startsWith('data: ') && l.includes('"accepted"'));
          if (data) {
            req.destroy();
            resolve(data.slice('data: '.length));
          }
        });
        // Once the stream is open, put an event: its first step must arrive on it.
        void eb.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'order', Detail: JSON.stringify({ n: 5 }) }] }));
      });
      req.on('error', reject);
      req.end();
    });
    const event = JSON.parse(await got) as { traceId: string; kind: string; step: { type: string; bus: string } };
    expect(event).toMatchObject({ kind: 'event', step: { type: 'accepted', bus: 'default' } });
    await idle();
  });
});

describe('the trace ring', () => {
  it('keeps the newest traces, drops and counts the oldest, and forgets their ids', () => {
    const ring = new TraceRing(3);
    for (let i = 0; i < 5; i++) {
      ring.start(`e${i}`, { kind: 'event' }, { type: 'accepted', service: 'events' });
      ring.link(`r${i}`, `e${i}`);
    }
    expect(ring.stats()).toEqual({ kept: 3, maxTraces: 3, droppedTraces: 2 });
    expect(ring.list().map((t) => t.id)).toEqual(['e4', 'e3', 'e2']);
    expect(ring.has('r1')).toBe(false);
    expect(ring.record('r1', { type: 'invocation', service: 'lambda' })).toBe(false);
    expect(ring.find('r3')?.id).toBe('e3');
  });

  it('caps the steps of one trace and clips long fields', () => {
    const ring = new TraceRing(10, 4);
    ring.start('m', { kind: 'message' }, { type: 'message-sent', service: 'sqs', body: 'x'.repeat(5000) });
    for (let i = 0; i < 6; i++) ring.record('m', { type: 'message-received', service: 'sqs' });
    const trace = ring.find('m')!;
    expect([trace.steps.length, trace.droppedSteps]).toEqual([4, 3]);
    expect(String(trace.steps[0].body).length).toBe(512);
  });
});

describe('trace status while an event is on its way', () => {
  it('is pending from acceptance until every matched rule has delivered, never unmatched or processed in between', () => {
    const ring = new TraceRing(10);
    const seen: string[] = [];
    ring.subscribe((e) => seen.push(`${e.step.type}:${e.status}`));
    ring.start('e', { kind: 'event' }, { type: 'accepted', service: 'events', matched: 1 });
    ring.record('e', { type: 'rule-matched', service: 'events', rule: 'r', targets: 2 });
    ring.record('e', { type: 'delivery', service: 'events', rule: 'r', targetType: 'sqs', ok: true, messageId: 'm1' });
    ring.record('e', { type: 'invocation-queued', service: 'lambda', requestId: 'q' });
    ring.record('e', { type: 'delivery', service: 'events', rule: 'r', targetType: 'lambda', ok: true, requestId: 'q' });
    ring.record('e', { type: 'invocation', service: 'lambda', requestId: 'q', trigger: 'async', ok: true });
    expect(seen).toEqual([
      'accepted:pending',
      'rule-matched:pending',
      'delivery:pending',
      'invocation-queued:pending',
      'delivery:pending',
      'invocation:processed',
    ]);
    ring.start('u', { kind: 'event' }, { type: 'accepted', service: 'events', matched: 0 });
    expect(ring.find('u')!.status).toBe('unmatched');
  });
});
