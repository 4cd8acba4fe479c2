// The tools evlab is compared with. A missing peer is reported loudly in the results
// ("n/a (missing: …)"), never a crash: the evlab side of every figure is still measured.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run } from './proc.mjs';

let cached;

/**
 * Resolves the peers once. Version managers (pyenv) put shell-script shims on PATH that add
 * ~50–100 ms to every start; the bench times the real interpreter and the real `aws` script so
 * that the peers are measured at their best.
 */
export async function findPeers() {
  if (cached) return cached;
  const python = await findPython();
  // Independent probes (each a Python start or two): in parallel.
  const [aws, moto, zip] = await Promise.all([findAws(python), python.path ? findMoto(python.path) : { missing: 'python3' }, which('zip')]);
  cached = { python, aws, moto, zip: zip ? { path: zip } : { missing: 'zip (the aws sequence falls back to python3 -m zipfile)' } };
  return cached;
}

async function findPython() {
  try {
    const r = await run('python3', ['-c', 'import sys; print(sys.executable); print(sys.version.split()[0])'], { timeoutMs: 20_000 });
    if (r.code !== 0) return { missing: `python3 (exited ${r.code})` };
    const [path, version] = r.stdout.trim().split('\n');
    return { path, version };
  } catch (err) {
    return { missing: `python3 (${err.code ?? err.message})` };
  }
}

async function findAws(python) {
  const onPath = await which('aws');
  if (!onPath) return { missing: 'aws CLI (pip install awscli)' };
  let path = onPath;
  if (onPath.includes('/shims/') && python.path) {
    // A pyenv shim: the real script sits beside the real interpreter.
    const real = join(dirname(python.path), 'aws');
    if (existsSync(real)) path = real;
  }
  const r = await run(path, ['--version'], { timeoutMs: 30_000 }).catch((err) => ({ code: 127, stderr: err.message, stdout: '' }));
  if (r.code !== 0) return { missing: `aws CLI (\`aws --version\` failed: ${(r.stderr || r.stdout).trim().slice(0, 200)})` };
  const version = (r.stdout || r.stderr).trim().split(/\s+/)[0];
  // A Python script (pip awscli v1) is started by its interpreter; record which, for the README's caveats.
  const firstLine = readFileSync(path, 'utf8').split('\n', 1)[0];
  return { path, version, interpreter: firstLine.startsWith('#!') ? firstLine.slice(2).trim() : undefined };
}

async function findMoto(pythonPath) {
  const r = await run(pythonPath, ['-c', 'import moto, flask; print(moto.__version__)'], { timeoutMs: 30_000 });
  if (r.code !== 0) return { missing: `moto server (python3 -c 'import moto, flask' failed; pip install 'moto[server]')` };
  return { python: pythonPath, version: r.stdout.trim() };
}

async function which(name) {
  const r = await run('sh', ['-c', `command -v ${name}`]).catch(() => undefined);
  return r && r.code === 0 ? r.stdout.trim() : undefined;
}

/** Environment for the aws CLI / boto3 against a local endpoint: dummy credentials, never a real profile. */
export function awsEnv(extra = {}) {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_REGION: 'us-east-1', AWS_PAGER: '', ...extra };
  delete env.AWS_PROFILE;
  delete env.AWS_SESSION_TOKEN;
  return env;
}
