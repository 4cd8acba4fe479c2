import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ListTagsForResourceCommand,
  ListTagsLogGroupCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';

let engine: Engine;
let logs: CloudWatchLogsClient;
let counter = 0;
/** A fresh group name per test, so tests do not see each other's data. */
const uniqueGroup = (label: string) => `/evlab/test/${label}-${++counter}`;

beforeAll(async () => {
  // Above the default cap of 10 000 events per group: one test searches 100 000 events in one group.
  engine = await startTestEngine({ maxLogEvents: 200_000 });
  logs = new CloudWatchLogsClient(clientConfig(engine.url));
});
afterAll(async () => {
  logs?.destroy();
  await engine?.stop();
});

async function groupWithStream(label: string, stream = 'main'): Promise<string> {
  const group = uniqueGroup(label);
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
  return group;
}

const put = (group: string, stream: string, events: { timestamp: number; message: string }[]) =>
  logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: events }));

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  const err = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { name: string; message: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (!err) throw new Error('expected the call to fail');
  return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
}

describe('log groups', () => {
  it('creates, describes with ARNs and stored bytes, and deletes a group', async () => {
    const group = uniqueGroup('lifecycle');
    const before = Date.now();
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's' }));
    await put(group, 's', [{ timestamp: Date.now(), message: 'héllo' }]);

    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    expect(logGroups).toHaveLength(1);
    expect(logGroups![0]).toMatchObject({
      logGroupName: group,
      arn: `arn:aws:logs:us-east-1:000000000000:log-group:${group}:*`,
      logGroupArn: `arn:aws:logs:us-east-1:000000000000:log-group:${group}`,
      storedBytes: 6,
      metricFilterCount: 0,
      logGroupClass: 'STANDARD',
    });
    expect(logGroups![0]!.creationTime).toBeGreaterThanOrEqual(before);
    expect(logGroups![0]!.retentionInDays).toBeUndefined();

    await logs.send(new DeleteLogGroupCommand({ logGroupName: group }));
    expect((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }))).logGroups).toEqual([]);
  });

  it('answers duplicates, missing groups and bad names with AWS errors', async () => {
    const group = uniqueGroup('errors');
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    expect(await failure(logs.send(new CreateLogGroupCommand({ logGroupName: group })))).toEqual({
      name: 'ResourceAlreadyExistsException',
      message: 'The specified log group already exists',
      status: 400,
    });
    expect(await failure(logs.send(new DeleteLogGroupCommand({ logGroupName: `${group}-missing` })))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'The specified log group does not exist.',
      status: 400,
    });
    expect(await failure(logs.send(new CreateLogGroupCommand({ logGroupName: 'bad name!' })))).toEqual({
      name: 'InvalidParameterException',
      message: "1 validation error detected: Value 'bad name!' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+",
      status: 400,
    });
  });

  it('keeps each region apart and names a group by ARN or name, never both', async () => {
    const group = await groupWithStream('regions');
    const west = new CloudWatchLogsClient(clientConfig(engine.url, 'us-west-2'));
    try {
      expect((await west.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }))).logGroups).toEqual([]);
      await west.send(new CreateLogGroupCommand({ logGroupName: group }));
      const { logGroups } = await west.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
      expect(logGroups![0]!.logGroupArn).toBe(`arn:aws:logs:us-west-2:000000000000:log-group:${group}`);
    } finally {
      west.destroy();
    }
    const arn = `arn:aws:logs:us-east-1:000000000000:log-group:${group}`;
    expect((await logs.send(new FilterLogEventsCommand({ logGroupIdentifier: arn }))).events).toEqual([]);
    expect(await failure(logs.send(new FilterLogEventsCommand({ logGroupName: group, logGroupIdentifier: arn })))).toEqual({
      name: 'InvalidParameterException',
      message: 'Should provider either name or id, but not both',
      status: 400,
    });
  });

  it('pages DescribeLogGroups in ASCII order and filters by prefix or pattern', async () => {
    const base = uniqueGroup('paging');
    const names = ['b', 'A', 'a', 'c/1', 'c/2', 'B', '_x'].map((n) => `${base}/${n}`);
    for (const n of names) await logs.send(new CreateLogGroupCommand({ logGroupName: n }));

    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const out = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `${base}/`, limit: 3, nextToken }));
      expect(out.logGroups!.length).toBeLessThanOrEqual(3);
      seen.push(...out.logGroups!.map((g) => g.logGroupName!));
      nextToken = out.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBe(3);
    expect(seen).toEqual([...names].sort());

    const byPattern = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'paging' }));
    const patterned = byPattern.logGroups!.filter((g) => g.logGroupName!.startsWith(base));
    expect(patterned).toHaveLength(names.length);
    // With a pattern, AWS returns only the name, ARN and creation time.
    expect(Object.keys(patterned[0]!).sort()).toEqual(['arn', 'creationTime', 'logGroupName']);
    expect((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'PAGING' }))).logGroups).toEqual([]);

    expect(await failure(logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: base, logGroupNamePattern: 'x' })))).toMatchObject({
      name: 'InvalidParameterException',
    });
    expect(await failure(logs.send(new DescribeLogGroupsCommand({ limit: 51 })))).toEqual({
      name: 'InvalidParameterException',
      message: "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50",
      status: 400,
    });
  });

  it('stores and removes a retention policy, refusing periods AWS does not offer', async () => {
    const group = uniqueGroup('retention');
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: 14 }));
    const described = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    expect(described.logGroups![0]!.retentionInDays).toBe(14);

    const bad = await failure(logs.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: 2 })));
    expect(bad.name).toBe('InvalidParameterException');
    expect(bad.message).toMatch(/^1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: \[1, 3, 5, 7, 14, 30/);
    expect((await failure(logs.send(new PutRetentionPolicyCommand({ logGroupName: `${group}-x`, retentionInDays: 1 })))).name).toBe('ResourceNotFoundException');

    await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: group }));
    const after = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    expect(after.logGroups![0]!.retentionInDays).toBeUndefined();
  });

  it('tags a group at creation and by ARN', async () => {
    const group = uniqueGroup('tags');
    await logs.send(new CreateLogGroupCommand({ logGroupName: group, tags: { team: 'a' } }));
    const arn = `arn:aws:logs:us-east-1:000000000000:log-group:${group}`;
    await logs.send(new TagResourceCommand({ resourceArn: arn, tags: { env: 'dev' } }));
    expect((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ team: 'a', env: 'dev' });
    await logs.send(new UntagResourceCommand({ resourceArn: `${arn}:*`, tagKeys: ['team'] }));
    expect((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ env: 'dev' });
    expect((await logs.send(new ListTagsLogGroupCommand({ logGroupName: group }))).tags).toEqual({ env: 'dev' });
    expect((await failure(logs.send(new ListTagsForResourceCommand({ resourceArn: `${arn}-missing` })))).name).toBe('ResourceNotFoundException');
  });
});

describe('log streams', () => {
  it('creates, lists in order with paging, and deletes streams', async () => {
    const group = uniqueGroup('streams');
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    for (const s of ['b', 'a', 'c', 'app-2', 'app-1']) await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: s }));

    expect(await failure(logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'a' })))).toEqual({
      name: 'ResourceAlreadyExistsException',
      message: 'The specified log stream already exists',
      status: 400,
    });
    expect((await failure(logs.send(new CreateLogStreamCommand({ logGroupName: `${group}-x`, logStreamName: 'a' })))).message).toBe(
      'The specified log group does not exist.',
    );

    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group, limit: 2, nextToken }));
      names.push(...out.logStreams!.map((s) => s.logStreamName!));
      nextToken = out.nextToken;
    } while (nextToken);
    expect(names).toEqual(['a', 'app-1', 'app-2', 'b', 'c']);

    const desc = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group, descending: true, logStreamNamePrefix: 'app' }));
    expect(desc.logStreams!.map((s) => s.logStreamName)).toEqual(['app-2', 'app-1']);
    expect(desc.logStreams![0]).toMatchObject({ arn: `arn:aws:logs:us-east-1:000000000000:log-group:${group}:log-stream:app-2`, storedBytes: 0 });
    expect(desc.logStreams![0]!.firstEventTimestamp).toBeUndefined();

    expect(await failure(logs.send(new DescribeLogStreamsCommand({ logGroupName: group, orderBy: 'LastEventTime', logStreamNamePrefix: 'a' })))).toEqual({
      name: 'InvalidParameterException',
      message: 'Cannot order by LastEventTime with a logStreamNamePrefix.',
      status: 400,
    });

    await logs.send(new DeleteLogStreamCommand({ logGroupName: group, logStreamName: 'b' }));
    expect(await failure(logs.send(new DeleteLogStreamCommand({ logGroupName: group, logStreamName: 'b' })))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'The specified log stream does not exist.',
      status: 400,
    });
    const left = await logs.send(new DescribeLogStreamsCommand({ logGroupIdentifier: `arn:aws:logs:us-east-1:000000000000:log-group:${group}` }));
    expect(left.logStreams!.map((s) => s.logStreamName)).toEqual(['a', 'app-1', 'app-2', 'c']);
    // The identifier's pattern in the API model has no '*': the `arn` form with a trailing `:*` is refused.
    const starred = await failure(logs.send(new DescribeLogStreamsCommand({ logGroupIdentifier: `arn:aws:logs:us-east-1:000000000000:log-group:${group}:*` })));
    expect(starred.name).toBe('InvalidParameterException');
  });

  it('orders by last event time and reports event timestamps and the upload sequence token', async () => {
    const group = uniqueGroup('lastevent');
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const now = Date.now();
    for (const [stream, offset] of [['old', -3000], ['new', -1000], ['mid', -2000]] as const) {
      await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
      await put(group, stream, [{ timestamp: now + offset - 500, message: 'first' }, { timestamp: now + offset, message: 'last' }]);
    }
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'empty' }));

    const out = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group, orderBy: 'LastEventTime', descending: true, limit: 2 }));
    expect(out.logStreams!.map((s) => s.logStreamName)).toEqual(['new', 'mid']);
    const rest = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group, orderBy: 'LastEventTime', descending: true, nextToken: out.nextToken }));
    expect(rest.logStreams!.map((s) => s.logStreamName)).toEqual(['old', 'empty']);
    expect(rest.nextToken).toBeUndefined();

    const newest = out.logStreams![0]!;
    expect(newest.firstEventTimestamp).toBe(now - 1500);
    expect(newest.lastEventTimestamp).toBe(now - 1000);
    expect(newest.lastIngestionTime).toBeGreaterThanOrEqual(now);
    expect(newest.uploadSequenceToken).toMatch(/^\d{56}$/);
  });
});

describe('PutLogEvents', () => {
  it('returns the next sequence token, accepts any token, and updates the stream', async () => {
    const group = await groupWithStream('put');
    const now = Date.now();
    const first = await put(group, 'main', [{ timestamp: now, message: 'one' }]);
    expect(first.nextSequenceToken).toMatch(/^\d{56}$/);
    expect(first.rejectedLogEventsInfo).toBeUndefined();
    const second = await logs.send(
      new PutLogEventsCommand({ logGroupName: group, logStreamName: 'main', sequenceToken: 'stale', logEvents: [{ timestamp: now + 1, message: 'two' }] }),
    );
    expect(second.nextSequenceToken).not.toBe(first.nextSequenceToken);
    const stream = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }))).logStreams![0]!;
    expect(stream.uploadSequenceToken).toBe(second.nextSequenceToken);
  });

  it('enforces chronological order, the 24-hour span and the batch limits', async () => {
    const group = await groupWithStream('put-limits');
    const now = Date.now();
    expect(await failure(put(group, 'main', [{ timestamp: now, message: 'b' }, { timestamp: now - 1, message: 'a' }]))).toEqual({
      name: 'InvalidParameterException',
      message: 'Log events in a single PutLogEvents request must be in chronological order.',
      status: 400,
    });
    expect((await failure(put(group, 'main', [{ timestamp: now - 25 * 3_600_000, message: 'a' }, { timestamp: now, message: 'b' }]))).message).toBe(
      'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
    );
    // 1,048,576 bytes per batch, counting 26 bytes per event on top of the message.
    const big = 'x'.repeat(524_288 - 26);
    await put(group, 'main', [{ timestamp: now, message: big }, { timestamp: now, message: big }]);
    expect(await failure(put(group, 'main', [{ timestamp: now, message: big }, { timestamp: now, message: `${big}y` }]))).toEqual({
      name: 'InvalidParameterException',
      message: 'Upload too large: 1048577 bytes exceeds limit of 1048576',
      status: 400,
    });
    const tooMany = Array.from({ length: 10_001 }, () => ({ timestamp: now, message: 'm' }));
    expect((await failure(put(group, 'main', tooMany))).message).toMatch(/at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to 10000$/);
    expect((await failure(put(group, 'main', [{ timestamp: now, message: '' }]))).message).toBe(
      "1 validation error detected: Value '' at 'logEvents.1.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    expect(await failure(put(group, 'missing', [{ timestamp: now, message: 'm' }]))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'The specified log stream does not exist.',
      status: 400,
    });
    expect((await failure(put(`${group}-missing`, 'main', [{ timestamp: now, message: 'm' }]))).message).toBe('The specified log group does not exist.');
  });

  it('rejects too old, expired and too new events but keeps the rest', async () => {
    const group = await groupWithStream('rejects');
    const now = Date.now();
    const day = 86_400_000;
    const out = await put(group, 'main', [
      { timestamp: now - 15 * day, message: 'too old' },
      { timestamp: now - 15 * day + 1, message: 'too old too' },
      { timestamp: now, message: 'kept' },
      { timestamp: now + 3 * 3_600_000, message: 'too new' },
    ]);
    expect(out.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 2, tooNewLogEventStartIndex: 3 });

    await logs.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: 1 }));
    const expired = await put(group, 'main', [{ timestamp: now - 2 * day, message: 'expired' }, { timestamp: now + 1, message: 'kept too' }]);
    expect(expired.rejectedLogEventsInfo).toEqual({ expiredLogEventEndIndex: 1 });

    const all = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'main', startFromHead: true }));
    expect(all.events!.map((e) => e.message)).toEqual(['kept', 'kept too']);
  });
});

describe('GetLogEvents', () => {
  async function streamOf(count: number): Promise<{ group: string; base: number }> {
    const group = await groupWithStream('get');
    const base = Date.now() - 10_000;
    await put(group, 'main', Array.from({ length: count }, (_, i) => ({ timestamp: base + i * 10, message: `m${i}` })));
    return { group, base };
  }
  const get = (group: string, extra: Partial<ConstructorParameters<typeof GetLogEventsCommand>[0]> = {}) =>
    logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'main', ...extra }));

  it('pages forward from the head, returns the same token at the end, and picks up new events', async () => {
    const { group, base } = await streamOf(5);
    const page1 = await get(group, { startFromHead: true, limit: 2 });
    expect(page1.events!.map((e) => e.message)).toEqual(['m0', 'm1']);
    expect(page1.nextForwardToken).toMatch(/^f\/\d{56}\/s$/);
    expect(page1.nextBackwardToken).toMatch(/^b\/\d{56}\/s$/);
    expect(page1.events![0]!.ingestionTime).toBeGreaterThanOrEqual(base);

    const page2 = await get(group, { startFromHead: true, limit: 2, nextToken: page1.nextForwardToken });
    expect(page2.events!.map((e) => e.message)).toEqual(['m2', 'm3']);
    const page3 = await get(group, { startFromHead: true, limit: 2, nextToken: page2.nextForwardToken });
    expect(page3.events!.map((e) => e.message)).toEqual(['m4']);
    const end = await get(group, { startFromHead: true, limit: 2, nextToken: page3.nextForwardToken });
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(page3.nextForwardToken);

    await put(group, 'main', [{ timestamp: Date.now(), message: 'later' }]);
    const tail = await get(group, { startFromHead: true, nextToken: end.nextForwardToken });
    expect(tail.events!.map((e) => e.message)).toEqual(['later']);

    // Backward from page 2 gives what came before it.
    const back = await get(group, { limit: 10, nextToken: page2.nextBackwardToken });
    expect(back.events!.map((e) => e.message)).toEqual(['m0', 'm1']);
  });

  it('starts from the newest events by default and pages backward to the beginning', async () => {
    const { group } = await streamOf(5);
    const latest = await get(group, { limit: 2 });
    expect(latest.events!.map((e) => e.message)).toEqual(['m3', 'm4']);
    const older = await get(group, { limit: 2, nextToken: latest.nextBackwardToken });
    expect(older.events!.map((e) => e.message)).toEqual(['m1', 'm2']);
    const oldest = await get(group, { limit: 2, nextToken: older.nextBackwardToken });
    expect(oldest.events!.map((e) => e.message)).toEqual(['m0']);
    const start = await get(group, { limit: 2, nextToken: oldest.nextBackwardToken });
    expect(start.events).toEqual([]);
    expect(start.nextBackwardToken).toBe(oldest.nextBackwardToken);
    // And forward again from the beginning.
    const again = await get(group, { startFromHead: true, limit: 1, nextToken: start.nextForwardToken });
    expect(again.events!.map((e) => e.message)).toEqual(['m0']);
  });

  it('applies startTime (inclusive) and endTime (exclusive)', async () => {
    const { group, base } = await streamOf(5);
    const ranged = await get(group, { startFromHead: true, startTime: base + 10, endTime: base + 40 });
    expect(ranged.events!.map((e) => e.message)).toEqual(['m1', 'm2', 'm3']);
    const empty = await get(group, { startFromHead: true, startTime: base + 1000 });
    expect(empty.events).toEqual([]);
    expect((await failure(get(group, { nextToken: 'garbage' }))).message).toBe('The specified nextToken is invalid.');
    expect((await failure(get(group, { logStreamName: 'nope' }))).message).toBe('The specified log stream does not exist.');
  });
});

describe('FilterLogEvents', () => {
  it('merges streams by timestamp, then ingestion order, with stream names and event ids', async () => {
    const group = uniqueGroup('merge');
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    for (const s of ['a', 'b', 'c']) await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: s }));
    const t = Date.now() - 1000;
    await put(group, 'b', [{ timestamp: t, message: 'b@t first' }, { timestamp: t + 2, message: 'b@t+2' }]);
    await put(group, 'a', [{ timestamp: t, message: 'a@t second' }, { timestamp: t + 1, message: 'a@t+1' }]);
    await put(group, 'c', [{ timestamp: t, message: 'c@t third' }]);

    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: group }));
    expect(out.events!.map((e) => e.message)).toEqual(['b@t first', 'a@t second', 'c@t third', 'a@t+1', 'b@t+2']);
    expect(out.events!.map((e) => e.logStreamName)).toEqual(['b', 'a', 'c', 'a', 'b']);
    expect(out.events!.every((e) => /^\d{56}$/.test(e.eventId!) && e.ingestionTime! >= t)).toBe(true);
    expect(new Set(out.events!.map((e) => e.eventId)).size).toBe(5);
    expect(out.searchedLogStreams).toEqual([]);
    expect(out.nextToken).toBeUndefined();

    const some = await logs.send(new FilterLogEventsCommand({ logGroupName: group, logStreamNames: ['a', 'c', 'nope'] }));
    expect(some.events!.map((e) => e.message)).toEqual(['a@t second', 'c@t third', 'a@t+1']);
    const prefixed = await logs.send(new FilterLogEventsCommand({ logGroupIdentifier: group, logStreamNamePrefix: 'b' }));
    expect(prefixed.events!.map((e) => e.message)).toEqual(['b@t first', 'b@t+2']);
    // startTime and endTime are both inclusive here.
    const ranged = await logs.send(new FilterLogEventsCommand({ logGroupName: group, startTime: t + 1, endTime: t + 2 }));
    expect(ranged.events!.map((e) => e.message)).toEqual(['a@t+1', 'b@t+2']);
    const patterned = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '?first ?third' }));
    expect(patterned.events!.map((e) => e.message)).toEqual(['b@t first', 'c@t third']);

    expect((await failure(logs.send(new FilterLogEventsCommand({ logGroupName: group, logStreamNames: ['a'], logStreamNamePrefix: 'a' })))).name).toBe(
      'InvalidParameterException',
    );
    expect((await failure(logs.send(new FilterLogEventsCommand({ logGroupName: `${group}-missing` })))).message).toBe('The specified log group does not exist.');
    expect((await failure(logs.send(new FilterLogEventsCommand({ logGroupName: group, nextToken: 'bad' })))).message).toBe('The specified nextToken is invalid.');
  });

  it('paginates without duplicates or gaps while events keep arriving, late ones included', async () => {
    const group = uniqueGroup('paging');
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const streams = ['s1', 's2', 's3'];
    for (const s of streams) await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: s }));
    const internal = await engine.context.service('logs');
    const base = Date.now() - 60_000;
    let next = 0;
    const written = new Map<string, number>();
    const write = async (stream: string, timestamp: number, viaInternal = false) => {
      const message = `event-${next++}`;
      written.set(message, timestamp);
      if (viaInternal) internal.append(group, stream, [{ timestamp, message }]);
      else await put(group, stream, [{ timestamp, message }]);
    };
    for (let i = 0; i < 60; i++) await write(streams[i % 3]!, base + i * 100);

    const seen: FilteredLogEvent[] = [];
    let nextToken: string | undefined;
    let page = 0;
    do {
      const out = await logs.send(new FilterLogEventsCommand({ logGroupName: group, limit: 7, nextToken }));
      const events = out.events!;
      // Each page is in (timestamp, ingestion) order.
      for (let i = 1; i < events.length; i++) {
        const [a, b] = [events[i - 1]!, events[i]!];
        expect(a.timestamp! < b.timestamp! || (a.timestamp === b.timestamp && a.eventId! < b.eventId!)).toBe(true);
      }
      seen.push(...events);
      nextToken = out.nextToken;
      page++;
      if (page <= 12) {
        // New events between pages: ahead of the cursor, at its very timestamp, and far behind it.
        const last = events[events.length - 1]?.timestamp ?? base;
        await write('s1', last + 50);
        await write('s2', last, true);
        await write('s3', base + page, page % 2 === 0);
        await write('s4-new', base - 1000 + page, true);
      }
    } while (nextToken);

    const ids = seen.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(seen.map((e) => e.message).sort()).toEqual([...written.keys()].sort());
    for (const e of seen) expect(e.timestamp).toBe(written.get(e.message!));
  });

  it('keeps its place when more late events arrive than a page holds', async () => {
    const group = await groupWithStream('late-burst');
    const base = Date.now() - 60_000;
    const written = new Set<string>();
    let next = 0;
    const write = async (timestamps: number[]) => {
      const events = timestamps.sort((a, b) => a - b).map((timestamp) => ({ timestamp, message: `e${next++}` }));
      events.forEach((e) => written.add(e.message));
      await put(group, 'main', events);
    };
    await write(Array.from({ length: 30 }, (_, i) => base + i * 1000));

    const seen: string[] = [];
    let nextToken: string | undefined;
    let page = 0;
    do {
      const out = await logs.send(new FilterLogEventsCommand({ logGroupName: group, limit: 5, nextToken }));
      seen.push(...out.events!.map((e) => e.message!));
      nextToken = out.nextToken;
      page++;
      // Bursts of 12 events behind the cursor (older than anything returned so far) on the first pages,
      // so that pages end in the middle of late arrivals, and sometimes one ahead of it.
      if (page <= 4) await write([...Array.from({ length: 12 }, (_, i) => base - 10_000 + page * 100 + i), ...(page % 2 ? [base + 40_000 + page] : [])]);
    } while (nextToken);

    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual([...written].sort());
  });

  it('searches 100,000 events across 20 streams, paging in timestamp order', async () => {
    const group = uniqueGroup('volume');
    const internal = await engine.context.service('logs');
    const base = Date.now() - 3_600_000;
    for (let s = 0; s < 20; s++) {
      const events = Array.from({ length: 5_000 }, (_, i) => ({
        timestamp: base + i * 20 + s,
        message: i % 100 === 0 ? `{"level":"ERROR","stream":${s},"i":${i}}` : `INFO request ${i} served in ${i % 50} ms`,
      }));
      internal.append(group, `stream-${String(s).padStart(2, '0')}`, events);
    }

    // Every search below examines all 100,000 events; the answers stay small so the SDK's parsing does not dominate.
    const timed = async (filterPattern: string, limit?: number) => {
      const events: FilteredLogEvent[] = [];
      let nextToken: string | undefined;
      let calls = 0;
      const t = performance.now();
      do {
        const out = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern, limit, nextToken }));
        events.push(...out.events!);
        nextToken = out.nextToken;
        calls++;
      } while (nextToken);
      return { events, calls, ms: performance.now() - t };
    };
    const json = await timed('{ $.level = "ERROR" && $.i >= 4000 }');
    expect(json.events).toHaveLength(20 * 10);
    const words = await timed('"served in 49 ms"', 450);
    expect(words.events).toHaveLength(20 * 100);
    expect(words.calls).toBe(5);
    for (let i = 1; i < words.events.length; i++) expect(words.events[i - 1]!.timestamp! < words.events[i]!.timestamp!).toBe(true);
    expect(new Set(words.events.map((e) => e.eventId)).size).toBe(2000);

  });
});

describe('LogsInternal.append', () => {
  it('creates the group and stream on first use and appends in order', async () => {
    const internal = await engine.context.service('logs');
    const group = '/aws/lambda/internal-append';
    const stream = '2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef';
    const t = Date.now();
    internal.append(group, stream, [
      { timestamp: t, message: 'START RequestId: r1 Version: $LATEST\n' },
      { timestamp: t + 1, message: 'END RequestId: r1\n' },
    ]);
    internal.append(group, stream, [{ timestamp: t + 2, message: 'REPORT RequestId: r1\tDuration: 1.00 ms\t\n' }]);
    const described = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }));
    expect(described.logStreams!.map((s) => s.logStreamName)).toEqual([stream]);
    const events = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }));
    expect(events.events!.map((e) => e.message!.split(' ')[0])).toEqual(['START', 'END', 'REPORT']);
    const reports = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: 'REPORT RequestId' }));
    expect(reports.events).toHaveLength(1);
  });
});

describe('wire format', () => {
  it('answers errors in the AWS JSON 1.1 shape and unknown operations with UnknownOperationException', async () => {
    const call = (target: string, body: unknown) =>
      fetch(engine.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `Logs_20140328.${target}`,
          authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/logs/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: JSON.stringify(body),
      });
    const res = await call('DeleteLogGroup', { logGroupName: '/never/created' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await res.json()).toEqual({ __type: 'ResourceNotFoundException', message: 'The specified log group does not exist.' });
    const unknown = await call('StartQuery', {});
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
    const missing = await call('CreateLogGroup', {});
    expect(await missing.json()).toEqual({
      __type: 'InvalidParameterException',
      message: "1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null",
    });
  });
});

describe('persistence', () => {
  it('restores groups, streams, events, tokens and ids after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evlab-logs-persist-'));
    try {
      const first = await startTestEngine({ persist: dir });
      const c1 = new CloudWatchLogsClient(clientConfig(first.url));
      await c1.send(new CreateLogGroupCommand({ logGroupName: '/kept', tags: { a: 'b' } }));
      await c1.send(new PutRetentionPolicyCommand({ logGroupName: '/kept', retentionInDays: 7 }));
      await c1.send(new CreateLogStreamCommand({ logGroupName: '/kept', logStreamName: 's' }));
      const t = Date.now();
      await c1.send(new PutLogEventsCommand({ logGroupName: '/kept', logStreamName: 's', logEvents: [{ timestamp: t, message: 'before restart' }] }));
      const before = await c1.send(new FilterLogEventsCommand({ logGroupName: '/kept' }));
      const forward = (await c1.send(new GetLogEventsCommand({ logGroupName: '/kept', logStreamName: 's', startFromHead: true }))).nextForwardToken;
      c1.destroy();
      await first.stop();

      const second = await startTestEngine({ persist: dir });
      const c2 = new CloudWatchLogsClient(clientConfig(second.url));
      try {
        const group = (await c2.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/kept' }))).logGroups![0]!;
        expect(group).toMatchObject({ logGroupName: '/kept', retentionInDays: 7, storedBytes: 14 });
        expect((await c2.send(new ListTagsLogGroupCommand({ logGroupName: '/kept' }))).tags).toEqual({ a: 'b' });
        const after = await c2.send(new FilterLogEventsCommand({ logGroupName: '/kept' }));
        expect(after.events).toEqual(before.events);
        await c2.send(new PutLogEventsCommand({ logGroupName: '/kept', logStreamName: 's', logEvents: [{ timestamp: t + 1, message: 'after restart' }] }));
        const tail = await c2.send(new GetLogEventsCommand({ logGroupName: '/kept', logStreamName: 's', startFromHead: true, nextToken: forward }));
        expect(tail.events!.map((e) => e.message)).toEqual(['after restart']);
        const ids = (await c2.send(new FilterLogEventsCommand({ logGroupName: '/kept' }))).events!.map((e) => e.eventId);
        expect(new Set(ids).size).toBe(2);
      } finally {
        c2.destroy();
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
