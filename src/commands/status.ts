import { relative } from 'node:path';
import type { CommandContext } from '../context.js';
import { ConfigError, ExitCode } from '../errors.js';
import { loadOptionalStack } from '../status/stack-resources.js';

export interface StatusOptions {
  /** Items shown per table. */
  limit?: number;
  /** Exit 1 when a dead-letter queue holds messages or a resource is missing. */
  check?: boolean;
  /** Read again every this many seconds until Ctrl-C: redrawn in place on a terminal, one result per round otherwise. */
  watch?: number;
}

/** `evlab status`: the endpoint, every resource of the stack and its problems, read in parallel. */
export async function runStatus(options: StatusOptions, ctx: CommandContext): Promise<number> {
  const limit = options.limit ?? 5;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new ConfigError('InvalidLimit', `--limit must be a whole number ≥ 0, not "${options.limit}"`, { hint: '--limit 20' });
  }
  if (options.watch !== undefined && (!Number.isFinite(options.watch) || options.watch < 0.5)) {
    throw new ConfigError('InvalidWatch', `--watch takes seconds between reads (at least 0.5), not "${options.watch}"`, { hint: '--watch 2' });
  }
  const found = await loadOptionalStack(ctx);
  const { connect } = await import('../aws/connect.js');
  // Without a stack file nothing is started: an inventory of an endpoint that is not running would be empty.
  const conn = await connect(ctx, { stack: found?.stack, autoStart: Boolean(found), projectDir: found?.dir });
  try {
    const [{ gatherStatus }, { renderStatus }, { failsCheck }] = await Promise.all([
      import('../status/gather.js'),
      import('../status/render.js'),
      import('../status/problems.js'),
    ]);
    const read = async () => {
      if (found) {
        const status = await gatherStatus(conn, found, { limit, stackFile: relative(ctx.cwd, found.file) || found.file });
        if (!found.template) return status;
        // A template's Outputs, with the local URLs and ids the endpoint assigned.
        const { resolveTemplateOutputs } = await import('../template/outputs.js');
        return { ...status, outputs: resolveTemplateOutputs(found.template, status) };
      }
      const { readInventory } = await import('../status/inventory.js');
      const inventory = await readInventory(conn);
      const loaded = { stack: inventory.stack, file: '', dir: ctx.cwd };
      const status = await gatherStatus(conn, loaded, { limit, stackFile: `none here: everything ${conn.endpoint.label} holds` });
      status.inventory = { logGroups: inventory.logGroups, unavailable: inventory.unavailable };
      return status;
    };
    const { renderTemplateOutputs } = await import('../template/outputs.js');
    const render = (s: Awaited<ReturnType<typeof read>>) =>
      [renderStatus(s, { c: ctx.out.c, width: (process.stdout as { columns?: number }).columns ?? 120 }), 'outputs' in s && s.outputs ? renderTemplateOutputs(s.outputs, ctx.out.c) : '']
        .filter(Boolean)
        .join('\n\n');
    if (options.watch !== undefined) return watch(options.watch, read, render, ctx);
    const status = await read();
    ctx.out.result(status, render);
    return options.check && failsCheck(status.problems) ? ExitCode.failed : ExitCode.ok;
  } finally {
    conn.close();
  }
}

/**
 * `status --watch`: a fresh read every `seconds` until Ctrl-C (exit 0). On a terminal the view is redrawn in
 * place with the time of the read; piped, each round is printed in full (an NDJSON line each with --json).
 */
async function watch<T extends object>(seconds: number, read: () => Promise<T>, render: (s: T) => string, ctx: CommandContext): Promise<number> {
  const { setTimeout: delay } = await import('node:timers/promises');
  const { out } = ctx;
  while (!ctx.signal.aborted) {
    const status = await read();
    if (out.json) out.jsonLine(status);
    else if (out.interactive) out.redraw(`${render(status)}\n${out.c.dim(`read at ${new Date().toLocaleTimeString()}, every ${seconds} s; Ctrl-C stops`)}`);
    else out.line(`${render(status)}\n`);
    try {
      await delay(seconds * 1000, undefined, { signal: ctx.signal });
    } catch {
      break;
    }
  }
  return ExitCode.ok;
}
