import type { EngineContext, EngineRequest, EngineService } from '../types.js';
import { AwsError } from '../protocol/aws-error.js';
import { queryResponse } from '../protocol/encode.js';
import { toXml, type XmlNode } from '../protocol/xml.js';

const IAM_XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';

interface Role {
  RoleName: string;
  RoleId: string;
  Arn: string;
  Path: string;
  CreateDate: string;
  AssumeRolePolicyDocument: string;
}

/**
 * Roles only, so scripts that create a Lambda execution role first keep working. The engine never
 * enforces IAM: any role ARN is accepted by CreateFunction, as on LocalStack.
 */
export function createIamService(ctx: EngineContext): EngineService {
  const roles = new Map<string, Role>();
  const account = ctx.options.accountId;
  const roleXml = (r: Role): XmlNode => ({ ...r, AssumeRolePolicyDocument: encodeURIComponent(r.AssumeRolePolicyDocument) });
  const find = (name: string | null) => {
    const role = name ? roles.get(name) : undefined;
    if (!role) throw new AwsError('NoSuchEntity', 404, `The role with name ${name ?? ''} cannot be found.`);
    return role;
  };

  return {
    async handle(req: EngineRequest) {
      const params = new URLSearchParams(req.body.toString('utf8'));
      req.query.forEach((v, k) => params.set(k, v));
      const reply = (result: XmlNode | '') => queryResponse(req.operation!, result === '' ? '' : toXml(result), req.requestId, IAM_XMLNS);
      switch (req.operation) {
        case 'CreateRole': {
          const name = params.get('RoleName');
          if (!name) throw new AwsError('ValidationError', 400, '1 validation error detected: Value null at \'roleName\' failed to satisfy constraint: Member must not be null');
          if (roles.has(name)) throw new AwsError('EntityAlreadyExists', 409, `Role with name ${name} already exists.`);
          const path = params.get('Path') ?? '/';
          const role: Role = {
            RoleName: name,
            RoleId: `AROA${Buffer.from(name).toString('hex').toUpperCase().padEnd(17, '0').slice(0, 17)}`,
            Arn: `arn:aws:iam::${account}:role${path}${name}`,
            Path: path,
            CreateDate: new Date().toISOString(),
            AssumeRolePolicyDocument: params.get('AssumeRolePolicyDocument') ?? '{}',
          };
          roles.set(name, role);
          return reply({ Role: roleXml(role) });
        }
        case 'GetRole':
          return reply({ Role: roleXml(find(params.get('RoleName'))) });
        case 'DeleteRole':
          find(params.get('RoleName'));
          roles.delete(params.get('RoleName')!);
          return reply('');
        case 'ListRoles':
          return reply({ Roles: { member: [...roles.values()].map(roleXml) }, IsTruncated: false });
        case 'AttachRolePolicy':
        case 'DetachRolePolicy':
        case 'PutRolePolicy':
        case 'DeleteRolePolicy':
          find(params.get('RoleName'));
          return reply('');
        default:
          throw new AwsError('InvalidAction', 400, `The action ${req.operation ?? '(none)'} is not valid for this web service (the evlab engine implements IAM roles only).`);
      }
    },
  };
}
