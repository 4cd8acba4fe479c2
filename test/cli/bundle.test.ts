// The CLI bundle (bin/bundle.mjs): one output per command, `--help` free of SDK code, and the bundle runs.
// It builds a bundle of its own into a temp folder (esbuild, ~1 s) and reads esbuild's metafile.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

interface Metafile {
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, unknown>; imports: { path: string; kind: string; external?: boolean }[] }>;
}

describe('the CLI bundle', () => {
  let dir: string;
  let outdir: string;
  let meta: Metafile;
  // Output paths as esbuild names them (relative to the repository, in the `.new` folder it builds into).
  const key = (output: string) => output.slice(output.indexOf('.new/') + 5);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'evlab-bundle-'));
    outdir = join(dir, 'bundle');
    execFileSync(process.execPath, [join(REPO, 'bin', 'bundle.mjs'), '--outdir', outdir, '--metafile', join(dir, 'meta.json')], { stdio: 'pipe' });
    meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Metafile;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const outputs = () => Object.entries(meta.outputs).map(([file, output]) => ({ file: key(file), ...output }));
  // What loading `start` loads: its static imports, and with `dynamic`, what it may import() later too.
  const closure = (start: string, dynamic = false): Set<string> => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const output = outputs().find((o) => o.file === file)!;
      for (const i of output.imports) if ((i.kind === 'import-statement' || (dynamic && i.kind === 'dynamic-import')) && !i.external) visit(key(i.path));
    };
    visit(start);
    return seen;
  };
  const staticClosure = (start: string) => closure(start);
  const isSdk = (input: string) => /node_modules\/(@aws-sdk|@smithy|@aws-crypto)\//.test(input);

  it('gives every command an output file of its own, loaded only when it runs', () => {
    const commands = outputs().filter((o) => o.entryPoint?.startsWith('src/commands/'));
    expect(commands.map((o) => o.entryPoint).sort()).toEqual(expect.arrayContaining(['src/commands/setup.ts', 'src/commands/relambda.ts', 'src/commands/up.ts', 'src/commands/fire.ts']));
    const cli = staticClosure('cli.js');
    for (const command of commands) expect(cli.has(command.file), `${command.entryPoint} is loaded by --help`).toBe(false);
  });

  it('keeps the SDK out of what --help loads, and in the bundle for the commands', () => {
    const cli = staticClosure('cli.js');
    const loadedByHelp = outputs().filter((o) => cli.has(o.file)).flatMap((o) => Object.keys(o.inputs));
    expect(loadedByHelp).toContain('src/cli.ts');
    expect(loadedByHelp.filter(isSdk)).toEqual([]);
    const setup = outputs().find((o) => o.entryPoint === 'src/commands/setup.ts')!;
    const setupLoads = outputs().filter((o) => closure(setup.file, true).has(o.file)).flatMap((o) => Object.keys(o.inputs));
    expect(setupLoads.filter(isSdk).length).toBeGreaterThan(0);
  });

  it('runs --help loading only that part of the bundle', () => {
    // A module hook logs every file Node loads (ESM and CommonJS alike go through it for file: URLs).
    const log = join(dir, 'loaded.txt');
    writeFileSync(join(dir, 'hooks.mjs'), "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  if (url.startsWith('file:')) appendFileSync(process.env.EVLAB_LOAD_LOG, url + '\\n');\n  return next(url, context);\n}\n");
    writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
    writeFileSync(log, '');
    const run = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, join(outdir, 'cli.js'), '--help'], {
      env: { ...process.env, EVLAB_LOAD_LOG: log, NO_COLOR: '1' },
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Usage: evlab');
    const bundleUrl = pathToFileURL(outdir).href + '/';
    const loaded = readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith(bundleUrl)).map((u) => u.slice(bundleUrl.length));
    expect(loaded).toContain('cli.js');
    expect(new Set(loaded)).toEqual(staticClosure('cli.js'));
  });
});
