import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { discoverTemplate, namedTemplate, TEMPLATE_FILE_NAMES, type FoundTemplate } from '../template/discover.js';

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

/** Where the stack comes from: an evlab.json, or a SAM / CloudFormation / CDK template. */
export type StackSource = { kind: 'evlab'; file: string; shadowedTemplate?: string } | { kind: 'template'; template: FoundTemplate };

/**
 * `--template FILE`, else `--config PATH`, else ./evlab.json or ./etc/evlab.json, else template.yaml /
 * template.yml / template.json, else cdk.out (manifest.json). evlab.json wins over a template beside it: the
 * template is named in `shadowedTemplate` so the command can say so.
 */
export async function findStackSource(cwd: string, flags: { config?: string; template?: string; stackName?: string }): Promise<StackSource> {
  if (flags.template) {
    if (flags.config) throw new ConfigError('ConflictingStackFlags', '--template and --config both name the stack', { hint: 'pass one of them' });
    return { kind: 'template', template: await namedTemplate(cwd, flags.template, flags.stackName) };
  }
  if (flags.config) return { kind: 'evlab', file: await findStackFile(cwd, flags.config) };
  for (const name of STACK_FILE_NAMES) {
    const file = join(cwd, name);
    if (await isFile(file)) {
      const template = await discoverTemplate(cwd, flags.stackName).catch(() => undefined);
      return { kind: 'evlab', file, ...(template ? { shadowedTemplate: template.file } : {}) };
    }
  }
  const template = await discoverTemplate(cwd, flags.stackName);
  if (template) return { kind: 'template', template };
  throw new ConfigError('StackNotFound', `no stack in ${cwd}: no evlab.json, etc/evlab.json, ${TEMPLATE_FILE_NAMES.join(', ')} or cdk.out`, {
    hint: 'create a project with `evlab init`, or pass --config PATH (evlab.json) or --template FILE (SAM / CloudFormation)',
  });
}

