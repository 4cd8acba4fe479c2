import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { PermissionState } from '../../stack/model.js';
import { ruleOfArn } from './arns.js';
import { deleteIfExists, ifExists } from './errors.js';

const lambdaModule = () => import('@aws-sdk/client-lambda');

interface PolicyStatement {
  Sid?: string;
  Condition?: { ArnLike?: Record<string, string> };
}

/** The function's resource-policy statements whose id starts with `prefix` (evlab's own). */
export async function readPermissions(lambda: LambdaClient, fn: string, prefix: string): Promise<PermissionState[]> {
  const { GetPolicyCommand } = await lambdaModule();
  const found = await ifExists(lambda.send(new GetPolicyCommand({ FunctionName: fn })));
  if (!found?.Policy) return [];
  let statements: PolicyStatement[] = [];
  try {
    statements = (JSON.parse(found.Policy) as { Statement?: PolicyStatement[] }).Statement ?? [];
  } catch {
    return [];
  }
  return statements
    .filter((s) => s.Sid?.startsWith(prefix))
    .map((s) => {
      const sourceArn = s.Condition?.ArnLike?.['AWS:SourceArn'] ?? s.Condition?.ArnLike?.['aws:SourceArn'];
      return { key: `${fn}/${s.Sid}`, function: fn, statementId: s.Sid!, rule: sourceArn ? (ruleOfArn(sourceArn) ?? null) : null };
    });
}

/** Lets EventBridge invoke the function for events matched by one rule. */
export async function addInvokePermission(lambda: LambdaClient, fn: string, statementId: string, ruleArn: string): Promise<void> {
  const { AddPermissionCommand } = await lambdaModule();
  await lambda.send(
    new AddPermissionCommand({ FunctionName: fn, StatementId: statementId, Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', SourceArn: ruleArn }),
  );
}

export async function removePermission(lambda: LambdaClient, fn: string, statementId: string): Promise<boolean> {
  const { RemovePermissionCommand } = await lambdaModule();
  return deleteIfExists(() => lambda.send(new RemovePermissionCommand({ FunctionName: fn, StatementId: statementId })));
}

/**
 * Lets an AWS service invoke the function: S3 for a bucket's notifications (SourceArn the bucket), API Gateway
 * for an API's routes (SourceArn `arn:aws:execute-api:<region>:<account>:<api id>/*`), anyone for a function URL
 * with auth NONE (lambda:InvokeFunctionUrl, FunctionUrlAuthType NONE).
 */
export async function addServicePermission(
  lambda: LambdaClient,
  fn: string,
  statementId: string,
  grant: { principal: string; sourceArn?: string; action?: string; functionUrlAuthType?: 'NONE' },
): Promise<void> {
  const { AddPermissionCommand } = await lambdaModule();
  await lambda.send(
    new AddPermissionCommand({
      FunctionName: fn,
      StatementId: statementId,
      Action: grant.action ?? 'lambda:InvokeFunction',
      Principal: grant.principal,
      ...(grant.sourceArn ? { SourceArn: grant.sourceArn } : {}),
      ...(grant.functionUrlAuthType ? { FunctionUrlAuthType: grant.functionUrlAuthType } : {}),
    }),
  );
}
