import { relative } from 'node:path';
import type { CommandContext } from '../context.js';
import { ConfigError, ExitCode } from '../errors.js';
import { loadRequiredStack } from '../status/stack-resources.js';

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
  const loaded = await loadRequiredStack(ctx);
  const { connect } = await import('../aws/connect.js');
  const conn = await connect(ctx, { stack: loaded.stack, autoStart: true, projectDir: loaded.dir });
  try {
    const [{ gatherStatus }, { renderStatus }, { failsCheck }] = await Promise.all([
      import('../status/gather.js'),
      import('../status/render.js'),
      import('../status/problems.js'),
    ]);
    const status = await gatherStatus(conn, loaded, { limit, stackFile: relative(ctx.cwd, loaded.file) || loaded.file });
    const width = (process.stdout as { columns?: number }).columns ?? 120;
    ctx.out.result(status, (s) => renderStatus(s, { c: ctx.out.c, width }));
    return options.check && failsCheck(status.problems) ? ExitCode.failed : ExitCode.ok;
  } finally {
    conn.close();
  }
}
