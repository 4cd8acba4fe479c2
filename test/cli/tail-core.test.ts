import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { followLogs, LogGroupCursor, LogGroupMissing, LogTail, type FilterFetcher, type FilterRequest, type LogEvent } from '../../src/logs/tail-core.js';
import { classifyMessage, formatLogEvent, logEventRecord, prettyMessage } from '../../src/logs/format.js';
import { parseSince } from '../../src/logs/since.js';

/** A fake log store that honours startTime and pages two events at a time, like FilterLogEvents. */
function fakeLogs() {
  const groups = new Map<string, LogEvent[]>();
  const requests: FilterRequest[] = [];
  let n = 0;
  const fetch: FilterFetcher = async (req) => {
    requests.push(req);
    const events = groups.get(req.logGroupName);
    if (!events) throw new LogGroupMissing(req.logGroupName);
    const matching = events.filter((e) => e.timestamp >= req.startTime).sort((a, b) => a.timestamp - b.timestamp);
    const offset = req.nextToken ? Number(req.nextToken) : 0;
    const page = matching.slice(offset, offset + 2);
    return { events: page, nextToken: offset + 2 < matching.length ? String(offset + 2) : undefined };
  };
  const put = (group: string, timestamp: number, message: string) => {
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group)!.push({ eventId: `e${++n}`, timestamp, message, logStreamName: 's' });
  };
  return { fetch, put, requests, create: (group: string) => groups.set(group, groups.get(group) ?? []) };
}

describe('LogGroupCursor', () => {
  it('shows each event once across polls, through every page', async () => {
    const logs = fakeLogs();
    let now = 10_000;
    const cursor = new LogGroupCursor({ logGroupName: 'g', startTime: 0, lookbackMs: 5000, now: () => now });
    for (let t = 1; t <= 5; t++) logs.put('g', 1000 + t, `m${t}`);
    expect((await cursor.poll(logs.fetch)).map((e) => e.message)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(await cursor.poll(logs.fetch)).toEqual([]);
    logs.put('g', 1006, 'm6');
    now = 11_000;
    expect((await cursor.poll(logs.fetch)).map((e) => e.message)).toEqual(['m6']);
  });

  it('finds events that arrive late with timestamps in the past, within the lookback', async () => {
    const logs = fakeLogs();
    let now = 100_000;
    const cursor = new LogGroupCursor({ logGroupName: 'g', startTime: 0, lookbackMs: 5000, now: () => now });
    logs.put('g', 99_000, 'fresh');
    expect((await cursor.poll(logs.fetch)).map((e) => e.message)).toEqual(['fresh']);
    // A runtime flushes a line stamped 3 s before the newest event we have shown.
    now = 101_000;
    logs.put('g', 96_000, 'late');
    logs.put('g', 100_500, 'newer');
    expect((await cursor.poll(logs.fetch)).map((e) => e.message)).toEqual(['late', 'newer']);
    expect(logs.requests.at(-1)!.startTime).toBe(94_000);
    // Older than the lookback: out of the window (the documented limit).
    logs.put('g', 90_000, 'too late');
    expect(await cursor.poll(logs.fetch)).toEqual([]);
  });

  it('forgets ids that fell out of the window, so memory stays bounded', async () => {
    const logs = fakeLogs();
    let now = 0;
    const cursor = new LogGroupCursor({ logGroupName: 'g', startTime: 0, lookbackMs: 1000, now: () => now });
    for (let t = 0; t < 100; t++) {
      now = t * 500;
      logs.put('g', now, `m${t}`);
      expect(await cursor.poll(logs.fetch)).toHaveLength(1);
    }
    expect(cursor.remembered).toBeLessThanOrEqual(3);
  });

  it('never moves the window past the clock because of a future timestamp', async () => {
    const logs = fakeLogs();
    const now = 50_000;
    const cursor = new LogGroupCursor({ logGroupName: 'g', startTime: 0, lookbackMs: 2000, now: () => now });
    logs.put('g', 10_000_000, 'from the future');
    await cursor.poll(logs.fetch);
    expect(cursor.windowStart()).toBe(48_000);
    logs.put('g', 49_000, 'now');
    expect((await cursor.poll(logs.fetch)).map((e) => e.message)).toEqual(['now']);
  });

  it('drops events older than --since even if the service returns them', async () => {
    const cursor = new LogGroupCursor({ logGroupName: 'g', startTime: 5000, lookbackMs: 1000, now: () => 10_000 });
    const ignoresStartTime: FilterFetcher = async () => ({ events: [{ eventId: 'a', timestamp: 1000, message: 'old' }, { eventId: 'b', timestamp: 6000, message: 'new' }] });
    expect((await cursor.poll(ignoresStartTime)).map((e) => e.message)).toEqual(['new']);
  });

  it('does not mark events seen when a page fails, and stops on a repeated nextToken', async () => {
    const cursor = new LogGroupCursor({ logGroupName: 'g', startTime: 0, lookbackMs: 1000, now: () => 10_000 });
    let calls = 0;
    const flaky: FilterFetcher = async (req) => {
      calls++;
      if (!req.nextToken) return { events: [{ eventId: 'a', timestamp: 1, message: 'a' }], nextToken: 't' };
      if (calls === 2) throw new Error('connection reset');
      return { events: [{ eventId: 'b', timestamp: 2, message: 'b' }], nextToken: 't' };
    };
    await expect(cursor.poll(flaky)).rejects.toThrow('connection reset');
    expect((await cursor.poll(flaky)).map((e) => e.message)).toEqual(['a', 'b']);
    expect(calls).toBe(4);
  });
});

describe('LogTail and followLogs', () => {
  it('merges groups by time and reports groups that do not exist yet', async () => {
    const logs = fakeLogs();
    logs.put('/aws/lambda/a', 2, 'a2');
    logs.put('/aws/lambda/a', 4, 'a4');
    logs.put('/aws/lambda/b', 3, 'b3');
    const tail = new LogTail({
      sources: [{ name: 'a', logGroupName: '/aws/lambda/a' }, { name: 'b', logGroupName: '/aws/lambda/b' }, { name: 'c', logGroupName: '/aws/lambda/c' }],
      fetch: logs.fetch, startTime: 0, lookbackMs: 1000, now: () => 10,
    });
    const poll = await tail.poll();
    expect(poll.events.map((e) => `${e.source.name}:${e.message}`)).toEqual(['a:a2', 'b:b3', 'a:a4']);
    expect(poll.missing.map((s) => s.name)).toEqual(['c']);
  });

  it('follows until the signal aborts, retrying errors it is told to retry', async () => {
    const logs = fakeLogs();
    logs.create('g');
    const tail = new LogTail({ sources: [{ name: 'f', logGroupName: 'g' }], fetch: logs.fetch, startTime: 0, lookbackMs: 1000, now: () => 10 });
    const controller = new AbortController();
    const seen: string[] = [];
    let sleeps = 0;
    await followLogs({
      tail, follow: true, intervalMs: 500, signal: controller.signal,
      onPoll: (p) => seen.push(...p.events.map((e) => e.message)),
      sleep: async () => {
        sleeps++;
        if (sleeps === 1) logs.put('g', 5, 'hello');
        if (sleeps === 3) controller.abort();
      },
    });
    expect(seen).toEqual(['hello']);

    const failing = new LogTail({ sources: [{ name: 'f', logGroupName: 'g' }], fetch: async () => { throw new Error('boom'); }, startTime: 0, lookbackMs: 1, now: () => 0 });
    await expect(followLogs({ tail: failing, follow: true, intervalMs: 1, signal: new AbortController().signal, onPoll: () => {}, retryOn: () => false })).rejects.toThrow('boom');
  });
});

describe('log line formatting', () => {
  const c = new Chalk({ level: 0 });
  const event = (message: string) => ({ eventId: '1', timestamp: 0, message, source: { name: 'fn', logGroupName: '/aws/lambda/fn' } });
  const format = { c, nameWidth: 6, colourIndex: () => 0, time: () => 'T' };

  it('prefixes the function name and indents continuation lines', () => {
    expect(formatLogEvent(event('hello\n'), format)).toBe('T fn     hello');
    expect(formatLogEvent(event('{"a":1,"b":[2]}'), format)).toBe('T fn     {\n           "a": 1,\n           "b": [\n             2\n           ]\n         }');
  });

  it('pretty-prints JSON after the last tab of Python Lambda logging', () => {
    expect(prettyMessage('[INFO]\t2024-01-01T00:00:00Z\treq\t{"n":1}\n')).toBe('[INFO]\t2024-01-01T00:00:00Z\treq\t{\n  "n": 1\n}');
    expect(prettyMessage('{not json}')).toBe('{not json}');
  });

  it('classifies errors, timeouts, tracebacks and REPORT lines', () => {
    expect(classifyMessage('[ERROR] KeyError: x')).toBe('error');
    expect(classifyMessage('Traceback (most recent call last):')).toBe('error');
    expect(classifyMessage('2024-01-01T00:00:00.000Z abc Task timed out after 3.00 seconds')).toBe('error');
    expect(classifyMessage('{"errorMessage": "boom", "errorType": "ValueError"}')).toBe('error');
    expect(classifyMessage('REPORT RequestId: abc Duration: 1.00 ms')).toBe('report');
    expect(classifyMessage('START RequestId: abc Version: $LATEST')).toBe('meta');
    expect(classifyMessage('processed 3 items')).toBe('plain');
  });

  it('paints errors red and REPORT lines dim', () => {
    const coloured = { ...format, c: new Chalk({ level: 1 }) };
    expect(formatLogEvent(event('Task timed out after 1.00 seconds'), coloured)).toContain('\u001b[31mTask timed out');
    expect(formatLogEvent(event('REPORT RequestId: x'), coloured)).toContain('\u001b[2mREPORT');
  });

  it('gives --json records with the function, stream and ISO time', () => {
    expect(logEventRecord({ ...event('x\n'), logStreamName: 's' })).toEqual({
      function: 'fn', logGroup: '/aws/lambda/fn', logStream: 's', eventId: '1', timestamp: 0, time: '1970-01-01T00:00:00.000Z', kind: 'plain', message: 'x',
    });
  });
});

describe('parseSince', () => {
  it('reads durations and ISO times', () => {
    expect(parseSince('10m', 1_000_000)).toBe(400_000);
    expect(parseSince('1h30m', 10_000_000)).toBe(10_000_000 - 5_400_000);
    expect(parseSince('2024-05-01T12:00:00Z', 0)).toBe(Date.parse('2024-05-01T12:00:00Z'));
    expect(() => parseSince('ten minutes', 0)).toThrow(/neither a duration nor a time/);
  });
});
