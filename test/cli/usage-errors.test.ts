import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBinary } from '../fixtures/events/command-context.js';

// Drives the built binary: run `npx tsc -p .` first. No endpoint is contacted: parsing fails first.
const dir = mkdtempSync(join(tmpdir(), 'evlab-usage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('usage errors exit 2 (the README contract), help and version exit 0', () => {
  it.each([
    [['setup', '--bogus'], "unknown option '--bogus'"],
    [['frie', 'x'], "unknown command 'frie'"],
    [['fire'], "missing required argument 'file'"],
    [['status', '--limit'], "option '--limit <n>' argument missing"],
    [['status', '--json', '--bogus'], "unknown option '--bogus'"],
    [[], 'Usage: evlab'],
  ])('evlab %j', async (args, message) => {
    const run = await runBinary(args, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    if (args.length) expect(run.stderr).toContain('(run evlab --help for usage)');
  });

  it('with --json, also prints the error object on stdout', async () => {
    const run = await runBinary(['status', '--json', '--bogus'], dir);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      schemaVersion: 1,
      ok: false,
      error: { code: 'UsageError', message: "unknown option '--bogus'", hint: 'run evlab status --help for usage' },
    });
    const global = await runBinary(['--json', 'frie'], dir);
    expect(global.code).toBe(2);
    expect(JSON.parse(global.stdout).error).toMatchObject({ code: 'UsageError', message: expect.stringContaining("unknown command 'frie'") });
  });

  it('without --json, stdout stays empty', async () => {
    expect((await runBinary(['setup', '--bogus'], dir)).stdout).toBe('');
  });

  it.each([[['--help']], [['--version']], [['status', '--help']], [['help']], [['down', '--help']]])('evlab %j exits 0', async (args) => {
    const run = await runBinary(args, dir);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toBe('');
  });

  it("down's help says it stops only this project's engine, unless --any", async () => {
    const run = await runBinary(['down', '--help'], dir);
    expect(run.stdout).toContain('.evlab/engine.json');
    expect(run.stdout).toContain('--any');
  });
});
