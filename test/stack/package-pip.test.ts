import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageFunction } from '../../src/package/index.js';
import { OperationError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'evlab-pip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A minimal pure-Python wheel, built by hand so pip installs it without a network or a build backend. */
function buildWheel(wheels: string): void {
  mkdirSync(wheels, { recursive: true });
  execFileSync('python3', [
    '-c',
    `
import zipfile, sys
files = {
  "tinydep/__init__.py": "VALUE = 42\\n",
  "tinydep-1.0.dist-info/METADATA": "Metadata-Version: 2.1\\nName: tinydep\\nVersion: 1.0\\n",
  "tinydep-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\\nGenerator: hand\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
record = "".join(f"{name},,\\n" for name in files) + "tinydep-1.0.dist-info/RECORD,,\\n"
with zipfile.ZipFile(sys.argv[1] + "/tinydep-1.0-py3-none-any.whl", "w") as z:
    for name, text in files.items():
        z.writestr(name, text)
    z.writestr("tinydep-1.0.dist-info/RECORD", record)
`,
    wheels,
  ]);
}

describe('packageFunction with requirements.txt (real pip)', () => {
  it('installs the requirements with pip -t beside the code, once', async () => {
    const wheels = join(dir, 'wheels');
    buildWheel(wheels);
    mkdirSync(join(dir, 'fn'));
    writeFileSync(join(dir, 'fn', 'app.py'), 'import tinydep\n\ndef handler(event, context):\n    return tinydep.VALUE\n');
    writeFileSync(join(dir, 'fn', 'requirements.txt'), `--no-index\n--find-links ${wheels}\ntinydep==1.0\n`);
    const first = await packageFunction({ runtime: 'python3.12', source: 'fn' }, dir);
    expect(first.files).toContain('tinydep/__init__.py');
    expect(first.files).toContain('app.py');
    expect(first.files.some((f) => f.startsWith('tinydep-1.0.dist-info/'))).toBe(true);
    // The cache is keyed by the requirements' content: without the wheels pip would fail, so a second
    // package proves pip did not run again.
    rmSync(wheels, { recursive: true });
    const second = await packageFunction({ runtime: 'python3.12', source: 'fn' }, dir, { cache: false });
    expect(second.codeSha256).toBe(first.codeSha256);
  });

  it('reports a pip failure with its reason and a hint', async () => {
    mkdirSync(join(dir, 'broken'));
    writeFileSync(join(dir, 'broken', 'app.py'), '');
    writeFileSync(join(dir, 'broken', 'requirements.txt'), `--no-index\ndoes-not-exist-anywhere==9.9\n`);
    const err = await packageFunction({ runtime: 'python3.12', source: 'broken' }, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect((err as OperationError).code).toBe('DependencyInstallFailed');
    expect((err as OperationError).message).toContain('does-not-exist-anywhere');
    expect((err as OperationError).hint).toContain('requirements.txt');
  });
});
