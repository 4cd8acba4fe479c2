// The README's quick start, literally: `npm pack` the checkout, `npm install -g` the tarball into a fresh prefix
// with a clean HOME, then `evlab init` a project outside the checkout and run it with the installed evlab.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/moto.js';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '..', '..');
let root: string;
let prefix: string;
let env: NodeJS.ProcessEnv;
let evlab: (args: string[], cwd: string) => Promise<{ stdout: string; stderr: string }>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'evlab-global-'));
  prefix = join(root, 'prefix');
  // A clean HOME (no ~/.npmrc, no ~/.evlab); npm's download cache is the machine's, so this works offline too.
  const { stdout: cache } = await run('npm', ['config', 'get', 'cache'], { cwd: REPO });
  env = { ...process.env, HOME: join(root, 'home'), npm_config_cache: cache.trim(), NO_COLOR: '1', EVLAB_ENDPOINT: '', AWS_ENDPOINT_URL: '' };
  // dist/ is built by `npm test` before vitest starts, so the pack needs no prepare script.
  const { stdout: packed } = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', root, '--json'], { cwd: REPO, env });
  const tarball = join(root, (JSON.parse(packed) as { filename: string }[])[0]!.filename);
  await run('npm', ['install', '-g', tarball, '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: root, env, timeout: 240_000 });
  evlab = (args, cwd) => run(join(prefix, 'bin', 'evlab'), args, { cwd, env, timeout: 60_000 });
}, 300_000);
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('evlab installed globally from npm pack', () => {
  it('runs --help and --version from the install, not from the checkout', async () => {
    const { stdout } = await evlab(['--help'], root);
    expect(stdout).toContain('evlab setup');
    expect((await evlab(['--version'], root)).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('init makes a project outside the checkout that depends on the install by path, and the project runs', async () => {
    const work = join(root, 'work');
    await run('mkdir', ['-p', work]);
    await evlab(['init', 'distance-counter', 'my-app'], work);
    const app = join(work, 'my-app');
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies.evlab).toBe(`file:${join(prefix, 'lib', 'node_modules', 'evlab')}`);

    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    await evlab(['up', '--detach', '--port', String(port)], app);
    try {
      const setup = await evlab(['setup', '--endpoint', endpoint], app);
      expect(setup.stdout).toMatch(/\d+ created, 0 updated, 0 deleted/);
      const fired = await evlab(['fire', 'events/events.json', '--wait', '--endpoint', endpoint], app);
      expect(fired.stdout).toContain('5 sent');
      expect(fired.stdout).toMatch(/Distance: 0 → 5/);
    } finally {
      await evlab(['down'], app);
    }
  });
});
