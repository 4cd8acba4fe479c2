import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  DescribeLogGroupsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';

const CAP = 100;
const DAY_MS = 86_400_000;
let engine: Engine;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  engine = await startTestEngine({ maxLogEvents: CAP });
  logs = new CloudWatchLogsClient(clientConfig(engine.url));
});
afterAll(async () => {
  logs?.destroy();
  await engine?.stop();
});

async function health(): Promise<{ stores: Record<string, Record<string, unknown>> }> {
  return (await fetch(`${engine.url}/_evlab/health`)).json() as never;
}

async function put(group: string, stream: string, from: number, count: number, timestamp: (i: number) => number): Promise<void> {
  const logEvents = Array.from({ length: count }, (_, i) => ({ timestamp: timestamp(from + i), message: `event ${from + i}` }));
  await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents }));
}

describe('bounded CloudWatch Logs', () => {
  it('keeps the newest events of a group beyond --max-log-events, drops the oldest and counts them', async () => {
    const group = '/evlab/bounded/cap';
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'a' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'b' }));
    const base = Date.now() - 60_000;
    // Three uploads of 100 events, alternating streams: the group is cut back to 100 after the 2nd and 3rd.
    await put(group, 'a', 0, 100, (i) => base + i);
    await put(group, 'b', 100, 100, (i) => base + i);
    await put(group, 'a', 200, 100, (i) => base + i);

    const all = await logs.send(new FilterLogEventsCommand({ logGroupName: group, limit: 10_000 }));
    expect(all.events?.map((e) => e.message)).toEqual(Array.from({ length: 100 }, (_, i) => `event ${200 + i}`));
    const streamB = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'b', startFromHead: true }));
    expect(streamB.events).toEqual([]);
    const described = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    expect(described.logGroups?.[0]?.storedBytes).toBe(Buffer.byteLength(all.events!.map((e) => e.message).join('')));

    const stats = (await health()).stores.logs as { events: number; maxEventsPerGroup: number; dropped: { overCap: number } };
    expect(stats.maxEventsPerGroup).toBe(CAP);
    expect(stats.dropped.overCap).toBe(200);
  });

  it('drops events older than retentionInDays at PutRetentionPolicy and counts them', async () => {
    const group = '/evlab/bounded/retention';
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's' }));
    const now = Date.now();
    await put(group, 's', 0, 5, (i) => now - 3 * DAY_MS + i); // three days old: outlives a 1-day retention
    await put(group, 's', 5, 5, (i) => now - 60_000 + i);
    const before = ((await health()).stores.logs as { dropped: { expired: number } }).dropped.expired;

    await logs.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: 1 }));

    const left = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 's', startFromHead: true }));
    expect(left.events?.map((e) => e.message)).toEqual(['event 5', 'event 6', 'event 7', 'event 8', 'event 9']);
    const after = ((await health()).stores.logs as { dropped: { expired: number } }).dropped.expired;
    expect(after - before).toBe(5);
  });
});
