import type { CommandContext } from '../context.js';
import { ConfigError, ExitCode } from '../errors.js';
import type { Connection } from '../aws/connect.js';
import type { Trace } from '../engine/traces/types.js';
import { loadOptionalStack } from '../status/stack-resources.js';

export interface TraceOptions {
  id?: string;
  failed?: boolean;
  /** Only traces updated within this duration (30s, 10m, 2h). */
  since?: string;
  limit?: number;
}

/**
 * `evlab trace <eventId|requestId|messageId>` and `evlab trace --failed`: the engine's trace trees. Other endpoints
 * keep no traces: it says so and shows what they do have, the log lines with that id and the DLQ contents.
 */
export async function runTrace(options: TraceOptions, ctx: CommandContext): Promise<number> {
  if (!options.id && !options.failed) throw new ConfigError('MissingTraceId', 'name an EventId, a request id or a message id, or pass --failed', { hint: 'evlab trace 4f1c…  or  evlab trace --failed' });
  if (options.id && options.failed) throw new ConfigError('ConflictingTraceArgs', 'give an id or --failed, not both', { hint: 'evlab trace --failed' });
  const since = options.since ? Date.now() - parseDuration(options.since) : undefined;
  const loaded = await loadOptionalStack(ctx);
  const { connect } = await import('../aws/connect.js');
  const conn = await connect(ctx, { stack: loaded?.stack, projectDir: loaded?.dir });
  const { out } = ctx;
  try {
    if (conn.endpoint.kind !== 'evlab') return await fallback(conn, options, ctx, loaded?.stack);
    const { getTrace, listTraces } = await import('../trace/fetch.js');
    const { renderTrace } = await import('../trace/render.js');
    if (options.id) {
      const found = await getTrace(conn.target.endpoint, options.id, ctx.signal);
      if (!found) {
        const stats = (await listTraces(conn.target.endpoint, { limit: 1 }, ctx.signal));
        out.result({ ok: false, id: options.id, trace: null, kept: stats.kept, droppedTraces: stats.droppedTraces }, () =>
          `no trace knows ${options.id} (the engine keeps the last ${stats.maxTraces} traces; ${stats.droppedTraces} dropped so far). Ids are EventIds (evlab fire prints them with --json), request ids, SQS message ids and API request ids (evlab call prints them).`,
        );
        return ExitCode.failed;
      }
      out.result({ ok: true, trace: found.trace, children: found.children }, (r) =>
        [...renderTrace(r.trace, out.c, { label: labelOf(r.trace), related: r.children }), ...(r.trace.parent ? [out.c.dim(`  caused by trace ${r.trace.parent}${r.trace.causedBy ? ` (invocation ${r.trace.causedBy})` : ''}: evlab trace ${r.trace.parent}`)] : [])].join('\n'),
      );
      return ExitCode.ok;
    }
    const list = await listTraces(conn.target.endpoint, { failed: true, since, limit: options.limit ?? 1000 }, ctx.signal);
    const traces = [...list.traces].reverse(); // oldest first reads like a log
    out.result({ ok: true, failed: traces.length, kept: list.kept, droppedTraces: list.droppedTraces, traces }, (r) => {
      // A failed child (a message a function sent) names the trace that caused it: `evlab trace <parent>` draws both.
      const lines = r.traces.flatMap((t) => renderTrace(t, out.c, { label: t.parent ? `${labelOf(t)} (caused by ${t.parent})` : labelOf(t) }));
      lines.push(`${r.failed} failed trace${r.failed === 1 ? '' : 's'} of ${r.kept} kept${r.droppedTraces ? ` (${r.droppedTraces} older ones dropped)` : ''}`);
      return lines.join('\n');
    });
    return ExitCode.ok;
  } finally {
    conn.close();
  }
}

/** How a list names a trace: what it was (the event's source and detail type, the function, the queue) and its id. */
export function labelOf(trace: Trace): string {
  const first = trace.steps[0];
  if (trace.kind === 'event' && first) return `event ${trace.id} (${first.source}/${first.detailType})`;
  if (trace.kind === 'invocation' && first) return `invocation ${trace.id} of ${first.function}`;
  if (trace.kind === 'message' && first) return `message ${trace.id} in ${first.queue}`;
  if (trace.kind === 'api' && first) return `API request ${trace.id}`;
  return `${trace.kind} ${trace.id}`;
}

/** Not the engine: no traces; the log lines that name the id, and the DLQ contents. */
async function fallback(conn: Connection, options: TraceOptions, ctx: CommandContext, stack: import('../stack/types.js').StackFile | undefined): Promise<number> {
  const { out } = ctx;
  const note = `traces need evlab's embedded engine (evlab up); ${conn.endpoint.label} at ${conn.target.endpoint} keeps none. Showing what it has instead: ${options.id ? 'log lines with that id and ' : ''}the dead-letter queues.`;
  out.warn(note);
  const lines: { group: string; message: string; timestamp?: number }[] = [];
  if (options.id) {
    const logs = await conn.clients.logs();
    const { DescribeLogGroupsCommand, FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
    const groups = stack?.functions
      ? Object.keys(stack.functions).map((f) => `/aws/lambda/${f}`)
      : ((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }))).logGroups ?? []).map((g) => g.logGroupName!);
    for (const group of groups) {
      try {
        const page = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: `"${options.id}"` }), { abortSignal: ctx.signal });
        for (const e of page.events ?? []) lines.push({ group, message: (e.message ?? '').trimEnd(), timestamp: e.timestamp });
      } catch (err) {
        if (ctx.signal.aborted) throw err;
      }
    }
  }
  const { findDeadLetterQueues } = await import('../dlq/discover.js');
  const { readDeadLetters } = await import('../dlq/read.js');
  const deadLetters = [];
  for (const dlq of await findDeadLetterQueues(conn, stack, ctx.signal)) {
    const { messages } = await readDeadLetters(conn, dlq, ctx.signal);
    deadLetters.push(...messages.filter((m) => !options.id || m.messageId === options.id || m.requestId === options.id || m.body.includes(options.id)));
  }
  const { renderDeadLetter } = await import('./dlq.js');
  out.result({ ok: true, traces: null, note, logLines: lines, deadLetters }, (r) =>
    [
      ...(options.id ? [`log lines with ${options.id}: ${r.logLines.length}`, ...r.logLines.map((l) => `  ${l.group}  ${l.message}`)] : []),
      `dead letters${options.id ? ` naming ${options.id}` : ''}: ${r.deadLetters.length}`,
      ...r.deadLetters.map((m) => `${m.queue}\n${renderDeadLetter(m, out.c)}`),
    ].join('\n'),
  );
  return ExitCode.ok;
}

function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new ConfigError('InvalidDuration', `--since ${text} is not a duration`, { hint: 'e.g. --since 30s, 10m, 2h' });
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
