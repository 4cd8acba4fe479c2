import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { CommandContext } from '../context.js';
import { ConfigError, ValidationError } from '../errors.js';
import { JsonSyntaxError, parseJsonWithLayout } from './json-locate.js';
import type { LoadedStack, StackFile } from './types.js';
import { validateStack } from './validate.js';

export const STACK_FILE_NAMES = ['evlab.json', join('etc', 'evlab.json')];

/**
 * Finds, parses and validates the stack file: `--config PATH`, else ./evlab.json, else ./etc/evlab.json.
 * Throws ConfigError (exit 2) for a missing file or a JSON syntax error (with file:line:column), and one
 * ValidationError listing every problem: nothing is sent to an endpoint before the whole file is valid.
 */
export async function loadStack(ctx: Pick<CommandContext, 'cwd' | 'flags'>): Promise<LoadedStack> {
  const file = await findStackFile(ctx.cwd, ctx.flags.config);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError('StackUnreadable', `cannot read ${file}: ${(err as Error).message}`, { location: file, cause: err });
  }
  return parseStack(text, file);
}

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

/** Parses and validates stack text; `file` is its absolute path (sources are relative to its folder). */
export function parseStack(text: string, file: string): LoadedStack {
  const dir = dirname(file);
  const shown = relative(process.cwd(), file) || file;
  let parsed: ReturnType<typeof parseJsonWithLayout>;
  try {
    parsed = parseJsonWithLayout(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      const where = `${shown}:${err.position.line}:${err.position.column}`;
      throw new ConfigError('StackSyntaxError', `${where}: ${err.message}`, { location: where, hint: err.hint ?? 'fix the JSON syntax at that position' });
    }
    throw new ConfigError('StackSyntaxError', `${shown}: ${(err as Error).message}`, { location: shown, hint: 'fix the JSON syntax' });
  }
  const problems = validateStack(parsed.value, { dir, layout: parsed.layout });
  if (problems.length > 0) throw new ValidationError('InvalidStack', shown, problems);
  return { stack: parsed.value as StackFile, file, dir };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
