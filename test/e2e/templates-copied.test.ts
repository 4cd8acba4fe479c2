// The new starters as a user gets them: `evlab init` copies each out of the repository, and its own test suite
// runs there with its own vitest config. Dependencies are linked (evlab to this checkout, the rest to its
// node_modules) instead of `npm install`ed, which would need the registry.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '..', '..');
const root = mkdtempSync(join(tmpdir(), 'evlab-copied-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function linkDependencies(project: string): void {
  const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
  const modules = join(project, 'node_modules');
  mkdirSync(join(modules, '@aws-sdk'), { recursive: true });
  for (const name of Object.keys(pkg.devDependencies ?? {})) {
    symlinkSync(name === 'evlab' ? REPO : join(REPO, 'node_modules', name), join(modules, name));
  }
}

describe.each(['csv-pipeline', 'webhook-runner'])('the %s starter, copied by evlab init', (name) => {
  it('passes its own tests on its own', async () => {
    const env = { ...process.env, NO_COLOR: '1', EVLAB_ENDPOINT: '', AWS_ENDPOINT_URL: '' };
    await run(process.execPath, [join(REPO, 'bin', 'evlab'), 'init', name, name], { cwd: root, env });
    const project = join(root, name);
    linkDependencies(project);
    const vitest = join(REPO, 'node_modules', 'vitest', 'vitest.mjs');
    const { stdout } = await run(process.execPath, [vitest, 'run', '--root', project], { cwd: project, env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
    expect(stdout).toMatch(/Tests\s+\d+ passed/);
    expect(stdout).not.toMatch(/failed/);
  }, 300_000);
});
