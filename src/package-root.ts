import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of evlab's package.json, found from a module's URL: the same code runs from src/ (tests),
 * dist/ (tsc, the library) and dist/bundle/chunks/ (the CLI bundle), at different depths below the root,
 * and the templates and bin/ must be found from each.
 */
export function packageRoot(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}`);
    dir = parent;
  }
  return dir;
}
