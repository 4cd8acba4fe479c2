import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CommandContext } from '../context.js';
import { ConfigError } from '../errors.js';

/** Where `up`, `down` and the auto-start keep .evlab/: the stack file's folder, else the current folder. */
export interface Project {
  dir: string;
  stackFile?: string;
  /** The stack file's endpoint and region, read leniently: `up` and `down` must work beside a stack file being edited. */
  stack: { endpoint?: string; region?: string };
}

export async function findProject(ctx: Pick<CommandContext, 'cwd' | 'flags'>): Promise<Project> {
  const { findStackFile } = await import('../stack/find.js');
  let file: string;
  try {
    file = await findStackFile(ctx.cwd, ctx.flags.config);
  } catch (err) {
    if (err instanceof ConfigError && err.code === 'StackNotFound' && !ctx.flags.config) return { dir: ctx.cwd, stack: {} };
    throw err;
  }
  const stack: Project['stack'] = {};
  try {
    // jsonc-parser's lenient parse: the stack file may have comments, and may be half-edited.
    const { parse } = await import('jsonc-parser');
    const parsed = parse(await readFile(file, 'utf8')) as { endpoint?: unknown; region?: unknown } | undefined;
    if (typeof parsed?.endpoint === 'string') stack.endpoint = parsed.endpoint;
    if (typeof parsed?.region === 'string') stack.region = parsed.region;
  } catch {
    // An unreadable or half-edited stack file names no endpoint; the commands that need it report it.
  }
  return { dir: dirname(file), stackFile: file, stack };
}
