import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import type { CommandContext } from '../context.js';
import { ConfigError, ValidationError } from '../errors.js';
import { findStackSource } from './find.js';
import { JsonSyntaxError, parseJsonWithLayout } from './json-locate.js';
import type { LoadedStack, StackFile } from './types.js';
import { validateStack } from './validate.js';

/**
 * Finds, parses and validates the stack: `--template FILE`, `--config PATH`, ./evlab.json, ./etc/evlab.json,
 * else a SAM / CloudFormation / CDK template in the folder (src/template/).
 * Throws ConfigError (exit 2) for a missing file or a JSON syntax error (with file:line:column), and one
 * ValidationError listing every problem: nothing is sent to an endpoint before the whole file is valid.
 */
export async function loadStack(ctx: Pick<CommandContext, 'cwd' | 'flags'> & Partial<Pick<CommandContext, 'env'>>): Promise<LoadedStack> {
  const source = await findStackSource(ctx.cwd, ctx.flags);
  if (source.kind === 'template') {
    // The YAML library and the template code load only for templates.
    const { loadTemplateStack } = await import('../template/load-template.js');
    return loadTemplateStack(source.template, { ...ctx, env: ctx.env ?? process.env });
  }
  const file = source.file;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError('StackUnreadable', `cannot read ${file}: ${(err as Error).message}`, { location: file, cause: err });
  }
  const loaded = parseStack(text, file);
  return source.shadowedTemplate ? { ...loaded, shadowedTemplate: source.shadowedTemplate } : loaded;
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
