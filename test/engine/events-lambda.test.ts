import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { createActive } from '../fixtures/lambda/helpers.js';
import { makeZip } from '../fixtures/lambda/zip.js';

let engine: Engine;
let eb: EventBridgeClient;
let lambda: LambdaClient;
let logs: CloudWatchLogsClient;

// Logs what it received, so the test can read the payload EventBridge invoked it with.
const HANDLER = `
exports.handler = async (event) => {
  console.log('RECEIVED ' + JSON.stringify(event));
  return 'ok';
};`;

beforeAll(async () => {
  engine = await startTestEngine();
  eb = new EventBridgeClient(clientConfig(engine.url));
  lambda = new LambdaClient(clientConfig(engine.url));
  logs = new CloudWatchLogsClient(clientConfig(engine.url));
});
afterAll(async () => {
  eb?.destroy();
  lambda?.destroy();
  logs?.destroy();
  await engine?.stop();
});

async function received(fn: string): Promise<unknown[]> {
  const out = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: '"RECEIVED"' }));
  return (out.events ?? []).map((e) => JSON.parse(e.message!.slice(e.message!.indexOf('RECEIVED ') + 'RECEIVED '.length)));
}

describe('Lambda targets', () => {
  it('invokes the function asynchronously with the event (or its transformation); idle waits for the invocation', async () => {
    const fn = await createActive(lambda, { FunctionName: 'events-target', Code: { ZipFile: await makeZip({ 'index.js': HANDLER }) } });
    await eb.send(new PutRuleCommand({ Name: 'to-lambda', EventPattern: JSON.stringify({ source: ['lambda.test'] }) }));
    await eb.send(
      new PutTargetsCommand({
        Rule: 'to-lambda',
        Targets: [
          { Id: 'whole', Arn: fn.FunctionArn! },
          { Id: 'shaped', Arn: fn.FunctionArn!, InputTransformer: { InputPathsMap: { who: '$.detail.who' }, InputTemplate: '{"greeting": "hello <who>"}' } },
        ],
      }),
    );
    const { Entries } = await eb.send(new PutEventsCommand({ Entries: [{ Source: 'lambda.test', DetailType: 'greet', Detail: '{"who":"world"}' }] }));
    const idle = (await (await fetch(`${engine.url}/_evlab/idle?timeout=10000`)).json()) as { idle: boolean };
    expect(idle.idle).toBe(true);
    const payloads = await received('events-target');
    expect(payloads).toHaveLength(2);
    expect(payloads).toContainEqual({ greeting: 'hello world' });
    expect(payloads).toContainEqual(expect.objectContaining({ id: Entries![0].EventId, source: 'lambda.test', 'detail-type': 'greet', detail: { who: 'world' } }));
  });
});
