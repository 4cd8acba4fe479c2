import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  DeleteFunctionEventInvokeConfigCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionEventInvokeConfigsCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionConfigurationCommand,
  UpdateFunctionEventInvokeConfigCommand,
} from '@aws-sdk/client-lambda';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { createActive, invoke, ROLE, waitFor } from '../fixtures/lambda/helpers.js';
import { makeZip, rawZip } from '../fixtures/lambda/zip.js';

let engine: Engine;
let lambda: LambdaClient;
let zip: Uint8Array;
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

beforeAll(async () => {
  engine = await startTestEngine();
  lambda = new LambdaClient(clientConfig(engine.url));
  zip = await makeZip({ 'index.js': 'exports.handler = async (event) => ({ ok: true, event });' });
});
afterAll(() => engine?.stop());

/** The AWS error a call fails with: name, HTTP status and message. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
}

describe('Lambda API: functions', () => {
  it('creates a function Pending with AWS shapes, then Active', async () => {
    const created = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'shape',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: zip },
        Description: 'a function',
        Environment: { Variables: { A_KEY: 'a' } },
        Tags: { team: 'lab' },
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created).toMatchObject({
      FunctionName: 'shape',
      FunctionArn: `${ARN}:shape`,
      Runtime: 'nodejs20.x',
      Role: ROLE,
      Handler: 'index.handler',
      CodeSize: zip.length,
      CodeSha256: createHash('sha256').update(zip).digest('base64'),
      Description: 'a function',
      Timeout: 3,
      MemorySize: 128,
      Version: '$LATEST',
      Environment: { Variables: { A_KEY: 'a' } },
      TracingConfig: { Mode: 'PassThrough' },
      State: 'Pending',
      StateReason: 'The function is being created.',
      StateReasonCode: 'Creating',
      PackageType: 'Zip',
      Architectures: ['x86_64'],
      EphemeralStorage: { Size: 512 },
      LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/shape' },
    });
    expect(created.LastUpdateStatus).toBeUndefined();
    expect(created.RevisionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.LastModified).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);

    const active = await waitFor('Active', async () => {
      const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'shape' }));
      return c.State === 'Active' ? c : undefined;
    });
    expect(active.LastUpdateStatus).toBe('Successful');
    expect(active.StateReason).toBeUndefined();
  });

  it('refuses a second function of the same name', async () => {
    const err = await failure(lambda.send(new CreateFunctionCommand({ FunctionName: 'shape', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: zip } })));
    expect(err).toEqual({ name: 'ResourceConflictException', status: 409, message: 'Function already exist: shape' });
  });

  it('answers GetFunction with the configuration, a code link and tags', async () => {
    const out = await lambda.send(new GetFunctionCommand({ FunctionName: 'shape' }));
    expect(out.Configuration?.FunctionName).toBe('shape');
    expect(out.Tags).toEqual({ team: 'lab' });
    expect(out.Code?.RepositoryType).toBe('S3');
    const download = await fetch(out.Code!.Location!);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(zip))).toBe(true);
  });

  it('accepts a name, name:$LATEST, a partial ARN and a full ARN', async () => {
    for (const name of ['shape', 'shape:$LATEST', '000000000000:function:shape', `${ARN}:shape`, `${ARN}:shape:$LATEST`]) {
      const out = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
      expect(out.FunctionArn).toBe(`${ARN}:shape`);
      expect((await invoke(lambda, name, { n: 1 })).payload).toEqual({ ok: true, event: { n: 1 } });
    }
  });

  it('answers ResourceNotFoundException for a missing function or version', async () => {
    const expected = { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ARN}:nope` };
    expect(await failure(lambda.send(new GetFunctionCommand({ FunctionName: 'nope' })))).toEqual(expected);
    expect(await failure(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'nope' })))).toEqual(expected);
    expect(await failure(lambda.send(new InvokeCommand({ FunctionName: 'nope' })))).toEqual(expected);
    expect(await failure(lambda.send(new DeleteFunctionCommand({ FunctionName: 'nope' })))).toEqual(expected);
    expect(await failure(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: `${ARN}:nope`, Timeout: 5 })))).toEqual(expected);
    expect(await failure(lambda.send(new GetFunctionCommand({ FunctionName: 'shape', Qualifier: '1' })))).toEqual({
      ...expected,
      message: `Function not found: ${ARN}:shape:1`,
    });
  });

  it('validates input as AWS does', async () => {
    const base = { FunctionName: 'bad', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: zip } };
    const runtime = await failure(lambda.send(new CreateFunctionCommand({ ...base, Runtime: 'nodejs4.3' as never })));
    expect(runtime.name).toBe('InvalidParameterValueException');
    expect(runtime.message).toMatch(/^Value nodejs4\.3 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: \[.*nodejs20\.x.*\] or be a valid ARN$/);
    const role = await failure(lambda.send(new CreateFunctionCommand({ ...base, Role: 'not-a-role' })));
    expect(role.name).toBe('ValidationException');
    expect(role.message).toContain("Value 'not-a-role' at 'role' failed to satisfy constraint");
    const timeout = await failure(lambda.send(new CreateFunctionCommand({ ...base, Timeout: 901 })));
    expect(timeout).toMatchObject({ name: 'ValidationException', message: "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900" });
    const reserved = await failure(lambda.send(new CreateFunctionCommand({ ...base, Environment: { Variables: { AWS_REGION: 'eu-west-1' } } })));
    expect(reserved.name).toBe('InvalidParameterValueException');
    expect(reserved.message).toContain('Reserved keys used in this request: AWS_REGION');
    const badZip = await failure(lambda.send(new CreateFunctionCommand({ ...base, Code: { ZipFile: Buffer.from('not a zip') } })));
    expect(badZip).toEqual({ name: 'InvalidParameterValueException', status: 400, message: 'Could not unzip uploaded file. Please check your file, then try to upload again.' });
    expect(await failure(lambda.send(new GetFunctionCommand({ FunctionName: 'bad' })))).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('refuses zips that would write outside the function folder', async () => {
    const base = { Runtime: 'nodejs20.x' as const, Handler: 'index.handler', Role: ROLE };
    const cases = [
      rawZip([{ name: 'index.js', content: 'x' }, { name: '../escaped.js', content: 'evil' }]),
      rawZip([{ name: '/tmp/evlab-absolute-escape.js', content: 'evil' }]),
      rawZip([{ name: 'link', content: '../../../../../../tmp', mode: 0o120777 }]),
    ];
    for (const [i, bad] of cases.entries()) {
      const err = await failure(lambda.send(new CreateFunctionCommand({ ...base, FunctionName: `escape-${i}`, Code: { ZipFile: bad } })));
      expect(err).toMatchObject({ name: 'InvalidParameterValueException', message: 'Could not unzip uploaded file. Please check your file, then try to upload again.' });
    }
    const root = join(engine.context.options.workDir, 'lambda', 'functions', 'us-east-1');
    for (const i of [0, 1, 2]) {
      const dir = join(root, `escape-${i}`);
      if (existsSync(dir)) expect(readdirSync(dir)).toEqual([]);
    }
    expect(existsSync(join(root, 'escaped.js'))).toBe(false);
    expect(existsSync('/tmp/evlab-absolute-escape.js')).toBe(false);
    // An internal symlink is fine.
    const ok = rawZip([{ name: 'real.js', content: 'exports.handler = async () => "via link";' }, { name: 'index.js', content: 'real.js', mode: 0o120777 }]);
    await createActive(lambda, { FunctionName: 'escape-ok', Code: { ZipFile: ok } });
    expect((await invoke(lambda, 'escape-ok', {})).payload).toBe('via link');
  });

  it('lists functions a page at a time', async () => {
    for (const name of ['list-a', 'list-b', 'list-c']) await createActive(lambda, { FunctionName: name, Code: { ZipFile: zip } });
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = await lambda.send(new ListFunctionsCommand({ MaxItems: 2, Marker: marker }));
      expect(page.Functions!.length).toBeLessThanOrEqual(2);
      for (const f of page.Functions!) {
        expect(f.State).toBeUndefined();
        names.push(f.FunctionName!);
      }
      marker = page.NextMarker;
    } while (marker);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['list-a', 'list-b', 'list-c', 'shape']));
  });

  it('updates the configuration, checking RevisionId', async () => {
    const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'list-a' }));
    const stale = await failure(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'list-a', Timeout: 5, RevisionId: 'not-the-revision' })));
    expect(stale).toMatchObject({ name: 'PreconditionFailedException', status: 412 });
    const updated = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'list-a', Timeout: 7, MemorySize: 256, RevisionId: before.RevisionId }));
    expect(updated).toMatchObject({ Timeout: 7, MemorySize: 256, LastUpdateStatus: 'InProgress' });
    expect(updated.RevisionId).not.toBe(before.RevisionId);
  });

  it('marks a runtime the engine cannot run as Failed, and refuses to invoke it', async () => {
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'java', Runtime: 'java21', Handler: 'a.B::handle', Role: ROLE, Code: { ZipFile: zip } }));
    const config = await waitFor('Failed', async () => {
      const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'java' }));
      return c.State === 'Failed' ? c : undefined;
    });
    expect(config.StateReasonCode).toBe('InvalidRuntime');
    expect(config.StateReason).toContain('java21');
    expect(await failure(lambda.send(new InvokeCommand({ FunctionName: 'java' })))).toEqual({
      name: 'ResourceConflictException',
      status: 409,
      message: 'The operation cannot be performed at this time. The function is currently in the following state: Failed',
    });
  });

  it('deletes a function', async () => {
    await createActive(lambda, { FunctionName: 'doomed', Code: { ZipFile: zip } });
    await invoke(lambda, 'doomed', {});
    const latest = await failure(lambda.send(new DeleteFunctionCommand({ FunctionName: 'doomed', Qualifier: '$LATEST' })));
    expect(latest).toMatchObject({ name: 'InvalidParameterValueException', message: '$LATEST version cannot be deleted without deleting the function.' });
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'doomed' }));
    expect(await failure(lambda.send(new GetFunctionCommand({ FunctionName: 'doomed' })))).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('keeps tags', async () => {
    await lambda.send(new TagResourceCommand({ Resource: `${ARN}:list-b`, Tags: { a: '1', b: '2' } }));
    await lambda.send(new UntagResourceCommand({ Resource: `${ARN}:list-b`, TagKeys: ['a'] }));
    expect((await lambda.send(new ListTagsCommand({ Resource: `${ARN}:list-b` }))).Tags).toEqual({ b: '2' });
  });

  it('reports account settings', async () => {
    const settings = await lambda.send(new GetAccountSettingsCommand({}));
    expect(settings.AccountLimit?.CodeSizeZipped).toBe(52_428_800);
    expect(settings.AccountUsage?.FunctionCount).toBeGreaterThan(0);
  });
});

describe('Lambda API: invoke limits', () => {
  it('refuses payloads over 6 MB (sync) and 256 KB (async), and bad JSON', async () => {
    const big = await failure(lambda.send(new InvokeCommand({ FunctionName: 'shape', Payload: Buffer.from(JSON.stringify('x'.repeat(6_300_000))) })));
    expect(big).toEqual({ name: 'RequestEntityTooLargeException', status: 413, message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' });
    const event = Buffer.from(JSON.stringify('x'.repeat(300_000)));
    const async = await failure(lambda.send(new InvokeCommand({ FunctionName: 'shape', InvocationType: 'Event', Payload: event })));
    expect(async).toEqual({ name: 'RequestEntityTooLargeException', status: 413, message: `${event.length} byte payload is too large for the Event invocation type (limit 262144 bytes)` });
    const json = await failure(lambda.send(new InvokeCommand({ FunctionName: 'shape', Payload: Buffer.from('{not json') })));
    expect(json).toMatchObject({ name: 'InvalidRequestContentException', status: 400 });
    expect(json.message).toMatch(/^Could not parse request body into json: Could not parse payload into json/);
  });

  it('answers DryRun with 204 and Event with 202', async () => {
    const dry = await lambda.send(new InvokeCommand({ FunctionName: 'shape', InvocationType: 'DryRun' }));
    expect(dry.StatusCode).toBe(204);
    const event = await lambda.send(new InvokeCommand({ FunctionName: 'shape', InvocationType: 'Event', Payload: Buffer.from('{}') }));
    expect(event.StatusCode).toBe(202);
    expect(event.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('throttles a function with reserved concurrency 0', async () => {
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'list-c', ReservedConcurrentExecutions: 0 }));
    expect(await failure(lambda.send(new InvokeCommand({ FunctionName: 'list-c' })))).toEqual({ name: 'TooManyRequestsException', status: 429, message: 'Rate Exceeded.' });
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'list-c' }))).Concurrency).toEqual({ ReservedConcurrentExecutions: 0 });
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'list-c' }));
    expect((await invoke(lambda, 'list-c', {})).payload).toEqual({ ok: true, event: {} });
  });
});

describe('Lambda API: permissions', () => {
  it('adds, reads and removes statements of the resource policy', async () => {
    const added = await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'shape',
        StatementId: 'events-rule',
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: 'arn:aws:events:us-east-1:000000000000:rule/my-rule',
      }),
    );
    expect(added.$metadata.httpStatusCode).toBe(201);
    const statement = {
      Sid: 'events-rule',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: `${ARN}:shape`,
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:events:us-east-1:000000000000:rule/my-rule' } },
    };
    expect(JSON.parse(added.Statement!)).toEqual(statement);
    await lambda.send(new AddPermissionCommand({ FunctionName: 'shape', StatementId: 'account', Action: 'lambda:*', Principal: '111122223333' }));

    const policy = await lambda.send(new GetPolicyCommand({ FunctionName: 'shape' }));
    expect(JSON.parse(policy.Policy!)).toEqual({
      Version: '2012-10-17',
      Id: 'default',
      Statement: [statement, { Sid: 'account', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'lambda:*', Resource: `${ARN}:shape` }],
    });
    expect(policy.RevisionId).toBe((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'shape' }))).RevisionId);

    const duplicate = await failure(lambda.send(new AddPermissionCommand({ FunctionName: 'shape', StatementId: 'account', Action: 'lambda:*', Principal: '*' })));
    expect(duplicate).toEqual({
      name: 'ResourceConflictException',
      status: 409,
      message: 'The statement id (account) provided already exists. Please provide a new statement id, or remove the existing statement.',
    });

    await lambda.send(new RemovePermissionCommand({ FunctionName: 'shape', StatementId: 'account' }));
    await lambda.send(new RemovePermissionCommand({ FunctionName: 'shape', StatementId: 'events-rule' }));
    expect(await failure(lambda.send(new RemovePermissionCommand({ FunctionName: 'shape', StatementId: 'gone' })))).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    expect(await failure(lambda.send(new GetPolicyCommand({ FunctionName: 'shape' })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'The resource you requested does not exist.',
    });
    expect(await failure(lambda.send(new AddPermissionCommand({ FunctionName: 'nope', StatementId: 's', Action: 'lambda:*', Principal: '*' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: `Function not found: ${ARN}:nope`,
    });
  });
});

describe('Lambda API: event invoke config', () => {
  it('puts, updates, reads, lists and deletes it', async () => {
    const put = await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'shape',
        MaximumRetryAttempts: 1,
        DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:failures' } },
      }),
    );
    expect(put).toMatchObject({
      FunctionArn: `${ARN}:shape:$LATEST`,
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnSuccess: {}, OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:failures' } },
    });
    expect(put.LastModified).toBeInstanceOf(Date);
    const updated = await lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'shape', MaximumEventAgeInSeconds: 120 }));
    expect(updated).toMatchObject({ MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 120 });
    expect(await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'shape' }))).toMatchObject({ MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 120 });
    expect((await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'shape' }))).FunctionEventInvokeConfigs).toHaveLength(1);

    const tooMany = await failure(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'shape', MaximumRetryAttempts: 3 })));
    expect(tooMany).toMatchObject({ name: 'ValidationException', message: "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2" });
    const nothing = await failure(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'shape' })));
    expect(nothing).toMatchObject({ name: 'InvalidParameterValueException', message: 'You must specify at least one of error handling or destination setting.' });
    const self = await failure(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'shape', DestinationConfig: { OnSuccess: { Destination: `${ARN}:shape` } } })));
    expect(self).toMatchObject({ name: 'InvalidParameterValueException', message: "You can't specify the function as a destination for itself." });

    await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'shape' }));
    expect(await failure(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'shape' })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: `The function ${ARN}:shape:$LATEST doesn't have an EventInvokeConfig`,
    });
  });
});
