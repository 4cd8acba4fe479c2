// An alias's own resource policy and event invoke config (AddPermission / PutFunctionEventInvokeConfig with the
// alias as Qualifier): they belong to the alias and follow it to the next version, as on AWS. And S3 notifications
// that name an alias ARN run the version the alias names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  GetFunctionEventInvokeConfigCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  PublishVersionCommand,
  PutFunctionEventInvokeConfigCommand,
  RemovePermissionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  GetFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { createActive, waitFor } from '../fixtures/lambda/helpers.js';
import { makeZip } from '../fixtures/lambda/zip.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:aliased';
const source = (edition: string) => `
exports.handler = async (event, context) => {
  if (event.fail) throw new Error('failed on purpose in ' + context.functionVersion);
  return { edition: '${edition}', version: context.functionVersion, key: event.Records?.[0]?.s3?.object?.key ?? null };
};`;

let engine: Engine;
let lambda: LambdaClient;
let sqs: SQSClient;

beforeAll(async () => {
  engine = await startTestEngine();
  lambda = new LambdaClient(clientConfig(engine.url));
  sqs = new SQSClient(clientConfig(engine.url));
  await createActive(lambda, { FunctionName: 'aliased', Code: { ZipFile: await makeZip({ 'index.js': source('A') }) } });
  await lambda.send(new PublishVersionCommand({ FunctionName: 'aliased' }));
  await lambda.send(new CreateAliasCommand({ FunctionName: 'aliased', Name: 'live', FunctionVersion: '1' }));
});
afterAll(() => engine?.stop());

async function moveAliasToNewCode(edition: string): Promise<string> {
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'aliased', ZipFile: await makeZip({ 'index.js': source(edition) }) }));
  await waitFor('the update', async () => (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'aliased' }))).LastUpdateStatus === 'Successful');
  const version = (await lambda.send(new PublishVersionCommand({ FunctionName: 'aliased' }))).Version!;
  await lambda.send(new UpdateAliasCommand({ FunctionName: 'aliased', Name: 'live', FunctionVersion: version }));
  return version;
}

describe('an alias has its own policy and event invoke config', () => {
  it('keeps a permission given to the alias when the alias moves to a new version', async () => {
    await lambda.send(
      new AddPermissionCommand({ FunctionName: 'aliased', Qualifier: 'live', StatementId: 'from-rule', Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', SourceArn: 'arn:aws:events:us-east-1:000000000000:rule/r' }),
    );
    const policyOf = async () => JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: 'aliased', Qualifier: 'live' }))).Policy!) as { Statement: { Sid: string; Resource: string }[] };
    expect((await policyOf()).Statement).toEqual([expect.objectContaining({ Sid: 'from-rule', Resource: `${ARN}:live` })]);
    // Not the function's own policy, nor the version's.
    await expect(lambda.send(new GetPolicyCommand({ FunctionName: 'aliased' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(lambda.send(new GetPolicyCommand({ FunctionName: 'aliased', Qualifier: '1' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    expect(await moveAliasToNewCode('B')).toBe('2');
    expect((await policyOf()).Statement.map((s) => s.Sid)).toEqual(['from-rule']);
    await lambda.send(new RemovePermissionCommand({ FunctionName: 'aliased', Qualifier: 'live', StatementId: 'from-rule' }));
    await expect(policyOf()).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('applies the alias’s event invoke config to asynchronous invocations through it, on whatever version it names', async () => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'alias-failures' }))).QueueUrl!;
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const put = await lambda.send(
      new PutFunctionEventInvokeConfigCommand({ FunctionName: 'aliased', Qualifier: 'live', MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: queueArn } } }),
    );
    expect(put.FunctionArn).toBe(`${ARN}:live`);
    await expect(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'aliased' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    await moveAliasToNewCode('C');
    expect((await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'aliased', Qualifier: 'live' }))).MaximumRetryAttempts).toBe(0);
    await lambda.send(new InvokeCommand({ FunctionName: `${ARN}:live`, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ fail: true })) }));
    const message = await waitFor('the OnFailure record', async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }))).Messages?.[0]);
    const record = JSON.parse(message.Body!);
    // MaximumRetryAttempts 0 from the alias's config: one attempt, on the version the alias names now.
    expect(record.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 1 });
    expect(record.responsePayload.errorMessage).toBe('failed on purpose in 3');
  });

  it('an S3 notification to the alias ARN runs the version the alias names', async () => {
    const s3 = new S3Client({ ...clientConfig(engine.url), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'alias-uploads' }));
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'alias-successes' }))).QueueUrl!;
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'aliased', Qualifier: 'live', DestinationConfig: { OnSuccess: { Destination: queueArn } } }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'alias-uploads',
        NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: `${ARN}:live`, Events: ['s3:ObjectCreated:*'] }] },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'alias-uploads', Key: 'in/one.txt', Body: 'x' }));
    const message = await waitFor('the OnSuccess record', async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }))).Messages?.[0]);
    expect(JSON.parse(message.Body!).responsePayload).toEqual({ edition: 'C', version: '3', key: 'in/one.txt' });
  });
});
