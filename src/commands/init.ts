import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { CommandContext } from '../context.js';
import { packageRoot } from '../package-root.js';
import { ConfigError, OperationError } from '../errors.js';

export interface InitOptions {
  template?: string;
  dir?: string;
  force?: boolean;
  /** Where the templates are; default: the installed package's templates/ folder. */
  templatesDir?: string;
}

export interface TemplateInfo {
  name: string;
  description: string;
  /** Commands to run in the new project, shown after it is created. */
  next: string[];
}

export interface PlannedFile {
  /** Path inside the new project, with `/` separators. */
  path: string;
  from: string;
  to: string;
  exists: boolean;
}

const PACKAGE_ROOT = packageRoot(import.meta.url);

const PACKAGE_TEMPLATES = join(PACKAGE_ROOT, 'templates');

/**
 * A starter's description and next steps. Not `template.json`: that name is a CloudFormation template's, which a
 * starter may ship (and `evlab` reads as the stack).
 */
export const TEMPLATE_INFO = 'template-info.json';

// Never copied: installed dependencies, engine state and test output of a template run in place.
const SKIPPED = new Set(['node_modules', '.evlab', 'dist', 'coverage', TEMPLATE_INFO, '.DS_Store']);
// npm drops .gitignore from published packages and would treat a nested package.json as a package of its own,
// so templates keep these files under other names and get them back here.
const RENAMED: Record<string, string> = { gitignore: '.gitignore', 'package.template.json': 'package.json' };

export async function runInit(options: InitOptions, ctx: CommandContext): Promise<number> {
  const templatesDir = options.templatesDir ?? PACKAGE_TEMPLATES;
  const templates = listTemplates(templatesDir);

  if (!options.template) {
    ctx.out.result({ templates }, renderTemplateList);
    return 0;
  }
  const template = templates.find((t) => t.name === options.template);
  if (!template) {
    throw new ConfigError('UnknownTemplate', `there is no template named "${options.template}"`, {
      hint: `pick one of: ${templates.map((t) => t.name).join(', ')} (\`evlab init\` lists them with a description)`,
    });
  }

  const targetDir = resolve(ctx.cwd, options.dir ?? template.name);
  if (existsSync(targetDir) && !statSync(targetDir).isDirectory()) {
    throw new ConfigError('NotAFolder', `${displayPath(ctx.cwd, targetDir)} exists and is not a folder`, {
      hint: `choose another folder: evlab init ${template.name} <dir>`,
    });
  }
  const files = planInit(join(templatesDir, template.name), targetDir);
  const existing = files.filter((f) => f.exists);
  if (existing.length > 0 && !options.force) {
    const shown = existing.slice(0, 10).map((f) => f.path);
    const more = existing.length > shown.length ? ` and ${existing.length - shown.length} more` : '';
    throw new ConfigError(
      'FilesExist',
      `refusing to overwrite ${existing.length} existing file${existing.length === 1 ? '' : 's'} in ${displayPath(ctx.cwd, targetDir)}: ${shown.join(', ')}${more}`,
      { hint: `pass --force to overwrite them, or choose another folder: evlab init ${template.name} <dir>`, location: targetDir },
    );
  }

  for (const file of files) {
    mkdirSync(dirname(file.to), { recursive: true });
    copyFileSync(file.from, file.to);
    // Keep executable bits (a provided.al2 `bootstrap`, scripts).
    chmodSync(file.to, statSync(file.from).mode & 0o777);
    if (file.path === 'package.json') pinEvlabDependency(file.to, PACKAGE_ROOT);
  }

  const dir = displayPath(ctx.cwd, targetDir);
  ctx.out.result(
    { template: template.name, dir: targetDir, files: files.map((f) => f.path), overwritten: existing.map((f) => f.path), next: template.next },
    (r) => renderCreated(ctx, r, dir),
  );
  return 0;
}

/** The templates in `templatesDir`: each folder with a template-info.json, sorted by name. */
export function listTemplates(templatesDir: string): TemplateInfo[] {
  let names: string[];
  try {
    names = readdirSync(templatesDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(templatesDir, d.name, TEMPLATE_INFO)))
      .map((d) => d.name)
      .sort();
  } catch {
    throw new ConfigError('TemplatesMissing', `the templates folder ${templatesDir} is missing`, {
      hint: 'reinstall evlab: its package ships templates/',
    });
  }
  return names.map((name) => {
    const file = join(templatesDir, name, TEMPLATE_INFO);
    let meta: Partial<TemplateInfo>;
    try {
      meta = JSON.parse(readFileSync(file, 'utf8')) as Partial<TemplateInfo>;
    } catch (err) {
      throw new OperationError('TemplateBroken', `${file} is not valid JSON: ${(err as Error).message}`, { hint: 'reinstall evlab, or fix the file if you changed it' });
    }
    return { name, description: meta.description ?? '', next: meta.next ?? [] };
  });
}

/** Every file the template gives the new project, in a stable order, and whether it is already there. Pure apart from reading. */
export function planInit(templateDir: string, targetDir: string): PlannedFile[] {
  const files: PlannedFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (SKIPPED.has(entry.name) || entry.name.endsWith('.pyc') || entry.name === '__pycache__') continue;
      const from = join(dir, entry.name);
      if (entry.isDirectory()) walk(from);
      else if (entry.isFile()) {
        const rel = relative(templateDir, from).split(sep);
        rel[rel.length - 1] = RENAMED[rel[rel.length - 1]] ?? rel[rel.length - 1];
        const to = join(targetDir, ...rel);
        files.push({ path: rel.join('/'), from, to, exists: existsSync(to) });
      }
    }
  };
  walk(templateDir);
  return files;
}

function renderTemplateList(r: { templates: TemplateInfo[] }): string {
  const width = Math.max(0, ...r.templates.map((t) => t.name.length));
  return [
    'Templates (evlab init <template> [dir]):',
    ...r.templates.map((t) => `  ${t.name.padEnd(width)}  ${t.description}`),
  ].join('\n');
}

function renderCreated(ctx: CommandContext, r: { template: string; files: string[]; overwritten: string[]; next: string[] }, dir: string): string {
  const c = ctx.out.c;
  const lines = [`${c.green('created')} ${dir}/ from the ${c.bold(r.template)} template (${r.files.length} files${r.overwritten.length ? `, ${r.overwritten.length} overwritten` : ''})`];
  const steps = [...(dir === '.' ? [] : [`cd ${dir}`]), ...r.next];
  if (steps.length) lines.push('', 'next:', ...steps.map((s) => `  ${s}`));
  return lines.join('\n');
}

function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  return rel.startsWith('..') ? path : rel;
}

/**
 * The new project's tests import `evlab/engine`. evlab is not on the npm registry, so a version range would be
 * answered 404: the project depends on the evlab that made it — a checkout, an `npm install -g` of the checkout or of
 * `npm pack`'s tarball — by path. A copy inside an npx cache is temporary, so that one keeps the declared range.
 */
export function evlabDependencySpec(packageRoot: string, declared: string): string {
  const inNpxCache = packageRoot.split(/[\\/]/).includes('_npx');
  return inNpxCache ? declared : `file:${packageRoot.replace(/[\\/]+$/, '')}`;
}

function pinEvlabDependency(packageJsonPath: string, packageRoot: string): void {
  const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { devDependencies?: Record<string, string> };
  const declared = pkg.devDependencies?.evlab;
  if (!declared) return;
  const spec = evlabDependencySpec(packageRoot, declared);
  if (spec === declared) return;
  pkg.devDependencies!.evlab = spec;
  writeFileSync(packageJsonPath, JSON.stringify(pkg, null, 2) + '\n');
}
