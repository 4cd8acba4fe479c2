import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { loadStack } from '../../src/stack/load.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'evlab-load-'));
  dirs.push(dir);
  return dir;
}
const ctx = (cwd: string, config?: string) => ({ cwd, flags: { config } });

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadStack', () => {
  it('finds evlab.json, then etc/evlab.json, and honours --config', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'etc'));
    writeFileSync(join(dir, 'etc', 'evlab.json'), '{"queues": {"from-etc": {}}}');
    expect(Object.keys((await loadStack(ctx(dir))).stack.queues!)).toEqual(['from-etc']);
    writeFileSync(join(dir, 'evlab.json'), '{"queues": {"from-root": {}}}');
    const root = await loadStack(ctx(dir));
    expect(Object.keys(root.stack.queues!)).toEqual(['from-root']);
    expect(root.file).toBe(join(dir, 'evlab.json'));
    expect(root.dir).toBe(dir);
    writeFileSync(join(dir, 'other.json'), '{"queues": {"from-config": {}}}');
    expect(Object.keys((await loadStack(ctx(dir, 'other.json'))).stack.queues!)).toEqual(['from-config']);
  });

  it('says how to create a stack when there is none', async () => {
    const err = await configError(loadStack(ctx(tempDir())));
    expect(err.code).toBe('StackNotFound');
    expect(err.hint).toContain('evlab init');
    expect(err.exitCode).toBe(2);
    const missing = await configError(loadStack(ctx(tempDir(), 'nope.json')));
    expect(missing.code).toBe('StackNotFound');
    expect(missing.message).toContain('--config');
  });

  it('reports JSON syntax errors with file:line:column', async () => {
    const dir = tempDir();
    const cases: [string, string, RegExp][] = [
      ['{\n  "queues": {\n    "a": {},\n  }\n}', '4:3', /trailing comma/],
      ['{\n  "queues": {\n    "a": {}\n    "b": {}\n  }\n}', '4:5', /missing comma/],
      ["{\n  'queues': {}\n}", '2:3', /'/],
      ['{\n  "queues": {\n', '3:1', /end of file/],
      ['{\n  /* comment\n}', '2:3', /unterminated comment/],
      ['', '1:1', /empty/],
    ];
    for (const [text, where, message] of cases) {
      writeFileSync(join(dir, 'evlab.json'), text);
      const err = await configError(loadStack(ctx(dir)));
      expect(err.code).toBe('StackSyntaxError');
      expect(err.message).toContain(`evlab.json:${where}:`);
      expect(err.message).toMatch(message);
      expect(err.location).toMatch(new RegExp(`evlab\\.json:${where}$`));
    }
  });

  it('accepts comments, and still names the line of a later problem', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'evlab.json'), '{\n  // the queues\n  "queues": {"a": {}}, /* none yet */\n  "tables": {"t": {"partitionKey": 7}}\n}');
    const err = await loadStack(ctx(dir)).then(() => undefined, (e: unknown) => e as { code: string; problems: { path: string; message: string }[] });
    expect(err?.code).toBe('InvalidStack');
    expect(err?.problems.some((p) => /\(line 4\)/.test(p.message))).toBe(true);
    writeFileSync(join(dir, 'evlab.json'), '{\n  // the queues\n  "queues": {"a": {}} /* none other */\n}\n');
    expect(Object.keys((await loadStack(ctx(dir))).stack.queues!)).toEqual(['a']);
  });

  it('accepts a byte-order mark', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'evlab.json'), '\ufeff{"queues": {"a": {}}}');
    expect(Object.keys((await loadStack(ctx(dir))).stack.queues!)).toEqual(['a']);
  });
});
