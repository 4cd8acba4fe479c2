import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';

let engine: Engine;
let sqs: SQSClient;
let queueUrl: string;

beforeAll(async () => {
  engine = await startTestEngine();
  sqs = new SQSClient(clientConfig(engine.url));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'guarded' }))).QueueUrl!;
});
afterAll(async () => {
  sqs?.destroy();
  await engine?.stop();
});

const signed = (service: string) => `AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;

async function post(path: string, headers: Record<string, string>, body: string) {
  const res = await fetch(engine.url + path, { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('requests without authentication', () => {
  it('answers every JSON service 400 com.amazon.coral.service#MissingAuthenticationTokenException', async () => {
    const targets = { events: 'AWSEvents.ListRules', logs: 'Logs_20140328.DescribeLogGroups', sqs: 'AmazonSQS.ListQueues', dynamodb: 'DynamoDB_20120810.ListTables' };
    for (const [service, target] of Object.entries(targets)) {
      const res = await post('/', { 'content-type': service === 'sqs' || service === 'dynamodb' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1', 'x-amz-target': target }, '{}');
      expect({ service, status: res.status, body: JSON.parse(res.text) }).toEqual({
        service,
        status: 400,
        body: { __type: 'com.amazon.coral.service#MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' },
      });
    }
  });

  it('answers the query protocol 403 MissingAuthenticationToken and changes nothing', async () => {
    const res = await post(new URL(queueUrl).pathname, { 'content-type': 'application/x-www-form-urlencoded' }, 'Action=SendMessage&MessageBody=unsigned');
    expect(res.status).toBe(403);
    expect(res.text).toContain('<Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message>');
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    expect(attrs.Attributes?.ApproximateNumberOfMessages).toBe('0');
  });

  it('answers Lambda (REST-JSON) 403 with x-amzn-ErrorType MissingAuthenticationTokenException', async () => {
    const res = await fetch(`${engine.url}/2015-03-31/functions/`);
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await res.json()).toMatchObject({ message: 'Missing Authentication Token' });
  });

  it('keeps the engine endpoints unsigned', async () => {
    expect((await fetch(`${engine.url}/_evlab/health`)).status).toBe(200);
    expect((await fetch(`${engine.url}/_aws/sqs/messages?QueueUrl=${encodeURIComponent(queueUrl)}`)).status).toBe(200);
  });
});

/** One request on its own connection (a kept-alive socket holds on to its last request until the next one). */
function postOnce(path: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = request(engine.url + path, { method: 'POST', agent: false, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode! }));
    });
    // A refused upload may see its connection closed while still writing: status -1.
    req.on('error', (err) => (['ECONNRESET', 'EPIPE'].includes((err as NodeJS.ErrnoException).code ?? '') ? resolve({ status: -1 }) : reject(err)));
    req.end(body);
  });
}

/** Sends headers declaring `declared` bytes but only `sent` of them, and resolves with the answer. */
function declareBig(path: string, headers: Record<string, string>, declared: number, sent = 1024): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(engine.url + path, { method: 'POST', headers: { ...headers, 'content-length': String(declared) } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode!, body, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.write(Buffer.alloc(sent, 0x20));
  });
}

describe('request bodies over a service limit', () => {
  it('are refused from Content-Length before the body is read, in the service’s error shape', async () => {
    const sqsJson = await declareBig('/', { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage', authorization: signed('sqs') }, 20 * 1024 * 1024);
    expect(sqsJson.status).toBe(413);
    expect(JSON.parse(sqsJson.body).__type).toBe('RequestEntityTooLargeException');
    expect(sqsJson.headers.connection).toBe('close');

    const query = await declareBig('/', { 'content-type': 'application/x-www-form-urlencoded', authorization: signed('sqs') }, 20 * 1024 * 1024);
    expect(query.status).toBe(413);
    expect(query.body).toContain('<Code>RequestEntityTooLarge</Code>');

    const invoke = await declareBig('/2015-03-31/functions/any/invocations', { authorization: signed('lambda') }, 7 * 1024 * 1024);
    expect(invoke.status).toBe(413);
    expect(invoke.headers['x-amzn-errortype']).toBe('RequestEntityTooLargeException');
    expect(JSON.parse(invoke.body).message).toBe('Request must be smaller than 6291456 bytes for the InvokeFunction operation');

    const asyncInvoke = await declareBig('/2015-03-31/functions/any/invocations', { authorization: signed('lambda'), 'x-amz-invocation-type': 'Event' }, 2 * 1024 * 1024);
    expect(JSON.parse(asyncInvoke.body).message).toBe('Request must be smaller than 1048576 bytes for the InvokeFunction operation');

    const dynamo = await declareBig('/', { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem', authorization: signed('dynamodb') }, 20 * 1024 * 1024);
    expect(dynamo.status).toBe(413);
    expect((await fetch(`${engine.url}/_evlab/health`)).status).toBe(200);
  });

  it('leave no memory behind: the heap and buffers come back after several 20 MB requests', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const used = () => {
      gc();
      const m = process.memoryUsage();
      return (m.heapUsed + m.arrayBuffers) / 1048576;
    };
    const twentyMb = 'x'.repeat(20 * 1024 * 1024);
    const create = Buffer.from(`{"FunctionName":"big","Code":{"ZipFile":"${twentyMb}"}}`);
    const message = Buffer.from(twentyMb);
    const before = used();
    // Allowed sizes are read (a 20 MB CreateFunction is under Lambda's 50 MB zip limit); the rest are refused.
    for (let i = 0; i < 3; i++) {
      const created = await postOnce('/2015-03-31/functions', { 'content-type': 'application/json', authorization: signed('lambda') }, create);
      expect(created.status).toBe(400);
      const sent = await postOnce('/', { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage', authorization: signed('sqs') }, message);
      expect([413, -1]).toContain(sent.status);
    }
    // Three requests' bodies held would be 120 MB and more.
    expect(used() - before).toBeLessThan(30);
  });
});
