/**
 * The polling core of `evlab tail`, free of the SDK so tests drive it with a fake fetcher and clock.
 *
 * FilterLogEvents filters on the events' own timestamps, and events often arrive late: a runtime flushes
 * its lines after the invocation, an emulator copies a container's output when it ends. So each poll asks
 * again for a window reaching `lookbackMs` behind the newest timestamp seen, and remembers the eventIds it
 * has printed inside that window: late events are found, nothing is printed twice, and ids older than
 * the window are forgotten (they can no longer be returned).
 */

export interface LogEvent {
  eventId: string;
  timestamp: number;
  message: string;
  logStreamName?: string;
  ingestionTime?: number;
}

export interface FilterRequest {
  logGroupName: string;
  startTime: number;
  filterPattern?: string;
  nextToken?: string;
}

export interface FilterPage {
  events: LogEvent[];
  nextToken?: string;
}

/** One FilterLogEvents call. Throws LogGroupMissing when the group does not exist (yet). */
export type FilterFetcher = (request: FilterRequest) => Promise<FilterPage>;

export class LogGroupMissing extends Error {
  constructor(readonly logGroupName: string) {
    super(`log group ${logGroupName} does not exist`);
    this.name = 'LogGroupMissing';
  }
}

/** Some emulators hand out a nextToken forever; a poll stops after this many pages and resumes next time. */
const MAX_PAGES_PER_POLL = 50;

export interface CursorOptions {
  logGroupName: string;
  /** Epoch ms: nothing older is shown (`--since`). */
  startTime: number;
  /** How late (behind the newest event seen) an event may arrive and still be shown. */
  lookbackMs: number;
  filterPattern?: string;
  now: () => number;
}

/** Follows one log group. */
export class LogGroupCursor {
  private readonly seen = new Map<string, number>();
  private newest: number | undefined;

  constructor(private readonly options: CursorOptions) {}

  get logGroupName(): string {
    return this.options.logGroupName;
  }

  /** Where the next query starts: `lookbackMs` behind the newest event seen (never ahead of the clock). */
  windowStart(): number {
    const { startTime, lookbackMs, now } = this.options;
    if (this.newest === undefined) return startTime;
    // A bogus future timestamp must not move the window past the events of now.
    return Math.max(startTime, Math.min(this.newest, now()) - lookbackMs);
  }

  /** Events not shown before, in timestamp order. Throws LogGroupMissing or the fetcher's error. */
  async poll(fetch: FilterFetcher): Promise<LogEvent[]> {
    const startTime = this.windowStart();
    const fresh: LogEvent[] = [];
    const inThisPoll = new Set<string>();
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
      const result = await fetch({ logGroupName: this.options.logGroupName, startTime, filterPattern: this.options.filterPattern, nextToken });
      for (const event of result.events) {
        if (event.timestamp < startTime) continue;
        if (this.seen.has(event.eventId) || inThisPoll.has(event.eventId)) continue;
        inThisPoll.add(event.eventId);
        fresh.push(event);
      }
      if (!result.nextToken || result.nextToken === nextToken) break;
      nextToken = result.nextToken;
    }
    // Marked seen only once the whole poll succeeded: a failed page means the next poll asks again.
    for (const event of fresh) {
      this.seen.set(event.eventId, event.timestamp);
      if (this.newest === undefined || event.timestamp > this.newest) this.newest = event.timestamp;
    }
    this.forgetBefore(this.windowStart());
    return sortByTime(fresh);
  }

  /** How many ids are remembered (for tests: the memory stays bounded by the window). */
  get remembered(): number {
    return this.seen.size;
  }

  private forgetBefore(start: number): void {
    for (const [id, timestamp] of this.seen) if (timestamp < start) this.seen.delete(id);
  }
}

/** Stable: events with equal timestamps keep the order the service returned (their order in the stream). */
export function sortByTime<T extends { timestamp: number }>(events: T[]): T[] {
  return events
    .map((event, i) => ({ event, i }))
    .sort((a, b) => a.event.timestamp - b.event.timestamp || a.i - b.i)
    .map(({ event }) => event);
}

export interface TailSource {
  /** Label printed before each line (the function name). */
  name: string;
  logGroupName: string;
}

export interface TailedEvent extends LogEvent {
  source: TailSource;
}

export interface TailPoll {
  events: TailedEvent[];
  /** Sources whose log group does not exist yet. */
  missing: TailSource[];
}

export interface TailOptions {
  sources: TailSource[];
  fetch: FilterFetcher;
  startTime: number;
  lookbackMs: number;
  filterPattern?: string;
  now?: () => number;
}

/** Polls several log groups together and merges their new events by time. */
export class LogTail {
  private readonly cursors: { source: TailSource; cursor: LogGroupCursor }[];
  private readonly fetch: FilterFetcher;

  constructor(options: TailOptions) {
    const now = options.now ?? Date.now;
    this.fetch = options.fetch;
    this.cursors = options.sources.map((source) => ({
      source,
      cursor: new LogGroupCursor({ logGroupName: source.logGroupName, startTime: options.startTime, lookbackMs: options.lookbackMs, filterPattern: options.filterPattern, now }),
    }));
  }

  async poll(): Promise<TailPoll> {
    const results = await Promise.all(
      this.cursors.map(async ({ source, cursor }) => {
        try {
          return { source, events: await cursor.poll(this.fetch), missing: false };
        } catch (err) {
          if (err instanceof LogGroupMissing) return { source, events: [], missing: true };
          throw err;
        }
      }),
    );
    const events = sortByTime(results.flatMap((r) => r.events.map((e) => ({ ...e, source: r.source }))));
    return { events, missing: results.filter((r) => r.missing).map((r) => r.source) };
  }
}

export interface FollowOptions {
  tail: LogTail;
  /** Keep polling (false: one pass, then return). */
  follow: boolean;
  intervalMs: number;
  signal: AbortSignal;
  onPoll: (poll: TailPoll) => void;
  /** Decides whether a failed poll is retried (true) or ends the tail (false: the error is thrown). */
  retryOn?: (err: unknown) => boolean;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Polls until the signal is aborted (Ctrl-C), or once without follow. */
export async function followLogs(options: FollowOptions): Promise<void> {
  const sleep = options.sleep ?? abortableSleep;
  while (!options.signal.aborted) {
    try {
      options.onPoll(await options.tail.poll());
    } catch (err) {
      if (options.signal.aborted) return;
      if (!options.follow || !options.retryOn?.(err)) throw err;
    }
    if (!options.follow) return;
    await sleep(options.intervalMs, options.signal);
  }
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
