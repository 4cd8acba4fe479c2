// Lambda versions and aliases on the engine, through the SDK v3: PublishVersion (immutable copies with their own code),
// aliases, qualified invokes and reads, and EventBridge rule targets and SQS mappings by qualified ARN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { Engine } from '../../src/engine/index.js';
import { BOTO3_PRELUDE, clientConfig, runPython, startTestEngine } from '../helpers/engine.js';
import { createActive, invoke, ROLE, waitFor } from '../fixtures/lambda/helpers.js';
import { makeZip } from '../fixtures/lambda/zip.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:greeter';
// The code's edition is in its source, so that a version's own code snapshot shows.
const source = (edition: string) => `
exports.handler = async (event, context) => {
  const seen = { edition: '${edition}', version: context.functionVersion, invokedArn: context.invokedFunctionArn, tag: process.env.TAG ?? null };
  console.log('SEEN ' + JSON.stringify({ ...seen, marker: event.marker ?? event.detail?.marker ?? event.Records?.[0]?.body ?? null }));
  return seen;
};`;

let engine: Engine;
let lambda: LambdaClient;
let codeA: string;

beforeAll(async () => {
  engine = await startTestEngine();
  lambda = new LambdaClient(clientConfig(engine.url));
  const created = await createActive(lambda, { FunctionName: 'greeter', Code: { ZipFile: await makeZip({ 'index.js': source('A') }) }, Environment: { Variables: { TAG: 'one' } } });
  codeA = created.CodeSha256!;
});
afterAll(() => engine?.stop());

async function updated(): Promise<void> {
  await waitFor('the update to finish', async () => (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'greeter' }))).LastUpdateStatus === 'Successful');
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
}

describe('Lambda versions', () => {
  it('publishes $LATEST as version 1, and nothing new while it is unchanged', async () => {
    const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: 'greeter', Description: 'first', CodeSha256: codeA }));
    expect(v1).toMatchObject({ $metadata: { httpStatusCode: 201 }, Version: '1', FunctionArn: `${ARN}:1`, Description: 'first', CodeSha256: codeA, State: 'Active' });
    expect((await lambda.send(new PublishVersionCommand({ FunctionName: 'greeter' }))).Version).toBe('1');
  });

  it('refuses a CodeSha256 or RevisionId that is not $LATEST’s', async () => {
    expect(await failure(lambda.send(new PublishVersionCommand({ FunctionName: 'greeter', CodeSha256: 'AAAA' })))).toEqual({
      name: 'InvalidParameterValueException',
      status: 400,
      message: `CodeSHA256 (AAAA) is different from current CodeSHA256 in $LATEST (${codeA}). Please try again with the CodeSHA256 in $LATEST.`,
    });
    expect(await failure(lambda.send(new PublishVersionCommand({ FunctionName: 'greeter', RevisionId: 'not-the-revision' })))).toMatchObject({ name: 'PreconditionFailedException', status: 412 });
  });

  it('keeps a version’s own code and configuration when $LATEST changes', async () => {
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'greeter', ZipFile: await makeZip({ 'index.js': source('B') }) }));
    await updated();
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'greeter', Environment: { Variables: { TAG: 'two' } } }));
    await updated();
    expect((await invoke(lambda, 'greeter', {})).payload).toEqual({ edition: 'B', version: '$LATEST', invokedArn: ARN, tag: 'two' });
    const one = await invoke(lambda, 'greeter', {}, { Qualifier: '1' });
    expect(one).toMatchObject({ executedVersion: '1', payload: { edition: 'A', version: '1', invokedArn: `${ARN}:1`, tag: 'one' } });
    expect((await invoke(lambda, `${ARN}:1`, {})).payload.edition).toBe('A');
    expect((await lambda.send(new PublishVersionCommand({ FunctionName: 'greeter' }))).Version).toBe('2');
    expect(await failure(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'greeter:1', Timeout: 5 })))).toMatchObject({ name: 'InvalidParameterValueException' });
  });

  it('lists $LATEST and the versions, and reads one by qualifier', async () => {
    const { Versions = [] } = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'greeter' }));
    expect(Versions.map((v) => [v.Version, v.FunctionArn, v.Environment?.Variables?.TAG])).toEqual([
      ['$LATEST', `${ARN}:$LATEST`, 'two'],
      ['1', `${ARN}:1`, 'one'],
      ['2', `${ARN}:2`, 'two'],
    ]);
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'greeter', Qualifier: '1' }));
    expect(got.Configuration).toMatchObject({ Version: '1', FunctionArn: `${ARN}:1`, CodeSha256: codeA });
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'greeter:2' }))).Version).toBe('2');
    expect(await failure(lambda.send(new GetFunctionCommand({ FunctionName: 'greeter', Qualifier: '7' })))).toEqual({ name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ARN}:7` });
  });
});

describe('Publish on CreateFunction and UpdateFunctionCode', () => {
  it('publishes version 1 with the function and a new version with new code', async () => {
    const created = await lambda.send(
      new CreateFunctionCommand({ FunctionName: 'born-published', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: await makeZip({ 'index.js': source('A') }) }, Publish: true }),
    );
    expect(created).toMatchObject({ Version: '1', State: 'Pending' });
    await waitFor('version 1 to be Active', async () => (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'born-published:1' }))).State === 'Active');
    expect((await invoke(lambda, 'born-published:1', {})).payload.edition).toBe('A');
    const next = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'born-published', ZipFile: await makeZip({ 'index.js': source('B') }), Publish: true }));
    expect(next).toMatchObject({ Version: '2', FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:born-published:2' });
    expect((await invoke(lambda, 'born-published:2', {})).payload).toMatchObject({ edition: 'B', version: '2' });
    expect((await invoke(lambda, 'born-published:1', {})).payload).toMatchObject({ edition: 'A', version: '1' });
  });
});

describe('Lambda aliases', () => {
  it('creates, reads, lists, moves and deletes an alias; invokes through it', async () => {
    const created = await lambda.send(new CreateAliasCommand({ FunctionName: 'greeter', Name: 'live', FunctionVersion: '1', Description: 'production' }));
    expect(created).toMatchObject({ $metadata: { httpStatusCode: 201 }, AliasArn: `${ARN}:live`, Name: 'live', FunctionVersion: '1', Description: 'production', RevisionId: expect.any(String) });
    expect(await lambda.send(new GetAliasCommand({ FunctionName: 'greeter', Name: 'live' }))).toMatchObject({ FunctionVersion: '1' });
    expect(await invoke(lambda, 'greeter:live', {})).toMatchObject({ executedVersion: '1', payload: { edition: 'A', version: '1', invokedArn: `${ARN}:live` } });

    const moved = await lambda.send(new UpdateAliasCommand({ FunctionName: 'greeter', Name: 'live', FunctionVersion: '2', RevisionId: created.RevisionId }));
    expect(moved.FunctionVersion).toBe('2');
    expect((await invoke(lambda, `${ARN}:live`, {})).payload).toMatchObject({ edition: 'B', version: '2' });
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'greeter', Qualifier: 'live' }))).Configuration).toMatchObject({ Version: '2', FunctionArn: `${ARN}:live` });
    expect(await failure(lambda.send(new UpdateAliasCommand({ FunctionName: 'greeter', Name: 'live', RevisionId: created.RevisionId })))).toMatchObject({ name: 'PreconditionFailedException' });

    await lambda.send(new CreateAliasCommand({ FunctionName: 'greeter', Name: 'old', FunctionVersion: '1' }));
    const { Aliases = [] } = await lambda.send(new ListAliasesCommand({ FunctionName: 'greeter' }));
    expect(Aliases.map((a) => [a.Name, a.FunctionVersion])).toEqual([['live', '2'], ['old', '1']]);
    expect((await lambda.send(new ListAliasesCommand({ FunctionName: 'greeter', FunctionVersion: '1' }))).Aliases?.map((a) => a.Name)).toEqual(['old']);
  });

  it('answers AWS’s errors', async () => {
    expect(await failure(lambda.send(new CreateAliasCommand({ FunctionName: 'greeter', Name: 'live', FunctionVersion: '1' })))).toEqual({ name: 'ResourceConflictException', status: 409, message: `Alias already exists: ${ARN}:live` });
    expect(await failure(lambda.send(new GetAliasCommand({ FunctionName: 'greeter', Name: 'nope' })))).toEqual({ name: 'ResourceNotFoundException', status: 404, message: `Alias not found: ${ARN}:nope` });
    expect(await failure(lambda.send(new CreateAliasCommand({ FunctionName: 'greeter', Name: 'later', FunctionVersion: '9' })))).toEqual({ name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ARN}:9` });
    expect(await failure(lambda.send(new CreateAliasCommand({ FunctionName: 'greeter', Name: '42', FunctionVersion: '1' })))).toMatchObject({ name: 'ValidationException' });
    expect(await failure(lambda.send(new DeleteFunctionCommand({ FunctionName: 'greeter', Qualifier: '1' })))).toEqual({ name: 'ResourceConflictException', status: 409, message: 'Unable to delete version because the following aliases reference it: [old]' });
  });

  it('routes by weight: an additional version with weight 1 takes every invocation', async () => {
    await lambda.send(new UpdateAliasCommand({ FunctionName: 'greeter', Name: 'live', RoutingConfig: { AdditionalVersionWeights: { '1': 1 } } }));
    expect((await invoke(lambda, 'greeter:live', {})).executedVersion).toBe('1');
    const back = await lambda.send(new UpdateAliasCommand({ FunctionName: 'greeter', Name: 'live', RoutingConfig: { AdditionalVersionWeights: {} } }));
    expect(back.RoutingConfig).toBeUndefined();
    expect((await invoke(lambda, 'greeter:live', {})).executedVersion).toBe('2');
  });

  it('deletes a version once no alias names it', async () => {
    await lambda.send(new DeleteAliasCommand({ FunctionName: 'greeter', Name: 'old' }));
    const deleted = await lambda.send(new DeleteFunctionCommand({ FunctionName: 'greeter', Qualifier: '1' }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(await failure(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'greeter:1' })))).toMatchObject({ name: 'ResourceNotFoundException', message: `Function not found: ${ARN}:1` });
    // Numbers are not reused.
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'greeter', Environment: { Variables: { TAG: 'three' } } }));
    await updated();
    expect((await lambda.send(new PublishVersionCommand({ FunctionName: 'greeter' }))).Version).toBe('3');
  });
});

describe('qualified ARNs as event targets', () => {
  let logs: CloudWatchLogsClient;
  beforeAll(() => {
    logs = new CloudWatchLogsClient(clientConfig(engine.url));
  });

  /** The SEEN lines with this marker, and the log stream each was written to. */
  async function seen(marker: string): Promise<{ version: string; invokedArn: string; stream: string }[]> {
    return waitFor(`the function to log ${marker}`, async () => {
      const out = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/greeter', filterPattern: `"${marker}"` }));
      const lines = (out.events ?? []).map((e) => ({ ...JSON.parse(e.message!.slice(e.message!.indexOf('SEEN ') + 5)), stream: e.logStreamName! }));
      return lines.length ? lines : undefined;
    });
  }

  it('an EventBridge rule targeting an alias runs the version the alias names', async () => {
    const events = new EventBridgeClient(clientConfig(engine.url));
    await events.send(new PutRuleCommand({ Name: 'to-live', EventPattern: JSON.stringify({ source: ['versions.test'] }) }));
    await events.send(new PutTargetsCommand({ Rule: 'to-live', Targets: [{ Id: 'live', Arn: `${ARN}:live` }] }));
    await events.send(new PutEventsCommand({ Entries: [{ Source: 'versions.test', DetailType: 'ping', Detail: JSON.stringify({ marker: 'rule-marker' }) }] }));
    const [line] = await seen('rule-marker');
    expect(line).toMatchObject({ version: '2', invokedArn: `${ARN}:live` });
    expect(line!.stream).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[2\][0-9a-f]{32}$/);
  });

  it('an SQS mapping to a version keeps its qualified ARN and runs that version', async () => {
    const sqs = new SQSClient(clientConfig(engine.url));
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'versioned' }))).QueueUrl!;
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const mapping = await lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: queueArn, FunctionName: 'greeter:3' }));
    expect(mapping.FunctionArn).toBe(`${ARN}:3`);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'sqs-marker' }));
    const [line] = await seen('sqs-marker');
    expect(line).toMatchObject({ version: '3', invokedArn: `${ARN}:3` });
  });
});

describe('boto3 (an independent client)', () => {
  it('publishes, aliases and invokes by qualifier, and reads the error codes', async () => {
    const out = await runPython(
      String.raw`${BOTO3_PRELUDE}
import io, zipfile
def zipped(edition):
  buf = io.BytesIO()
  with zipfile.ZipFile(buf, 'w') as z:
    z.writestr('index.js', "exports.handler = async (e, c) => ({ edition: '%s', version: c.functionVersion });" % edition)
  return buf.getvalue()
c = boto3.client('lambda')
c.create_function(FunctionName='py-versions', Runtime='nodejs20.x', Handler='index.handler', Role='arn:aws:iam::000000000000:role/r', Code={'ZipFile': zipped('A')})
c.get_waiter('function_active_v2').wait(FunctionName='py-versions', WaiterConfig={'Delay': 1})
v1 = c.publish_version(FunctionName='py-versions')
c.create_alias(FunctionName='py-versions', Name='live', FunctionVersion=v1['Version'])
c.update_function_code(FunctionName='py-versions', ZipFile=zipped('B'))
c.get_waiter('function_updated_v2').wait(FunctionName='py-versions', WaiterConfig={'Delay': 1})
r = c.invoke(FunctionName='py-versions', Qualifier='live')
versions = [v['Version'] for v in c.list_versions_by_function(FunctionName='py-versions')['Versions']]
print(json.dumps({
  'published': pick(v1, 'Version', 'FunctionArn'),
  'executed': r['ExecutedVersion'],
  'payload': json.loads(r['Payload'].read()),
  'versions': versions,
  'aliases': [a['Name'] for a in c.list_aliases(FunctionName='py-versions')['Aliases']],
  'missingAlias': error(lambda: c.get_alias(FunctionName='py-versions', Name='nope')),
  'takenAlias': error(lambda: c.create_alias(FunctionName='py-versions', Name='live', FunctionVersion='1')),
}))
`,
      engine.url,
    );
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:py-versions';
    expect(JSON.parse(out)).toEqual({
      published: { Version: '1', FunctionArn: `${arn}:1` },
      executed: '1',
      payload: { edition: 'A', version: '1' },
      versions: ['$LATEST', '1'],
      aliases: ['live'],
      missingAlias: { code: 'ResourceNotFoundException', status: 404, message: `Alias not found: ${arn}:nope` },
      takenAlias: { code: 'ResourceConflictException', status: 409, message: `Alias already exists: ${arn}:live` },
    });
  });
});
