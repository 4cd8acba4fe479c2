import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';

// Finding the stack file stays apart from validating it: `evlab up` and `down` only need its folder,
// and must not pay for loading the validator.
const STACK_FILE_NAMES = ['evlab.json', join('etc', 'evlab.json')];

/** `--config PATH`, else ./evlab.json, else ./etc/evlab.json; ConfigError StackNotFound (exit 2) when none is there. */
export async function findStackFile(cwd: string, config?: string): Promise<string> {
  if (config) {
    const file = isAbsolute(config) ? config : resolve(cwd, config);
    if (!(await isFile(file))) {
      throw new ConfigError('StackNotFound', `no stack file at ${file} (from --config)`, {
        hint: 'check the path, or leave out --config to use ./evlab.json',
      });
    }
    return file;
  }
  for (const name of STACK_FILE_NAMES) {
    const file = join(cwd, name);
    if (await isFile(file)) return file;
  }
  throw new ConfigError('StackNotFound', `no stack file: neither ${join(cwd, 'evlab.json')} nor ${join(cwd, 'etc', 'evlab.json')} exists`, {
    hint: 'create a project with `evlab init`, or pass --config PATH',
  });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
