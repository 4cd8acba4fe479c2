import { randomUUID } from 'node:crypto';
import type { EngineRequest, EngineResponse } from '../../types.js';
import { parseJsonBody, restJsonResponse } from '../../protocol/encode.js';
import { parseFunctionRef } from '../arn.js';
import type { LambdaCore } from '../core.js';
import { conflict, constraint, invalidParameter, preconditionFailed, resourceNotFound, validation } from '../errors.js';
import type { LambdaFunction, PolicyStatement } from '../model.js';

/**
 * The function's resource-based policy. The engine records it (GetPolicy shows what AWS would) but
 * does not enforce it: any caller may invoke, as every local endpoint does.
 */
export function addPermission(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const body = parseJsonBody(req.body);
  const qualifier = req.query.get('Qualifier') ?? undefined;
  if (qualifier === '$LATEST') throw invalidParameter('We currently do not support adding policies for $LATEST.');
  const fn = core.store.require(name, req.region, qualifier);
  // An alias has its own policy (its Resource the alias ARN): it follows the alias from version to version.
  const alias = core.store.aliasOf(name, req.region, qualifier);
  const holder = alias ? (alias.policy ??= []) : fn.policy;
  const sid = body.StatementId;
  if (typeof sid !== 'string' || !sid) throw validation("1 validation error detected: Value null at 'statementId' failed to satisfy constraint: Member must not be null");
  if (!/^[a-zA-Z0-9-_]{1,100}$/.test(sid)) throw constraint(sid, 'statementId', 'Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)');
  const action = body.Action;
  if (typeof action !== 'string' || !/^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/.test(action)) {
    throw constraint(action ?? 'null', 'action', 'Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])');
  }
  const principal = body.Principal;
  if (typeof principal !== 'string' || !principal) throw validation("1 validation error detected: Value null at 'principal' failed to satisfy constraint: Member must not be null");
  if (typeof body.RevisionId === 'string' && body.RevisionId !== fn.revisionId) throw preconditionFailed();
  if (holder.some((s) => s.Sid === sid)) {
    throw conflict(`The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
  }
  const statement: PolicyStatement = { Sid: sid, Effect: 'Allow', Principal: principalOf(principal), Action: action, Resource: alias ? alias.arn : fn.arn };
  const condition: Record<string, Record<string, string>> = {};
  const add = (operator: string, key: string, value: unknown) => {
    if (typeof value === 'string' && value) condition[operator] = { ...(condition[operator] ?? {}), [key]: value };
  };
  add('StringEquals', 'AWS:SourceAccount', body.SourceAccount);
  add('StringEquals', 'aws:PrincipalOrgID', body.PrincipalOrgID);
  add('StringEquals', 'lambda:EventSourceToken', body.EventSourceToken);
  add('StringEquals', 'lambda:FunctionUrlAuthType', body.FunctionUrlAuthType);
  add('ArnLike', 'AWS:SourceArn', body.SourceArn);
  if (Object.keys(condition).length > 0) statement.Condition = condition;
  holder.push(statement);
  if (!alias) fn.revisionId = randomUUID();
  return restJsonResponse(201, { Statement: JSON.stringify(statement) });
}

export function removePermission(core: LambdaCore, req: EngineRequest, name: string, sid: string): EngineResponse {
  const fn = findForPolicy(core, req, name);
  const alias = core.store.aliasOf(name, req.region, req.query.get('Qualifier') ?? undefined);
  const policy = alias ? (alias.policy ?? []) : fn.policy;
  const index = policy.findIndex((s) => s.Sid === sid);
  if (policy.length === 0) throw resourceNotFound('No policy is associated with the given resource.');
  if (index < 0) throw resourceNotFound(`Statement ${sid} is not found in resource policy.`);
  const revision = req.query.get('RevisionId');
  if (revision && revision !== (alias ? alias.revisionId : fn.revisionId)) throw preconditionFailed();
  policy.splice(index, 1);
  if (!alias) fn.revisionId = randomUUID();
  return { status: 204, body: '' };
}

export function getPolicy(core: LambdaCore, req: EngineRequest, name: string): EngineResponse {
  const qualifier = req.query.get('Qualifier') ?? undefined;
  const fn = core.store.require(name, req.region, qualifier);
  const alias = core.store.aliasOf(name, req.region, qualifier);
  const policy = alias ? (alias.policy ?? []) : fn.policy;
  if (policy.length === 0) throw resourceNotFound('The resource you requested does not exist.');
  return restJsonResponse(200, {
    Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: policy }),
    RevisionId: alias ? alias.revisionId : fn.revisionId,
  });
}

function findForPolicy(core: LambdaCore, req: EngineRequest, name: string): LambdaFunction {
  const ref = parseFunctionRef(name);
  try {
    return core.store.requireRef(ref, req.region, req.query.get('Qualifier') ?? undefined);
  } catch {
    throw resourceNotFound(`No policy found for: ${core.store.arn(ref.region ?? req.region, ref.name)}`);
  }
}

function principalOf(principal: string): string | Record<string, string> {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (principal.startsWith('arn:')) return { AWS: principal };
  return { Service: principal };
}
