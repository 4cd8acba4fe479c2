// The template end to end on evlab's embedded engine: setup, upload the 50-row CSV (5 rows malformed) with
// --wait, then check that exactly the 45 good rows are items, the 5 bad ones are in the DLQ after 4 receives
// each, and that the job API serves, adds and removes jobs through the real invoke URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine, type Engine } from 'evlab/engine';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig, copyProject, evlab, evlabJson } from './evlab.js';

const GOOD_ROWS = 45;
const BAD_IDS = ['job-008', 'job-016', 'job-024', '', 'job-043'];

let engine: Engine;
let project: ReturnType<typeof copyProject>;
let ddb: DynamoDBClient;
let sqs: SQSClient;
let logs: CloudWatchLogsClient;
let invokeUrl: string;
const run = (...args: string[]) => evlab(args, { cwd: project.dir, endpoint: engine.url });
const json = <T>(...args: string[]) => evlabJson<T>(args, { cwd: project.dir, endpoint: engine.url });

beforeAll(async () => {
  // Async retries 100 ms apart instead of AWS's minutes; the queue's 2 s visibility timeout paces the redrives.
  engine = await startEngine({ port: 0, lambdaRetryBaseDelayMs: 100 });
  project = copyProject();
  ddb = new DynamoDBClient(clientConfig(engine.url));
  sqs = new SQSClient(clientConfig(engine.url));
  logs = new CloudWatchLogsClient(clientConfig(engine.url));
  const setup = await run('setup');
  expect(setup.code, setup.stderr + setup.stdout).toBe(0);
}, 60_000);

afterAll(async () => {
  for (const c of [ddb, sqs, logs]) c?.destroy();
  await engine?.stop();
  project?.remove();
});

async function tableCount(): Promise<number> {
  let count = 0;
  let ExclusiveStartKey: Record<string, never> | undefined;
  do {
    const page = await ddb.send(new ScanCommand({ TableName: 'job_offers', Select: 'COUNT', ExclusiveStartKey }));
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey as never;
  } while (ExclusiveStartKey);
  return count;
}

async function logLines(group: string, pattern: string): Promise<string[]> {
  const lines: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: pattern, nextToken }));
    lines.push(...(page.events ?? []).map((e) => e.message ?? ''));
    nextToken = page.nextToken;
  } while (nextToken);
  return lines;
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${invokeUrl}${path}`, { method, ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
  return { status: res.status, body: await res.json() };
}

describe('csv-pipeline', () => {
  it('ships a CSV of 50 rows, 5 of them malformed', () => {
    const lines = readFileSync(join(project.dir, 'data/job_offers.csv'), 'utf8').trim().split('\n');
    expect(lines.length - 1).toBe(GOOD_ROWS + BAD_IDS.length);
  });

  it('upload --wait: 45 items in the table, the 5 malformed rows in the DLQ after 4 receives each', async () => {
    const upload = await run('upload', 'data/job_offers.csv', '--bucket', 'job-offers-uploads', '--prefix', 'job_offers/', '--wait', '--timeout', '120');
    expect(upload.code, upload.stderr + upload.stdout).toBe(0);
    expect(upload.stdout).toContain('settled');

    expect(await tableCount()).toBe(GOOD_ROWS);

    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'job_offers_dlq' }));
    const dead: { body: { id: string; line: number } }[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
      if (Messages.length === 0) break;
      dead.push(...Messages.map((m) => ({ body: JSON.parse(m.Body!) })));
    }
    expect(dead.map((d) => d.body.id ?? '').sort()).toEqual([...BAD_IDS].sort());

    // Each bad row failed exactly maxReceiveCount (4) times before the redrive; no good row failed at all.
    const failures = await logLines('/aws/lambda/sqs_to_dynamo', '"malformed row"');
    const byLine = new Map<number, number>();
    for (const f of failures) {
      const line = Number(/malformed row at line (\d+)/.exec(f)?.[1]);
      byLine.set(line, (byLine.get(line) ?? 0) + 1);
    }
    expect([...byLine.keys()].sort((a, b) => a - b)).toEqual(dead.map((d) => d.body.line).sort((a, b) => a - b));
    expect([...byLine.values()]).toEqual([4, 4, 4, 4, 4]);
  }, 150_000);

  it('the job API through the invoke URL: GET lists the 45, POST adds one, DELETE removes it', async () => {
    const status = await json<{ apis: { name: string; invokeUrl: string }[] }>('status');
    invokeUrl = status.apis.find((a) => a.name === 'job_api_gw')!.invokeUrl;
    expect(invokeUrl).toMatch(/\/dev$/);

    const listed = await api('GET', '/v1/jobs');
    expect(listed.status).toBe(200);
    expect(listed.body.count).toBe(GOOD_ROWS);
    expect(listed.body.jobs.find((j: { id: string }) => j.id === 'job-003')).toMatchObject({ city: 'Madrid', title: 'Site reliability, on call', salary: 42000 });

    const created = await api('POST', '/v1/jobs', { id: 'job-100', city: 'Porto', title: 'Platform engineer', salary: 70000 });
    expect(created.status).toBe(201);
    expect((await api('GET', '/v1/jobs')).body.count).toBe(GOOD_ROWS + 1);
    expect((await api('POST', '/v1/jobs', { city: 'Porto' })).status).toBe(400);

    // The same route through `evlab call`, as a user would.
    const called = await json<{ status: number; json: { count: number; jobs: { city: string }[] } }>('call', 'GET', '/v1/jobs/job-100', '--api', 'job_api_gw');
    expect(called).toMatchObject({ status: 200, json: { count: 1, jobs: [{ city: 'Porto' }] } });

    const removed = await api('DELETE', '/v1/jobs/job-001?city=Paris');
    expect(removed).toEqual({ status: 200, body: { deleted: [{ id: 'job-001', city: 'Paris' }] } });
    expect((await api('GET', '/v1/jobs')).body.count).toBe(GOOD_ROWS);
    expect((await api('DELETE', '/v1/jobs/job-001?city=Paris')).status).toBe(404);

    // The stage wrote one access-log line per request to its log group.
    const access = await logLines('/aws/apigateway/job_api_gw', '');
    expect(access.length).toBeGreaterThanOrEqual(7);
    expect(access.some((l) => l.includes('"status":"201"') || l.includes('"status":201'))).toBe(true);
  }, 60_000);
});
