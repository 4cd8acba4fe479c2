import { writeFile } from 'node:fs/promises';
import { dirname, extname, relative, resolve } from 'node:path';
import type { CommandContext } from '../context.js';
import { ConfigError, ExitCode, OperationError } from '../errors.js';
import { stringify } from 'yaml';
import { loadStack } from '../stack/load.js';

export interface ExportOptions {
  /** sam (AWS::Serverless::Function, CodeUri) or cloudformation (plain AWS::Lambda::Function, the default). yaml/json: cloudformation in that syntax (older spelling). */
  format?: 'sam' | 'cloudformation' | 'yaml' | 'json';
  /** yaml or json (default: from --out's extension, else yaml). */
  syntax?: 'yaml' | 'json';
  out?: string;
}

export interface ExportStackResult {
  /** Where the template was written; undefined when it went to stdout. */
  file?: string;
  /** The kind of template written. */
  kind: 'sam' | 'cloudformation';
  format: 'yaml' | 'json';
  stack: string;
  resources: number;
  notes: string[];
  template: Record<string, unknown>;
}

/** `evlab export`: the stack (evlab.json or a template) as a CloudFormation template for a real AWS account. */
export async function exportStack(options: ExportOptions, ctx: CommandContext): Promise<{ result: ExportStackResult; text: string }> {
  const loaded = await loadStack(ctx);
  const out = options.out ? resolve(ctx.cwd, options.out) : undefined;
  const legacy = options.format === 'yaml' || options.format === 'json' ? options.format : undefined;
  const kind = legacy ? 'cloudformation' : (options.format ?? 'cloudformation');
  if (kind !== 'sam' && kind !== 'cloudformation') throw new ConfigError('BadFormat', `--format ${String(kind)} is not sam or cloudformation`, { hint: '--format cloudformation (default) or --format sam; --syntax yaml|json picks the serialisation' });
  const format = options.syntax ?? legacy ?? (out && extname(out).toLowerCase() === '.json' ? 'json' : 'yaml');
  if (format !== 'yaml' && format !== 'json') throw new ConfigError('BadFormat', `--syntax ${String(format)} is not yaml or json`, { hint: '--syntax yaml (default) or --syntax json' });
  const { exportTemplate } = await import('../template/export/to-template.js');
  const exported = exportTemplate(loaded, { outDir: out ? dirname(out) : ctx.cwd });
  const notes = exported.notes;
  const template = kind === 'sam' ? (await import('../template/export/to-sam.js')).toSamTemplate(exported.template) : exported.template;
  const text = format === 'json' ? `${JSON.stringify(template, null, 2)}\n` : toYaml(template);
  if (out) {
    try {
      await writeFile(out, text);
    } catch (err) {
      throw new OperationError('ExportWriteFailed', `cannot write ${out}: ${(err as Error).message}`, { location: out, cause: err });
    }
  }
  const resources = Object.keys(template.Resources as object).length;
  return { result: { ...(out ? { file: out } : {}), kind, format, stack: loaded.file, resources, notes, template }, text };
}

function toYaml(template: Record<string, unknown>): string {
  // Long lines stay whole (policy ARNs, patterns), and long-form intrinsics need no custom tags to read back.
  // YAML 1.1 rules for quoting: CloudFormation and cfn-lint read 1.1, where an unquoted 2010-09-09 is a date and `yes` a boolean.
  return stringify(template, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
}

export async function runExport(options: ExportOptions, ctx: CommandContext): Promise<number> {
  const { result, text } = await exportStack(options, ctx);
  for (const note of result.notes) ctx.out.warn(note);
  const shown = result.file ? relative(ctx.cwd, result.file) || result.file : undefined;
  // The template itself is the result when no --out is given (`evlab export > template.yaml`).
  ctx.out.result(result, () => (shown ? `wrote ${shown} (${result.resources} resources, ${result.kind === 'sam' ? 'SAM' : 'CloudFormation'}, ${result.format})` : text));
  if (shown && !ctx.out.json) {
    ctx.out.info(
      ctx.out.c.dim(
        `deploy: sam deploy --guided --template-file ${shown}  (or: aws cloudformation package --template-file ${shown} --s3-bucket <bucket> --output-template-file packaged.yaml, then aws cloudformation deploy --template-file packaged.yaml --stack-name <name> --capabilities CAPABILITY_IAM${result.kind === 'sam' ? ' CAPABILITY_AUTO_EXPAND' : ''})`,
      ),
    );
  }
  return ExitCode.ok;
}
