import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { TemplateError } from './intrinsics.js';
import type { Conversion } from './map-resources.js';
import type { TemplatePath } from './source.js';

/** Where inline code (ZipFile / InlineCode) is written, as a folder setup can package like any other. */
export const INLINE_CODE_DIR = join('.evlab', 'inline');

/**
 * The folder with a function's code, relative to the template: a local path (after `sam build`, or before
 * `aws cloudformation package`), a CDK asset (`aws:asset:path` metadata in cdk.out), or inline code, which is
 * written to .evlab/inline/<function>/ under the file name Lambda gives it (index.js, index.py).
 */
export function functionSource(c: Conversion, id: string, code: unknown, runtime: string, handler: string, path: TemplatePath): string {
  const asset = c.resources[id]?.Metadata?.['aws:asset:path'];
  if (typeof asset === 'string') return relativeFolder(c.dir, asset);
  if (typeof code === 'string') {
    if (/^s3:\/\//.test(code)) throw new TemplateError(`${id}'s code is in S3 (${code}), which is not available locally`, path, 'point CodeUri / Code at the local folder with the code');
    return relativeFolder(c.dir, code);
  }
  const zip = (code as { ZipFile?: unknown } | undefined)?.ZipFile;
  if (typeof zip === 'string') {
    const file = handler.slice(0, handler.lastIndexOf('.')) || 'index';
    const ext = runtime.startsWith('python') ? 'py' : 'js';
    const folder = join(INLINE_CODE_DIR, c.nameOf(id));
    const target = join(c.dir, folder, `${file}.${ext}`);
    mkdirSync(join(c.dir, folder), { recursive: true });
    // Rewritten only when it changed: its mtime then stays, as for any source folder.
    if (readIfExists(target) !== zip) writeFileSync(target, zip);
    return folder;
  }
  if (code && typeof code === 'object' && ('S3Bucket' in code || 'ImageUri' in code)) {
    throw new TemplateError(`${id}'s code is in S3 or a container image, which is not available locally`, path, 'use a local folder: CodeUri: src/ (SAM) or Code: src/ (before aws cloudformation package), or cdk synth output with its assets');
  }
  throw new TemplateError(`${id} has no code: expected a local folder, ZipFile or InlineCode`, path);
}

function relativeFolder(dir: string, path: string): string {
  const absolute = isAbsolute(path) ? path : resolve(dir, path);
  return relative(dir, absolute) || '.';
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
