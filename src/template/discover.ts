import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { stackNameOf } from './names.js';

/** Template file names looked for in the working directory, in this order (as `sam` looks for them). */
export const TEMPLATE_FILE_NAMES = ['template.yaml', 'template.yml', 'template.json'];

export interface FoundTemplate {
  file: string;
  /** The CloudFormation stack name the template runs as: --stack-name, the CDK stack, else the folder's name. */
  stackName: string;
  kind?: 'cdk';
}

/** `--template FILE` (which must exist). */
export async function namedTemplate(cwd: string, template: string, stackName?: string): Promise<FoundTemplate> {
  const file = isAbsolute(template) ? template : resolve(cwd, template);
  if (!(await isFile(file))) {
    throw new ConfigError('TemplateNotFound', `no template at ${file} (from --template)`, { hint: 'check the path; templates are SAM or CloudFormation YAML/JSON files' });
  }
  const cdk = basename(dirname(file)) === 'cdk.out' && file.endsWith('.template.json');
  return {
    file,
    stackName: stackName ?? (cdk ? basename(file, '.template.json') : stackNameOf(basename(dirname(file)))),
    ...(cdk ? { kind: 'cdk' as const } : {}),
  };
}

/** template.yaml / template.yml / template.json in `cwd`, else the stack of cdk.out (manifest.json); undefined when none. */
export async function discoverTemplate(cwd: string, stackName?: string): Promise<FoundTemplate | undefined> {
  for (const name of TEMPLATE_FILE_NAMES) {
    const file = join(cwd, name);
    if (await isFile(file)) return { file, stackName: stackName ?? stackNameOf(basename(cwd)) };
  }
  return cdkTemplate(join(cwd, 'cdk.out'), stackName);
}

interface CdkManifest {
  artifacts?: Record<string, { type?: string; displayName?: string; properties?: { templateFile?: string; stackName?: string } }>;
}

/** After `cdk synth`: the stack artifacts of cdk.out/manifest.json; --stack-name picks one when there are several. */
async function cdkTemplate(dir: string, wanted?: string): Promise<FoundTemplate | undefined> {
  const manifestFile = join(dir, 'manifest.json');
  if (!(await isFile(manifestFile))) return undefined;
  let manifest: CdkManifest;
  try {
    manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as CdkManifest;
  } catch (err) {
    throw new ConfigError('CdkManifestUnreadable', `${manifestFile}: ${(err as Error).message}`, { location: manifestFile, hint: 'run `cdk synth` again' });
  }
  const stacks = Object.entries(manifest.artifacts ?? {})
    .filter(([, a]) => a.type === 'aws:cloudformation:stack' && a.properties?.templateFile)
    .map(([id, a]) => ({ id, name: a.properties?.stackName ?? id, file: join(dir, a.properties!.templateFile!) }));
  if (stacks.length === 0) return undefined;
  const names = stacks.map((s) => s.name);
  const picked = wanted ? stacks.find((s) => s.name === wanted || s.id === wanted) : stacks.length === 1 ? stacks[0] : undefined;
  if (!picked) {
    throw new ConfigError(
      wanted ? 'UnknownCdkStack' : 'SeveralCdkStacks',
      wanted ? `cdk.out has no stack "${wanted}"` : `cdk.out holds ${stacks.length} stacks: ${names.join(', ')}`,
      { location: manifestFile, hint: `pick one with --stack-name ${names[0]}` },
    );
  }
  return { file: picked.file, stackName: picked.name, kind: 'cdk' };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
