import type { Connection } from '../aws/connect.js';
import { destinationOfArn, queueNameOfArn } from '../aws/resources/arns.js';
import type { StackFile } from '../stack/types.js';
import { canonical, diffSnapshots, type StackChanges } from './changes.js';
import { describeInFlight, subscriptionIds, type SubscriptionTarget } from './in-flight.js';
import { SettleWatcher, DEFAULT_SETTLE, type SettleOptions } from './settle.js';
import { snapshotReader, type StackSnapshot } from './snapshot.js';
import { deadLetterQueues, subscribedQueues } from './stack-resources.js';

export interface WaitResult {
  settled: boolean;
  /** How settling was detected: the evlab engine's idle signal, or counts that stopped changing. */
  method: 'idle-signal' | 'quiet-window';
  waitedMs: number;
  interrupted?: boolean;
  /** Engine only: work still in flight when the wait ended without settling (the engine's own keys). */
  inFlight?: Record<string, number>;
  /** `inFlight` in words: "4 invocations waiting for a retry", "5 messages on their way to function x via its SQS subscription". */
  pending?: string[];
  changes?: StackChanges;
  /** Why changes could not be read (e.g. a service the endpoint lacks). */
  changesError?: string;
}

export interface WatchOptions {
  settle?: SettleOptions;
  pollMs?: number;
}

/**
 * `fire --wait`: snapshot the stack's queues and tables before sending, then wait until the work settled
 * (the engine's `GET /_evlab/idle`, elsewhere counts that stop changing) and diff the snapshots.
 */
export async function startWatch(conn: Connection, stack: StackFile | undefined, options: WatchOptions = {}) {
  const read = stack ? snapshotReader(conn, stack) : undefined;
  let before: StackSnapshot | undefined;
  let changesError: string | undefined;
  try {
    before = await read?.({ fresh: true });
  } catch (err) {
    changesError = (err as Error).message;
  }

  return {
    async wait(timeoutMs: number, signal: AbortSignal): Promise<WaitResult> {
      const started = Date.now();
      const useIdle = conn.endpoint.kind === 'evlab';
      let settled = false;
      let inFlight: Record<string, number> | undefined;
      let pending: string[] | undefined;
      let last = before;
      if (useIdle) {
        const idle = await waitForIdle(conn.target.endpoint, timeoutMs, signal);
        settled = idle.idle;
        inFlight = idle.idle ? undefined : idle.inFlight;
        if (inFlight) pending = describeInFlight(inFlight, await subscriptionTargets(conn, subscriptionIds(inFlight)));
      } else if (read && before && !changesError) {
        const watcher = new SettleWatcher(canonical(before), started, options.settle ?? DEFAULT_SETTLE);
        const busyQueues = subscribedQueues(stack!);
        while (!signal.aborted && Date.now() - started < timeoutMs) {
          await sleep(options.pollMs ?? 250, signal);
          if (signal.aborted) break;
          last = await read();
          const busy = [...busyQueues].some((q) => (last!.queues[q]?.inFlight ?? 0) > 0);
          if (watcher.observe(canonical(last), Date.now(), busy)) {
            settled = true;
            break;
          }
        }
      } else settled = true;

      let changes: StackChanges | undefined;
      if (read && before && !changesError && !signal.aborted) {
        try {
          const after = await read({ fresh: true });
          changes = diffSnapshots(before, after, stack!, new Set(deadLetterQueues(stack!).keys()));
        } catch (err) {
          changesError = (err as Error).message;
        }
      }
      return { settled, method: useIdle ? 'idle-signal' : 'quiet-window', waitedMs: Date.now() - started, interrupted: signal.aborted || undefined, inFlight, pending, changes, changesError };
    },
  };
}

/** The engine's idle signal: answers once nothing is in flight (or when the timeout passes). */
async function waitForIdle(endpoint: string, timeoutMs: number, signal: AbortSignal): Promise<{ idle: boolean; inFlight?: Record<string, number> }> {
  try {
    const res = await fetch(`${endpoint}/_evlab/idle?timeout=${Math.max(1, Math.round(timeoutMs))}`, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs + 10_000)]),
    });
    const body = (await res.json()) as { idle?: boolean; inFlight?: Record<string, number> };
    return { idle: body.idle === true, inFlight: body.inFlight };
  } catch (err) {
    if (signal.aborted) return { idle: false };
    throw err;
  }
}

/** The function and queue of each event source mapping, best effort (an unknown one is described without them). */
async function subscriptionTargets(conn: Connection, uuids: string[]): Promise<Record<string, SubscriptionTarget>> {
  const targets: Record<string, SubscriptionTarget> = {};
  if (uuids.length === 0) return targets;
  try {
    const { GetEventSourceMappingCommand } = await import('@aws-sdk/client-lambda');
    const lambda = await conn.clients.lambda();
    await Promise.all(
      uuids.map(async (uuid) => {
        try {
          const m = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
          targets[uuid] = {
            function: m.FunctionArn ? destinationOfArn(m.FunctionArn).name : undefined,
            queue: m.EventSourceArn ? queueNameOfArn(m.EventSourceArn) : undefined,
          };
        } catch {
          /* described without names */
        }
      }),
    );
  } catch {
    /* described without names */
  }
  return targets;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
