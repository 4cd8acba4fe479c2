import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../src/engine/index.js';
import { runSetup } from '../../src/commands/setup.js';
import { runFire } from '../../src/commands/fire.js';
import { runStatus } from '../../src/commands/status.js';
import { runInvoke } from '../../src/commands/invoke.js';
import { runRelambda } from '../../src/commands/relambda.js';
import { runTail } from '../../src/commands/tail.js';
import { startTestEngine } from '../helpers/engine.js';
import { testContext } from '../fixtures/events/command-context.js';

// The repository's demo (etc/) end to end on the embedded engine: setup, fire --wait with the idle signal,
// status --check, invoke, relambda, tail. The engine runs the Python lambda with the host's python3.

let engine: Engine;
let dir: string;
const run = (json = true, signal?: AbortSignal) => testContext({ cwd: dir, flags: { endpoint: engine.url, json }, signal });

beforeAll(async () => {
  engine = await startTestEngine();
  dir = mkdtempSync(join(tmpdir(), 'evlab-demo-'));
  cpSync(join(import.meta.dirname, '../../etc'), dir, { recursive: true });
  const setup = run();
  expect(await runSetup({}, setup.ctx), setup.stdout() + setup.stderr()).toBe(0);
});
afterAll(async () => {
  await engine?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the demo on the embedded engine', () => {
  it('fire --wait waits for the idle signal and shows the counter item that changed', async () => {
    const r = run();
    expect(await runFire({ files: ['events/events.json'], wait: true, timeout: 60 }, r.ctx), r.stderr()).toBe(0);
    const result = JSON.parse(r.stdout());
    expect(result).toMatchObject({ ok: true, sent: 5, failed: 0, wait: { settled: true, method: 'idle-signal' } });
    expect(result.wait.changes.tables).toEqual([
      { name: 'Distance', before: 1, after: 1, delta: 0, items: [{ kind: 'modified', key: { Name: 'Distance' }, attributes: [{ name: 'Distance', before: 0, after: 5 }] }] },
    ]);
    expect(result.wait.changes.queues[0]).toMatchObject({ name: 'lambda-testing-dlq', deadLetter: true, changed: false });
  });

  it('poison events end in the DLQ after the retries; status --check then exits 1', async () => {
    const r = run(false);
    expect(await runFire({ files: ['events/edge-cases.json'], wait: true, timeout: 60 }, r.ctx), r.stderr()).toBe(0);
    expect(r.stdout()).toMatch(/settled after [\d.]+ s \(the engine is idle\)/);
    expect(r.stdout()).toContain('~ Name=Distance  Distance: 5 → 7');
    expect(r.stdout()).toContain('DLQ lambda-testing-dlq: 0 messages → 4 messages');

    const s = run(false);
    expect(await runStatus({ check: true }, s.ctx)).toBe(1);
    expect(s.stdout()).toMatch(/lambda-testing +Active +Successful +python3\.12 .* lambda-testing-dlq/);
    expect(s.stdout()).toContain('✗ dead-letter queue lambda-testing-dlq holds 4 messages (dead letters of function lambda-testing)');
    expect(s.stdout()).toContain('see why: evlab tail lambda-testing --since 1h');
  });

  it('invoke returns the payload and the log tail; a failing invocation exits 1 with FunctionError', async () => {
    const ok = run();
    const payload = JSON.stringify({ detail: { coordinate: { x: 1, y: 1 }, persist: true } });
    expect(await runInvoke({ function: 'lambda-testing', payload }, ok.ctx), ok.stderr()).toBe(0);
    const result = JSON.parse(ok.stdout());
    expect(result).toMatchObject({ statusCode: 200, payload: { distance: 8 } });
    expect(result.functionError).toBeUndefined();
    expect(result.logTail).toMatch(/REPORT RequestId/);

    const bad = run(false);
    expect(await runInvoke({ function: 'lambda-testing', payload: '{"detail": {}}' }, bad.ctx)).toBe(1);
    expect(bad.stderr()).toContain('FunctionError Unhandled');
    expect(bad.stdout()).toContain('PoisonEvent');
  });

  it('relambda skips unchanged code and updates changed code', async () => {
    const same = run();
    expect(await runRelambda({}, same.ctx)).toBe(0);
    expect(JSON.parse(same.stdout()).functions[0]).toMatchObject({ name: 'lambda-testing', status: 'unchanged' });

    const app = join(dir, 'functions/distance/app.py');
    writeFileSync(app, readFileSync(app, 'utf8').replace('"msg": "counted"', '"msg": "counted again"'));
    const changed = run();
    expect(await runRelambda({}, changed.ctx)).toBe(0);
    expect(JSON.parse(changed.stdout()).functions[0]).toMatchObject({ status: 'updated' });
    const invoked = run();
    expect(await runInvoke({ function: 'lambda-testing', payload: JSON.stringify({ detail: { coordinate: { x: 1, y: 1 }, persist: true } }) }, invoked.ctx)).toBe(0);
    expect(JSON.parse(invoked.stdout()).logTail).toContain('counted again');
  });

  it('tail --no-follow shows the function\'s lines, errors among them', async () => {
    const t = run();
    expect(await runTail({ follow: false }, t.ctx)).toBe(0);
    const records = t.stdout().trim().split('\n').map((l) => JSON.parse(l));
    expect(records.some((r) => r.function === 'lambda-testing' && r.message.includes('"msg": "counted"'))).toBe(true);
    expect(records.some((r) => r.kind === 'error')).toBe(true);
    expect(records.some((r) => r.kind === 'report')).toBe(true);
  });
});
