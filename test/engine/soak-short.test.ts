import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { startChildEngine, type ChildEngine } from '../helpers/child-engine.js';
import { clientConfig } from '../helpers/engine.js';
import { createActive } from '../fixtures/lambda/helpers.js';
import { makeZip } from '../fixtures/lambda/zip.js';

// A short soak of the whole flow (the 5-minute one is bench figure 12): a steady stream of events through
// rule → function → DynamoDB on one engine with small caps, so that the caps are reached early and what is
// measured afterwards is whether anything else grows.
const RATE = 200; // events per second
const SECONDS = 10;
const KEYS = 100;
const MAX_LOG_EVENTS = 500;
const MAX_TRACES = 200;

const HANDLER = `
const { DynamoDBClient, UpdateItemCommand } = require('@aws-sdk/client-dynamodb');
const db = new DynamoDBClient({});
exports.handler = async (event) => {
  await db.send(new UpdateItemCommand({
    TableName: 'soak', Key: { id: { S: event.detail.key } },
    UpdateExpression: 'SET n = if_not_exists(n, :zero) + :one',
    ExpressionAttributeValues: { ':zero': { N: '0' }, ':one': { N: '1' } },
  }));
};`;

let engine: ChildEngine;
let events: EventBridgeClient;
let dynamodb: DynamoDBClient;

beforeAll(async () => {
  // Its own process under --expose-gc: the engine's live heap is measured, not this test's.
  engine = await startChildEngine({ maxLogEvents: MAX_LOG_EVENTS, maxTraces: MAX_TRACES, lambdaRetryBaseDelayMs: 100 }, ['--expose-gc']);
  events = new EventBridgeClient(clientConfig(engine.url));
  dynamodb = new DynamoDBClient(clientConfig(engine.url));
  const lambda = new LambdaClient(clientConfig(engine.url));
  const fn = await createActive(lambda, { FunctionName: 'soak', Timeout: 30, Code: { ZipFile: await makeZip({ 'index.js': HANDLER }) } });
  lambda.destroy();
  await dynamodb.send(new CreateTableCommand({ TableName: 'soak', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
  await events.send(new PutRuleCommand({ Name: 'soak', EventPattern: JSON.stringify({ source: ['soak'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'soak', Targets: [{ Id: 'fn', Arn: fn.FunctionArn! }] }));
}, 60_000);
afterAll(async () => {
  events?.destroy();
  dynamodb?.destroy();
  await engine?.kill9();
});

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return num / den;
}

interface Health {
  stores: { logs: { events: number; dropped: { overCap: number } } };
  traces: { kept: number };
  memory: { heapUsedMb: number };
}

/** With gc: the engine collects garbage first, so heapUsedMb is its live heap. */
async function health(gc = false): Promise<Health> {
  return (await fetch(`${engine.url}/_evlab/health${gc ? '?gc=1' : ''}`)).json() as never;
}

describe('a short soak: rule → function → DynamoDB', () => {
  it('holds bounded stores, shows no heap growth trend after warm-up, and loses no event', async () => {
    const samples: { x: number; y: number }[] = [];
    let accepted = 0;
    const batches = (RATE * SECONDS) / 10;
    const started = performance.now();
    for (let b = 0; b < batches; b++) {
      // Paced: batch b leaves at its time, whatever the engine's speed.
      const due = started + (b * 10 * 1000) / RATE - performance.now();
      if (due > 0) await new Promise((r) => setTimeout(r, due));
      const Entries = Array.from({ length: 10 }, (_, k) => ({ Source: 'soak', DetailType: 'soak', Detail: JSON.stringify({ key: `k${(b * 10 + k) % KEYS}` }) }));
      const out = await events.send(new PutEventsCommand({ Entries }));
      accepted += (out.Entries ?? []).filter((e) => e.EventId && !e.ErrorCode).length;
      if (b % (RATE / 10) === 0) samples.push({ x: accepted / 1000, y: (await health(true)).memory.heapUsedMb });
    }
    const idle = (await (await fetch(`${engine.url}/_evlab/idle?timeout=60000`)).json()) as { idle: boolean };
    expect(idle.idle).toBe(true);

    let written = 0;
    let ExclusiveStartKey;
    do {
      const page = await dynamodb.send(new ScanCommand({ TableName: 'soak', ExclusiveStartKey }));
      for (const item of page.Items ?? []) written += Number(item.n?.N ?? 0);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    expect(accepted).toBe(RATE * SECONDS);
    expect(written).toBe(accepted);

    const h = await health();
    expect(h.stores.logs.events).toBeLessThanOrEqual(MAX_LOG_EVENTS + MAX_LOG_EVENTS / 8);
    expect(h.stores.logs.dropped.overCap).toBeGreaterThan(0);
    expect(h.traces.kept).toBeLessThanOrEqual(MAX_TRACES);
    // The leak was ~6 KB per event, i.e. ~6 MB per 1000 events; after warm-up (the first half) the
    // engine's live heap must not trend up by more than 1 MB per 1000 events.
    const tail = samples.slice(Math.floor(samples.length / 2));
    expect(slope(tail)).toBeLessThan(1);
  }, 90_000);
});
