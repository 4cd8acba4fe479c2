import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { spawn } from 'node:child_process';
import { evlabDependencySpec, listTemplates, planInit, runInit } from '../../src/commands/init.js';
import { createContext } from '../../src/context.js';
import { ConfigError } from '../../src/errors.js';
import { Output } from '../../src/ui/output.js';

const REPO = join(import.meta.dirname, '..', '..');
// Every folder of templates/, in the order init lists them (by name).
const TEMPLATES = ['csv-pipeline', 'distance-counter', 'order-invoice', 'store-events', 'webhook-runner'];

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'evlab-init-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

function context(json = false) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const text = { stdout: '', stderr: '' };
  stdout.on('data', (d) => (text.stdout += d));
  stderr.on('data', (d) => (text.stderr += d));
  const ctx = createContext({ json }, { cwd, env: {}, out: new Output({ json, stdout, stderr, color: false }) });
  return { ctx, text };
}

async function initError(options: Parameters<typeof runInit>[0]): Promise<ConfigError> {
  const { ctx } = context();
  const err = await runInit(options, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('evlab init', () => {
  it('lists the templates with a description each', async () => {
    const { ctx, text } = context();
    expect(await runInit({}, ctx)).toBe(0);
    for (const name of TEMPLATES) expect(text.stdout).toMatch(new RegExp(`^  ${name} +\\S.{20,}$`, 'm'));
  });

  it('lists the templates as JSON', async () => {
    const { ctx, text } = context(true);
    await runInit({}, ctx);
    const result = JSON.parse(text.stdout);
    expect(result.schemaVersion).toBe(1);
    expect(result.templates.map((t: { name: string }) => t.name)).toEqual(TEMPLATES);
    expect(result.templates.every((t: { description: string }) => t.description.length > 20)).toBe(true);
  });

  it('creates a project in ./<template> with package.json and .gitignore restored, without template metadata', async () => {
    const { ctx, text } = context();
    expect(await runInit({ template: 'distance-counter' }, ctx)).toBe(0);
    const dir = join(cwd, 'distance-counter');
    for (const file of ['evlab.json', 'evlab.node.json', 'README.md', 'package.json', '.gitignore', 'functions/distance/app.py', 'functions/distance-node/index.mjs', 'events/events.json', 'test/distance-counter.test.ts']) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    for (const file of ['template-info.json', 'package.template.json', 'gitignore']) expect(existsSync(join(dir, file)), file).toBe(false);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('distance-counter');
    // evlab is not on the npm registry: a project made from this checkout depends on the checkout by path.
    const linked = String(pkg.devDependencies.evlab);
    expect(linked).toMatch(/^file:/);
    expect(JSON.parse(readFileSync(join(linked.slice('file:'.length), 'package.json'), 'utf8')).name).toBe('evlab');
    expect(text.stdout).toContain('created distance-counter/ from the distance-counter template');
    expect(text.stdout).toContain('cd distance-counter');
    expect(text.stdout).toContain('evlab setup');
  });

  it('creates into the folder given, and reports the files as JSON', async () => {
    const { ctx, text } = context(true);
    await runInit({ template: 'store-events', dir: 'shop' }, ctx);
    const result = JSON.parse(text.stdout);
    expect(result).toMatchObject({ schemaVersion: 1, template: 'store-events', dir: join(cwd, 'shop'), overwritten: [] });
    expect(result.files).toContain('functions/producer/app.py');
    expect(existsSync(join(cwd, 'shop', 'functions', 'producer', 'app.py'))).toBe(true);
  });

  it('refuses to overwrite existing files, names them, and writes nothing', async () => {
    const dir = join(cwd, 'mine');
    mkdirSync(dir);
    writeFileSync(join(dir, 'evlab.json'), '{"mine": true}');
    writeFileSync(join(dir, 'README.md'), 'my readme');
    const err = await initError({ template: 'order-invoice', dir: 'mine' });
    expect(err.code).toBe('FilesExist');
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('2 existing files');
    expect(err.message).toContain('README.md');
    expect(err.message).toContain('evlab.json');
    expect(err.hint).toContain('--force');
    expect(readFileSync(join(dir, 'evlab.json'), 'utf8')).toBe('{"mine": true}');
    expect(existsSync(join(dir, 'functions'))).toBe(false);
  });

  it('overwrites with --force and says which files it replaced', async () => {
    const dir = join(cwd, 'mine');
    mkdirSync(dir);
    writeFileSync(join(dir, 'evlab.json'), '{"mine": true}');
    writeFileSync(join(dir, 'notes.txt'), 'kept');
    const { ctx, text } = context(true);
    expect(await runInit({ template: 'order-invoice', dir: 'mine', force: true }, ctx)).toBe(0);
    expect(JSON.parse(text.stdout).overwritten).toEqual(['evlab.json']);
    expect(JSON.parse(readFileSync(join(dir, 'evlab.json'), 'utf8')).functions.order).toBeDefined();
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('kept');
  });

  it('initialises the current folder with "."', async () => {
    const { ctx, text } = context();
    await runInit({ template: 'store-events', dir: '.' }, ctx);
    expect(existsSync(join(cwd, 'evlab.json'))).toBe(true);
    expect(text.stdout).not.toContain('cd .');
  });

  it('rejects an unknown template with the list of known ones', async () => {
    const err = await initError({ template: 'nope' });
    expect(err.code).toBe('UnknownTemplate');
    expect(err.exitCode).toBe(2);
    for (const name of TEMPLATES) expect(err.hint).toContain(name);
    // A path is not a template name.
    expect((await initError({ template: '../etc' })).code).toBe('UnknownTemplate');
  });

  it('rejects a target that is a file', async () => {
    writeFileSync(join(cwd, 'taken'), '');
    expect((await initError({ template: 'store-events', dir: 'taken' })).code).toBe('NotAFolder');
  });
});

describe('planInit', () => {
  it('skips node_modules, .evlab, caches and metadata, sorts, renames, and marks existing files', () => {
    const template = join(cwd, 'templates', 't');
    for (const file of ['template-info.json', 'b.txt', 'a/z.py', 'gitignore', 'package.template.json', 'node_modules/x/index.js', '.evlab/engine.json', 'a/__pycache__/z.pyc']) {
      mkdirSync(join(template, file, '..'), { recursive: true });
      writeFileSync(join(template, file), file === 'template-info.json' ? '{}' : file);
    }
    const target = join(cwd, 'out');
    mkdirSync(target);
    writeFileSync(join(target, 'b.txt'), 'already here');
    const plan = planInit(template, target);
    expect(plan.map((f) => [f.path, f.exists])).toEqual([
      ['a/z.py', false],
      ['b.txt', true],
      ['.gitignore', false],
      ['package.json', false],
    ]);
    expect(listTemplates(join(cwd, 'templates'))).toEqual([{ name: 't', description: '', next: [] }]);
  });
});

describe('evlab init (the binary)', () => {
  const evlab = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(REPO, 'bin', 'evlab'), ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });

  it('finds the templates shipped beside dist/, creates a project, then refuses to overwrite it (exit 2)', async () => {
    const listed = await evlab(['init']);
    expect(listed.code, listed.stderr).toBe(0);
    for (const name of TEMPLATES) expect(listed.stdout).toContain(name);

    const created = await evlab(['init', 'distance-counter', 'demo']);
    expect(created.code, created.stderr).toBe(0);
    expect(existsSync(join(cwd, 'demo', 'functions', 'distance', 'app.py'))).toBe(true);

    const again = await evlab(['init', 'distance-counter', 'demo']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('[FilesExist]');
    expect(again.stderr).toContain('evlab.json');
    expect(again.stderr).toContain('--force');

    const unknown = await evlab(['--json', 'init', 'nope']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout).error.code).toBe('UnknownTemplate');
  });
});

describe('evlabDependencySpec', () => {
  it('links the evlab that made the project by path (it is not on the registry), except a temporary npx copy', () => {
    expect(evlabDependencySpec('/usr/lib/node_modules/evlab', '^0.1.0')).toBe('file:/usr/lib/node_modules/evlab');
    expect(evlabDependencySpec('/src/evlab/', '^0.1.0')).toBe('file:/src/evlab');
    expect(evlabDependencySpec('/home/me/.npm/_npx/1a2b/node_modules/evlab', '^0.1.0')).toBe('^0.1.0');
  });
});
