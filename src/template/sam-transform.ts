import type { TemplatePath } from './source.js';
import { TemplateError } from './intrinsics.js';

/** A CloudFormation resource as the template (or the SAM transform) declares it: values still hold intrinsics. */
export interface RawResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: string | string[];
  Metadata?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** Something the transform does not carry over, with the path it was found at. */
export interface TransformGap {
  logicalId: string;
  type: string;
  property?: string;
  path: TemplatePath;
  effect: string;
}

export interface TransformResult {
  resources: Record<string, RawResource>;
  /** Where each resource came from in the file (a SAM event for the resources it implies). */
  origins: Record<string, TemplatePath>;
  /** Implicit resources: the logical ID of the SAM resource that created them. */
  createdBy: Record<string, string>;
  gaps: TransformGap[];
}

/**
 * Routes of an API, as the SAM transform collects them from function events. CloudFormation itself would
 * get an OpenAPI body; the stack model only needs route key → function, so they travel in this key, which
 * only evlab reads (to-stack.ts) and which never reaches an exported template.
 */
export const ROUTES_KEY = 'evlab:Routes';
export const STAGE_KEY = 'evlab:Stage';
export interface ApiRoute {
  RouteKey: string;
  Function: string;
  PayloadFormatVersion?: string;
}

export const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';

export function hasSamTransform(template: Record<string, unknown>): boolean {
  const t = template.Transform;
  return t === SAM_TRANSFORM || (Array.isArray(t) && t.includes(SAM_TRANSFORM));
}

const ref = (id: string) => ({ Ref: id });
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

/** Properties of AWS::Serverless::Function that the transform reads itself; the rest pass to AWS::Lambda::Function. */
const SAM_FUNCTION_KEYS = new Set([
  'CodeUri', 'InlineCode', 'Events', 'Policies', 'Role', 'DeadLetterQueue', 'EventInvokeConfig', 'FunctionUrlConfig', 'AutoPublishAlias',
  'AutoPublishCodeSha256', 'AutoPublishAliasAllProperties', 'Tracing', 'PermissionsBoundary', 'AssumeRolePolicyDocument', 'RolePath',
  'DeploymentPreference', 'ProvisionedConcurrencyConfig', 'VersionDescription', 'RuntimeManagementConfig', 'SnapStart',
]);
/** Accepted without any local effect (IAM is not enforced locally). */
const SAM_ACCEPTED = new Set(['Policies', 'Role', 'PermissionsBoundary', 'AssumeRolePolicyDocument', 'RolePath', 'Tracing', 'AutoPublishCodeSha256', 'VersionDescription']);

/** Expands the AWS::Serverless::* resources (with Globals) into CloudFormation resources, as SAM's transform does. */
export function samTransform(template: Record<string, unknown>): TransformResult {
  const input = (template.Resources ?? {}) as Record<string, RawResource>;
  const globals = (template.Globals ?? {}) as Record<string, Record<string, unknown>>;
  const out: TransformResult = { resources: {}, origins: {}, createdBy: {}, gaps: [] };
  const add = (id: string, resource: RawResource, origin: TemplatePath, createdBy?: string) => {
    if (id in out.resources || (id !== createdBy && id in input && createdBy)) {
      throw new TemplateError(`the SAM transform would create "${id}", which the template already declares`, origin, 'rename that resource');
    }
    out.resources[id] = resource;
    out.origins[id] = origin;
    if (createdBy) out.createdBy[id] = createdBy;
  };
  for (const key of Object.keys(globals)) {
    if (!['Function', 'Api', 'HttpApi', 'SimpleTable'].includes(key)) {
      out.gaps.push({ logicalId: 'Globals', type: 'Globals', property: key, path: ['Globals', key], effect: `Globals.${key} is not applied` });
    }
  }
  // Events that attach to an API or a bucket declared elsewhere in the template are applied after every resource is in.
  const pending: (() => void)[] = [];
  for (const [id, resource] of Object.entries(input)) {
    const path = ['Resources', id];
    const props = resource.Properties ?? {};
    const keep = (type: string, properties: Record<string, unknown>): RawResource => ({ ...resource, Type: type, Properties: properties });
    switch (resource.Type) {
      case 'AWS::Serverless::Function':
        transformFunction(id, mergeGlobals(globals.Function, props), resource, path, add, out, pending);
        break;
      case 'AWS::Serverless::SimpleTable': {
        const merged = mergeGlobals(globals.SimpleTable, props);
        const key = (merged.PrimaryKey ?? { Name: 'id', Type: 'String' }) as { Name?: unknown; Type?: unknown };
        const type = { String: 'S', Number: 'N', Binary: 'B' }[String(key.Type)] ?? 'S';
        add(id, keep('AWS::DynamoDB::Table', {
          ...(merged.TableName !== undefined ? { TableName: merged.TableName } : {}),
          KeySchema: [{ AttributeName: key.Name ?? 'id', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: key.Name ?? 'id', AttributeType: type }],
          BillingMode: merged.ProvisionedThroughput ? 'PROVISIONED' : 'PAY_PER_REQUEST',
          ...(merged.ProvisionedThroughput ? { ProvisionedThroughput: merged.ProvisionedThroughput } : {}),
          ...(merged.SSESpecification ? { SSESpecification: merged.SSESpecification } : {}),
          ...(merged.Tags ? { Tags: merged.Tags } : {}),
        }), path);
        break;
      }
      case 'AWS::Serverless::HttpApi': {
        const merged = mergeGlobals(globals.HttpApi, props);
        add(id, keep('AWS::ApiGatewayV2::Api', { ...(merged.Name !== undefined ? { Name: merged.Name } : {}), ProtocolType: 'HTTP', [ROUTES_KEY]: [], [STAGE_KEY]: merged.StageName ?? '$default' }), path);
        gapsOf(id, 'AWS::Serverless::HttpApi', merged, ['Name', 'StageName', 'DefinitionBody', 'DefinitionUri', 'Description', 'Tags', 'FailOnWarnings', 'CorsConfiguration', 'Auth', 'AccessLogSettings', 'DefaultRouteSettings', 'Domain', 'RouteSettings', 'StageVariables', 'DisableExecuteApiEndpoint'], ['Name', 'StageName', 'Description', 'Tags', 'FailOnWarnings'], path, out);
        break;
      }
      case 'AWS::Serverless::Api': {
        const merged = mergeGlobals(globals.Api, props);
        add(id, keep('AWS::ApiGateway::RestApi', { ...(merged.Name !== undefined ? { Name: merged.Name } : {}), [ROUTES_KEY]: [], [STAGE_KEY]: merged.StageName ?? 'Prod' }), path);
        gapsOf(id, 'AWS::Serverless::Api', merged, [], ['Name', 'StageName', 'Description', 'Tags', 'EndpointConfiguration', 'OpenApiVersion', 'TracingEnabled', 'MethodSettings'], path, out);
        break;
      }
      default:
        // CloudFormation resources (and Serverless types evlab does not expand, which to-stack reports) pass through.
        add(id, resource, path);
    }
  }
  for (const apply of pending) apply();
  return out;
}

type Add = (id: string, resource: RawResource, origin: TemplatePath, createdBy?: string) => void;

/** SAM's Globals rule: maps merge (the resource's own values win), lists are appended, scalars are replaced. */
function mergeGlobals(global: Record<string, unknown> | undefined, own: Record<string, unknown>): Record<string, unknown> {
  if (!global) return own;
  const merged: Record<string, unknown> = { ...global };
  for (const [k, v] of Object.entries(own)) {
    const g = merged[k];
    if (isPlainObject(g) && isPlainObject(v) && !isIntrinsic(v)) merged[k] = mergeGlobals(g, v);
    else if (Array.isArray(g) && Array.isArray(v)) merged[k] = [...g, ...v];
    else merged[k] = v;
  }
  return merged;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isIntrinsic = (v: Record<string, unknown>) => Object.keys(v).length === 1 && (Object.keys(v)[0] === 'Ref' || Object.keys(v)[0]!.startsWith('Fn::'));

function gapsOf(id: string, type: string, props: Record<string, unknown>, _all: string[], supported: string[], path: TemplatePath, out: TransformResult): void {
  for (const key of Object.keys(props)) {
    if (!supported.includes(key)) out.gaps.push({ logicalId: id, type, property: key, path: [...path, 'Properties', key], effect: `${key} is not applied locally` });
  }
}

function transformFunction(
  id: string,
  props: Record<string, unknown>,
  resource: RawResource,
  path: TemplatePath,
  add: Add,
  out: TransformResult,
  pending: (() => void)[],
): void {
  const at = (...rest: (string | number)[]) => [...path, 'Properties', ...rest];
  const fn: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) if (!SAM_FUNCTION_KEYS.has(k)) fn[k] = v;
  if (props.InlineCode !== undefined) fn.Code = { ZipFile: props.InlineCode };
  else if (typeof props.CodeUri === 'string' || isIntrinsic((props.CodeUri ?? {}) as Record<string, unknown>)) fn.Code = props.CodeUri;
  else if (isPlainObject(props.CodeUri)) fn.Code = { S3Bucket: props.CodeUri.Bucket, S3Key: props.CodeUri.Key };
  else if (props.ImageUri === undefined) throw new TemplateError(`function ${id} has neither CodeUri nor InlineCode`, [...path, 'Properties'], 'add CodeUri: <folder with the code>');
  if (props.Role !== undefined) fn.Role = props.Role;
  else {
    const roleId = `${id}Role`;
    add(roleId, {
      Type: 'AWS::IAM::Role',
      ...(resource.Condition ? { Condition: resource.Condition } : {}),
      Properties: {
        AssumeRolePolicyDocument: props.AssumeRolePolicyDocument ?? {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }],
        ...(props.Policies !== undefined ? { 'evlab:SamPolicies': props.Policies } : {}),
      },
    }, path, id);
    fn.Role = arnOf(roleId);
  }
  const dlq = props.DeadLetterQueue as { Type?: string; TargetArn?: unknown } | undefined;
  if (dlq) {
    if (dlq.Type === 'SNS') out.gaps.push({ logicalId: id, type: 'AWS::Serverless::Function', property: 'DeadLetterQueue', path: at('DeadLetterQueue'), effect: 'an SNS dead-letter topic is not supported: failed async events are dropped' });
    else fn.DeadLetterConfig = { TargetArn: dlq.TargetArn };
  }
  for (const key of Object.keys(props)) {
    if (SAM_FUNCTION_KEYS.has(key) && !SAM_ACCEPTED.has(key) && !['CodeUri', 'InlineCode', 'Events', 'DeadLetterQueue', 'EventInvokeConfig', 'FunctionUrlConfig'].includes(key)) {
      const effect = key === 'AutoPublishAlias' ? 'no version or alias is published locally: events invoke $LATEST' : `${key} is not applied locally`;
      out.gaps.push({ logicalId: id, type: 'AWS::Serverless::Function', property: key, path: at(key), effect });
    }
  }
  add(id, { ...resource, Type: 'AWS::Lambda::Function', Properties: fn }, path);
  const cond = resource.Condition ? { Condition: resource.Condition } : {};

  const invoke = props.EventInvokeConfig as Record<string, unknown> | undefined;
  if (invoke) {
    const destinations = invoke.DestinationConfig as Record<string, { Type?: string; Destination?: unknown }> | undefined;
    const destinationConfig: Record<string, unknown> = {};
    for (const which of ['OnSuccess', 'OnFailure'] as const) {
      const d = destinations?.[which];
      if (d) destinationConfig[which] = { Destination: d.Destination };
    }
    add(`${id}EventInvokeConfig`, {
      Type: 'AWS::Lambda::EventInvokeConfig',
      ...cond,
      Properties: {
        FunctionName: ref(id),
        Qualifier: '$LATEST',
        ...(invoke.MaximumRetryAttempts !== undefined ? { MaximumRetryAttempts: invoke.MaximumRetryAttempts } : {}),
        ...(invoke.MaximumEventAgeInSeconds !== undefined ? { MaximumEventAgeInSeconds: invoke.MaximumEventAgeInSeconds } : {}),
        ...(Object.keys(destinationConfig).length ? { DestinationConfig: destinationConfig } : {}),
      },
    }, at('EventInvokeConfig'), id);
  }
  const url = props.FunctionUrlConfig as Record<string, unknown> | undefined;
  if (url) {
    add(`${id}Url`, { Type: 'AWS::Lambda::Url', ...cond, Properties: { TargetFunctionArn: ref(id), AuthType: url.AuthType ?? 'NONE', ...(url.Cors ? { Cors: url.Cors } : {}), ...(url.InvokeMode ? { InvokeMode: url.InvokeMode } : {}) } }, at('FunctionUrlConfig'), id);
    add(`${id}UrlPublicPermissions`, { Type: 'AWS::Lambda::Permission', ...cond, Properties: { Action: 'lambda:InvokeFunctionUrl', FunctionName: ref(id), Principal: '*', FunctionUrlAuthType: url.AuthType ?? 'NONE' } }, at('FunctionUrlConfig'), id);
  }

  for (const [eventId, event] of Object.entries((props.Events ?? {}) as Record<string, { Type?: string; Properties?: Record<string, unknown> }>)) {
    const eventPath = at('Events', eventId);
    const p = event.Properties ?? {};
    const logical = `${id}${eventId}`;
    switch (event.Type) {
      case 'EventBridgeRule':
      case 'CloudWatchEvent':
      case 'Schedule': {
        const isSchedule = event.Type === 'Schedule';
        const target: Record<string, unknown> = { Id: (p.Target as { Id?: unknown } | undefined)?.Id ?? `${logical}LambdaTarget`, Arn: arnOf(id) };
        for (const k of ['Input', 'InputPath', 'InputTransformer', 'RetryPolicy'] as const) if (p[k] !== undefined) target[k] = p[k];
        const dl = p.DeadLetterConfig as { Type?: string; Arn?: unknown; QueueLogicalId?: string } | undefined;
        if (dl) {
          if (dl.Type === 'SQS') {
            const queueId = dl.QueueLogicalId ?? `${logical}Queue`;
            add(queueId, { Type: 'AWS::SQS::Queue', ...cond, Properties: {} }, [...eventPath, 'Properties', 'DeadLetterConfig'], id);
            target.DeadLetterConfig = { Arn: arnOf(queueId) };
          } else target.DeadLetterConfig = { Arn: dl.Arn };
        }
        const state = p.State ?? (p.Enabled === false ? 'DISABLED' : p.Enabled === true ? 'ENABLED' : undefined);
        const name = p.RuleName ?? p.Name;
        add(logical, {
          Type: 'AWS::Events::Rule',
          ...cond,
          Properties: {
            ...(isSchedule ? { ScheduleExpression: p.Schedule } : { EventPattern: p.Pattern }),
            ...(p.EventBusName !== undefined ? { EventBusName: p.EventBusName } : {}),
            ...(name !== undefined ? { Name: name } : {}),
            ...(p.Description !== undefined ? { Description: p.Description } : {}),
            ...(state !== undefined ? { State: state } : {}),
            Targets: [target],
          },
        }, eventPath, id);
        add(`${logical}Permission`, { Type: 'AWS::Lambda::Permission', ...cond, Properties: { Action: 'lambda:InvokeFunction', FunctionName: ref(id), Principal: 'events.amazonaws.com', SourceArn: arnOf(logical) } }, eventPath, id);
        for (const k of Object.keys(p)) {
          const known = ['Pattern', 'Schedule', 'EventBusName', 'Input', 'InputPath', 'InputTransformer', 'RetryPolicy', 'DeadLetterConfig', 'State', 'Enabled', 'RuleName', 'Name', 'Description', 'Target'];
          if (!known.includes(k)) out.gaps.push({ logicalId: id, type: `${event.Type} event`, property: k, path: [...eventPath, 'Properties', k], effect: `${k} is not applied locally` });
        }
        break;
      }
      case 'SQS': {
        const mapping: Record<string, unknown> = { EventSourceArn: p.Queue, FunctionName: ref(id) };
        for (const k of ['BatchSize', 'MaximumBatchingWindowInSeconds', 'Enabled', 'FunctionResponseTypes', 'ScalingConfig', 'FilterCriteria'] as const) if (p[k] !== undefined) mapping[k] = p[k];
        add(logical, { Type: 'AWS::Lambda::EventSourceMapping', ...cond, Properties: mapping }, eventPath, id);
        break;
      }
      case 'S3': {
        const bucketId = (p.Bucket as { Ref?: string } | undefined)?.Ref;
        if (!bucketId) throw new TemplateError(`the S3 event ${eventId} names its bucket with !Ref to a bucket of this template`, [...eventPath, 'Properties', 'Bucket'], 'Bucket: !Ref MyBucket');
        add(`${logical}Permission`, { Type: 'AWS::Lambda::Permission', ...cond, Properties: { Action: 'lambda:InvokeFunction', FunctionName: ref(id), Principal: 's3.amazonaws.com', SourceAccount: ref('AWS::AccountId') } }, eventPath, id);
        pending.push(() => {
          const bucket = out.resources[bucketId];
          if (!bucket || bucket.Type !== 'AWS::S3::Bucket') throw new TemplateError(`the S3 event ${eventId} names "${bucketId}", which is not an AWS::S3::Bucket of this template`, [...eventPath, 'Properties', 'Bucket']);
          const properties = (bucket.Properties ??= {});
          const notifications = (properties.NotificationConfiguration ??= {}) as Record<string, unknown[]>;
          const events = Array.isArray(p.Events) ? p.Events : [p.Events];
          for (const e of events) {
            notifications.LambdaConfigurations = [...(notifications.LambdaConfigurations ?? []), { Event: e, Function: arnOf(id), ...(p.Filter ? { Filter: p.Filter } : {}) }];
          }
        });
        break;
      }
      case 'HttpApi':
      case 'Api': {
        const http = event.Type === 'HttpApi';
        const apiRef = (p[http ? 'ApiId' : 'RestApiId'] as { Ref?: string } | undefined)?.Ref;
        const apiId = apiRef ?? (http ? 'ServerlessHttpApi' : 'ServerlessRestApi');
        const method = String(p.Method ?? (http ? 'ANY' : 'GET')).toUpperCase();
        const routeKey = http && p.Path === undefined ? '$default' : `${method === 'X-AMAZON-APIGATEWAY-ANY-METHOD' ? 'ANY' : method} ${String(p.Path ?? '/')}`;
        add(`${logical}Permission`, { Type: 'AWS::Lambda::Permission', ...cond, Properties: { Action: 'lambda:InvokeFunction', FunctionName: ref(id), Principal: 'apigateway.amazonaws.com' } }, eventPath, id);
        pending.push(() => {
          if (!out.resources[apiId]) {
            if (apiRef) throw new TemplateError(`the ${event.Type} event ${eventId} names "${apiRef}", which is not an API of this template`, eventPath);
            add(apiId, http
              ? { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'HTTP', [ROUTES_KEY]: [], [STAGE_KEY]: '$default' } }
              : { Type: 'AWS::ApiGateway::RestApi', Properties: { [ROUTES_KEY]: [], [STAGE_KEY]: 'Prod' } }, eventPath, id);
          }
          const routes = (out.resources[apiId]!.Properties![ROUTES_KEY] ??= []) as ApiRoute[];
          routes.push({ RouteKey: routeKey, Function: id, ...(p.PayloadFormatVersion ? { PayloadFormatVersion: String(p.PayloadFormatVersion) } : {}) });
        });
        break;
      }
      default:
        out.gaps.push({
          logicalId: id,
          type: 'AWS::Serverless::Function',
          property: `Events.${eventId}`,
          path: eventPath,
          effect: `event source type ${String(event.Type)} is not supported: it will not invoke ${id} locally`,
        });
    }
  }
}
