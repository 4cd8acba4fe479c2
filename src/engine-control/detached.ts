import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OperationError } from '../errors.js';

export interface EngineRecord {
  pid: number;
  url: string;
  host: string;
  port: number;
  logFile: string;
  startedAt: string;
  persist?: string;
}

export interface DetachedOptions {
  /** Project folder; the record and log go to <dir>/.evlab/. */
  dir: string;
  port: number;
  host: string;
  persist?: string;
  extraArgs?: string[];
}

const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));
const READY_TIMEOUT_MS = 15_000;

export function recordPath(dir: string): string {
  return join(dir, '.evlab', 'engine.json');
}

export function readRecord(dir: string): EngineRecord | undefined {
  try {
    return JSON.parse(readFileSync(recordPath(dir), 'utf8')) as EngineRecord;
  } catch {
    return undefined;
  }
}

export function removeRecord(dir: string): void {
  rmSync(recordPath(dir), { force: true });
}

/** Starts `evlab up` in the background, waits for its first healthy answer, records pid/port under .evlab/. */
export async function startDetachedEngine(options: DetachedOptions): Promise<EngineRecord> {
  const stateDir = join(options.dir, '.evlab');
  mkdirSync(stateDir, { recursive: true });
  const logFile = join(stateDir, 'engine.log');
  const log = openSync(logFile, 'a');
  const args = [CLI, 'up', '--port', String(options.port), '--host', options.host, ...(options.persist ? ['--persist', options.persist] : []), ...(options.extraArgs ?? [])];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log], env: { ...process.env, EVLAB_ENGINE_CHILD: '1' } });
  closeSync(log);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.unref();

  const url = `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${options.port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited !== null) {
      throw new OperationError('EngineStartFailed', `the engine exited with code ${exited} before it was ready`, {
        hint: `see ${logFile}; is port ${options.port} already in use? try \`evlab up --port 4567\``,
      });
    }
    try {
      const res = await fetch(`${url}/_evlab/health`, { signal: AbortSignal.timeout(500) });
      const body = (await res.json()) as { pid?: number };
      if (res.ok && body.pid === child.pid) break;
      if (res.ok) throw new OperationError('PortInUse', `another engine already answers at ${url}`, { hint: 'use it, or stop it with `evlab down`' });
    } catch (err) {
      if (err instanceof OperationError) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  if (Date.now() >= deadline) {
    child.kill('SIGTERM');
    throw new OperationError('EngineStartFailed', `the engine did not answer at ${url} within ${READY_TIMEOUT_MS / 1000} s`, { hint: `see ${logFile}` });
  }
  const record: EngineRecord = { pid: child.pid!, url, host: options.host, port: options.port, logFile, startedAt: new Date().toISOString(), persist: options.persist };
  writeFileSync(recordPath(options.dir), JSON.stringify(record, null, 2) + '\n');
  return record;
}

/** Stops a running engine by pid (from the record or the engine's own health answer) and waits for it to go. */
export async function stopEngineProcess(pid: number, timeoutMs = 10_000): Promise<boolean> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return false;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  return true;
}
