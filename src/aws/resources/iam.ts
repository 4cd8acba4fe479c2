import type { IAMClient } from '@aws-sdk/client-iam';
import { isNotFound, isUnsupported } from './errors.js';

const iamModule = () => import('@aws-sdk/client-iam');

/** Lambda's trust policy: the service may assume the role. */
const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export type RoleStatus = 'exists' | 'missing' | 'unavailable';

/** Whether the role exists; `unavailable` when the endpoint serves no IAM (then it checks no roles either). */
export async function roleStatus(iam: IAMClient, name: string): Promise<RoleStatus> {
  const { GetRoleCommand } = await iamModule();
  try {
    await iam.send(new GetRoleCommand({ RoleName: name }));
    return 'exists';
  } catch (err) {
    if (isNotFound(err)) return 'missing';
    if (isUnsupported(err)) return 'unavailable';
    throw err;
  }
}

export async function createLambdaRole(iam: IAMClient, name: string): Promise<void> {
  const { CreateRoleCommand } = await iamModule();
  try {
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY, Description: 'Execution role for evlab functions' }));
  } catch (err) {
    if ((err as Error).name !== 'EntityAlreadyExists') throw err;
  }
}
