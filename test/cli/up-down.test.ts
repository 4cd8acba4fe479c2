import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVLAB_BINARY, runBinary } from '../fixtures/events/command-context.js';
import { freePort } from '../helpers/moto.js';

// Drives the built binary (`npx tsc -p .` first): detached engines are separate processes, stopped in afterAll.
const dirA = mkdtempSync(join(tmpdir(), 'evlab-up-a-'));
const dirB = mkdtempSync(join(tmpdir(), 'evlab-up-b-'));
const started = new Set<number>();
let port: number;
let url: string;

const record = (dir: string) => JSON.parse(readFileSync(join(dir, '.evlab', 'engine.json'), 'utf8')) as { pid: number; url: string; logFile: string };
async function health(at: string): Promise<{ pid?: number } | undefined> {
  try {
    return (await (await fetch(`${at}/_evlab/health`)).json()) as { pid?: number };
  } catch {
    return undefined;
  }
}
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
});
afterAll(() => {
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGTERM');
  rmSync(dirA, { recursive: true, force: true });
  rmSync(dirB, { recursive: true, force: true });
});

describe('evlab up --detach / evlab down', () => {
  it('up takes its port from $EVLAB_ENDPOINT and says where it listens; a second up is refused', async () => {
    const up = await runBinary(['up', '--detach'], dirA, { EVLAB_ENDPOINT: url });
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const { pid } = record(dirA);
    started.add(pid);
    expect(up.stdout).toContain(`evlab engine running at ${url} (pid ${pid}; port from EVLAB_ENDPOINT)`);
    expect((await health(url))?.pid).toBe(pid);

    const again = await runBinary(['up', '--detach'], dirA, { EVLAB_ENDPOINT: url });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('[EngineAlreadyRunning]');
    expect(again.stderr).toContain(`use the running one at ${url}`);
    expect(again.stderr).toContain('`evlab down`');
    expect(record(dirA).pid).toBe(pid);
  });

  it('a failed up --detach on a busy port suggests the next port with the same flags and leaves the running engine\'s log alone', async () => {
    const log = readFileSync(record(dirA).logFile, 'utf8');
    const busy = await runBinary(['up', '--detach', '--port', String(port), '--retry-delay', '10'], dirB);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('[PortInUse]');
    expect(busy.stderr).toContain(`\`evlab up --detach --port ${port + 1} --retry-delay 10\``);
    expect(readFileSync(record(dirA).logFile, 'utf8')).toBe(log);
    expect(existsSync(join(dirB, '.evlab', 'engine.json'))).toBe(false);
  });

  it('down in another folder leaves an engine it did not start running, and says how to stop it', async () => {
    const down = await runBinary(['down', '--endpoint', url], dirB);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('no evlab engine of this project was running');
    expect(down.stdout).toContain(`evlab down --any --endpoint ${url}`);
    expect((await health(url))?.pid).toBe(record(dirA).pid);
  });

  it('down stops the recorded engine and removes the record; a second down is a no-op', async () => {
    const { pid } = record(dirA);
    const down = await runBinary(['down'], dirA);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain(`stopped the evlab engine at ${url} (pid ${pid})`);
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(dirA, '.evlab', 'engine.json'))).toBe(false);
    const again = await runBinary(['down', '--json'], dirA);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ stopped: false, engines: [] });
  });

  it('a stale record (its engine gone) does not block up', async () => {
    writeFileSync(join(dirA, '.evlab', 'engine.json'), JSON.stringify({ pid: 2 ** 22 + 1, url, host: '127.0.0.1', port, logFile: 'x', startedAt: '' }));
    const up = await runBinary(['up', '--detach', '--port', String(port)], dirA);
    expect(up.code).toBe(0);
    const { pid } = record(dirA);
    started.add(pid);
    expect((await health(url))?.pid).toBe(pid);
    // Not the endpoint the other commands use (none set): say how they reach it.
    expect(up.stdout).toContain(`export EVLAB_ENDPOINT=${url}`);
    expect((await runBinary(['down'], dirA)).code).toBe(0);
    expect(alive(pid)).toBe(false);
  });

  it('down --any stops an unrecorded engine (started in the foreground) and says so', async () => {
    const child: ChildProcess = spawn(process.execPath, [EVLAB_BINARY, 'up', '--port', '0'], { cwd: dirB, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, NO_COLOR: '1' } });
    started.add(child.pid!);
    const exited = once(child, 'exit');
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const foreground = line.trim();
    expect((await health(foreground))?.pid).toBe(child.pid);

    const plain = await runBinary(['down', '--endpoint', foreground], dirB);
    expect(plain.code).toBe(0);
    expect(alive(child.pid!)).toBe(true);

    const any = await runBinary(['down', '--any', '--endpoint', foreground], dirB);
    expect(any.code).toBe(0);
    expect(any.stdout).toContain(`stopped the evlab engine at ${foreground} (pid ${child.pid}), which this project had not started (--any)`);
    await exited;
  });
});
