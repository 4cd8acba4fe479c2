import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { request } from 'node:http';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';

// What a probe of the engine found holding, kept holding while requests are now refused before their
// bodies are read: aborted uploads, half-open connections, garbage bodies, many clients at once.
let engine: Engine;

beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine?.stop());

const signed = (service: string) => `AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;
const healthy = async () => (await fetch(`${engine.url}/_evlab/health`)).status;

describe('the engine under abuse', () => {
  it('survives 20 aborted uploads and 200 half-open connections', async () => {
    await Promise.all(
      Array.from({ length: 20 }, () =>
        new Promise<void>((resolve) => {
          const req = request(engine.url + '/', { method: 'POST', headers: { 'content-length': '100000', 'x-amz-target': 'AmazonSQS.SendMessage', authorization: signed('sqs') } });
          req.on('error', () => resolve());
          req.write('{"QueueUrl":');
          setImmediate(() => {
            req.destroy();
            resolve();
          });
        }),
      ),
    );
    const sockets = await Promise.all(
      Array.from({ length: 200 }, () =>
        new Promise<ReturnType<typeof connect>>((resolve) => {
          const socket = connect(engine.port, '127.0.0.1', () => {
            socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{');
            resolve(socket);
          });
          socket.on('error', () => undefined);
        }),
      ),
    );
    expect(await healthy()).toBe(200);
    for (const socket of sockets) socket.destroy();
  });

  it('answers garbage JSON with 400 and a __type in every JSON service', async () => {
    const targets = { events: 'AWSEvents.PutEvents', logs: 'Logs_20140328.PutLogEvents', sqs: 'AmazonSQS.SendMessage', dynamodb: 'DynamoDB_20120810.PutItem' };
    for (const [service, target] of Object.entries(targets)) {
      const res = await fetch(engine.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target, authorization: signed(service) }, body: '{"not json' });
      expect({ service, status: res.status }).toEqual({ service, status: 400 });
      expect(((await res.json()) as { __type?: string }).__type).toMatch(/SerializationException|ValidationException/);
    }
    expect(await healthy()).toBe(200);
  });

  it('serves 50 concurrent SQS clients: every message sent is received and deleted once', async () => {
    const admin = new SQSClient(clientConfig(engine.url));
    const QueueUrl = (await admin.send(new CreateQueueCommand({ QueueName: 'crowd' }))).QueueUrl!;
    admin.destroy();
    const clients = Array.from({ length: 50 }, () => new SQSClient(clientConfig(engine.url)));
    const sent = new Set<string>();
    const received: string[] = [];
    const until = performance.now() + 2000;
    await Promise.all(
      clients.map(async (sqs, i) => {
        let n = 0;
        while (performance.now() < until) {
          const body = `c${i}-${n++}`;
          await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
          sent.add(body);
        }
      }),
    );
    // Drain with the same 50 clients at once.
    let empty = 0;
    await Promise.all(
      clients.map(async (sqs) => {
        while (empty < 50) {
          const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
          if (!out.Messages?.length) {
            empty++;
            continue;
          }
          for (const m of out.Messages) received.push(m.Body!);
          await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: out.Messages.map((m, k) => ({ Id: String(k), ReceiptHandle: m.ReceiptHandle! })) }));
        }
      }),
    );
    for (const c of clients) c.destroy();
    expect(sent.size).toBeGreaterThan(100);
    expect(received.length).toBe(sent.size);
    expect(new Set(received)).toEqual(sent);
  });
});
