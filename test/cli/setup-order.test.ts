import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runSetup } from '../../src/commands/setup.js';
import { createContext } from '../../src/context.js';
import type { Engine } from '../../src/engine/index.js';
import { Output } from '../../src/ui/output.js';
import { startTestEngine } from '../helpers/engine.js';

let engine: Engine;
let dir: string;
beforeAll(async () => {
  engine = await startTestEngine();
  dir = mkdtempSync(join(tmpdir(), 'evlab-setup-order-'));
  writeFileSync(join(dir, 'evlab.json'), JSON.stringify({ queues: { 'order-q': {} } }));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await engine?.stop();
});

it('setup prints its checks before it says it is applying changes (stdout and stderr as one terminal shows them)', async () => {
  const screen: string[] = [];
  const sink = () => new Writable({ write: (chunk, _enc, done) => (screen.push(chunk.toString()), done()) });
  const ctx = createContext({ autoStart: false, endpoint: engine.url }, { cwd: dir, env: {}, out: new Output({ color: false, stdout: sink(), stderr: sink() }) });
  expect(await runSetup({}, ctx)).toBe(0);
  const text = screen.join('');
  const checks = text.indexOf('Checks');
  const applying = text.indexOf('applying 1 change');
  expect(checks).toBeGreaterThanOrEqual(0);
  expect(applying).toBeGreaterThan(checks);
  // Printed once, and the changes after the applying line.
  expect(text.split('Checks').length).toBe(2);
  expect(text.indexOf('+ queue order-q', applying)).toBeGreaterThan(applying);
});
