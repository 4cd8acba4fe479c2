import { relative } from 'node:path';
import type { CommandContext } from '../context.js';
import { ConfigError, ExitCode } from '../errors.js';
import { loadOptionalStack } from '../status/stack-resources.js';

export interface StatusOptions {
  /** Items shown per table. */
  limit?: number;
  /** Exit 1 when a dead-letter queue holds messages or a resource is missing. */
  check?: boolean;
}

/** `evlab status`: the endpoint, every resource of the stack and its problems, read in parallel. */
export async function runStatus(options: StatusOptions, ctx: CommandContext): Promise<number> {
  const limit = options.limit ?? 5;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new ConfigError('InvalidLimit', `--limit must be a whole number ≥ 0, not "${options.limit}"`, { hint: '--limit 20' });
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
    let status;
    if (found) status = await gatherStatus(conn, found, { limit, stackFile: relative(ctx.cwd, found.file) || found.file });
    else {
      const { readInventory } = await import('../status/inventory.js');
      const inventory = await readInventory(conn);
      const loaded = { stack: inventory.stack, file: '', dir: ctx.cwd };
      status = await gatherStatus(conn, loaded, { limit, stackFile: `none here: everything ${conn.endpoint.label} holds` });
      status.inventory = { logGroups: inventory.logGroups, unavailable: inventory.unavailable };
    }
    const width = (process.stdout as { columns?: number }).columns ?? 120;
    ctx.out.result(status, (s) => renderStatus(s, { c: ctx.out.c, width }));
    return options.check && failsCheck(status.problems) ? ExitCode.failed : ExitCode.ok;
  } finally {
    conn.close();
  }
}
