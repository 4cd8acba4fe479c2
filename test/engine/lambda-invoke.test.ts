import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { createActive, invoke, requirePython3, waitFor, zipFixture } from '../fixtures/lambda/helpers.js';
import { makeZip } from '../fixtures/lambda/zip.js';

let engine: Engine;
let lambda: LambdaClient;
const savedEnv = { ...process.env };

beforeAll(async () => {
  requirePython3();
  // Credentials of the host must never reach a function.
  process.env.AWS_SECRET_ACCESS_KEY = 'host-secret-must-not-leak';
  process.env.AWS_PROFILE = 'host-profile';
  engine = await startTestEngine();
  lambda = new LambdaClient(clientConfig(engine.url));
  await Promise.all([
    createActive(lambda, { FunctionName: 'node-cjs', Code: { ZipFile: await zipFixture('node-cjs') }, Environment: { Variables: { GREETING: 'hello' } } }),
    createActive(lambda, { FunctionName: 'node-esm', Handler: 'index.handler', Code: { ZipFile: await zipFixture('node-esm') } }),
    createActive(lambda, { FunctionName: 'node-esm-pkg', Handler: 'app.handler', Code: { ZipFile: await zipFixture('node-esm-pkg') } }),
    createActive(lambda, { FunctionName: 'python', Runtime: 'python3.12', Handler: 'app.handler', Code: { ZipFile: await zipFixture('python') } }),
    createActive(lambda, { FunctionName: 'provided', Runtime: 'provided.al2023', Handler: 'my.handler', Code: { ZipFile: await zipFixture('provided') } }),
  ]);
});

afterAll(async () => {
  process.env = savedEnv;
  await engine?.stop();
});

describe('Lambda invoke: node', () => {
  it('runs a CommonJS handler with the event and a Lambda context', async () => {
    const out = await invoke(lambda, 'node-cjs', { action: 'echo', n: [1, 'two', { three: 3 }] });
    expect(out.status).toBe(200);
    expect(out.functionError).toBeUndefined();
    expect(out.executedVersion).toBe('$LATEST');
    expect(out.payload).toMatchObject({
      event: { action: 'echo', n: [1, 'two', { three: 3 }] },
      functionName: 'node-cjs',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:node-cjs',
      memoryLimitInMB: '128',
      logGroupName: '/aws/lambda/node-cjs',
    });
    expect(out.payload.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.payload.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(out.payload.remainingMs).toBeGreaterThan(8000);
    expect(out.payload.remainingMs).toBeLessThanOrEqual(10_000);
  });

  it('runs ES module handlers (.mjs and "type": "module")', async () => {
    expect((await invoke(lambda, 'node-esm', { a: 1 })).payload).toEqual({ esm: true, file: 'index.mjs', event: { a: 1 } });
    expect((await invoke(lambda, 'node-esm-pkg', { b: 2 })).payload).toEqual({ esm: true, typeModule: true, event: { b: 2 } });
  });

  it('runs callback-style handlers and answers null for undefined', async () => {
    const callbackFn = await createActive(lambda, { FunctionName: 'node-callback', Handler: 'index.callback', Code: { ZipFile: await zipFixture('node-cjs') } });
    expect(callbackFn.Handler).toBe('index.callback');
    expect((await invoke(lambda, 'node-callback', { x: 1 })).payload).toEqual({ callback: true, event: { x: 1 } });
    const nothing = await invoke(lambda, 'node-cjs', { action: 'nothing' });
    expect(nothing.raw).toBe('null');
  });

  it('reports a thrown error as Unhandled with errorType, errorMessage and trace', async () => {
    const out = await invoke(lambda, 'node-cjs', { action: 'throw', message: 'bad input' });
    expect(out.status).toBe(200);
    expect(out.functionError).toBe('Unhandled');
    expect(out.payload.errorType).toBe('TypeError');
    expect(out.payload.errorMessage).toBe('bad input');
    expect(out.payload.trace[0]).toBe('TypeError: bad input');
    // The environment survives a handled error.
    expect((await invoke(lambda, 'node-cjs', { action: 'echo' })).functionError).toBeUndefined();
  });

  it('returns the last 4 KB of the log with LogType Tail, in Lambda format', async () => {
    const out = await invoke(lambda, 'node-cjs', { action: 'log', name: 'tail' }, { LogType: 'Tail' });
    const id = out.log!.match(/START RequestId: ([0-9a-f-]{36}) Version: \$LATEST\n/)![1];
    const lines = out.log!.split('\n');
    expect(lines.find((l) => l.includes('hello from tail'))).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t${id}\\tINFO\\thello from tail$`));
    expect(out.log).toContain(`\t${id}\tERROR\tan error line\n`);
    // A multi-line message stays one event.
    expect(out.log).toContain(`\tINFO\tfirst line\nsecond line\n`);
    expect(out.log).toContain(`END RequestId: ${id}\n`);
    expect(out.log).toMatch(
      new RegExp(`REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\t`),
    );
    expect(out.log!.indexOf('hello from tail')).toBeLessThan(out.log!.indexOf('END RequestId'));

    const big = await invoke(lambda, 'node-cjs', { action: 'log', name: 'x'.repeat(6000) }, { LogType: 'Tail' });
    expect(Buffer.byteLength(big.log!)).toBeLessThanOrEqual(4096);
    expect(big.log).toContain('REPORT RequestId');
  });

  it('times out: kills the environment and answers as Lambda does', async () => {
    await createActive(lambda, { FunctionName: 'node-timeout', Timeout: 1, Code: { ZipFile: await zipFixture('node-cjs') } });
    const started = Date.now();
    const out = await invoke(lambda, 'node-timeout', { action: 'sleep', ms: 5000 }, { LogType: 'Tail' });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(out.functionError).toBe('Unhandled');
    expect(out.payload.errorType).toBe('Sandbox.Timedout');
    expect(out.payload.errorMessage).toMatch(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.\d\d seconds$/);
    expect(out.log).toMatch(/\d{4}-\d{2}-\d{2}T[\d:.]+Z [0-9a-f-]{36} Task timed out after 1\.\d\d seconds/);
    // As on AWS, the timeout line comes before END and REPORT.
    expect(out.log!.indexOf('Task timed out')).toBeLessThan(out.log!.indexOf('END RequestId'));
    // A fresh environment serves the next call.
    expect((await invoke(lambda, 'node-timeout', { action: 'sleep', ms: 1 })).payload).toMatchObject({ slept: 1 });
  });

  it('reports a process that exits as Runtime.ExitError', async () => {
    const out = await invoke(lambda, 'node-cjs', { action: 'exit' });
    expect(out.functionError).toBe('Unhandled');
    expect(out.payload).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: expect.stringMatching(/^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 1$/),
    });
    expect((await invoke(lambda, 'node-cjs', { action: 'echo' })).functionError).toBeUndefined();
  });

  it('reports init errors: a missing module and a missing handler', async () => {
    await createActive(lambda, { FunctionName: 'node-nomodule', Handler: 'missing.handler', Code: { ZipFile: await zipFixture('node-cjs') } });
    const missing = await invoke(lambda, 'node-nomodule', {}, { LogType: 'Tail' });
    expect(missing.functionError).toBe('Unhandled');
    expect(missing.payload.errorType).toBe('Runtime.ImportModuleError');
    expect(missing.payload.errorMessage).toContain("Cannot find module 'missing'");
    expect(missing.log).toContain('Runtime.ImportModuleError');

    await createActive(lambda, { FunctionName: 'node-nohandler', Handler: 'index.nope', Code: { ZipFile: await zipFixture('node-cjs') } });
    const nohandler = await invoke(lambda, 'node-nohandler', {});
    expect(nohandler.payload).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.nope is undefined or not exported' });
  });

  it('gives concurrent invocations separate environments and reuses warm ones', async () => {
    const [a, b] = await Promise.all([
      invoke(lambda, 'node-cjs', { action: 'sleep', ms: 300 }),
      invoke(lambda, 'node-cjs', { action: 'sleep', ms: 300 }),
    ]);
    expect(a.payload.pid).not.toBe(b.payload.pid);
    const again = await invoke(lambda, 'node-cjs', { action: 'sleep', ms: 0 });
    expect([a.payload.pid, b.payload.pid]).toContain(again.payload.pid);
  });

  it('queues invocations beyond the function concurrency instead of failing them', async () => {
    await createActive(lambda, { FunctionName: 'node-capped', Code: { ZipFile: await zipFixture('node-cjs') } });
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'node-capped', ReservedConcurrentExecutions: 2 }));
    const outs = await Promise.all([1, 2, 3, 4, 5].map(() => invoke(lambda, 'node-capped', { action: 'sleep', ms: 150 })));
    expect(outs.every((o) => o.functionError === undefined && o.payload.slept === 150)).toBe(true);
    expect(new Set(outs.map((o) => o.payload.pid)).size).toBeLessThanOrEqual(2);
  });

  it('passes the client context to the handler', async () => {
    const clientContext = Buffer.from(JSON.stringify({ custom: { tenant: 'a' }, env: { locale: 'en' } })).toString('base64');
    const out = await invoke(lambda, 'node-cjs', { action: 'echo' }, { ClientContext: clientContext });
    expect(out.payload.clientContext).toEqual({ custom: { tenant: 'a' }, env: { locale: 'en' } });
  });

  it('sets the environment variables Lambda sets, the function own, and never the host credentials', async () => {
    const env = (await invoke(lambda, 'node-cjs', { action: 'env' })).payload as Record<string, string>;
    expect(env).toMatchObject({
      GREETING: 'hello',
      AWS_LAMBDA_FUNCTION_NAME: 'node-cjs',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/node-cjs',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      _HANDLER: 'index.handler',
      TZ: ':UTC',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SESSION_TOKEN: 'test',
      AWS_ENDPOINT_URL: engine.url,
    });
    expect(env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/\[\$LATEST\][0-9a-f]{32}$/);
    expect(env.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(env.LAMBDA_TASK_ROOT).toBeTruthy();
    expect(env.LAMBDA_RUNTIME_DIR).toBeTruthy();
    expect(env.PATH).toBe(process.env.PATH);
    expect(env.AWS_PROFILE).toBeUndefined();
    expect(Object.values(env)).not.toContain('host-secret-must-not-leak');
  });

  it('lets a handler call the engine through AWS_ENDPOINT_URL', async () => {
    const out = await invoke(lambda, 'node-cjs', { action: 'fetch' });
    expect(out.payload).toMatchObject({ status: 200, body: { engine: 'evlab' } });
  });

  it('runs the new code after UpdateFunctionCode (InProgress, then Successful)', async () => {
    await createActive(lambda, { FunctionName: 'node-update', Code: { ZipFile: await zipFixture('node-cjs') } });
    expect((await invoke(lambda, 'node-update', {})).payload).toEqual({ version: 1 });
    const zip = await makeZip({ 'index.js': 'exports.handler = async () => ({ version: 2 });' });
    const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'node-update', ZipFile: zip }));
    expect(updated.LastUpdateStatus).toBe('InProgress');
    await waitFor('the update', async () => (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'node-update' }))).LastUpdateStatus === 'Successful');
    expect((await invoke(lambda, 'node-update', {})).payload).toEqual({ version: 2 });

    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'node-update', Environment: { Variables: { MODE: 'second' } } }));
    await waitFor('the update', async () => (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'node-update' }))).LastUpdateStatus === 'Successful');
    const zip3 = await makeZip({ 'index.js': 'exports.handler = async () => ({ mode: process.env.MODE });' });
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'node-update', ZipFile: zip3 }));
    await waitFor('the update', async () => (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'node-update' }))).LastUpdateStatus === 'Successful');
    expect((await invoke(lambda, 'node-update', {})).payload).toEqual({ mode: 'second' });
  });

  it('caps a response at 6 MB', async () => {
    const out = await invoke(lambda, 'node-cjs', { action: 'big', bytes: 6_400_000 });
    expect(out.functionError).toBe('Unhandled');
    expect(out.payload.errorType).toBe('Function.ResponseSizeTooLarge');
  });
});

describe('Lambda invoke: python', () => {
  it('runs handler(event, context) and returns JSON (Decimal included)', async () => {
    const out = await invoke(lambda, 'python', { action: 'echo', list: [1, 2] });
    expect(out.functionError).toBeUndefined();
    expect(out.payload).toMatchObject({
      event: { action: 'echo', list: [1, 2] },
      functionName: 'python',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:python',
      memoryLimitInMB: 128,
      decimal: 1.5,
    });
    expect(out.payload.remainingMs).toBeGreaterThan(8000);
  });

  it('reports an exception with errorType, errorMessage, requestId and stackTrace', async () => {
    const out = await invoke(lambda, 'python', { action: 'throw', message: 'no good' }, { LogType: 'Tail' });
    expect(out.functionError).toBe('Unhandled');
    expect(out.payload.errorType).toBe('ValueError');
    expect(out.payload.errorMessage).toBe('no good');
    expect(out.payload.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.payload.stackTrace.join('')).toContain('app.py');
    expect(out.log).toContain('[ERROR] ValueError: no good\nTraceback (most recent call last):\n');
  });

  it('logs print() and the logging module in Lambda format', async () => {
    const out = await invoke(lambda, 'python', { action: 'log' }, { LogType: 'Tail' });
    expect(out.payload).toBe('logged');
    expect(out.log).toContain('hello from python\n');
    expect(out.log).toMatch(/\[INFO\]\t\d{4}-\d{2}-\d{2}T[\d:.]+Z\t[0-9a-f-]{36}\tan info line\n/);
  });

  it('sees the Lambda environment variables', async () => {
    const env = (await invoke(lambda, 'python', { action: 'env' })).payload as Record<string, string>;
    expect(env).toMatchObject({ AWS_LAMBDA_FUNCTION_NAME: 'python', AWS_EXECUTION_ENV: 'AWS_Lambda_python3.12', AWS_ENDPOINT_URL: engine.url });
    expect(Object.values(env)).not.toContain('host-secret-must-not-leak');
  });

  it('reports an import error as Runtime.ImportModuleError', async () => {
    await createActive(lambda, { FunctionName: 'python-noimport', Runtime: 'python3.12', Handler: 'nothere.handler', Code: { ZipFile: await zipFixture('python') } });
    const out = await invoke(lambda, 'python-noimport', {});
    expect(out.functionError).toBe('Unhandled');
    expect(out.payload.errorType).toBe('Runtime.ImportModuleError');
    expect(out.payload.errorMessage).toBe("Unable to import module 'nothere': No module named 'nothere'");
  });
});

describe('Lambda invoke: provided runtime', () => {
  it('runs a shell-script bootstrap against the Runtime API', async () => {
    const out = await invoke(lambda, 'provided', { hello: 'shell' }, { LogType: 'Tail' });
    expect(out.functionError).toBeUndefined();
    expect(out.payload).toEqual({ echo: { hello: 'shell' }, handler: 'my.handler' });
    expect(out.log).toMatch(/handling [0-9a-f-]{36} with my\.handler\n/);
  });

  it('reports a missing bootstrap as Runtime.InvalidEntrypoint', async () => {
    const zip = await makeZip({ 'not-bootstrap': 'echo' });
    await createActive(lambda, { FunctionName: 'provided-missing', Runtime: 'provided.al2', Handler: 'x', Code: { ZipFile: zip } });
    const out = await invoke(lambda, 'provided-missing', {});
    expect(out.payload.errorType).toBe('Runtime.InvalidEntrypoint');
    expect(out.payload.errorMessage).toMatch(/Error: fork\/exec .*bootstrap: no such file or directory$/);
  });
});

describe('Lambda invoke: the AWS SDK a Node.js runtime preinstalls', () => {
  it('lets ESM and CommonJS handlers import @aws-sdk clients they did not bundle, and call the engine with them', async () => {
    const esm = [
      "import { DynamoDBClient, CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';",
      "import { DynamoDBDocumentClient, PutCommand, GetCommand } from '@aws-sdk/lib-dynamodb';",
      'const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
      'export const handler = async (event) => {',
      "  await doc.send(new CreateTableCommand({ TableName: 'sdk-in-lambda', BillingMode: 'PAY_PER_REQUEST',",
      "    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }));",
      "  await doc.send(new PutCommand({ TableName: 'sdk-in-lambda', Item: { id: event.id, n: 1 } }));",
      "  const { Item } = await doc.send(new GetCommand({ TableName: 'sdk-in-lambda', Key: { id: event.id } }));",
      "  const { Table } = await doc.send(new DescribeTableCommand({ TableName: 'sdk-in-lambda' }));",
      '  return { item: Item, arn: Table.TableArn };',
      '};',
    ].join('\n');
    const cjs = [
      "const { SQSClient, CreateQueueCommand } = require('@aws-sdk/client-sqs');",
      "exports.handler = async () => ({ url: (await new SQSClient({}).send(new CreateQueueCommand({ QueueName: 'sdk-in-cjs' }))).QueueUrl });",
    ].join('\n');
    await createActive(lambda, { FunctionName: 'sdk-esm', Handler: 'index.handler', Code: { ZipFile: await makeZip({ 'index.mjs': esm }) } });
    await createActive(lambda, { FunctionName: 'sdk-cjs', Handler: 'index.handler', Code: { ZipFile: await makeZip({ 'index.js': cjs }) } });

    const fromEsm = await invoke(lambda, 'sdk-esm', { id: 'a' });
    expect(fromEsm.functionError, fromEsm.raw).toBeUndefined();
    expect(fromEsm.payload).toEqual({ item: { id: 'a', n: 1 }, arn: 'arn:aws:dynamodb:us-east-1:000000000000:table/sdk-in-lambda' });
    const fromCjs = await invoke(lambda, 'sdk-cjs', {});
    expect(fromCjs.functionError, fromCjs.raw).toBeUndefined();
    expect(fromCjs.payload).toEqual({ url: `http://localhost:${engine.port}/000000000000/sdk-in-cjs` });
  });
});
