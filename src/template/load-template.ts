import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import type { CommandContext } from '../context.js';
import { ConfigError, ValidationError, type Problem } from '../errors.js';
import type { LoadedStack } from '../stack/types.js';
import { validateStack } from '../stack/validate.js';
import type { FoundTemplate } from './discover.js';
import { TemplateError } from './intrinsics.js';
import { parseTemplateSource, TemplateSyntaxError, type TemplatePath } from './source.js';
import { templateToStack, type ConvertResult } from './to-stack.js';

/** The account every local endpoint uses; ARNs in the template resolve with it. */
export const LOCAL_ACCOUNT = '000000000000';

/** Flags that shape how a template reads (they exist on every command that reads the stack). */
export interface TemplateFlags {
  parameterOverrides?: string[];
  strict?: boolean;
}

/**
 * Reads a SAM / CloudFormation template as the stack: parse (YAML with short tags, or JSON), expand SAM,
 * resolve intrinsics, map to the stack model, validate it as evlab.json is validated. Every error names
 * file:line and the logical ID; exit 2, nothing touched.
 */
export async function loadTemplateStack(found: FoundTemplate, ctx: Pick<CommandContext, 'cwd' | 'flags' | 'env'>): Promise<LoadedStack> {
  const shown = relative(ctx.cwd, found.file) || found.file;
  let text: string;
  try {
    text = await readFile(found.file, 'utf8');
  } catch (err) {
    throw new ConfigError('TemplateUnreadable', `cannot read ${found.file}: ${(err as Error).message}`, { location: found.file, cause: err });
  }
  let source: ReturnType<typeof parseTemplateSource>;
  try {
    source = parseTemplateSource(text, found.file);
  } catch (err) {
    if (err instanceof TemplateSyntaxError) {
      const where = `${shown}:${err.position?.line ?? 1}:${err.position?.column ?? 1}`;
      throw new ConfigError('TemplateSyntaxError', `${where}: ${err.message}`, { location: where, hint: 'fix the template syntax at that position' });
    }
    throw err;
  }
  const flags = ctx.flags as typeof ctx.flags & TemplateFlags & { stackName?: string };
  const region = ctx.flags.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const endpoint = ctx.flags.endpoint ?? ctx.env.EVLAB_ENDPOINT ?? ctx.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:4566';
  const dir = dirname(found.file);
  let converted: ConvertResult;
  try {
    converted = templateToStack(source, {
      stackName: found.stackName,
      parameterOverrides: parseOverrides(flags.parameterOverrides ?? []),
      env: { region, account: LOCAL_ACCOUNT, endpoint },
      dir,
      ...(found.kind ? { kind: found.kind } : {}),
    });
  } catch (err) {
    if (err instanceof TemplateError) throw templateError(err, source.positionOf(err.path)?.line, shown);
    throw err;
  }
  converted.summary.file = found.file;
  for (const item of converted.summary.unsupported) item.location = item.location.replace(found.file, shown);
  for (const w of converted.summary.warnings) if (w.location) w.location = w.location.replace(found.file, shown);
  if (flags.strict && converted.summary.unsupported.length > 0) {
    throw new ValidationError(
      'UnsupportedInTemplate',
      shown,
      converted.summary.unsupported.map((u) => ({
        path: `${u.location} (${u.logicalId}${u.property ? `.${u.property}` : ''})`,
        message: `${u.type}${u.property ? ` ${u.property}` : ''} is not supported locally: ${u.effect}`,
        hint: 'remove it, or run without --strict to go on with the rest',
      })),
    );
  }
  const problems = validateStack(converted.stack, { dir });
  if (problems.length > 0) throw new ValidationError('InvalidTemplate', shown, problems.map((p) => placeProblem(p, converted, source.positionOf, shown)));
  return { stack: converted.stack, file: found.file, dir, template: converted.summary };
}

/** `Key=Value` pairs (one per flag, or several separated by spaces in one). */
export function parseOverrides(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of values.flatMap((v) => v.split(/\s+(?=[A-Za-z0-9]+=)/))) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConfigError('BadParameterOverride', `--parameter-overrides "${pair}" is not Key=Value`, { hint: 'e.g. --parameter-overrides Stage=dev TaxRate=0.2' });
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function templateError(err: TemplateError, line: number | undefined, shown: string): ConfigError {
  const logicalId = err.path[0] === 'Resources' && typeof err.path[1] === 'string' ? err.path[1] : undefined;
  const where = `${shown}:${line ?? 1}`;
  const message = `${where}${logicalId ? ` (${logicalId})` : ''}: ${err.message}`;
  return new ConfigError('TemplateError', message, { location: where, ...(err.hint ? { hint: err.hint } : {}) });
}

/** A validation problem of the converted stack, placed at the template resource it came from. */
function placeProblem(p: Problem, converted: ConvertResult, positionOf: (path: TemplatePath) => { line: number } | undefined, shown: string): Problem {
  const m = /^(\w+)(?:\.([A-Za-z0-9_-]+)|\["([^"]+)"\]|\[(\d+)\])?/.exec(p.path);
  const key = m ? `${m[1]}/${m[2] ?? m[3] ?? m[4] ?? ''}` : '';
  const logicalId = converted.stackOrigins.get(key);
  if (!logicalId) return { ...p, path: `${shown} ${p.path}` };
  const line = positionOf(converted.origins[logicalId] ?? ['Resources', logicalId])?.line ?? 1;
  return { ...p, path: `${shown}:${line} (${logicalId}) ${p.path}` };
}
