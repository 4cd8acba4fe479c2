import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { STACK_SCHEMA } from '../../src/stack/schema.js';
import { clientConfig } from '../helpers/engine.js';
import { freePort, startMoto, type MotoServer } from '../helpers/moto.js';
import { captureContext, copyStack, EVLAB_BIN } from '../fixtures/stacks/project.js';
import type { CommandContext } from '../../src/context.js';

// These tests drive the built binary: run `npm run build` (or `npx tsc -p .`) first.

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function evlab(args: string[], cwd: string): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [EVLAB_BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', EVLAB_ENDPOINT: '', AWS_ENDPOINT_URL: '' }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr, ms: Date.now() - started });
    });
  });
}

let moto: MotoServer;
let project: ReturnType<typeof copyStack>;
const goodText = () => readFileSync(join(project.dir, 'evlab.json'), 'utf8');
let original: string;

beforeAll(async () => {
  moto = await startMoto();
  project = copyStack('good');
  original = goodText();
});
afterAll(async () => {
  project?.remove();
  await moto?.stop();
});

async function nothingCreated(): Promise<void> {
  const config = clientConfig(moto.url);
  const sqs = new SQSClient(config);
  const lambda = new LambdaClient(config);
  const events = new EventBridgeClient(config);
  const ddb = new DynamoDBClient(config);
  try {
    expect((await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? []).toEqual([]);
    expect((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).toEqual([]);
    expect((await events.send(new ListRulesCommand({}))).Rules ?? []).toEqual([]);
    expect((await ddb.send(new ListTablesCommand({}))).TableNames ?? []).toEqual([]);
  } finally {
    for (const c of [sqs, lambda, events, ddb]) c.destroy();
  }
}

describe('evlab setup with bad input', () => {
  it('exits 2 for an invalid stack file, naming each JSON path with a hint, and creates nothing', async () => {
    const broken = original
      .replace('"deadLetterQueue": "lambda-testing-dlq"', '"deadLetterQueue": "lambda-testing-dql"')
      .replace('"source": ["cli"]', '"source": "cli"')
      .replace('"timeout": 10', '"timout": 10');
    writeFileSync(join(project.dir, 'evlab.json'), broken);
    const run = await evlab(['setup', '--endpoint', moto.url], project.dir);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('[InvalidStack] 3 problems in evlab.json');
    expect(run.stderr).toContain('functions.lambda-testing.deadLetterQueue: names the queue "lambda-testing-dql", which is not declared under "queues"');
    expect(run.stderr).toContain('hint: did you mean "lambda-testing-dlq"?');
    expect(run.stderr).toContain('functions.lambda-testing.timout: unknown key "timout"');
    expect(run.stderr).toContain('rules.cli-events.pattern: is not a valid event pattern');
    await nothingCreated();

    const json = await evlab(['setup', '--endpoint', moto.url, '--json'], project.dir);
    expect(json.code).toBe(2);
    const error = JSON.parse(json.stdout).error;
    expect(error.code).toBe('InvalidStack');
    expect(error.problems.map((p: { path: string }) => p.path).sort()).toEqual([
      'functions.lambda-testing.deadLetterQueue',
      'functions.lambda-testing.timout',
      'rules.cli-events.pattern',
    ]);
  });

  it('exits 2 for a JSON syntax error, with file:line:column', async () => {
    writeFileSync(join(project.dir, 'evlab.json'), original.replace('"jobs-dlq": {}', '"jobs-dlq": {},'));
    const run = await evlab(['setup', '--endpoint', moto.url], project.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\[StackSyntaxError\] evlab\.json:8:3: trailing comma before \}/);
    await nothingCreated();
  });

  it('exits 2 when there is no stack file, pointing at evlab init', async () => {
    const run = await evlab(['setup', '--endpoint', moto.url], join(project.dir, 'functions'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[StackNotFound]');
    expect(run.stderr).toContain('evlab init');
  });
});

describe('evlab setup and teardown with nothing listening', () => {
  it('exit 3 with a hint naming evlab up', async () => {
    writeFileSync(join(project.dir, 'evlab.json'), original);
    const port = await freePort();
    for (const command of ['setup', 'teardown']) {
      const run = await evlab([command, '--endpoint', `http://127.0.0.1:${port}`, '--no-auto-start'], project.dir);
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toContain('[EndpointUnreachable]');
      expect(run.stderr).toContain('evlab up');
      // The whole process, Node's start-up included; generous for a loaded CI machine.
      expect(run.ms).toBeLessThan(6000);
    }
  });

  it('gives up within 3 s', async () => {
    writeFileSync(join(project.dir, 'evlab.json'), original);
    const port = await freePort();
    const { setup } = await import('../../src/commands/setup.js');
    const { teardown } = await import('../../src/commands/teardown.js');
    const { UnreachableError } = await import('../../src/errors.js');
    for (const command of [(ctx: CommandContext) => setup({}, ctx), teardown]) {
      const started = Date.now();
      const err = await command(captureContext(project.dir, { endpoint: `http://127.0.0.1:${port}`, autoStart: false }).ctx).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnreachableError);
      expect((err as InstanceType<typeof UnreachableError>).exitCode).toBe(3);
      expect(Date.now() - started).toBeLessThan(3000);
    }
  });
});

describe('evlab schema', () => {
  it('prints the JSON Schema', async () => {
    const run = await evlab(['schema'], project.dir);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(JSON.stringify(STACK_SCHEMA)));
  });
});
