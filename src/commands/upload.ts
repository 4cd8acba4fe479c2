import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { CommandContext } from '../context.js';
import { ConfigError, ExitCode, OperationError, ValidationError, type Problem } from '../errors.js';
import type { FireDeps } from './fire.js';
import type { WaitOutcome } from '../status/wait-for-work.js';
import { loadOptionalStack } from '../status/stack-resources.js';
import type { UploadTraces } from '../trace/uploaded.js';

export interface UploadOptions {
  paths: string[];
  bucket: string;
  /** Prepended to every key, e.g. "job_offers/". */
  prefix?: string;
  wait?: boolean;
  /** Then print each uploaded object's trace: its notifications and what they caused (embedded engine). */
  trace?: boolean;
  /** Seconds --wait waits at most. */
  timeout?: number;
}

export interface UploadResult {
  ok: boolean;
  endpoint: { url: string; kind: string; label: string };
  bucket: string;
  uploaded: { file: string; key: string; size: number; etag: string }[];
  bytes: number;
  durationMs: number;
  /** With --wait: what the bucket's notifications caused. */
  wait?: WaitOutcome;
  /** With --trace: the trace of each object change (by key) and the traces they caused. */
  traces?: UploadTraces;
}

/**
 * `evlab upload`: puts files (a folder: every file in it, keyed by its path inside) into a bucket, then with
 * --wait waits like `fire --wait` for the work its notifications started and shows what changed.
 */
export async function runUpload(options: UploadOptions, ctx: CommandContext, deps: FireDeps = {}): Promise<number> {
  const { out } = ctx;
  const timeoutSeconds = options.timeout ?? 60;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new ConfigError('InvalidTimeout', `--timeout must be a positive number of seconds, not "${options.timeout}"`, { hint: '--timeout 120' });
  }
  const prefix = options.prefix ?? '';
  if (prefix.startsWith('/')) throw new ConfigError('InvalidPrefix', `--prefix "${prefix}" starts with /: S3 keys have no leading slash`, { hint: `--prefix ${prefix.replace(/^\/+/, '')}` });
  const absolute = await checkPaths(options.paths, ctx.cwd);
  const loaded = await loadOptionalStack(ctx);

  const { filesToUpload, putFiles, bucketExists } = await import('../aws/resources/buckets.js');
  const files = await filesToUpload(absolute, prefix);
  if (files.length === 0) throw new ConfigError('NothingToUpload', `no files in ${options.paths.join(', ')}`, { hint: 'dot files are skipped; give files or folders that hold some' });

  const { connect } = await import('../aws/connect.js');
  const conn = await connect(ctx, { stack: loaded?.stack, autoStart: true, projectDir: loaded?.dir, writes: 'evlab upload puts objects into a bucket' });
  try {
    const s3 = await conn.clients.s3();
    if (!(await bucketExists(s3, options.bucket))) {
      const declared = loaded?.stack.buckets && options.bucket in loaded.stack.buckets;
      throw new OperationError('NoSuchBucket', `bucket ${options.bucket} does not exist at ${conn.target.endpoint}: nothing was uploaded`, {
        hint: declared ? 'create it with `evlab setup` (the stack file declares it)' : `declare it under "buckets" in the stack file and run \`evlab setup\`, or fix --bucket`,
      });
    }
    const { startWatch } = await import('../status/wait.js');
    const watch = options.wait ? await startWatch(conn, loaded?.stack, { settle: deps.settle, pollMs: deps.pollMs }) : undefined;
    const started = Date.now();
    const uploaded: UploadResult['uploaded'] = [];
    if (!out.json) out.progress(`uploading ${files.length} file${files.length === 1 ? '' : 's'} to s3://${options.bucket}/${prefix} at ${conn.target.endpoint} (${conn.endpoint.label})`);
    await putFiles(s3, options.bucket, files, {
      signal: ctx.signal,
      onDone: (file, etag) => uploaded.push({ file: displayPath(file.path, ctx.cwd), key: file.key, size: file.size, etag }),
    });
    uploaded.sort((a, b) => (a.key < b.key ? -1 : 1));
    const result: UploadResult = {
      ok: true,
      endpoint: { url: conn.target.endpoint, kind: conn.endpoint.kind, label: conn.endpoint.label },
      bucket: options.bucket,
      uploaded,
      bytes: uploaded.reduce((n, u) => n + u.size, 0),
      durationMs: Date.now() - started,
    };
    if (watch) {
      const { waitForWork } = await import('../status/wait-for-work.js');
      const waited = await waitForWork(watch, conn, { hasStack: Boolean(loaded), timeoutMs: timeoutSeconds * 1000, signal: ctx.signal, out });
      result.wait = waited.wait;
      result.ok = !waited.failed;
    }
    if (options.trace) {
      const { traceUploads } = await import('../trace/uploaded.js');
      result.traces = await traceUploads(conn, options.bucket, uploaded, started, ctx.signal);
      if (result.traces.traces.some((t) => t.trace?.status === 'failed' || t.children.some((c) => c.status === 'failed'))) result.ok = false;
    }
    const { renderWait } = await import('../events/render.js');
    const { renderUploadTraces } = options.trace ? await import('../trace/uploaded.js') : { renderUploadTraces: undefined };
    out.result(result, (r) => [renderUpload(r, out.c, renderWait), ...(r.traces && renderUploadTraces ? renderUploadTraces(r.traces, out.c) : [])].join('\n'));
    if (result.wait?.interrupted) return ExitCode.interrupted;
    return result.ok ? ExitCode.ok : ExitCode.failed;
  } finally {
    conn.close();
  }
}

/** Every path must exist: all missing ones are reported together, before anything is sent. */
async function checkPaths(paths: string[], cwd: string): Promise<string[]> {
  const problems: Problem[] = [];
  if (paths.length === 0) problems.push({ path: 'upload', message: 'no file or folder given', hint: 'evlab upload data/jobs.csv --bucket uploads' });
  const absolute = paths.map((p) => resolve(cwd, p));
  await Promise.all(
    absolute.map(async (full, i) => {
      try {
        const info = await stat(full);
        if (!info.isFile() && !info.isDirectory()) problems.push({ path: paths[i]!, message: 'is neither a file nor a folder' });
      } catch {
        problems.push({ path: paths[i]!, message: 'no such file or folder', hint: `the path is relative to ${cwd}` });
      }
    }),
  );
  if (problems.length) throw new ValidationError('InvalidUpload', paths.length === 1 ? paths[0] : undefined, problems);
  return absolute;
}

function displayPath(file: string, cwd: string): string {
  return file.startsWith(cwd + '/') ? file.slice(cwd.length + 1) : file;
}

function renderUpload(r: UploadResult, c: ChalkInstance, renderWait: (wait: WaitOutcome, c: ChalkInstance) => string[]): string {
  const lines: string[] = [];
  const shown = r.uploaded.slice(0, 20);
  for (const u of shown) lines.push(`  ${c.green('+')} s3://${r.bucket}/${u.key} ${c.dim(`(${formatSize(u.size)}, from ${u.file})`)}`);
  if (r.uploaded.length > shown.length) lines.push(c.dim(`  … and ${r.uploaded.length - shown.length} more`));
  lines.push(`uploaded ${r.uploaded.length} file${r.uploaded.length === 1 ? '' : 's'} (${formatSize(r.bytes)}) to ${r.bucket} in ${(r.durationMs / 1000).toFixed(2)} s`);
  if (r.wait) lines.push(...renderWait(r.wait, c));
  return lines.join('\n');
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
