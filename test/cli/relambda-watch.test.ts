// `evlab relambda --watch` against the embedded engine: a saved file redeploys its function; evlab's own
// build output and bytecode caches do not; Ctrl-C (the abort signal) ends the watch with exit 0.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { runRelambda, type RelambdaFunctionResult } from '../../src/commands/relambda.js';
import { setup } from '../../src/commands/setup.js';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { eventually, testContext, writeProject } from '../fixtures/events/command-context.js';

let engine: Engine;
let lambda: LambdaClient;
let project: ReturnType<typeof writeProject>;

beforeAll(async () => {
  engine = await startTestEngine();
  lambda = new LambdaClient(clientConfig(engine.url));
  project = writeProject(
    { functions: { greeter: { runtime: 'nodejs20.x', handler: 'index.handler', source: 'fn' } } },
    { 'fn/index.js': 'exports.handler = async () => ({ version: 1 });\n' },
  );
  const run = await setup({}, testContext({ cwd: project.dir, flags: { endpoint: engine.url } }).ctx);
  expect(run.changes.some((c) => c.resource.type === 'function' && c.action === 'create')).toBe(true);
});
afterAll(async () => {
  lambda?.destroy();
  project?.remove();
  await engine?.stop();
});

async function invokeGreeter(): Promise<unknown> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: 'greeter' }));
  return JSON.parse(Buffer.from(out.Payload!).toString('utf8'));
}

describe('evlab relambda --watch', () => {
  it('redeploys a function when one of its files changes, ignores build output, and stops on Ctrl-C', async () => {
    const controller = new AbortController();
    const run = testContext({ cwd: project.dir, flags: { endpoint: engine.url }, signal: controller.signal });
    const rounds: RelambdaFunctionResult[][] = [];
    const watching = runRelambda({ watch: true }, run.ctx, { debounceMs: 50, onRound: (round) => rounds.push(round) });
    await eventually(() => expect(run.stderr()).toContain('watching greeter for changes'));
    expect(run.stdout()).toContain('unchanged');

    // Not part of the package: no round.
    mkdirSync(join(project.dir, 'fn', '__pycache__'), { recursive: true });
    writeFileSync(join(project.dir, 'fn', '__pycache__', 'x.pyc'), 'cache');
    mkdirSync(join(project.dir, 'fn', '.evlab'), { recursive: true });
    writeFileSync(join(project.dir, 'fn', '.evlab', 'build.zip'), 'zip');

    writeFileSync(join(project.dir, 'fn', 'index.js'), 'exports.handler = async () => ({ version: 2 });\n');
    await eventually(() => expect(rounds.length).toBeGreaterThan(0));
    expect(rounds[0]!.map((r) => [r.name, r.status])).toEqual([['greeter', 'updated']]);
    expect(await invokeGreeter()).toEqual({ version: 2 });
    expect(run.stdout()).toContain('1 updated, 0 unchanged');

    controller.abort();
    expect(await watching).toBe(0);
    expect(rounds.every((round) => round.every((r) => r.status === 'updated' || r.status === 'unchanged'))).toBe(true);
  });
});
