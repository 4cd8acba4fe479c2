/**
 * The Lambda runtimes a stack file may name. The evlab engine runs node and python code with the
 * host's interpreters and `provided*` functions through their `bootstrap`; java, dotnet and ruby are
 * accepted (other endpoints may run them) but the engine cannot run them.
 */
export const NODE_RUNTIMES = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x'] as const;
export const PYTHON_RUNTIMES = ['python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13', 'python3.14'] as const;
export const PROVIDED_RUNTIMES = ['provided', 'provided.al2', 'provided.al2023'] as const;
export const OTHER_RUNTIMES = ['java8.al2', 'java11', 'java17', 'java21', 'dotnet8', 'ruby3.2', 'ruby3.3', 'ruby3.4'] as const;

export const RUNTIMES: readonly string[] = [...NODE_RUNTIMES, ...PYTHON_RUNTIMES, ...PROVIDED_RUNTIMES, ...OTHER_RUNTIMES];

export type RuntimeFamily = 'node' | 'python' | 'provided' | 'java' | 'dotnet' | 'ruby';

export function runtimeFamily(runtime: string): RuntimeFamily | undefined {
  if (runtime.startsWith('nodejs')) return 'node';
  if (runtime.startsWith('python')) return 'python';
  if (runtime.startsWith('provided')) return 'provided';
  if (runtime.startsWith('java')) return 'java';
  if (runtime.startsWith('dotnet')) return 'dotnet';
  if (runtime.startsWith('ruby')) return 'ruby';
  return undefined;
}

/** Whether evlab's embedded engine can run code of this runtime on the host. */
export function engineRunsRuntime(runtime: string): boolean {
  const family = runtimeFamily(runtime);
  return family === 'node' || family === 'python' || family === 'provided';
}

/** The host interpreter the engine needs for a runtime, if any. */
export function hostInterpreter(runtime: string): 'python3' | 'node' | undefined {
  const family = runtimeFamily(runtime);
  return family === 'python' ? 'python3' : family === 'node' ? 'node' : undefined;
}
