import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpGet } from '../aws/http-get.js';
import { OperationError } from '../errors.js';
import { engineUrl } from './listen.js';

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
  /** The command to suggest when the port is taken, for the next port: `evlab up --detach --port 4567`. */
  retryCommand?: (port: number) => string;
}

const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));
const READY_TIMEOUT_MS = 15_000;

export function recordPath(dir: string): string {
  return join(dir, '.evlab', 'engine.json');
}

export function readRecord(dir: string): EngineRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(recordPath(dir), 'utf8')) as EngineRecord;
    return typeof record?.pid === 'number' && typeof record.url === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

export function removeRecord(dir: string): void {
  rmSync(recordPath(dir), { force: true });
}

/** What `GET /_evlab/health` says at `url`, or undefined when no evlab engine answers there. */
export async function engineHealth(url: string, timeoutMs = 2000): Promise<{ pid?: number; version?: string } | undefined> {
  try {
    const res = await httpGet(`${url}/_evlab/health`, AbortSignal.timeout(timeoutMs));
    if (res.status < 200 || res.status > 299) return undefined;
    const body = JSON.parse(res.text) as { engine?: string; pid?: number; version?: string };
    return body?.engine === 'evlab' ? { pid: typeof body.pid === 'number' ? body.pid : undefined, version: body.version } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The engine recorded in <dir>/.evlab/engine.json, and whether it still runs: the engine at the recorded URL
 * must answer with the recorded pid (a pid alone may have been reused by an unrelated process).
 */
export async function recordedEngine(dir: string): Promise<{ record: EngineRecord; running: boolean } | undefined> {
  const record = readRecord(dir);
  if (!record) return undefined;
  const health = await engineHealth(record.url);
  return { record, running: health?.pid === record.pid };
}

/** Starts `evlab up` in the background, waits for its first healthy answer, records pid/port under .evlab/. */
export async function startDetachedEngine(options: DetachedOptions): Promise<EngineRecord> {
  const url = engineUrl(options.host, options.port);
  const retry = options.retryCommand ?? ((port: number) => `evlab up --detach --port ${port}`);
  const existing = await recordedEngine(options.dir);
  if (existing?.running) {
    const { record } = existing;
    throw new OperationError('EngineAlreadyRunning', `this project's engine is already running at ${record.url} (pid ${record.pid}, recorded in ${recordPath(options.dir)})`, {
      hint: `use the running one at ${record.url} (--endpoint ${record.url}, or export EVLAB_ENDPOINT=${record.url}), or stop it first with \`evlab down\``,
    });
  }

  const stateDir = join(options.dir, '.evlab');
  mkdirSync(stateDir, { recursive: true });
  const logFile = join(stateDir, 'engine.log');
  // The child writes to a log of its own until it is ready: a start that fails (a port in use, say) never
  // writes into the log of an engine that is still running, and what it wrote is reported here instead.
  const startLog = join(stateDir, `engine.starting-${process.pid}-${Date.now()}.log`);
  const fd = openSync(startLog, 'w');
  const args = [CLI, 'up', '--port', String(options.port), '--host', options.host, ...(options.persist ? ['--persist', options.persist] : []), ...(options.extraArgs ?? [])];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, EVLAB_ENGINE_CHILD: '1', NO_COLOR: '1' } });
  closeSync(fd);
  let exited: number | null = null;
  const exit = new Promise<void>((resolve) => child.on('exit', (code) => ((exited = code ?? 1), resolve())));
  child.unref();

  const fail = (err: OperationError): never => {
    if (exited === null) child.kill('SIGTERM');
    rmSync(startLog, { force: true });
    throw err;
  };
  const portInUse = (detail: string, hint: string) => fail(new OperationError('PortInUse', `port ${options.port} on ${options.host} is already in use${detail}`, { hint }));
  const nextPort = `pick another port: \`${retry(options.port + 1)}\``;
  const takenByEngine = (pid: number | undefined) => portInUse(` by another evlab engine (pid ${pid ?? '?'})`, `use that engine (--endpoint ${url}), or ${nextPort}`);
  const foreground = retry(options.port).replace(' --detach', '');

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited !== null) {
      const text = readText(startLog);
      if (/\[PortInUse\]|EADDRINUSE/.test(text)) {
        const other = await engineHealth(url);
        if (other) takenByEngine(other.pid);
        portInUse('', `is something else listening there? ${nextPort}`);
      }
      fail(
        new OperationError('EngineStartFailed', `the engine exited with code ${exited} before it was ready${text ? `; it said:\n${indent(lastLines(text, 15))}` : ''}`, {
          hint: `run it in the foreground to see it start: \`${foreground}\``,
        }),
      );
    }
    if (Date.now() >= deadline) {
      fail(new OperationError('EngineStartFailed', `the engine did not answer at ${url} within ${READY_TIMEOUT_MS / 1000} s`, {
        hint: `run it in the foreground to see why: \`${foreground}\``,
      }));
    }
    const health = await engineHealth(url, 500);
    if (health?.pid === child.pid) break;
    if (health) takenByEngine(health.pid);
    // Poll again shortly, or as soon as the child exits.
    await Promise.race([exit, new Promise((r) => setTimeout(r, 50))]);
  }

  renameSync(startLog, logFile);
  const record: EngineRecord = { pid: child.pid!, url, host: options.host, port: options.port, logFile, startedAt: new Date().toISOString(), persist: options.persist };
  writeFileSync(recordPath(options.dir), JSON.stringify(record, null, 2) + '\n');
  return record;
}

/**
 * Stops a running engine by pid and waits for it to go. False when no such process runs; an OperationError
 * when the process is not ours to stop (another user's).
 */
export async function stopEngineProcess(pid: number, timeoutMs = 10_000): Promise<boolean> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EPERM') {
      throw new OperationError('NotPermitted', `not allowed to stop process ${pid}: it belongs to another user`, { hint: 'ask its owner to stop it, or use another port' });
    }
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

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function lastLines(text: string, n: number): string {
  return text.split('\n').slice(-n).join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
