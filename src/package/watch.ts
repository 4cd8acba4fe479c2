import { watch, type FSWatcher } from 'node:fs';
import { isPackagedPath } from './collect-files.js';

export interface WatchedSource {
  name: string;
  /** Absolute folder of the function's code. */
  dir: string;
}

/**
 * Calls `onChange` with the functions whose packaged files changed, a burst of file events (an editor's save,
 * a `git checkout`) gathered into one call; changes during a call are gathered for the next. Resolves when
 * `signal` aborts. Files outside the package (.evlab/, __pycache__, *.pyc) are ignored, so evlab's own
 * build output never triggers a round.
 */
export async function watchSources(
  sources: readonly WatchedSource[],
  onChange: (names: string[]) => Promise<void>,
  options: { signal: AbortSignal; debounceMs?: number },
): Promise<void> {
  const debounceMs = options.debounceMs ?? 150;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const flush = () => {
    timer = undefined;
    running = running.then(async () => {
      if (pending.size === 0 || options.signal.aborted) return;
      const names = [...pending].sort();
      pending.clear();
      await onChange(names);
    });
  };
  const watchers: FSWatcher[] = sources.map(({ name, dir }) =>
    // Node 20 watches recursively on Linux, macOS and Windows.
    watch(dir, { recursive: true }, (_event, file) => {
      if (file !== null && !isPackagedPath(String(file))) return;
      pending.add(name);
      clearTimeout(timer);
      timer = setTimeout(flush, debounceMs);
    }),
  );
  try {
    await new Promise<void>((resolve) => {
      if (options.signal.aborted) return resolve();
      options.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
    await running.catch(() => undefined);
  }
}
