import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CommandContext } from '../context.js';
import { ConfigError, ExitCode, OperationError, UnreachableError, ValidationError, type Problem } from '../errors.js';
import { isNotFound } from '../aws/resources/errors.js';
import { busNameOf, prepareEvents, type EventFileText } from '../events/prepare.js';
import { renderFire, type FireResult } from '../events/render.js';
import { sendInChunks } from '../events/send.js';
import type { SettleOptions } from '../status/settle.js';
import { isConnectionRefused } from '../status/aws-reads.js';
import { loadOptionalStack, physicalNameOf } from '../status/stack-resources.js';

export interface FireOptions {
  files: string[];
  bus?: string;
  wait?: boolean;
  /** Seconds --wait waits at most. */
  timeout?: number;
  /** After the engine is idle, print each event's trace tree (implies --wait). */
  trace?: boolean;
}

/** Test seams: a shorter quiet window for endpoints without an idle signal. */
export interface FireDeps {
  settle?: SettleOptions;
  pollMs?: number;
}

/**
 * `evlab fire`: reads and validates every entry of every file (nothing is sent when any is wrong: exit 2),
 * sends them in PutEvents chunks, reports each entry, and with --wait shows what the events changed.
 */
export async function runFire(options: FireOptions, ctx: CommandContext, deps: FireDeps = {}): Promise<number> {
  const { out } = ctx;
  if (options.trace) options = { ...options, wait: true };
  const sendStarted = Date.now();
  const timeoutSeconds = options.timeout ?? 60;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new ConfigError('InvalidTimeout', `--timeout must be a positive number of seconds, not "${options.timeout}"`, { hint: '--timeout 120' });
  }
  const { inputs, problems } = await readEventFiles(options.files, ctx.cwd);
  const loaded = await loadOptionalStack(ctx);
  const stackFile = loaded ? displayPath(loaded.file, ctx.cwd) : undefined;
  let prepared: ReturnType<typeof prepareEvents>;
  try {
    // A template's logical ID (OrdersBus) names the bus as well as its physical name.
    const busName = (name: string) => physicalNameOf(loaded, name, 'bus');
    const logicalBuses = Object.entries(loaded?.template?.resources ?? {}).filter(([, r]) => r.kind === 'bus').map(([id]) => id);
    prepared = prepareEvents(inputs, { bus: options.bus && busName(options.bus), declaredBuses: loaded ? [...Object.keys(loaded.stack.buses ?? {}), ...logicalBuses] : undefined, stackFile });
    for (const { entry } of prepared.entries) if (entry.EventBusName) entry.EventBusName = busName(entry.EventBusName);
  } catch (err) {
    if (err instanceof ValidationError) problems.push(...err.problems);
    else throw err;
    prepared = { entries: [], files: [] };
  }
  if (problems.length > 0) {
    throw new ValidationError('InvalidEvents', options.files.length === 1 ? options.files[0] : undefined, problems);
  }

  const { connect } = await import('../aws/connect.js');
  const conn = await connect(ctx, { stack: loaded?.stack, autoStart: true, projectDir: loaded?.dir, writes: 'evlab fire puts events on a bus' });
  try {
    const events = await conn.clients.events();
    const { PutEventsCommand, DescribeEventBusCommand } = await import('@aws-sdk/client-eventbridge');
    // AWS accepts events for a bus that does not exist and drops them without a word; check the buses first.
    await requireBuses(prepared.entries, (name) => events.send(new DescribeEventBusCommand({ Name: name }), { abortSignal: ctx.signal }), {
      endpoint: conn.target.endpoint,
      declared: loaded ? Object.keys(loaded.stack.buses ?? {}) : undefined,
    });
    const { startWatch } = await import('../status/wait.js');
    const watch = options.wait ? await startWatch(conn, loaded?.stack, { settle: deps.settle, pollMs: deps.pollMs }) : undefined;
    if (!out.json) out.progress(`sending ${prepared.entries.length} event${prepared.entries.length === 1 ? '' : 's'} to ${conn.endpoint.label} at ${conn.target.endpoint}`);
    let sent: Awaited<ReturnType<typeof sendInChunks>>;
    try {
      sent = await sendInChunks(
        prepared.entries,
        (entries) => events.send(new PutEventsCommand({ Entries: entries }), { abortSignal: ctx.signal }),
        (err) => ctx.signal.aborted || isConnectionRefused(err),
      );
    } catch (err) {
      if (ctx.signal.aborted || !isConnectionRefused(err)) throw err;
      throw new UnreachableError(conn.target.endpoint, {
        cause: err,
        hint: 'the endpoint stopped answering while the events were sent (some may have been sent); start it again and rerun',
      });
    }

    const result: FireResult = {
      ok: sent.every((e) => !e.errorCode),
      endpoint: { url: conn.target.endpoint, kind: conn.endpoint.kind, label: conn.endpoint.label },
      sent: sent.filter((e) => !e.errorCode).length,
      failed: sent.filter((e) => e.errorCode).length,
      files: prepared.files.map((f) => {
        const mine = sent.filter((e) => e.file === f.file);
        return { ...f, sent: mine.filter((e) => !e.errorCode).length, failed: mine.filter((e) => e.errorCode).length };
      }),
      entries: sent,
    };

    let waitFailed = false;
    // Nothing reached the bus: there is no work to wait for.
    const anySent = sent.some((e) => !e.errorCode);
    if (watch && !anySent && !out.json) out.progress('nothing was sent: not waiting');
    if (watch && anySent) {
      const { eventsMatchingNoRule } = await import('../events/unmatched.js');
      result.unmatched = await eventsMatchingNoRule(events, prepared.entries, sent, conn.target.region).catch(() => undefined);
      const { waitForWork } = await import('../status/wait-for-work.js');
      const waited = await waitForWork(watch, conn, { hasStack: Boolean(loaded), timeoutMs: timeoutSeconds * 1000, signal: ctx.signal, out });
      result.wait = waited.wait;
      waitFailed = waited.failed;
      result.ok &&= !waitFailed;
    }
    let traced: import('../trace/fired.js').FiredTraces | undefined;
    if (options.trace && anySent && !ctx.signal.aborted) {
      const { traceFired } = await import('../trace/fired.js');
      traced = await traceFired(conn, sent, sendStarted, ctx.signal);
    }
    const { renderFiredTraces } = traced ? await import('../trace/fired.js') : { renderFiredTraces: undefined };
    out.result(traced ? { ...result, traces: traced } : result, (r) => [renderFire(r, out.c), ...(traced ? renderFiredTraces!(traced, out.c) : [])].join('\n'));
    if (result.wait?.interrupted) return ExitCode.interrupted;
    return result.failed > 0 || waitFailed ? ExitCode.failed : ExitCode.ok;
  } finally {
    conn.close();
  }
}

/** Reads every file; a missing or unreadable file is a problem like any other (reported with the rest). */
async function readEventFiles(files: readonly string[], cwd: string): Promise<{ inputs: EventFileText[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  const inputs: EventFileText[] = [];
  if (files.length === 0) problems.push({ path: 'fire', message: 'no event file given', hint: 'evlab fire etc/events/events.json' });
  await Promise.all(
    files.map(async (file, i) => {
      try {
        inputs[i] = { file, text: await readFile(resolve(cwd, file), 'utf8') };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        problems.push({
          path: file,
          message: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read: ${(err as Error).message}`,
          hint: code === 'ENOENT' ? `the path is relative to ${cwd}` : undefined,
        });
      }
    }),
  );
  return { inputs: inputs.filter(Boolean), problems };
}

function displayPath(file: string, cwd: string): string {
  return file.startsWith(cwd + '/') ? file.slice(cwd.length + 1) : file;
}

/** Fails (exit 1, nothing sent) when a bus the entries name does not exist at the endpoint. */
async function requireBuses(
  entries: readonly { entry: { EventBusName?: string } }[],
  describe: (name: string) => Promise<unknown>,
  where: { endpoint: string; declared?: string[] },
): Promise<void> {
  const buses = [...new Set(entries.map((e) => e.entry.EventBusName ?? 'default'))].filter((b) => b !== 'default');
  const missing: string[] = [];
  await Promise.all(
    buses.map(async (bus) => {
      try {
        await describe(bus);
      } catch (err) {
        if (isNotFound(err)) missing.push(bus);
        // Anything else (an endpoint without DescribeEventBus, say) is left to PutEvents to report.
      }
    }),
  );
  if (missing.length === 0) return;
  const names = missing.sort().join(', ');
  const declared = where.declared && missing.every((b) => where.declared!.includes(busNameOf(b)));
  throw new OperationError('EventBusNotFound', `event bus ${names} does not exist at ${where.endpoint}: nothing was sent (AWS would accept the events and drop them)`, {
    hint: declared ? 'create it with `evlab setup` (the stack file declares it)' : 'declare it under "buses" in the stack file and run `evlab setup`, or fix the bus name',
  });
}
