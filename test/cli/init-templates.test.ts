// The templates `evlab init` copies, and the repository's own demo in etc/, checked without an endpoint:
// each is a complete project, and the copies of shared code have not drifted apart.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listTemplates } from '../../src/commands/init.js';
import { loadStack } from '../../src/stack/load.js';
import { prepareEvents } from '../../src/events/prepare.js';

const REPO = join(import.meta.dirname, '..', '..');
const TEMPLATES = join(REPO, 'templates');
const read = (...path: string[]) => readFileSync(join(REPO, ...path), 'utf8');

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix) && !f.split(/[\\/]/).includes('node_modules'))
    .map((f) => join(dir, f));
}

const run = (cmd: string, args: string[]) =>
  new Promise<void>((resolve, reject) =>
    execFile(cmd, args, (err, _stdout, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : resolve())),
  );

describe('templates', () => {
  const templates = listTemplates(TEMPLATES);

  it('are the five documented ones', () => {
    expect(templates.map((t) => t.name)).toEqual(['csv-pipeline', 'distance-counter', 'order-invoice', 'store-events', 'webhook-runner']);
  });

  it.each(templates.map((t) => t.name))('%s is a complete project', (name) => {
    const dir = join(TEMPLATES, name);
    for (const file of ['template-info.json', 'README.md', 'evlab.json', 'gitignore', 'package.template.json', `test/${name}.test.ts`, 'test/evlab.ts']) {
      expect(existsSync(join(dir, file)), `${name}/${file}`).toBe(true);
    }
    expect(read('templates', name, 'README.md').split('\n')[0]).toBe(`# ${name}`);
    expect(JSON.parse(read('templates', name, 'package.template.json')).name).toBe(name);
    const stack = JSON.parse(read('templates', name, 'evlab.json')) as { functions: Record<string, { source: string }> };
    for (const [fn, spec] of Object.entries(stack.functions)) expect(existsSync(join(dir, spec.source)), `${name}: ${fn}.source`).toBe(true);
  });

  it('every stack file passes evlab\'s validation', async () => {
    const stacks = [
      ['etc', 'evlab.json'],
      ...templates.flatMap((t) => readdirSync(join(TEMPLATES, t.name)).filter((f) => /^evlab(\..+)?\.json$/.test(f)).map((f) => [join('templates', t.name), f])),
    ];
    expect(stacks.length).toBe(7);
    for (const [dir, config] of stacks) {
      const loaded = await loadStack({ cwd: join(REPO, dir), flags: { config } });
      expect(Object.keys(loaded.stack.functions ?? {}).length, `${dir}/${config}`).toBeGreaterThan(0);
    }
  });

  it('every events/ file passes evlab fire\'s validation', () => {
    const files = [...filesUnder(join(REPO, 'etc', 'events'), '.json'), ...filesUnder(TEMPLATES, '.json').filter((f) => /[\\/]events[\\/]/.test(f))];
    expect(files.length).toBe(5);
    const prepared = prepareEvents(files.map((file) => ({ file, text: readFileSync(file, 'utf8') })));
    expect(prepared.entries.length).toBe(5 + 6 + 5 + 6 + 3);
  });

  it('every JSON file is valid JSON', () => {
    const files = [...filesUnder(TEMPLATES, '.json'), ...filesUnder(join(REPO, 'etc'), '.json')];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expect(() => JSON.parse(readFileSync(file, 'utf8')), file).not.toThrow();
  });

  it('every function source compiles (python3 -m py_compile, node --check)', async () => {
    const python = [...filesUnder(TEMPLATES, '.py'), ...filesUnder(join(REPO, 'etc'), '.py')];
    await run('python3', ['-c', 'import ast, sys\nfor f in sys.argv[1:]: ast.parse(open(f).read(), f)', ...python]);
    for (const file of filesUnder(TEMPLATES, '.mjs')) await run(process.execPath, ['--check', file]);
  });
});

describe('copies of shared code stay identical', () => {
  const same = (a: string, b: string) => expect(read(b), `${b} differs from ${a}`).toBe(read(a));

  it('the distance-counter template is the repository demo in etc/', () => {
    same('etc/evlab.json', 'templates/distance-counter/evlab.json');
    same('etc/functions/distance/app.py', 'templates/distance-counter/functions/distance/app.py');
    for (const file of ['events.json', 'edge-cases.json']) same(`etc/events/${file}`, `templates/distance-counter/events/${file}`);
  });

  it('the templates\' test helpers', () => {
    for (const name of ['order-invoice', 'store-events', 'csv-pipeline', 'webhook-runner']) same('templates/distance-counter/test/evlab.ts', `templates/${name}/test/evlab.ts`);
  });
});
