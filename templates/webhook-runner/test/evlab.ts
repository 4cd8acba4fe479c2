// Runs this project with evlab: the installed package in a project made by `evlab init`,
// the repository's own build when the template is tested inside the evlab repository.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
/** `evlab/engine` is <package>/dist/engine/index.js; the CLI is <package>/bin/evlab. */
const EVLAB_BIN = join(dirname(require.resolve('evlab/engine')), '..', '..', 'bin', 'evlab');
const PROJECT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface EvlabRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `evlab --endpoint <endpoint> ...args` in `cwd`. Always asynchronous: the engine under test lives
 * in this process, and a synchronous child would block the very server it talks to.
 */
export function evlab(args: string[], options: { cwd: string; endpoint: string; timeoutMs?: number }): Promise<EvlabRun> {
  const env = { ...process.env, NO_COLOR: '1' };
  // The endpoint comes from --endpoint only, whatever the developer's shell says.
  delete env.EVLAB_ENDPOINT;
  delete env.AWS_ENDPOINT_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [EVLAB_BIN, '--endpoint', options.endpoint, ...args], { cwd: options.cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** Like evlab(), but fails with the command's output unless it exits 0; returns the parsed --json result. */
export async function evlabJson<T = Record<string, unknown>>(args: string[], options: { cwd: string; endpoint: string }): Promise<T> {
  const run = await evlab(['--json', ...args], options);
  if (run.code !== 0) throw new Error(`evlab ${args.join(' ')} exited ${run.code}\n${run.stderr}\n${run.stdout}`);
  return JSON.parse(run.stdout) as T;
}

/**
 * A scratch copy of this project, so runs leave nothing behind in it. Remove it with the returned function.
 * `{ templateOnly: true }` leaves evlab.json out, so evlab finds the SAM template.yaml on its own.
 */
export function copyProject(options: { templateOnly?: boolean } = {}): { dir: string; remove(): void } {
  const dir = join(mkdtempSync(join(tmpdir(), `${basename(PROJECT_DIR)}-`)), basename(PROJECT_DIR));
  cpSync(PROJECT_DIR, dir, { recursive: true, filter: (src) => !/[\\/](node_modules|\.evlab|__pycache__)$/.test(src) });
  if (options.templateOnly) rmSync(join(dir, 'evlab.json'));
  return { dir, remove: () => rmSync(dirname(dir), { recursive: true, force: true }) };
}

export const clientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
