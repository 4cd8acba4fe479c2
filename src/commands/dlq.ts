import type { CommandContext } from '../context.js';
import { ConfigError, ExitCode, OperationError } from '../errors.js';
import type { Connection } from '../aws/connect.js';
import type { DeadLetter, DeadLetterQueue } from '../dlq/types.js';
import { loadOptionalStack } from '../status/stack-resources.js';

export interface DlqOptions {
  queue?: string;
}

const BODY_CHARS = 200;

/** `evlab dlq [queue]`: every message of the stack's (or the endpoint's) dead-letter queues, left in place. */
export async function runDlqList(options: DlqOptions, ctx: CommandContext): Promise<number> {
  return withDlqs(ctx, options.queue, async (conn, dlqs) => {
    const { readDeadLetters } = await import('../dlq/read.js');
    const { out } = ctx;
    const c = out.c;
    for (const dlq of dlqs) {
      const { messages, method } = await readDeadLetters(conn, dlq, ctx.signal);
      if (out.json) {
        for (const m of messages) out.jsonLine(m);
        continue;
      }
      const how = method === 'peek' ? 'peeked: they stay in the queue' : 'read by receiving with a 1 s visibility timeout: they stay, each read counts as a receive';
      out.line(`${c.bold(dlq.name)}: ${messages.length} message${messages.length === 1 ? '' : 's'} (${feeders(dlq)}; ${how})`);
      for (const m of messages) out.line(renderDeadLetter(m, c));
    }
    if (!out.json && dlqs.length === 0) out.line('no dead-letter queues at this endpoint');
    return ExitCode.ok;
  });
}

export interface DlqRedriveOptions extends DlqOptions {
  to?: string;
  dryRun?: boolean;
  rate?: number;
}

/** `evlab dlq redrive [queue] [--to function|queue] [--dry-run]` */
export async function runDlqRedrive(options: DlqRedriveOptions, ctx: CommandContext): Promise<number> {
  if (options.rate !== undefined && (!Number.isInteger(options.rate) || options.rate < 1 || options.rate > 500)) {
    throw new ConfigError('InvalidRate', `--rate must be a whole number of messages per second from 1 to 500, not "${options.rate}"`, { hint: '--rate 50' });
  }
  const loaded = await loadOptionalStack(ctx);
  return withDlqs(ctx, options.queue, async (conn, dlqs) => {
    const { resolveDestination, redrive } = await import('../dlq/redrive.js');
    const { readDeadLetters } = await import('../dlq/read.js');
    const { out } = ctx;
    const results = [];
    // Resolve every destination before moving anything: an ambiguous queue must not leave the others half done.
    const plans = [];
    for (const dlq of dlqs) plans.push({ dlq, destination: await resolveDestination(conn, dlq, options.to, ctx.signal) });
    for (const { dlq, destination } of plans) {
      const where = destination.kind === 'function' ? `function ${destination.name} (asynchronous invoke with the original event)` : destination.kind === 'queue' ? `queue ${destination.name}` : `their source queue (${destination.name})`;
      if (options.dryRun) {
        const { messages } = await readDeadLetters(conn, dlq, ctx.signal);
        results.push({ queue: dlq.name, destination, dryRun: true, messages: messages.length });
        if (!out.json) out.line(`would hand ${messages.length} message${messages.length === 1 ? '' : 's'} of ${dlq.name} back to ${where}, deleting each after its hand-on`);
        continue;
      }
      out.progress(`redriving ${dlq.name} → ${where}`);
      const result = await redrive(conn, dlq, destination, { to: options.to, rate: options.rate, signal: ctx.signal, progress: (l) => out.progress(l), projectDir: loaded?.dir ?? ctx.cwd });
      results.push(result);
      if (!out.json) {
        const extra = [
          result.alreadyHandedOn ? `${result.alreadyHandedOn} handed on by an earlier run` : '',
          result.uncertain ? out.c.yellow(`${result.uncertain} may have been handed on twice (the earlier run stopped right after handing them on)`) : '',
        ].filter(Boolean);
        const mark = result.failureReason ? out.c.red('✗') : result.interrupted ? out.c.yellow('!') : out.c.green('✓');
        out.line(`${mark} ${dlq.name}: ${result.handedOn} message${result.handedOn === 1 ? '' : 's'} handed back to ${where} and deleted${extra.length ? `; ${extra.join('; ')}` : ''}${result.interrupted ? ' — interrupted: the rest stay in the DLQ; run it again to finish' : ''}`);
        if (result.failureReason) out.line(out.c.red(`  ${result.failureReason}`));
      }
    }
    if (out.json) out.result({ ok: !results.some((r) => 'failureReason' in r && r.failureReason), results }, () => '');
    if (results.some((r) => 'interrupted' in r && r.interrupted)) return ExitCode.interrupted;
    return results.some((r) => 'failureReason' in r && r.failureReason) ? ExitCode.failed : ExitCode.ok;
  }, options.dryRun ? undefined : 'evlab dlq redrive moves dead letters');
}

export interface DlqPurgeOptions extends DlqOptions {
  yes?: boolean;
}

/** `evlab dlq purge [queue]`: asks on a terminal; elsewhere --yes must say so. */
export async function runDlqPurge(options: DlqPurgeOptions, ctx: CommandContext): Promise<number> {
  return withDlqs(ctx, options.queue, async (conn, dlqs) => {
    const { out } = ctx;
    const names = dlqs.map((d) => d.name).join(', ');
    if (dlqs.length === 0) {
      out.result({ purged: [] }, () => 'no dead-letter queues to purge');
      return ExitCode.ok;
    }
    if (!options.yes && !ctx.flags.yes) {
      if (!process.stdin.isTTY || !process.stderr.isTTY) {
        throw new ConfigError('ConfirmationRequired', `purging deletes every message of ${names} for good; not on a terminal, so nothing was asked and nothing deleted`, { hint: `evlab dlq purge ${options.queue ?? ''} --yes`.replace('  ', ' ') });
      }
      const { askYesNo } = await import('../ui/ask.js');
      if (!(await askYesNo(`delete every message of ${names}? [y/N] `))) {
        out.result({ purged: [] }, () => 'nothing purged');
        return ExitCode.ok;
      }
    }
    const sqs = await conn.clients.sqs();
    const { PurgeQueueCommand, GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
    const purged = [];
    for (const dlq of dlqs) {
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.url, AttributeNames: ['ApproximateNumberOfMessages'] }));
      await sqs.send(new PurgeQueueCommand({ QueueUrl: dlq.url }));
      purged.push({ queue: dlq.name, messages: Number(Attributes.ApproximateNumberOfMessages ?? 0) });
    }
    out.result({ purged }, (r) => r.purged.map((p) => `✓ purged ${p.queue} (${p.messages} message${p.messages === 1 ? '' : 's'})`).join('\n'));
    return ExitCode.ok;
  }, 'evlab dlq purge deletes dead letters');
}

/** Connects, finds the DLQs (or the one named) and runs `body`. */
async function withDlqs(ctx: CommandContext, queue: string | undefined, body: (conn: Connection, dlqs: DeadLetterQueue[]) => Promise<number>, writes?: string): Promise<number> {
  const loaded = await loadOptionalStack(ctx);
  const { connect } = await import('../aws/connect.js');
  const conn = await connect(ctx, { stack: loaded?.stack, projectDir: loaded?.dir, writes });
  try {
    const { findDeadLetterQueues } = await import('../dlq/discover.js');
    const all = await findDeadLetterQueues(conn, loaded?.stack, ctx.signal);
    if (!queue) return await body(conn, all);
    const known = all.find((d) => d.name === queue);
    if (known) return await body(conn, [known]);
    const named = await queueByName(conn, queue);
    if (!named) {
      throw new OperationError('QueueNotFound', `no queue named ${queue} at ${conn.target.endpoint}`, {
        hint: all.length ? `dead-letter queues there: ${all.map((d) => d.name).join(', ')}` : 'run evlab setup, or check the name',
      });
    }
    return await body(conn, [{ name: queue, ...named, functions: [], sourceQueues: [], ruleTargets: [] }]);
  } finally {
    conn.close();
  }
}

async function queueByName(conn: Connection, name: string): Promise<{ url: string; arn: string } | undefined> {
  const sqs = await conn.clients.sqs();
  const { GetQueueUrlCommand, GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    return { url: QueueUrl!, arn: Attributes.QueueArn! };
  } catch {
    return undefined;
  }
}

function feeders(dlq: DeadLetterQueue): string {
  const parts = [...dlq.functions.map((f) => `function ${f}`), ...dlq.sourceQueues.map((q) => `queue ${q}`), ...dlq.ruleTargets.map((t) => `rule target ${t}`)];
  return parts.length ? `dead letters of ${parts.join(', ')}` : 'not named as a dead-letter queue';
}

export function renderDeadLetter(m: DeadLetter, c: import('chalk').ChalkInstance): string {
  const head = [
    `  ${c.bold(m.messageId)}`,
    m.requestId ? `RequestID ${m.requestId}` : '',
    m.errorCode ? `ErrorCode ${m.errorCode}` : '',
    `receives ${m.receiveCount}`,
    m.sentAt ? c.dim(m.sentAt) : '',
  ].filter(Boolean);
  const lines = [head.join('  ')];
  if (m.errorMessage) lines.push(`    ${c.red(`ErrorMessage: ${m.errorMessage}`)}`);
  if (m.sourceQueueArn) lines.push(`    from queue ${m.sourceQueueArn.slice(m.sourceQueueArn.lastIndexOf(':') + 1)}`);
  if (m.ruleArn) lines.push(`    rule ${m.ruleArn.slice(m.ruleArn.lastIndexOf('/') + 1)} → ${m.targetArn ?? '?'}`);
  const body = m.body.length > BODY_CHARS ? m.body.slice(0, BODY_CHARS - 1) + '…' : m.body;
  lines.push(`    body: ${body}`);
  return lines.join('\n');
}
