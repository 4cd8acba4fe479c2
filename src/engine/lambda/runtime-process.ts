import { spawn, type ChildProcess } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { LineSplitter } from './output-lines.js';
import type { LaunchSpec } from './runtimes.js';

export interface RuntimeProcessEvents {
  /** A line of stdout or stderr (flush marks excluded). */
  line(line: string): void;
  /** The flush mark arrived on stdout or stderr. */
  mark(): void;
  exit(code: number | null, signal: NodeJS.Signals | null): void;
  /** The process is gone and its output fully read. */
  closed(): void;
  failed(err: NodeJS.ErrnoException): void;
}

/**
 * Starts a runtime process in its own process group (so that a kill reaches whatever the function
 * started) with a pipe on stdin that the runtime clients watch: when the engine goes away, even killed,
 * the pipe closes and they take their group down with them.
 */
export function startRuntimeProcess(spec: LaunchSpec, cwd: string, env: Record<string, string>, mark: string, events: RuntimeProcessEvents): ChildProcess {
  const child = spawn(spec.command, spec.args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
  child.stdin?.on('error', () => undefined);
  const onLine = (line: string) => events.line(line);
  const onMark = () => events.mark();
  const out = new LineSplitter(mark, onLine, onMark);
  const err = new LineSplitter(mark, onLine, onMark);
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  child.stdout?.on('end', () => out.end());
  child.stderr?.on('end', () => err.end());
  child.on('error', (e: NodeJS.ErrnoException) => events.failed(e));
  child.on('exit', (code, signal) => events.exit(code, signal));
  child.on('close', () => events.closed());
  return child;
}

/** SIGKILL to the whole process group, even when its leader has already exited. */
export function killProcessGroup(child: ChildProcess): void {
  if (!child.pid) return;
  try {
    if (process.platform === 'win32') child.kill('SIGKILL');
    else process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

export async function checkExecutable(path: string): Promise<void> {
  await access(path, constants.F_OK);
  await access(path, constants.X_OK);
}

/** As Lambda words a runtime that cannot start: "fork/exec /var/task/bootstrap: no such file or directory". */
export function describeSpawnError(command: string, err: NodeJS.ErrnoException): string {
  const path = err.path ?? command;
  const reason = err.code === 'ENOENT' ? 'no such file or directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
  return `fork/exec ${path}: ${reason}`;
}

const SIGNAL_NAMES: Record<string, string> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGSEGV: 'segmentation fault',
  SIGABRT: 'aborted',
  SIGINT: 'interrupt',
  SIGBUS: 'bus error',
};

/** As Lambda words it: "Runtime exited with error: exit status 1" / "signal: killed". */
export function exitReason(info: { code: number | null; signal: NodeJS.Signals | null } | undefined): string {
  if (!info) return 'Runtime exited without providing a reason';
  if (info.signal) return `Runtime exited with error: signal: ${SIGNAL_NAMES[info.signal] ?? info.signal}`;
  if (info.code === 0) return 'Runtime exited without providing a reason';
  return `Runtime exited with error: exit status ${info.code}`;
}
