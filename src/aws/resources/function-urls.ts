import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { FunctionUrlState } from '../../stack/model.js';
import { deleteIfExists, ifExists } from './errors.js';

const lambdaModule = () => import('@aws-sdk/client-lambda');

export async function readFunctionUrl(lambda: LambdaClient, fn: string): Promise<FunctionUrlState | undefined> {
  const { GetFunctionUrlConfigCommand } = await lambdaModule();
  const found = await ifExists(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: fn })));
  if (!found) return undefined;
  return { function: fn, authType: found.AuthType === 'NONE' ? 'NONE' : (found.AuthType as 'NONE'), url: found.FunctionUrl };
}

/** A URL anyone can call (auth NONE); the permission that lets them is added separately (permissions.ts). */
export async function createFunctionUrl(lambda: LambdaClient, fn: string): Promise<string> {
  const { CreateFunctionUrlConfigCommand } = await lambdaModule();
  const created = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: fn, AuthType: 'NONE' }));
  return created.FunctionUrl ?? '';
}

export async function updateFunctionUrl(lambda: LambdaClient, fn: string): Promise<void> {
  const { UpdateFunctionUrlConfigCommand } = await lambdaModule();
  await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: fn, AuthType: 'NONE' }));
}

export async function deleteFunctionUrl(lambda: LambdaClient, fn: string): Promise<boolean> {
  const { DeleteFunctionUrlConfigCommand } = await lambdaModule();
  return deleteIfExists(() => lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: fn })));
}
