import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { connect } from 'node:net';
import type { Engine } from '../../src/engine/index.js';
import { startTestEngine } from '../helpers/engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine.stop());

async function get(path: string) {
  const res = await fetch(engine.url + path);
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

describe('engine server', () => {
  it('answers LocalStack-style and evlab health checks', async () => {
    const ls = await get('/_localstack/health');
    expect(ls.status).toBe(200);
    expect(Object.keys(ls.body.services as object).sort()).toEqual(['apigateway', 'dynamodb', 'events', 'lambda', 'logs', 's3', 'sqs']);
    const own = await get('/_evlab/health');
    expect(own.body).toMatchObject({ engine: 'evlab', accountId: '000000000000', idle: true });
  });

  it('reports the interpreters it runs lambda code with, as its own PATH finds them', async () => {
    const { body } = await get('/_evlab/interpreters');
    expect(body.node).toBe(`Node.js ${process.versions.node}`);
    expect(body.python3).toMatch(/^Python 3\.\d+\.\d+$/); // this machine has python3 (the Python lambda tests need it too)
  });

  it('reports idle immediately when nothing is in flight', async () => {
    const idle = await get('/_evlab/idle?timeout=1000');
    expect(idle.body.idle).toBe(true);
  });

  it('answers an unroutable request with an AWS-shaped error', async () => {
    const res = await fetch(engine.url + '/nowhere', { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('survives malformed HTTP and aborted requests', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(engine.port, '127.0.0.1', () => socket.write('THIS IS NOT HTTP\r\n\r\n'));
      socket.on('data', () => socket.destroy());
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    await new Promise<void>((resolve) => {
      const req = request(engine.url + '/', { method: 'POST', headers: { 'content-length': '1000', 'x-amz-target': 'AWSEvents.PutEvents' } });
      req.on('error', () => resolve());
      req.write('{"partial":');
      setImmediate(() => {
        req.destroy();
        resolve();
      });
    });
    expect((await get('/_evlab/health')).status).toBe(200);
  });

  it('stops twice without error and two engines do not share a port', async () => {
    const a = await startTestEngine();
    const b = await startTestEngine();
    expect(a.url).not.toBe(b.url);
    await a.stop();
    await a.stop();
    await b.stop();
  });
});

describe('engine developer endpoints over HTTP', () => {
  it('serves the SQS peek endpoint on the shared port and counts EventBridge deliveries in health', async () => {
    const { SQSClient, CreateQueueCommand, SendMessageCommand } = await import('@aws-sdk/client-sqs');
    const { EventBridgeClient, PutRuleCommand, PutTargetsCommand, PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
    const { clientConfig } = await import('../helpers/engine.js');
    const sqs = new SQSClient(clientConfig(engine.url));
    const events = new EventBridgeClient(clientConfig(engine.url));
    try {
      const before = await get('/_evlab/health');
      expect(before.body.events).toBeNull(); // EventBridge not used yet: nothing loaded, nothing to count

      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'peek-http' }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'seen, not received' }));
      const res = await fetch(`${engine.url}/_aws/sqs/messages?QueueUrl=${encodeURIComponent(QueueUrl!)}`, {
        headers: { 'content-type': 'application/x-amz-json-1.0' },
      });
      expect(res.status).toBe(200);
      const peeked = (await res.json()) as { Messages: { Body: string }[] };
      expect(peeked.Messages.map((m) => m.Body)).toEqual(['seen, not received']);

      await events.send(new PutRuleCommand({ Name: 'to-peek', EventPattern: JSON.stringify({ source: ['peek'] }) }));
      await events.send(new PutTargetsCommand({ Rule: 'to-peek', Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:peek-http' }] }));
      await events.send(new PutEventsCommand({ Entries: [{ Source: 'peek', DetailType: 't', Detail: '{}' }] }));
      await fetch(`${engine.url}/_evlab/idle?timeout=5000`);
      const after = await get('/_evlab/health');
      expect(after.body.events).toMatchObject({ eventsAccepted: 1, deliveries: 1, deliveryFailures: 0 });
      const failures = await get('/_evlab/events/failures');
      expect(failures.body.failures).toEqual([]);
    } finally {
      sqs.destroy();
      events.destroy();
    }
  });
});
