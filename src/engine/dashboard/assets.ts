import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: Promise<string> | undefined;

/**
 * assets/dashboard in the evlab package. Found by walking up from this module, because the module may run from
 * src/ (tests), dist/ (tsc) or a bundle chunk, each at a different depth below the package root.
 */
export function dashboardAssetsDir(): Promise<string> {
  found ??= (async () => {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (;;) {
      const candidate = join(dir, 'assets', 'dashboard');
      if (await access(join(candidate, 'index.html')).then(() => true, () => false)) return candidate;
      const parent = dirname(dir);
      if (parent === dir) throw new Error('assets/dashboard/index.html is not in the evlab package (reinstall evlab)');
      dir = parent;
    }
  })();
  return found;
}
