import { setTimeout as delay } from 'node:timers/promises';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { CommandContext } from '../context.js';
import { ConfigError, ExitCode } from '../errors.js';
import { cloudWatchFetcher, isConnectionFailure } from '../logs/cloudwatch.js';
import { formatLogEvent, localDateTime, logEventRecord } from '../logs/format.js';
import { parseSince } from '../logs/since.js';
import { followLogs, LogTail, type FilterFetcher, type TailSource } from '../logs/tail-core.js';
import { loadOptionalStack, pickFunctions } from '../status/stack-resources.js';

export interface TailOptions {
  functions?: string[];
  /** Duration back from now or an ISO time; default 10m. */
  since?: string;
  filter?: string;
  /** false with --no-follow. */
  follow?: boolean;
}

/** Test seams: a fake fetcher and a faster poll. */
export interface TailDeps {
  fetch?: FilterFetcher;
  intervalMs?: number;
}

const POLL_INTERVAL_MS = 500;

/** `evlab tail`: follows /aws/lambda/<fn> of the stack's functions until Ctrl-C (exit 0). */
export async function runTail(options: TailOptions, ctx: CommandContext, deps: TailDeps = {}): Promise<number> {
  const { out } = ctx;
  const loaded = await loadOptionalStack(ctx);
  let names: string[];
  if (loaded) names = pickFunctions(loaded.stack, options.functions, shortName(loaded.file, ctx.cwd), loaded);
  else if (options.functions && options.functions.length > 0) names = [...new Set(options.functions)];
  // No stack file and no names: every function's log group the endpoint has (found once connected).
  else names = [];
  const startTime = parseSince(options.since ?? '10m', Date.now());
  const follow = options.follow !== false;

  let close = () => {};
  let fetch = deps.fetch;
  let endpointLabel = 'the endpoint';
  if (!fetch) {
    const { connect } = await import('../aws/connect.js');
    const conn = await connect(ctx, { stack: loaded?.stack, projectDir: loaded?.dir });
    close = () => conn.close();
    endpointLabel = conn.endpoint.label;
    const logs = await conn.clients.logs();
    fetch = await cloudWatchFetcher(logs, ctx.signal);
    if (names.length === 0) {
      try {
        names = await lambdaLogGroups(logs, follow, ctx.signal, () => out.progress(`no /aws/lambda/* log groups on ${endpointLabel} yet: waiting for a function's first run (Ctrl-C stops)`));
      } catch (err) {
        close();
        if (ctx.signal.aborted) return ExitCode.ok;
        throw err;
      }
      if (names.length === 0) {
        close();
        out.progress(`no /aws/lambda/* log groups on ${endpointLabel}: no function has run there yet`);
        return ExitCode.ok;
      }
    }
  }
  if (names.length === 0) {
    throw new ConfigError('StackNotFound', 'no stack file, and no function named', {
      hint: 'name the functions to follow (`evlab tail my-function`), or run evlab in a folder with evlab.json (or pass --config)',
    });
  }
  const timeouts = names.map((n) => loaded?.stack.functions?.[n]?.timeout ?? 3);
  // Lines are stamped when printed but may reach the logs only when the invocation ends: look back as far
  // as the longest function may run (at least 10 s, at most a minute, to keep each poll small).
  const lookbackMs = Math.min(60_000, Math.max(10_000, (Math.max(...timeouts) + 2) * 1000));
  const sources: TailSource[] = names.map((name) => ({ name, logGroupName: `/aws/lambda/${name}` }));
  if (!deps.fetch && !out.json) {
    out.progress(`${follow ? 'following' : 'reading'} ${sources.map((s) => s.logGroupName).join(', ')} on ${endpointLabel} since ${localDateTime(startTime)}${follow ? ' (Ctrl-C stops)' : ''}`);
  }

  const nameWidth = Math.max(...names.map((n) => n.length));
  const colourIndex = (name: string) => names.indexOf(name);
  const noted = new Set<string>();
  let connectionWarned = false;
  let printed = 0;
  try {
    await followLogs({
      tail: new LogTail({ sources, fetch, startTime, lookbackMs, filterPattern: options.filter }),
      follow,
      intervalMs: deps.intervalMs ?? POLL_INTERVAL_MS,
      signal: ctx.signal,
      onPoll: (poll) => {
        connectionWarned = false;
        for (const source of poll.missing) {
          if (noted.has(source.name)) continue;
          noted.add(source.name);
          out.progress(
            follow
              ? `waiting for ${source.logGroupName}: no logs yet (it appears on the function's first run)`
              : `${source.logGroupName} does not exist yet: ${source.name} has not run (or is not deployed: evlab setup)`,
          );
        }
        for (const event of poll.events) {
          printed++;
          if (out.json) out.jsonLine(logEventRecord(event));
          else out.line(formatLogEvent(event, { c: out.c, nameWidth, colourIndex }));
        }
      },
      retryOn: (err) => {
        if (!isConnectionFailure(err)) return false;
        if (!connectionWarned) out.warn(`the endpoint does not answer (${(err as Error).message}); retrying`);
        connectionWarned = true;
        return true;
      },
    });
  } catch (err) {
    if (ctx.signal.aborted) return ExitCode.ok;
    throw err;
  } finally {
    close();
  }
  if (!follow && printed === 0 && !out.json) out.progress(`no log events since ${localDateTime(startTime)}`);
  return ExitCode.ok;
}

const DISCOVERY_INTERVAL_MS = 1000;

/**
 * The functions whose log groups (`/aws/lambda/<name>`) the endpoint has. When following and there are none yet,
 * it waits for the first to appear (a function's first run creates it), saying so once.
 */
async function lambdaLogGroups(logs: CloudWatchLogsClient, wait: boolean, signal: AbortSignal, onWaiting: () => void): Promise<string[]> {
  const { DescribeLogGroupsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const prefix = '/aws/lambda/';
  let told = false;
  for (;;) {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken: token }), { abortSignal: signal });
      names.push(...(page.logGroups ?? []).map((g) => (g.logGroupName ?? '').slice(prefix.length)).filter(Boolean));
      token = page.nextToken;
    } while (token);
    if (names.length > 0 || !wait) return names.sort();
    if (!told) onWaiting();
    told = true;
    await delay(DISCOVERY_INTERVAL_MS, undefined, { signal });
  }
}

function shortName(file: string, cwd: string): string {
  return file.startsWith(cwd + '/') ? file.slice(cwd.length + 1) : file;
}
