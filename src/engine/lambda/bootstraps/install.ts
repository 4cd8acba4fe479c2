import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NODE_BOOTSTRAP } from './node-bootstrap.js';
import { PYTHON_BOOTSTRAP } from './python-bootstrap.js';
import { SUPERVISOR } from './supervisor.js';

const installed = new Map<string, Promise<string>>();

/** Writes the runtime clients into `dir` once per engine; resolves to that folder (LAMBDA_RUNTIME_DIR). */
export function installBootstraps(dir: string): Promise<string> {
  let done = installed.get(dir);
  if (!done) {
    done = (async () => {
      await mkdir(dir, { recursive: true });
      await Promise.all([
        writeFile(join(dir, 'node-bootstrap.mjs'), NODE_BOOTSTRAP),
        writeFile(join(dir, 'python_bootstrap.py'), PYTHON_BOOTSTRAP),
        writeFile(join(dir, 'supervisor.mjs'), SUPERVISOR),
      ]);
      return dir;
    })();
    done.catch(() => installed.delete(dir));
    installed.set(dir, done);
  }
  return done;
}
