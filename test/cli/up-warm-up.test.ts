// `evlab up` loads its services once it answers (src/engine-control/warm-up.ts), and stops cleanly while doing so.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { EVLAB_BINARY } from '../fixtures/events/command-context.js';
import { freePort } from '../helpers/moto.js';

const dir = mkdtempSync(join(tmpdir(), 'evlab-warm-'));
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `evlab up` in the foreground; resolves once it has printed its URL (it answers from then on). */
async function up(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [EVLAB_BINARY, 'up', '--port', String(port), ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  children.add(child);
  const lines = createInterface({ input: child.stdout! });
  const [url] = (await once(lines, 'line')) as [string];
  return { child, url };
}

async function services(url: string): Promise<Record<string, string>> {
  return ((await (await fetch(`${url}/_evlab/health`)).json()) as { services: Record<string, string> }).services;
}

describe('evlab up warm-up', () => {
  it('loads the core services after its first answer, without any request for them', async () => {
    const { child, url } = await up([]);
    const core = ['dynamodb', 'sqs', 'events', 'lambda', 'logs'];
    // The warm-up has no signal of its own: ask the health endpoint until every core service reads "running".
    const deadline = Date.now() + 30_000;
    let states = await services(url);
    while (!core.every((s) => states[s] === 'running') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      states = await services(url);
    }
    expect(Object.fromEntries(core.map((s) => [s, states[s]]))).toEqual(Object.fromEntries(core.map((s) => [s, 'running'])));
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
  });

  it('stops cleanly when interrupted while it warms up, with --persist (dynalite on LevelDB) too', async () => {
    const { child, url } = await up(['--persist', join(dir, 'state')]);
    // Interrupt once the first service is loaded: the warm-up is then under way (or, on a fast machine, done).
    const deadline = Date.now() + 30_000;
    while (!Object.values(await services(url)).includes('running') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
  });
});
