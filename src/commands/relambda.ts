import { resolve as resolvePath } from 'node:path';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { CommandContext } from '../context.js';
import { ExitCode, UnreachableError } from '../errors.js';
import { isConnectionRefused } from '../status/aws-reads.js';
import type { PackagedFunction } from '../package/index.js';
import { loadRequiredStack, pickFunctions } from '../status/stack-resources.js';

export interface RelambdaOptions {
  functions?: string[];
  /** Upload even when the deployed CodeSha256 matches. */
  force?: boolean;
  /** After the first round, redeploy a function whenever a file of its source changes, until Ctrl-C. */
  watch?: boolean;
}

/** Test seams: how long a burst of file events is gathered, and a hook called after each watched round. */
export interface RelambdaDeps {
  debounceMs?: number;
  onRound?: (results: RelambdaFunctionResult[]) => void;
}

export interface RelambdaFunctionResult {
  name: string;
  status: 'unchanged' | 'updated' | 'missing' | 'failed';
  codeSha256?: string;
  previousCodeSha256?: string;
  size?: number;
  durationMs: number;
  error?: string;
  hint?: string;
  /** Internal: the endpoint refused the connection (reported as exit 3, never printed). */
  unreachable?: unknown;
}

/** How long to wait for LastUpdateStatus Successful after UpdateFunctionCode. */
const UPDATE_TIMEOUT_MS = 120_000;

/**
 * `evlab relambda`: packages each function (deterministic zip) and uploads only code whose CodeSha256
 * differs from the deployed one, then waits for LastUpdateStatus Successful. Functions run in parallel.
 */
export async function runRelambda(options: RelambdaOptions, ctx: CommandContext, deps: RelambdaDeps = {}): Promise<number> {
  const { out } = ctx;
  // "Nothing changed" should answer in a blink: module loading (CPU) overlaps the stack file, endpoint
  // detection and the deployed-code lookups (I/O), instead of running one after the other.
  // Endpoint detection is skipped too (relambda does not care what answers): a silent endpoint shows up as
  // a refused connection on the first call and is reported as unreachable (exit 3) all the same.
  const modules = Promise.all([import('../aws/target.js'), import('../aws/clients.js'), import('../package/index.js'), import('@aws-sdk/client-lambda')]);
  modules.catch(() => undefined);
  const loaded = await loadRequiredStack(ctx);
  const names = pickFunctions(loaded.stack, options.functions, loaded.file.startsWith(ctx.cwd + '/') ? loaded.file.slice(ctx.cwd.length + 1) : loaded.file, loaded);
  const [{ resolveTarget }, { createClients }, { packageFunction }] = await modules;
  const target = resolveTarget(ctx.flags, ctx.env, loaded.stack);
  if (!target.local) await (await import('../aws/remote-confirm.js')).confirmRemoteWrite(ctx, target, 'evlab relambda replaces functions\' code');
  const packages = new Map(names.map((name) => [name, settle(packageFunction(loaded.stack.functions![name]!, loaded.dir))]));
  const clients = createClients(target);
  try {
    const lambda = await clients.lambda();
    const results = await Promise.all(
      names.map((name) => relambdaOne(name, { lambda, force: options.force === true, signal: ctx.signal, pack: () => packages.get(name)!.then(unsettle) })),
    );
    const refused = results.find((r) => r.unreachable);
    if (refused) throw new UnreachableError(target.endpoint, { cause: refused.unreachable });
    if (options.watch) {
      // Watching streams one result per round: NDJSON with --json, a block of lines otherwise.
      const report = (round: RelambdaFunctionResult[]) => {
        if (out.json) out.jsonLine({ ok: !anyFailed(round), endpoint: target.endpoint, functions: round });
        else out.line(renderRelambda(round, out.c));
      };
      report(results);
      const { watchSources } = await import('../package/watch.js');
      if (!out.json) out.progress(`watching ${names.length === 1 ? names[0] : `${names.length} functions`} for changes (Ctrl-C stops)`);
      await watchSources(
        names.map((name) => ({ name, dir: resolvePath(loaded.dir, loaded.stack.functions![name]!.source) })),
        async (changed) => {
          const round = await Promise.all(
            changed.map((name) => relambdaOne(name, { lambda, force: false, signal: ctx.signal, pack: () => packageFunction(loaded.stack.functions![name]!, loaded.dir) })),
          );
          report(round);
          deps.onRound?.(round);
        },
        { signal: ctx.signal, debounceMs: deps.debounceMs },
      );
      return ExitCode.ok;
    }
    const failed = anyFailed(results);
    out.result({ ok: !failed, endpoint: target.endpoint, functions: results }, (r) => renderRelambda(r.functions, out.c));
    return failed ? ExitCode.failed : ExitCode.ok;
  } finally {
    clients.destroy();
  }
}

function anyFailed(results: readonly RelambdaFunctionResult[]): boolean {
  return results.some((r) => r.status === 'missing' || r.status === 'failed');
}

// Packaging starts before the endpoint is known; its failure must not become an unhandled rejection meanwhile.
type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}
function unsettle<T>(settled: Settled<T>): T {
  if (settled.ok) return settled.value;
  throw settled.error;
}

interface OneOptions {
  lambda: LambdaClient;
  force: boolean;
  signal: AbortSignal;
  pack: () => Promise<PackagedFunction>;
}

async function relambdaOne(name: string, options: OneOptions): Promise<RelambdaFunctionResult> {
  const started = Date.now();
  const done = (r: Omit<RelambdaFunctionResult, 'name' | 'durationMs'>): RelambdaFunctionResult => ({ name, ...r, durationMs: Date.now() - started });
  const { GetFunctionConfigurationCommand, UpdateFunctionCodeCommand } = await import('@aws-sdk/client-lambda');
  const getConfig = () => options.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }), { abortSignal: options.signal });
  // Packaging and the lookup of the deployed code run side by side: together they are the whole cost of "unchanged".
  const [packaged, deployed] = await Promise.allSettled([options.pack(), getConfig()]);
  if (deployed.status === 'rejected') {
    const err = deployed.reason as Error;
    if (isConnectionRefused(err)) return { ...done({ status: 'failed', error: err.message }), unreachable: err };
    if (err?.name === 'ResourceNotFoundException') return done({ status: 'missing', error: `function ${name} does not exist at the endpoint`, hint: 'create it with evlab setup' });
    return done({ status: 'failed', error: `${err?.name ?? 'Error'}: ${err?.message ?? String(err)}` });
  }
  if (packaged.status === 'rejected') {
    const err = packaged.reason as Error & { hint?: string };
    return done({ status: 'failed', error: `packaging failed: ${err?.message ?? String(err)}`, hint: err?.hint });
  }
  const previous = deployed.value.CodeSha256;
  const { codeSha256, size, zip } = packaged.value;
  if (previous === codeSha256 && !options.force) return done({ status: 'unchanged', codeSha256, previousCodeSha256: previous, size });
  try {
    await waitForUpdatable(getConfig, options.signal);
    await options.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip }), { abortSignal: options.signal });
    const final = await waitForSuccessful(getConfig, options.signal);
    if (final.LastUpdateStatus === 'Failed') {
      return done({ status: 'failed', codeSha256, previousCodeSha256: previous, size, error: `the update failed: ${final.LastUpdateStatusReason ?? 'no reason given'}` });
    }
    return done({ status: 'updated', codeSha256: final.CodeSha256 ?? codeSha256, previousCodeSha256: previous, size });
  } catch (err) {
    const e = err as Error;
    return done({ status: 'failed', codeSha256, previousCodeSha256: previous, size, error: `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}` });
  }
}

type ConfigReader = () => Promise<{ State?: string; LastUpdateStatus?: string; LastUpdateStatusReason?: string; CodeSha256?: string }>;

// Lambda refuses UpdateFunctionCode (ResourceConflictException) while a function is Pending or an update is in progress.
async function waitForUpdatable(getConfig: ConfigReader, signal: AbortSignal): Promise<void> {
  await poll(getConfig, (c) => c.State !== 'Pending' && c.LastUpdateStatus !== 'InProgress', signal);
}

async function waitForSuccessful(getConfig: ConfigReader, signal: AbortSignal) {
  return poll(getConfig, (c) => c.LastUpdateStatus === undefined || c.LastUpdateStatus === 'Successful' || c.LastUpdateStatus === 'Failed', signal);
}

/** Polls quickly at first (local endpoints finish in milliseconds), then every half second. */
async function poll<T>(read: () => Promise<T>, ready: (value: T) => boolean, signal: AbortSignal): Promise<T> {
  const deadline = Date.now() + UPDATE_TIMEOUT_MS;
  for (let attempt = 0; ; attempt++) {
    const value = await read();
    if (ready(value)) return value;
    if (Date.now() > deadline) throw new Error(`still not ready after ${UPDATE_TIMEOUT_MS / 1000} s`);
    if (signal.aborted) throw signal.reason;
    await new Promise((r) => setTimeout(r, Math.min(500, 25 * 2 ** attempt)));
  }
}

function renderRelambda(results: RelambdaFunctionResult[], c: import('chalk').ChalkInstance): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const lines = results.map((r) => {
    const name = r.name.padEnd(width);
    const took = c.dim(`${(r.durationMs / 1000).toFixed(2)} s`);
    switch (r.status) {
      case 'unchanged':
        return `${c.dim('=')} ${name}  unchanged ${c.dim(`(${short(r.codeSha256)})`)}`;
      case 'updated':
        return `${c.green('↻')} ${name}  ${c.green('updated')} ${c.dim(`${short(r.previousCodeSha256)} → ${short(r.codeSha256)}, ${kb(r.size)}`)} ${took}`;
      default:
        return `${c.red('✗')} ${name}  ${c.red(r.status === 'missing' ? 'missing' : 'failed')}: ${r.error}${r.hint ? `\n  ${' '.repeat(width)}  ${c.cyan('hint:')} ${r.hint}` : ''}`;
    }
  });
  const updated = results.filter((r) => r.status === 'updated').length;
  const unchanged = results.filter((r) => r.status === 'unchanged').length;
  lines.push(c.dim(`${updated} updated, ${unchanged} unchanged${results.length - updated - unchanged ? `, ${results.length - updated - unchanged} failed` : ''}`));
  return lines.join('\n');
}

function short(sha: string | undefined): string {
  return sha ? sha.slice(0, 10) : '?';
}

function kb(size: number | undefined): string {
  return size === undefined ? '?' : size < 1024 ? `${size} B` : `${(size / 1024).toFixed(1)} KB`;
}
