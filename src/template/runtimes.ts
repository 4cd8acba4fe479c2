import { NODE_RUNTIMES, PYTHON_RUNTIMES, RUNTIMES } from '../stack/runtimes.js';

/**
 * A runtime AWS has retired (python3.6, nodejs12.x, …) as the nearest one evlab runs: the oldest current
 * runtime of the same language, whose behaviour is closest. Current runtimes and unknown ones come back as they are
 * (validation reports the unknown ones).
 */
export function currentRuntime(runtime: string): string {
  if (RUNTIMES.includes(runtime)) return runtime;
  const python = /^python(\d+)\.(\d+)$/.exec(runtime);
  if (python) {
    const wanted = Number(python[1]) * 100 + Number(python[2]);
    return nearest(PYTHON_RUNTIMES, (r) => {
      const [, major, minor] = /^python(\d+)\.(\d+)$/.exec(r)!;
      return Number(major) * 100 + Number(minor);
    }, wanted);
  }
  const node = /^nodejs(\d+)\.(x|\d+)$/.exec(runtime);
  if (node) return nearest(NODE_RUNTIMES, (r) => Number(/^nodejs(\d+)/.exec(r)![1]), Number(node[1]));
  return runtime;
}

function nearest(candidates: readonly string[], version: (r: string) => number, wanted: number): string {
  return [...candidates].sort((a, b) => Math.abs(version(a) - wanted) - Math.abs(version(b) - wanted) || version(a) - version(b))[0]!;
}
