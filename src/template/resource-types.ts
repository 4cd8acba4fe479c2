import type { StackResourceKind } from './summary.js';

/** Where the stack will run: what Ref and Fn::GetAtt answer with locally. */
export interface LocalEnvironment {
  region: string;
  account: string;
  /** Endpoint URL (queue URLs are path-style on it, as every local endpoint accepts). */
  endpoint: string;
}

/**
 * Values known only once setup has created the resource (an API's id, a function URL's id): they travel as
 * this token, which `status` replaces with what the endpoint reports.
 */
export const LATE_TOKEN = /\$\{evlab:(ApiId|FunctionUrl):([^}]+)\}/g;
export const lateToken = (what: 'ApiId' | 'FunctionUrl', name: string) => `\${evlab:${what}:${name}}`;

export interface TypeInfo {
  kind: StackResourceKind;
  /** The property that names the resource, when the template may name it. */
  nameProperty?: string;
  ref(name: string, env: LocalEnvironment): string;
  attributes: Record<string, (name: string, env: LocalEnvironment) => string>;
}

const arn = (service: string, env: LocalEnvironment, rest: string) => `arn:aws:${service}:${env.region}:${env.account}:${rest}`;
const lambdaArn = (name: string, env: LocalEnvironment) => arn('lambda', env, `function:${name}`);
const queueArn = (name: string, env: LocalEnvironment) => arn('sqs', env, name);
const queueUrl = (name: string, env: LocalEnvironment) => `${env.endpoint.replace(/\/+$/, '')}/${env.account}/${name}`;

/** What evlab knows of each resource type's names, Ref and attributes. Types missing here have no local meaning. */
export const TYPES: Record<string, TypeInfo> = {
  'AWS::Lambda::Function': {
    kind: 'function',
    nameProperty: 'FunctionName',
    ref: (n) => n,
    attributes: { Arn: lambdaArn },
  },
  'AWS::SQS::Queue': {
    kind: 'queue',
    nameProperty: 'QueueName',
    ref: queueUrl,
    attributes: { Arn: queueArn, QueueName: (n) => n, QueueUrl: queueUrl },
  },
  'AWS::DynamoDB::Table': {
    kind: 'table',
    nameProperty: 'TableName',
    ref: (n) => n,
    attributes: {
      Arn: (n, env) => arn('dynamodb', env, `table/${n}`),
      // Streams are not created locally; the ARN has AWS's shape so templates that only pass it along still load.
      StreamArn: (n, env) => arn('dynamodb', env, `table/${n}/stream/1970-01-01T00:00:00.000`),
    },
  },
  'AWS::Events::EventBus': {
    kind: 'bus',
    nameProperty: 'Name',
    ref: (n) => n,
    attributes: { Arn: (n, env) => arn('events', env, `event-bus/${n}`), Name: (n) => n },
  },
  'AWS::Events::Rule': {
    kind: 'rule',
    nameProperty: 'Name',
    ref: (n) => n,
    attributes: { Arn: (n, env) => arn('events', env, `rule/${n}`) },
  },
  'AWS::Logs::LogGroup': {
    kind: 'log-group',
    nameProperty: 'LogGroupName',
    ref: (n) => n,
    attributes: { Arn: (n, env) => arn('logs', env, `log-group:${n}:*`) },
  },
  'AWS::IAM::Role': {
    kind: 'role',
    nameProperty: 'RoleName',
    ref: (n) => n,
    attributes: { Arn: (n, env) => `arn:aws:iam::${env.account}:role/${n}`, RoleId: (n) => `AROA${n.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 17)}` },
  },
  'AWS::S3::Bucket': {
    kind: 'bucket',
    nameProperty: 'BucketName',
    ref: (n) => n,
    attributes: {
      Arn: (n) => `arn:aws:s3:::${n}`,
      DomainName: (n) => `${n}.s3.amazonaws.com`,
      RegionalDomainName: (n, env) => `${n}.s3.${env.region}.amazonaws.com`,
      WebsiteURL: (n, env) => `http://${n}.s3-website-${env.region}.amazonaws.com`,
    },
  },
  'AWS::ApiGatewayV2::Api': {
    kind: 'api',
    nameProperty: 'Name',
    ref: (n) => lateToken('ApiId', n),
    attributes: { ApiId: (n) => lateToken('ApiId', n), ApiEndpoint: (n, env) => `${env.endpoint.replace(/\/+$/, '')}/_aws/execute-api/${lateToken('ApiId', n)}` },
  },
  'AWS::ApiGateway::RestApi': {
    kind: 'api',
    nameProperty: 'Name',
    ref: (n) => lateToken('ApiId', n),
    attributes: { RestApiId: (n) => lateToken('ApiId', n), RootResourceId: () => 'root' },
  },
  'AWS::Lambda::Url': {
    kind: 'other',
    // Named by the function it serves (resolved in to-stack.ts).
    ref: (n) => n,
    attributes: { FunctionUrl: (n) => lateToken('FunctionUrl', n), FunctionArn: lambdaArn },
  },
  'AWS::Lambda::Version': { kind: 'other', ref: (n, env) => `${lambdaArn(n, env)}:1`, attributes: { Version: () => '1', FunctionArn: lambdaArn } },
  'AWS::Lambda::Alias': { kind: 'other', ref: (n, env) => lambdaArn(n, env), attributes: { AliasArn: lambdaArn } },
};

/** Ref of a type evlab does not model: CloudFormation answers with the physical ID, which is the name here. */
export const FALLBACK: TypeInfo = { kind: 'other', ref: (n) => n, attributes: {} };

/** The function a Lambda FunctionName / ARN (qualified or not, partial or full) names. */
export function functionNameOf(value: string): { name: string; qualifier?: string } {
  const m = /^(?:arn:aws[a-z-]*:lambda:[^:]*:\d*:function:|\d{12}:function:)?([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/.exec(value);
  return m ? { name: m[1]!, ...(m[2] ? { qualifier: m[2] } : {}) } : { name: value };
}

/** The local stack kind and name an ARN (or queue URL) points at. */
export function resourceOfArn(value: string): { kind: StackResourceKind; name: string; qualifier?: string } | undefined {
  let m = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::(.+))?$/.exec(value);
  if (m) return { kind: 'function', name: m[1]!, ...(m[2] ? { qualifier: m[2] } : {}) };
  m = /^arn:aws[a-z-]*:sqs:[^:]*:[^:]*:(.+)$/.exec(value);
  if (m) return { kind: 'queue', name: m[1]! };
  m = /^arn:aws[a-z-]*:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(value);
  if (m) return { kind: 'bus', name: m[1]! };
  m = /^arn:aws[a-z-]*:logs:[^:]*:[^:]*:log-group:([^:]+)(?::\*)?$/.exec(value);
  if (m) return { kind: 'log-group', name: m[1]! };
  m = /^arn:aws[a-z-]*:s3:::([^/]+)$/.exec(value);
  if (m) return { kind: 'bucket', name: m[1]! };
  m = /^https?:\/\/[^/]+\/\d{12}\/([^/]+)$/.exec(value);
  if (m) return { kind: 'queue', name: m[1]! };
  return undefined;
}
