import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRoleCommand, GetRoleCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, runPython, startTestEngine } from '../helpers/engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine.stop());

describe('STS and IAM (roles only)', () => {
  it('creates and reads a role through the SDK', async () => {
    const iam = new IAMClient(clientConfig(engine.url));
    const created = await iam.send(new CreateRoleCommand({ RoleName: 'lambda-role', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' }));
    expect(created.Role?.Arn).toBe('arn:aws:iam::000000000000:role/lambda-role');
    const got = await iam.send(new GetRoleCommand({ RoleName: 'lambda-role' }));
    expect(got.Role?.AssumeRolePolicyDocument).toContain('2012-10-17');
    await expect(iam.send(new GetRoleCommand({ RoleName: 'missing' }))).rejects.toBeInstanceOf(NoSuchEntityException);
    iam.destroy();
  });

  it('answers get-caller-identity for boto3', async () => {
    const out = await runPython("import boto3; print(boto3.client('sts').get_caller_identity()['Account'])", engine.url);
    expect(out.trim()).toBe('000000000000');
  });
});
