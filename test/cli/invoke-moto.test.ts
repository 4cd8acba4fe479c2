import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPayloadArgument } from '../../src/events/payload.js';
import { startMoto, type MotoServer } from '../helpers/moto.js';
import { runBinary, writeProject } from '../fixtures/events/command-context.js';

let moto: MotoServer;
let project: ReturnType<typeof writeProject>;

beforeAll(async () => {
  moto = await startMoto();
  project = writeProject({ functions: { counter: { runtime: 'python3.12', handler: 'app.handler', source: 'functions/counter' } } });
  writeFileSync(join(project.dir, 'event.json'), '{\n  "a": 1,\n  "b": [1, 2,]\n}\n');
});
afterAll(async () => {
  project?.remove();
  await moto?.stop();
});

describe('--payload', () => {
  it('takes JSON text as written, or @file', async () => {
    expect(await readPayloadArgument('{"n": 12345678901234567890}', project.dir)).toEqual({ text: '{"n": 12345678901234567890}', source: '--payload' });
    writeFileSync(join(project.dir, 'ok.json'), '\ufeff[1]');
    expect(await readPayloadArgument('@ok.json', project.dir)).toEqual({ text: '[1]', source: 'ok.json' });
  });

  it('says where the JSON is wrong', async () => {
    await expect(readPayloadArgument('{"a": }', project.dir)).rejects.toMatchObject({ code: 'InvalidPayload', exitCode: 2, location: '--payload:1:7' });
    await expect(readPayloadArgument('@event.json', project.dir)).rejects.toMatchObject({ location: 'event.json:3:14', message: expect.stringContaining('trailing comma') });
    await expect(readPayloadArgument('@nope.json', project.dir)).rejects.toMatchObject({ code: 'PayloadFileUnreadable', exitCode: 2 });
  });
});

describe('evlab invoke (binary, moto)', () => {
  it('exit 2 for a bad payload, before touching the endpoint', async () => {
    const run = await runBinary(['--endpoint', moto.url, 'invoke', 'counter', '--payload', "{'a': 1}"], project.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[InvalidPayload] --payload:1:2: the payload is not valid JSON');
    expect(run.stderr).toContain('JSON strings use double quotes');
  });

  it('exit 1 with the hint evlab setup when the function does not exist', async () => {
    const run = await runBinary(['--endpoint', moto.url, 'invoke', 'counter'], project.dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`[FunctionNotFound] function counter does not exist at ${moto.url}`);
    expect(run.stderr).toContain('hint: deploy it with evlab setup');
  });

  it('names the stack\'s functions when the name is not one of them', async () => {
    const run = await runBinary(['--endpoint', moto.url, '--json', 'invoke', 'countr'], project.dir);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'FunctionNotFound', hint: 'countr is not in the stack file either (its functions: counter); add it, then evlab setup' });
  });

  it('says that moto cannot run the code when its Docker-less invoke fails', async () => {
    const setup = await runBinary(['--endpoint', moto.url, 'setup'], project.dir);
    expect(setup.code, setup.stderr).toBe(0);
    const run = await runBinary(['--endpoint', moto.url, 'invoke', 'counter'], project.dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('FunctionError');
    expect(run.stderr).toContain("hint: moto runs lambda code only in Docker; run it on evlab's engine (evlab up) or LocalStack");
  });
});
