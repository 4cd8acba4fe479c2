import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectEndpoint } from '../../src/aws/detect.js';
import { UnreachableError } from '../../src/errors.js';
import type { Engine } from '../../src/engine/index.js';
import { startTestEngine } from '../helpers/engine.js';
import { freePort, startMoto, type MotoServer } from '../helpers/moto.js';

let engine: Engine;
let moto: MotoServer;
beforeAll(async () => {
  [engine, moto] = await Promise.all([startTestEngine(), startMoto()]);
});
afterAll(async () => {
  await Promise.all([engine?.stop(), moto?.stop()]);
});

describe('detectEndpoint', () => {
  it('recognises the evlab engine and its idle signal', async () => {
    const info = await detectEndpoint(engine.url);
    expect(info).toMatchObject({ kind: 'evlab', idleSignal: true });
    expect(info.label).toMatch(/^evlab engine \d/);
  });

  it('recognises moto', async () => {
    expect(await detectEndpoint(moto.url)).toMatchObject({ kind: 'moto', idleSignal: false });
  });

  it('reports a silent endpoint within 3 s, with the commands that start one', async () => {
    const port = await freePort();
    const started = Date.now();
    const err = await detectEndpoint(`http://127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as UnreachableError).hint).toContain('evlab up');
    expect((err as UnreachableError).exitCode).toBe(3);
  });
});
