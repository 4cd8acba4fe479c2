import type { CommandContext } from '../context.js';
import { readRecord, removeRecord, stopEngineProcess } from '../engine-control/detached.js';
import { resolveTarget } from '../aws/target.js';

/** Stops the engine recorded under .evlab/, or the evlab engine answering at the target endpoint. */
export async function runDown(ctx: CommandContext): Promise<number> {
  const record = readRecord(ctx.cwd);
  let pid = record?.pid;
  let url = record?.url;
  if (!pid) {
    const target = resolveTarget(ctx.flags, ctx.env);
    url = target.endpoint;
    try {
      const res = await fetch(`${target.endpoint}/_evlab/health`, { signal: AbortSignal.timeout(2000) });
      const body = (await res.json()) as { engine?: string; pid?: number };
      if (body.engine === 'evlab') pid = body.pid;
    } catch {
      /* nothing there */
    }
  }
  const stopped = pid ? await stopEngineProcess(pid) : false;
  removeRecord(ctx.cwd);
  ctx.out.result({ stopped, pid: pid ?? null, url: url ?? null }, (r) =>
    r.stopped ? `stopped the evlab engine at ${r.url} (pid ${r.pid})` : 'no evlab engine was running',
  );
  return 0;
}
