import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { afterEach, describe, expect, it } from 'vitest';
import { packageFunction } from '../../src/package/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'evlab-pkg-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

interface ZipEntry {
  name: string;
  date: Date;
  mode: number;
}

function entriesOf(zip: Buffer): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) return reject(err);
      const entries: ZipEntry[] = [];
      file.on('entry', (entry: yauzl.Entry) => {
        entries.push({ name: entry.fileName, date: entry.getLastModDate({ timezone: 'UTC' }), mode: (entry.externalFileAttributes >>> 16) & 0o777 });
        file.readEntry();
      });
      file.on('end', () => resolve(entries));
      file.on('error', reject);
      file.readEntry();
    });
  });
}

const node = { runtime: 'nodejs20.x', source: 'fn' };
const python = { runtime: 'python3.12', source: 'fn' };

describe('packageFunction', () => {
  it('gives the same CodeSha256 for the same content, whatever the timestamps, permissions or folder', async () => {
    const a = project({ 'fn/index.mjs': 'export const handler = async () => 1;\n', 'fn/lib/util.mjs': 'export const x = 1;\n' });
    const first = await packageFunction(node, a, { cache: false });
    utimesSync(join(a, 'fn/index.mjs'), new Date('2030-05-06T07:08:09Z'), new Date('2030-05-06T07:08:09Z'));
    chmodSync(join(a, 'fn/lib/util.mjs'), 0o600);
    const second = await packageFunction(node, a, { cache: false });
    const b = project({});
    cpSync(join(a, 'fn'), join(b, 'fn'), { recursive: true });
    const third = await packageFunction(node, b, { cache: false });
    expect(second.codeSha256).toBe(first.codeSha256);
    expect(third.codeSha256).toBe(first.codeSha256);
    expect(Buffer.compare(third.zip, first.zip)).toBe(0);
    expect(first.codeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(first.size).toBe(first.zip.length);
  });

  it('gives the same bytes for a tree of many files, run after run', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++) files[`fn/d${i % 7}/sub${i % 3}/f${i}.js`] = `module.exports = ${i};\n`.repeat(1 + (i % 50));
    const dir = project(files);
    const runs = await Promise.all(Array.from({ length: 6 }, () => packageFunction(node, dir, { cache: false })));
    expect(new Set(runs.map((r) => r.codeSha256)).size).toBe(1);
    expect((await entriesOf(runs[0]!.zip)).map((e) => e.name)).toEqual(Object.keys(files).map((f) => f.slice(3)).sort());
  });

  it('changes the CodeSha256 when a file changes', async () => {
    const dir = project({ 'fn/index.mjs': 'export const handler = async () => 1;\n' });
    const before = await packageFunction(node, dir, { cache: false });
    writeFileSync(join(dir, 'fn/index.mjs'), 'export const handler = async () => 2;\n');
    const after = await packageFunction(node, dir, { cache: false });
    expect(after.codeSha256).not.toBe(before.codeSha256);
  });

  it('sorts entries, fixes their dates to 1980-01-01 and keeps only the executable bit', async () => {
    const dir = project({
      'fn/z.py': 'z = 1\n',
      'fn/app.py': 'def handler(e, c): return 1\n',
      'fn/pkg/b.py': '',
      'fn/pkg/a.py': '',
      'fn/bootstrap': '#!/bin/sh\n',
    });
    chmodSync(join(dir, 'fn/bootstrap'), 0o700);
    chmodSync(join(dir, 'fn/z.py'), 0o600);
    const result = await packageFunction(python, dir, { cache: false });
    const entries = await entriesOf(result.zip);
    expect(entries.map((e) => e.name)).toEqual(['app.py', 'bootstrap', 'pkg/a.py', 'pkg/b.py', 'z.py']);
    expect(result.files).toEqual(entries.map((e) => e.name));
    for (const entry of entries) expect(entry.date.toISOString()).toBe('1980-01-01T00:00:00.000Z');
    expect(Object.fromEntries(entries.map((e) => [e.name, e.mode.toString(8)]))).toEqual({
      'app.py': '644',
      bootstrap: '755',
      'pkg/a.py': '644',
      'pkg/b.py': '644',
      'z.py': '644',
    });
  });

  it('includes node_modules and leaves out .evlab, .git, __pycache__ and *.pyc', async () => {
    const dir = project({
      'fn/index.js': 'exports.handler = async () => 1;\n',
      'fn/node_modules/dep/index.js': 'module.exports = 1;\n',
      'fn/.evlab/build/x.zip': 'x',
      'fn/.git/HEAD': 'ref',
      'fn/__pycache__/a.cpython-312.pyc': 'x',
      'fn/sub/__pycache__/b.pyc': 'x',
      'fn/stale.pyc': 'x',
    });
    const result = await packageFunction(node, dir, { cache: false });
    expect(result.files).toEqual(['index.js', 'node_modules/dep/index.js']);
  });

  it('reuses the cached zip until a file changes', async () => {
    const dir = project({ 'fn/index.mjs': 'export const handler = async () => 1;\n' });
    const first = await packageFunction(node, dir);
    const second = await packageFunction(node, dir);
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.codeSha256).toBe(first.codeSha256);
    writeFileSync(join(dir, 'fn/index.mjs'), 'export const handler = async () => 22;\n');
    const third = await packageFunction(node, dir);
    expect(third.cached).toBe(false);
    expect(third.codeSha256).not.toBe(first.codeSha256);
  });

  it('installs requirements.txt beside the code once per content of the file', async () => {
    const dir = project({ 'fn/app.py': 'import dep\n', 'fn/requirements.txt': 'dep==1.0\n' });
    const calls: string[] = [];
    const install = async (requirements: string, target: string) => {
      calls.push(requirements);
      mkdirSync(join(target, 'dep'), { recursive: true });
      writeFileSync(join(target, 'dep', '__init__.py'), 'VERSION = 1\n');
      writeFileSync(join(target, 'app.py'), 'shadowed by the function\n');
    };
    const first = await packageFunction(python, dir, { installPythonDependencies: install });
    expect(first.files).toEqual(['app.py', 'dep/__init__.py', 'requirements.txt']);
    await packageFunction(python, dir, { installPythonDependencies: install, cache: false });
    expect(calls).toHaveLength(1);
    writeFileSync(join(dir, 'fn/requirements.txt'), 'dep==2.0\n');
    await packageFunction(python, dir, { installPythonDependencies: install });
    expect(calls).toHaveLength(2);
  });

  it('does not run pip for a requirements.txt that lists nothing', async () => {
    const dir = project({ 'fn/app.py': '', 'fn/requirements.txt': '# none yet\n\n' });
    const result = await packageFunction(python, dir, {
      installPythonDependencies: async () => {
        throw new Error('must not be called');
      },
    });
    expect(result.files).toEqual(['app.py', 'requirements.txt']);
  });
});
