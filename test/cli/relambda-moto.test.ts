import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { runRelambda } from '../../src/commands/relambda.js';
import { packageFunction } from '../../src/package/index.js';
import type { StackFile } from '../../src/stack/types.js';
import { clientConfig } from '../helpers/engine.js';
import { startMoto, type MotoServer } from '../helpers/moto.js';
import { testContext, writeProject } from '../fixtures/events/command-context.js';

let moto: MotoServer;
let lambda: LambdaClient;
let project: ReturnType<typeof writeProject>;
const fn = (source: string) => ({ runtime: 'python3.12', handler: 'app.handler', source });
const stack: StackFile = { functions: { counter: fn('functions/counter'), mailer: fn('functions/mailer'), ghost: fn('functions/ghost') } };

beforeAll(async () => {
  moto = await startMoto();
  lambda = new LambdaClient(clientConfig(moto.url));
  const iam = new IAMClient(clientConfig(moto.url));
  await iam.send(new CreateRoleCommand({ RoleName: 'lambda-role', AssumeRolePolicyDocument: '{}' }));
  iam.destroy();
  project = writeProject(stack);
  for (const name of ['counter', 'mailer']) {
    const { zip } = await packageFunction(stack.functions![name]!, project.dir);
    await lambda.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: 'python3.12', Handler: 'app.handler', Role: 'arn:aws:iam::000000000000:role/lambda-role', Code: { ZipFile: zip },
    }));
  }
});
afterAll(async () => {
  lambda?.destroy();
  project?.remove();
  await moto?.stop();
});

describe('evlab relambda against moto', () => {
  it('reports "unchanged" when the deployed CodeSha256 matches the new zip', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url, json: true } });
    expect(await runRelambda({ functions: ['counter', 'mailer'] }, run.ctx)).toBe(0);
    const result = JSON.parse(run.stdout());
    expect(result.functions.map((f: { name: string; status: string }) => [f.name, f.status])).toEqual([['counter', 'unchanged'], ['mailer', 'unchanged']]);
  });

  it('uploads only changed code and waits for Successful', async () => {
    writeFileSync(join(project.dir, 'functions/counter/app.py'), 'def handler(event, context):\n    return {"version": 2}\n');
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url } });
    expect(await runRelambda({ functions: ['counter', 'mailer'] }, run.ctx)).toBe(0);
    expect(run.stdout()).toMatch(/↻ counter {2}updated \S+ → \S+, [\d.]+ (KB|B)/);
    expect(run.stdout()).toMatch(/= mailer {3}unchanged/);
    expect(run.stdout()).toContain('1 updated, 1 unchanged');
    const { zip, codeSha256 } = await packageFunction(stack.functions!.counter!, project.dir);
    expect(zip.length).toBeGreaterThan(0);
    const deployed = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'counter' }));
    expect(deployed.CodeSha256).toBe(codeSha256);
    expect(deployed.LastUpdateStatus).toBe('Successful');
  });

  it('--force uploads unchanged code', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url, json: true } });
    expect(await runRelambda({ functions: ['mailer'], force: true }, run.ctx)).toBe(0);
    expect(JSON.parse(run.stdout()).functions[0]).toMatchObject({ name: 'mailer', status: 'updated' });
  });

  it('a function that is not deployed fails with the hint evlab setup (exit 1); the others still run', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url } });
    expect(await runRelambda({}, run.ctx)).toBe(1);
    expect(run.stdout()).toContain('✗ ghost    missing: function ghost does not exist at the endpoint');
    expect(run.stdout()).toContain('hint: create it with evlab setup');
    expect(run.stdout()).toMatch(/= counter {2}unchanged/);
  });

  it('refuses a function the stack does not declare (exit 2)', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: moto.url } });
    await expect(runRelambda({ functions: ['countr'] }, run.ctx)).rejects.toMatchObject({ code: 'UnknownFunction', exitCode: 2 });
  });
});
