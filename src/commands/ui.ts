import type { CommandContext } from '../context.js';
import { ExitCode, OperationError } from '../errors.js';

export interface UiOptions {
  /** Open the page in the system's browser. */
  open?: boolean;
}

/** Where the dashboard of an engine at `url` is. */
export const dashboardUrl = (url: string): string => `${url.replace(/\/+$/, '')}/_evlab/ui/`;

/**
 * `evlab ui`: the web dashboard's address. The page is served by the embedded engine itself (started here when
 * nothing answers at the default endpoint), so other endpoints get a clear no with the command that starts one.
 */
export async function runUi(options: UiOptions, ctx: CommandContext): Promise<number> {
  const { loadOptionalStack } = await import('../status/stack-resources.js');
  const loaded = await loadOptionalStack(ctx);
  const { connect } = await import('../aws/connect.js');
  const conn = await connect(ctx, { stack: loaded?.stack, autoStart: true, projectDir: loaded?.dir });
  try {
    const url = conn.target.endpoint;
    if (conn.endpoint.kind !== 'evlab') {
      throw new OperationError('NoDashboard', `the dashboard is part of evlab's engine; ${conn.endpoint.label} at ${url} has none`, {
        hint: 'start the engine: evlab up --ui (then point the other commands at it with --endpoint if it is on another port)',
      });
    }
    const page = dashboardUrl(url);
    const { httpGet } = await import('../aws/http-get.js');
    const answer = await httpGet(page, ctx.signal);
    if (answer.status !== 200) {
      throw new OperationError('NoDashboard', `the engine at ${url} does not serve the dashboard (HTTP ${answer.status}): it is an older evlab`, {
        hint: 'restart it with this evlab: evlab down && evlab up --ui',
      });
    }
    if (options.open) openInBrowser(page, ctx);
    ctx.out.result({ url: page, endpoint: url, startedEngine: Boolean(conn.startedEngine) }, (r) => r.url);
    return ExitCode.ok;
  } finally {
    conn.close();
  }
}

function openInBrowser(page: string, ctx: CommandContext): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  void import('node:child_process').then(({ spawn }) => {
    const child = spawn(opener, [page], { detached: true, stdio: 'ignore' });
    child.on('error', () => ctx.out.warn(`could not start ${opener}: open ${page} in a browser`));
    child.unref();
  });
}
