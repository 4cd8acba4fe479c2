import type { CommandContext } from '../context.js';
import { engineHealth, recordedEngine, recordPath, removeRecord, stopEngineProcess } from '../engine-control/detached.js';
import { findProject } from '../engine-control/project.js';
import { resolveTarget } from '../aws/target.js';

export interface DownOptions {
  /** Also stop an evlab engine this project did not start, when one answers at the resolved endpoint. */
  any?: boolean;
}

interface Stopped {
  pid: number;
  url: string;
  /** Recorded in .evlab/engine.json (started by this project), or stopped because of --any. */
  recorded: boolean;
}

/**
 * `evlab down`: stops the engine recorded in the project's .evlab/engine.json (the stack file's folder, else
 * the current folder). An engine it did not start — in the foreground, from another folder, by someone else —
 * is left alone unless --any asks to stop the one answering at the endpoint. Nothing running is not an error.
 */
export async function runDown(options: DownOptions, ctx: CommandContext): Promise<number> {
  const project = await findProject(ctx);
  const dirs = [...new Set([project.dir, ctx.cwd])];
  const stopped: Stopped[] = [];
  const staleRecords: { file: string; pid: number; url: string }[] = [];
  for (const dir of dirs) {
    const found = await recordedEngine(dir);
    if (!found) continue;
    const { record } = found;
    if (found.running && (await stopEngineProcess(record.pid))) stopped.push({ pid: record.pid, url: record.url, recorded: true });
    else if (!found.running) staleRecords.push({ file: recordPath(dir), pid: record.pid, url: record.url });
    removeRecord(dir);
  }

  // The engine at the endpoint: stopped with --any, otherwise only mentioned.
  let unrecorded: { pid: number; url: string } | undefined;
  let url: string | undefined;
  try {
    url = resolveTarget(ctx.flags, ctx.env, project.stack).endpoint;
  } catch (err) {
    if (options.any) throw err;
  }
  if (url) {
    const health = await engineHealth(url);
    if (health?.pid && !stopped.some((s) => s.pid === health.pid)) {
      if (options.any) {
        if (await stopEngineProcess(health.pid)) stopped.push({ pid: health.pid, url, recorded: false });
      } else unrecorded = { pid: health.pid, url };
    }
  }

  const first = stopped[0];
  const result = {
    stopped: stopped.length > 0,
    pid: first?.pid ?? null,
    url: first?.url ?? null,
    engines: stopped,
    staleRecords,
    unrecorded: unrecorded ?? null,
  };
  ctx.out.result(result, (r) => {
    const lines = r.engines.map((e) =>
      e.recorded
        ? `stopped the evlab engine at ${e.url} (pid ${e.pid}) that this project started`
        : `stopped the evlab engine at ${e.url} (pid ${e.pid}), which this project had not started (--any)`,
    );
    for (const s of r.staleRecords) lines.push(`removed ${s.file}: its engine (pid ${s.pid}, ${s.url}) is no longer running`);
    if (r.engines.length === 0) lines.push(`no evlab engine of this project was running${r.staleRecords.length ? "" : ` (nothing recorded in ${recordPath(project.dir)})`}`);
    if (r.unrecorded) {
      lines.push(
        `an evlab engine this project did not start answers at ${r.unrecorded.url} (pid ${r.unrecorded.pid}); left running. ` +
          `To stop it anyway: evlab down --any --endpoint ${r.unrecorded.url}`,
      );
    }
    return lines.join('\n');
  });
  return 0;
}
