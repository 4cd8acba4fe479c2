import { relative } from 'node:path';
import { connect } from '../aws/connect.js';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../errors.js';
import { packageStackFunctions } from '../package/index.js';
import { applyChanges } from '../stack/apply.js';
import { desiredState } from '../stack/desired.js';
import { loadStack } from '../stack/load.js';
import type { Change } from '../stack/model.js';
import { planStack, summarise } from '../stack/plan.js';
import { accountCheck, engineInterpreters, interpreterChecks, serviceChecks, servicesNeeded, type Check } from '../stack/prerequisites.js';
import { readActualState } from '../stack/read-actual.js';
import { renderChanges, renderChecks, renderSummary } from '../stack/render.js';
import type { LoadedStack } from '../stack/types.js';
import { reportStackSource, templateReport, type TemplateReport } from '../template/report.js';

export interface SetupOptions {
  fresh?: boolean;
  dryRun?: boolean;
  /** Change or delete resources of the stack's names that evlab did not create (see stack/ownership.ts). */
  adopt?: boolean;
}

export interface SetupResult {
  stack: string;
  endpoint: { url: string; kind: string; label: string; startedByEvlab: boolean };
  checks: Check[];
  changes: Change[];
  /** Changes to resources evlab did not create: applied only with --adopt or a yes on a terminal. */
  adoptions: Change[];
  /** The adoptions that were not applied (none with --adopt). */
  skipped: Change[];
  summary: ReturnType<typeof summarise>;
  dryRun: boolean;
  applied: boolean;
  durationMs: number;
  /** Set when the stack is a SAM / CloudFormation template: what does not run locally. */
  template?: TemplateReport;
}

/**
 * `evlab setup`: validate the stack file, check prerequisites, read what the endpoint has, plan, apply.
 * Returns the result; prerequisites that fail leave the endpoint untouched (applied: false).
 */
export interface SetupHooks {
  onChecks?: (checks: Check[]) => void;
  /** Asked before changing resources evlab did not create (without --adopt); no hook means no. */
  confirmAdoption?: (adoptions: Change[]) => Promise<boolean>;
}

export async function setup(options: SetupOptions, ctx: CommandContext, hooks: SetupHooks = {}): Promise<SetupResult> {
  const started = Date.now();
  const loaded = await loadStack(ctx);
  if (!ctx.out.json) reportStackSource(loaded, ctx.out, ctx.cwd);
  // The SDK packages take ~200 ms to load: start now, while the endpoint is probed.
  warmSdk(loaded.stack);
  const conn = await connect(ctx, { stack: loaded.stack, autoStart: true, projectDir: loaded.dir, writes: options.dryRun ? undefined : 'evlab setup creates or changes the stack\'s resources' });
  try {
    // The role is created where a local endpoint checks that it exists (moto does); evlab's engine does not check
    // roles, so it is left alone there and the IAM client is never loaded.
    const ensureRole = conn.target.local && conn.endpoint.kind !== 'evlab';
    if (servicesNeeded(loaded.stack, ensureRole).includes('iam')) SDK_MODULES.iam().catch(() => undefined);
    const region = conn.target.region;
    // Reading needs only names, so it runs alongside the checks and the packaging.
    const names = desiredState(loaded.stack, { codeSha256: {}, ensureRole });
    const [checks, packages, read] = await Promise.allSettled([
      prerequisites(loaded, conn.endpoint, conn.target.endpoint, Boolean(conn.startedEngine), ensureRole),
      packageStackFunctions(loaded),
      readActualState(conn.clients, names, { region, endpointKind: conn.endpoint.kind }),
    ]);
    const checklist = settled(checks);
    const result = (changes: Change[], applied: boolean, adoptions: Change[] = [], skipped: Change[] = []): SetupResult => ({
      stack: loaded.file,
      endpoint: { url: conn.target.endpoint, kind: conn.endpoint.kind, label: conn.endpoint.label, startedByEvlab: Boolean(conn.startedEngine) },
      checks: checklist,
      changes,
      adoptions,
      skipped,
      summary: summarise(changes.filter((c) => !skipped.includes(c))),
      dryRun: Boolean(options.dryRun),
      applied,
      durationMs: Date.now() - started,
      ...(loaded.template ? { template: templateReport(loaded.template) } : {}),
    });
    if (checklist.some((c) => c.status === 'fail')) return result([], false);
    hooks.onChecks?.(checklist);

    const code = settled(packages);
    const actual = settled(read);
    const desired = desiredState(loaded.stack, { codeSha256: Object.fromEntries(Object.entries(code).map(([n, p]) => [n, p.codeSha256])), ensureRole });
    const changes = planStack(desired, actual.state, { fresh: options.fresh });
    const { readOwned, needingAdoption, recordApplied } = await import('../stack/ownership.js');
    const adoptions = needingAdoption(changes, await readOwned(loaded.dir, conn.target.endpoint));
    const work = changes.filter((c) => c.action !== 'noop');
    if (options.dryRun || work.length === 0) return result(changes, false, adoptions);
    const adopt = adoptions.length === 0 || options.adopt || (await hooks.confirmAdoption?.(adoptions)) === true;
    const skipped = adopt ? [] : adoptions;
    const toApply = changes.filter((c) => !skipped.includes(c));
    const applying = toApply.filter((c) => c.action !== 'noop').length;
    if (applying === 0) return result(changes, false, adoptions, skipped);
    if (!ctx.out.json) ctx.out.progress(`applying ${applying} change${applying === 1 ? '' : 's'}…`);
    await applyChanges(toApply, { clients: conn.clients, stack: loaded.stack, desired, actual: actual.state, refs: actual.refs, packages: code, signal: ctx.signal, dir: loaded.dir });
    await recordApplied(loaded.dir, conn.target.endpoint, toApply);
    return result(changes, true, adoptions, skipped);
  } finally {
    conn.close();
  }
}

export async function runSetup(options: SetupOptions, ctx: CommandContext): Promise<number> {
  // The checks are printed as soon as they pass, so they read as what came before the changes, not after.
  let checksShown = false;
  const onChecks = (checks: Check[]) => {
    if (ctx.out.json) return;
    ctx.out.line([ctx.out.c.bold('Checks'), ...renderChecks(checks, ctx.out.c)].join('\n'));
    checksShown = true;
  };
  const confirmAdoption = async (adoptions: Change[]) => {
    const { canAsk, askYesNo } = await import('../ui/ask.js');
    if (!canAsk(ctx.out.json)) return false;
    ctx.out.info(ctx.out.c.yellow(`${adoptions.length} resource${adoptions.length === 1 ? '' : 's'} of the stack's names exist${adoptions.length === 1 ? 's' : ''} that evlab did not create:`));
    for (const line of renderChanges(adoptions, ctx.out.c)) ctx.out.info(line);
    return askYesNo('take them over and apply these changes? [y/N] ');
  };
  const result = await setup(options, ctx, { onChecks, confirmAdoption });
  ctx.out.result(result, (r) => renderSetup(r, ctx, checksShown));
  if (result.checks.some((c) => c.status === 'fail')) {
    if (!ctx.out.json) ctx.out.errorText(ctx.out.c.red('setup stopped: fix the failed checks above, then run `evlab setup` again (nothing was changed)'));
    return ExitCode.failed;
  }
  if (result.skipped.length > 0) {
    if (!ctx.out.json) {
      ctx.out.errorText(
        ctx.out.c.yellow(
          `${result.skipped.length} change${result.skipped.length === 1 ? '' : 's'} not applied: evlab did not create ${result.skipped.length === 1 ? 'that resource' : 'those resources'}; ` +
            '`evlab setup --adopt` takes them over (or rename them in the stack file)',
        ),
      );
    }
    return ExitCode.failed;
  }
  return ExitCode.ok;
}

function renderSetup(r: SetupResult, ctx: CommandContext, checksShown: boolean): string {
  const c = ctx.out.c;
  const lines = checksShown ? [] : [c.bold('Checks'), ...renderChecks(r.checks, c)];
  if (r.checks.some((k) => k.status === 'fail')) return lines.join('\n');
  const changed = renderChanges(r.changes.filter((x) => !r.adoptions.includes(x)), c);
  const adopted = r.adoptions.map((a) => {
    const [line] = renderChanges([a], c);
    const note = r.dryRun ? 'adopt: evlab did not create it' : r.skipped.includes(a) ? 'adopt, skipped: evlab did not create it (--adopt)' : 'adopted: evlab did not create it';
    return `${line} ${c.yellow(`[${note}]`)}`;
  });
  if (changed.length || adopted.length) lines.push(c.bold(r.dryRun ? 'Plan (dry run: nothing was changed)' : 'Changes'), ...changed, ...adopted);
  lines.push(`${renderSummary(r.changes.filter((x) => !r.skipped.includes(x)), r.applied)} ${c.dim(`(${(r.durationMs / 1000).toFixed(2)} s)`)}`);
  return lines.join('\n');
}

async function prerequisites(loaded: LoadedStack, endpoint: Awaited<ReturnType<typeof connect>>['endpoint'], url: string, started: boolean, withRole: boolean): Promise<Check[]> {
  const s = loaded.stack;
  const counts = [
    [Object.keys(s.queues ?? {}).length, 'queue'],
    [Object.keys(s.tables ?? {}).length, 'table'],
    [Object.keys(s.functions ?? {}).length, 'function'],
    [Object.keys(s.buses ?? {}).length, 'bus'],
    [Object.keys(s.rules ?? {}).length, 'rule'],
    [s.subscriptions?.length ?? 0, 'subscription'],
    [Object.keys(s.buckets ?? {}).length, 'bucket'],
    [Object.keys(s.apis ?? {}).length, 'api'],
  ] as const;
  const what = counts.filter(([n]) => n > 0).map(([n, noun]) => `${n} ${noun}${n === 1 ? '' : noun === 'bus' ? 'es' : 's'}`);
  return [
    { name: 'stack file', status: 'ok', detail: `${relative(process.cwd(), loaded.file) || loaded.file}${what.length ? ` (${what.join(', ')})` : ' (empty)'}` },
    { name: 'endpoint', status: 'ok', detail: `${url}: ${endpoint.label}${started ? ' (started now in the background; `evlab down` stops it)' : ''}` },
    ...serviceChecks(endpoint, servicesNeeded(loaded.stack, withRole)),
    ...(await interpreterChecks(endpoint, loaded.stack, engineInterpreters(url))),
    ...(await accountCheck(endpoint, url, loaded.stack)),
    ...settingsNotKept(endpoint, loaded.stack),
  ];
}

/**
 * Declared settings the endpoint accepts and drops, so no setup can make them hold: said before the plan, not
 * hidden as "no changes". moto keeps no DeadLetterConfig on functions.
 */
function settingsNotKept(endpoint: Awaited<ReturnType<typeof connect>>['endpoint'], stack: LoadedStack['stack']): Check[] {
  if (endpoint.kind !== 'moto') return [];
  const withDlq = Object.entries(stack.functions ?? {}).filter(([, f]) => f.deadLetterQueue);
  if (withDlq.length === 0) return [];
  return [
    {
      name: 'dead-letter queues',
      status: 'warn',
      detail: `moto does not keep a function's DeadLetterConfig: ${withDlq.map(([n, f]) => `${n} → ${f.deadLetterQueue}`).join(', ')} cannot be set there, and failed asynchronous invocations go nowhere`,
      fix: 'test dead-letter queues on the evlab engine (evlab up) or LocalStack',
    },
  ];
}

const SDK_MODULES: Record<string, () => Promise<unknown>> = {
  sqs: () => import('@aws-sdk/client-sqs'),
  dynamodb: () => import('@aws-sdk/client-dynamodb'),
  lambda: () => import('@aws-sdk/client-lambda'),
  events: () => import('@aws-sdk/client-eventbridge'),
  logs: () => import('@aws-sdk/client-cloudwatch-logs'),
  iam: () => import('@aws-sdk/client-iam'),
};

function warmSdk(stack: LoadedStack['stack']): void {
  // IAM waits until the endpoint is known (see ensureRole).
  for (const service of servicesNeeded(stack, false)) SDK_MODULES[service]?.().catch(() => undefined);
}

function settled<T>(outcome: PromiseSettledResult<T>): T {
  if (outcome.status === 'rejected') throw outcome.reason;
  return outcome.value;
}
