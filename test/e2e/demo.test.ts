// `npm run demo` end to end (the built dist/demo/run-demo.js, spawning the real binary), and its accounting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { account, renderAccounting } from '../../src/demo/accounting.js';
import type { Engine } from '../../src/engine/index.js';
import { startTestEngine } from '../helpers/engine.js';

const REPO = join(import.meta.dirname, '..', '..');
const plain = { bold: (s: string) => s, green: (s: string) => s, red: (s: string) => s, dim: (s: string) => s };

function runDemo(endpoint: string): Promise<{ code: number; output: string; seconds: number }> {
  const started = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', EVLAB_ENDPOINT: endpoint };
  delete env.AWS_ENDPOINT_URL;
  return new Promise((resolve, reject) => {
    // Asynchronous: in one case the engine the demo uses lives in this process.
    const child = spawn(process.execPath, [join(REPO, 'dist', 'demo', 'run-demo.js')], { cwd: REPO, env });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output, seconds: (Date.now() - started) / 1000 }));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('demo accounting', () => {
  it('balances on differences, so a re-run over an earlier run is still right', () => {
    const a = account({ counter: 7, dlq: 4 }, { counter: 14, dlq: 8 }, [
      { file: 'etc/events/events.json', events: 5 },
      { file: 'etc/events/edge-cases.json', events: 6 },
    ]);
    expect(a).toMatchObject({ fired: 11, counted: 7, deadLettered: 4, balanced: true });
    const text = renderAccounting(a, plain, 3.2);
    expect(text).toContain('events fired            11');
    expect(text).toContain('Distance 7 → 14');
    expect(text).toContain('7 + 4 = 11. Nothing lost.');
  });

  it('says how many events are unaccounted for', () => {
    const a = account({ counter: 0, dlq: 0 }, { counter: 6, dlq: 3 }, [{ file: 'f', events: 11 }]);
    expect(a.balanced).toBe(false);
    expect(renderAccounting(a, plain, 1)).toContain('2 event(s) unaccounted for');
  });
});

describe('npm run demo', () => {
  it('starts its own engine when nothing answers, prints a balanced accounting, and stops the engine', async () => {
    const port = await freePort();
    const demo = await runDemo(`http://127.0.0.1:${port}`);
    expect(demo.code, demo.output).toBe(0);
    expect(demo.output).toContain(`started evlab's embedded engine at http://127.0.0.1:${port}`);
    expect(demo.output).toContain('$ evlab setup');
    expect(demo.output).toContain('$ evlab fire etc/events/edge-cases.json --wait');
    expect(demo.output).toContain('$ evlab status');
    expect(demo.output).toContain('7 + 4 = 11. Nothing lost.');
    // Its wall time (< 10 s on a fresh clone) is a bench figure (bench/lib/fig-demo.mjs): under this suite's load it says nothing.
    expect(await listening(port), 'the engine the demo started is stopped').toBe(false);
  }, 60_000);

  describe('with an engine already running', () => {
    let engine: Engine;
    beforeAll(async () => {
      engine = await startTestEngine();
    });
    afterAll(() => engine.stop());

    it('uses it, leaves it running, and stays right when run twice', async () => {
      for (let run = 1; run <= 2; run++) {
        const demo = await runDemo(engine.url);
        expect(demo.code, demo.output).toBe(0);
        expect(demo.output).toContain(`at ${engine.url} (left running)`);
        expect(demo.output).toContain('7 + 4 = 11. Nothing lost.');
        expect(demo.output).toContain(run === 1 ? 'Distance 0 → 7' : 'Distance 7 → 14');
      }
      expect(await listening(engine.port)).toBe(true);
    }, 60_000);
  });
});
