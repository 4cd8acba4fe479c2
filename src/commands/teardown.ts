import { connect } from '../aws/connect.js';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../errors.js';
import { applyChanges } from '../stack/apply.js';
import { desiredState } from '../stack/desired.js';
import { loadStack } from '../stack/load.js';
import type { Change } from '../stack/model.js';
import { planTeardown } from '../stack/plan.js';
import { readActualState } from '../stack/read-actual.js';
import { renderChanges } from '../stack/render.js';

export interface TeardownResult {
  stack: string;
  endpoint: { url: string; kind: string; label: string };
  /** What was deleted, dependents first. */
  deletions: Change[];
  /** Resources the stack names that did not exist. */
  missing: Change['resource'][];
  /** Resources of the stack's names that evlab did not create: left in place unless --adopt. */
  kept: Change['resource'][];
  applied: boolean;
  durationMs: number;
}

/**
 * `evlab teardown`: deletes only what the stack file names (and what hangs off it: targets of its rules,
 * evlab's invoke permissions, its functions' queue mappings). Missing resources are fine. Never starts
 * an engine: there is nothing to delete on an endpoint that is not running.
 */
export interface TeardownOptions {
  /** Also delete resources of the stack's names that evlab did not create. */
  adopt?: boolean;
}

export async function teardown(ctx: CommandContext, options: TeardownOptions = {}): Promise<TeardownResult> {
  const started = Date.now();
  const loaded = await loadStack(ctx);
  const conn = await connect(ctx, { stack: loaded.stack, autoStart: false, projectDir: loaded.dir, writes: 'evlab teardown deletes the stack\'s resources' });
  try {
    const desired = desiredState(loaded.stack, { codeSha256: {}, ensureRole: false });
    const actual = await readActualState(conn.clients, desired, { region: conn.target.region, endpointKind: conn.endpoint.kind });
    const changes = planTeardown(desired, actual.state);
    const { readOwned, needingAdoption, forgetDeleted } = await import('../stack/ownership.js');
    const notOurs = options.adopt ? [] : needingAdoption(changes, await readOwned(loaded.dir, conn.target.endpoint));
    const deletions = changes.filter((c) => c.action === 'delete' && !notOurs.includes(c));
    if (deletions.length) {
      if (!ctx.out.json) ctx.out.progress(`deleting ${deletions.length} resource${deletions.length === 1 ? '' : 's'}…`);
      await applyChanges(deletions, { clients: conn.clients, stack: loaded.stack, desired, actual: actual.state, refs: actual.refs, packages: {}, signal: ctx.signal });
      await forgetDeleted(loaded.dir, conn.target.endpoint, deletions);
    }
    return {
      stack: loaded.file,
      endpoint: { url: conn.target.endpoint, kind: conn.endpoint.kind, label: conn.endpoint.label },
      deletions,
      missing: changes.filter((c) => c.action === 'noop').map((c) => c.resource),
      kept: notOurs.map((c) => c.resource),
      applied: true,
      durationMs: Date.now() - started,
    };
  } finally {
    conn.close();
  }
}

export async function runTeardown(options: TeardownOptions, ctx: CommandContext): Promise<number> {
  const result = await teardown(ctx, options);
  ctx.out.result(result, (r) => {
    const c = ctx.out.c;
    const lines = renderChanges(r.deletions, c);
    const gone = r.missing.length ? `; ${r.missing.length} already gone` : '';
    lines.push(r.deletions.length ? `deleted ${r.deletions.length} resource${r.deletions.length === 1 ? '' : 's'} at ${r.endpoint.url} (${r.endpoint.label})${gone}` : `nothing to delete at ${r.endpoint.url}${gone}`);
    if (r.kept.length) {
      lines.push(c.yellow(`kept ${r.kept.length}, which evlab did not create: ${r.kept.map((k) => `${k.type} ${k.name}`).join(', ')} (\`evlab teardown --adopt\` deletes them too)`));
    }
    return lines.join('\n');
  });
  return result.kept.length ? ExitCode.failed : ExitCode.ok;
}
