import { join } from 'node:path';
import { findPython, type PythonInfo } from './python-interpreter.js';

/** The runtimes CreateFunction accepts (AWS's current set). The engine runs node, python and provided ones. */
export const ACCEPTED_RUNTIMES: readonly string[] = [
  'nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x',
  'python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13', 'python3.14',
  'provided', 'provided.al2', 'provided.al2023',
  'java8.al2', 'java11', 'java17', 'java21', 'java25', 'dotnet8', 'dotnet10', 'ruby3.2', 'ruby3.3', 'ruby3.4',
];

export type RuntimeFamily = 'node' | 'python' | 'provided';

export function runtimeFamily(runtime: string): RuntimeFamily | undefined {
  if (runtime.startsWith('nodejs')) return 'node';
  if (runtime.startsWith('python')) return 'python';
  if (runtime.startsWith('provided')) return 'provided';
  return undefined;
}

export interface LaunchSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** The file that must exist and be executable (a provided runtime's `bootstrap`). */
  entrypoint?: string;
}

/**
 * How an environment's process starts. Node functions run on the engine's own node and python ones on
 * the host's python3 (not the runtime's exact version); provided ones run their `bootstrap` under a tiny
 * supervisor that kills it when the engine goes away.
 */
export async function launchSpec(family: RuntimeFamily, runtimeDir: string, taskRoot: string, flushMark: string): Promise<LaunchSpec> {
  switch (family) {
    case 'node':
      return { command: process.execPath, args: [join(runtimeDir, 'node-bootstrap.mjs'), flushMark], env: {} };
    case 'python':
      return { command: await pythonExecutable(), args: ['-u', join(runtimeDir, 'python_bootstrap.py'), flushMark], env: { PYTHONUNBUFFERED: '1' } };
    case 'provided': {
      const entrypoint = join(taskRoot, 'bootstrap');
      return { command: process.execPath, args: [join(runtimeDir, 'supervisor.mjs'), entrypoint], env: {}, entrypoint };
    }
  }
}

export type { PythonInfo } from './python-interpreter.js';

let python: Promise<PythonInfo | undefined> | undefined;

/** The interpreter Python functions run on (see findPython: the first on the engine's PATH with boto3, else `python3`). */
export function pythonInfo(): Promise<PythonInfo | undefined> {
  python ??= findPython();
  return python;
}

/** The real interpreter behind `python3` (pyenv and similar shims cost tens of ms per start). */
export async function pythonExecutable(): Promise<string> {
  return (await pythonInfo())?.executable ?? 'python3';
}
