import { readFileSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { INLINE_CODE_DIR } from '../function-code.js';
import { defaultStage } from '../../stack/desired-entry-points.js';
import { targetDestination, targetIds } from '../../stack/target-ids.js';
import type { FunctionSpec, LoadedStack, StackFile } from '../../stack/types.js';
import { deployableRuntime } from './runtime-lifecycle.js';
import { expandSamPolicies, pollFrom, queueArnOf, sendTo } from './policies.js';

type Json = Record<string, unknown>;

export interface ExportOptions {
  /** Folder the template is written to: code paths are relative to it. */
  outDir: string;
  /** For the runtime schedule (default: now). */
  today?: Date;
}

export interface ExportResult {
  template: Json;
  /** Things the export leaves out, said on stderr (seed items, unknown SAM policy templates, …). */
  notes: string[];
}

const getAtt = (id: string, attribute: string) => ({ 'Fn::GetAtt': [id, attribute] });
const ref = (id: string) => ({ Ref: id });

/** Logical IDs: the template's own when the stack came from one, else PascalCase of the name plus its kind. */
class LogicalIds {
  private readonly used = new Set<string>();
  private readonly byKey = new Map<string, string>();
  constructor(private readonly fromTemplate: Map<string, string>) {}

  of(kind: string, name: string): string {
    const key = `${kind}/${name}`;
    const known = this.byKey.get(key);
    if (known) return known;
    const suffix = kind.charAt(0).toUpperCase() + kind.slice(1);
    const base = this.fromTemplate.get(key) ?? `${name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('') || 'Resource'}${suffix}`;
    let id = base.replace(/[^A-Za-z0-9]/g, '');
    for (let n = 2; this.used.has(id); n++) id = `${base}${n}`;
    this.used.add(id);
    this.byKey.set(key, id);
    return id;
  }

  /** An ID for a resource that belongs to another (its permission, its role). */
  derived(owner: string, what: string): string {
    let id = `${owner}${what}`;
    for (let n = 2; this.used.has(id); n++) id = `${owner}${what}${n}`;
    this.used.add(id);
    return id;
  }
}

/**
 * The stack as a CloudFormation template that deploys the same system to an AWS account: functions with their
 * code as local paths (`sam deploy` or `aws cloudformation package` uploads them), a role per function with
 * least-privilege statements for what it is wired to (plus the template's own policies, SAM policy templates
 * written out), permissions, invoke configs, rules and targets, mappings, queues with their policies, tables,
 * buckets with notifications, APIs and function URLs. Pure.
 */
export function exportTemplate(loaded: LoadedStack, options: ExportOptions): ExportResult {
  const stack: StackFile = loaded.stack;
  const notes: string[] = [];
  const fromTemplate = new Map<string, string>();
  for (const [id, r] of Object.entries(loaded.template?.resources ?? {})) {
    if (r.kind !== 'other' && r.kind !== 'role' && r.kind !== 'log-group') fromTemplate.set(`${r.kind}/${r.physicalName}`, id);
  }
  const ids = new LogicalIds(fromTemplate);
  const resources: Json = {};
  const outputs: Json = {};
  const queuePolicies = new Map<string, { Sid: string; Principal: string; SourceArn?: unknown }[]>();
  const allowToQueue = (queue: string, principal: string, sourceArn?: unknown) => {
    const list = queuePolicies.get(queue) ?? [];
    list.push({ Sid: `Allow${principal.split('.')[0]}${list.length + 1}`, Principal: principal, ...(sourceArn ? { SourceArn: sourceArn } : {}) });
    queuePolicies.set(queue, list);
  };
  const q = (name: string) => ids.of('queue', name);
  const fnId = (name: string) => ids.of('function', name);

  for (const [name, spec] of Object.entries(stack.queues ?? {})) {
    const fifo = spec.fifo ?? name.endsWith('.fifo');
    resources[q(name)] = {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: name,
        ...(spec.visibilityTimeout !== undefined ? { VisibilityTimeout: spec.visibilityTimeout } : {}),
        ...(spec.delaySeconds !== undefined ? { DelaySeconds: spec.delaySeconds } : {}),
        ...(spec.messageRetentionPeriod !== undefined ? { MessageRetentionPeriod: spec.messageRetentionPeriod } : {}),
        ...(spec.receiveMessageWaitTimeSeconds !== undefined ? { ReceiveMessageWaitTimeSeconds: spec.receiveMessageWaitTimeSeconds } : {}),
        ...(spec.deadLetterQueue ? { RedrivePolicy: { deadLetterTargetArn: queueArnOf(q(spec.deadLetterQueue)), maxReceiveCount: spec.maxReceiveCount ?? 1 } } : {}),
        ...(fifo ? { FifoQueue: true } : {}),
        ...(spec.contentBasedDeduplication ? { ContentBasedDeduplication: true } : {}),
      },
    };
    outputs[`${q(name)}Url`] = { Value: ref(q(name)) };
  }

  for (const [name, spec] of Object.entries(stack.tables ?? {})) {
    const keys = [spec.partitionKey, ...(spec.sortKey ? [spec.sortKey] : [])];
    resources[ids.of('table', name)] = {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        KeySchema: [{ AttributeName: spec.partitionKey.name, KeyType: 'HASH' }, ...(spec.sortKey ? [{ AttributeName: spec.sortKey.name, KeyType: 'RANGE' }] : [])],
      },
    };
    if (spec.seed?.length) notes.push(`table ${name}: its ${spec.seed.length} seed item(s) are not part of the template (write them after deploying)`);
  }

  for (const name of Object.keys(stack.buses ?? {})) resources[ids.of('bus', name)] = { Type: 'AWS::Events::EventBus', Properties: { Name: name } };
  const busArn = (bus: string) =>
    bus in (stack.buses ?? {}) ? getAtt(ids.of('bus', bus), 'Arn') : { 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${bus}` };

  // What each function is wired to, for its role.
  const sends = new Map<string, Set<string>>();
  const polls = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, fn: string, queue: string) => m.set(fn, (m.get(fn) ?? new Set()).add(queue));
  for (const sub of stack.subscriptions ?? []) add(polls, sub.function, sub.queue);

  for (const [name, spec] of Object.entries(stack.functions ?? {})) {
    const id = fnId(name);
    const roleId = ids.derived(id, 'Role');
    if (spec.deadLetterQueue) add(sends, name, spec.deadLetterQueue);
    if (spec.onFailure) add(sends, name, spec.onFailure.queue);
    if (spec.onSuccess) add(sends, name, spec.onSuccess.queue);
    const runtime = deployableRuntime(spec.runtime, options.today);
    if (runtime !== spec.runtime) notes.push(`function ${name}: AWS no longer creates ${spec.runtime} functions; exported with ${runtime}`);
    const own = loaded.template?.policies?.[name];
    const expanded = expandSamPolicies(own?.sam ?? []);
    for (const unknown of expanded.unknown) notes.push(`function ${name}: SAM policy template ${unknown} is not known to evlab and is left out; add its statements by hand`);
    const statements = [...sendTo([...(sends.get(name) ?? [])].map(q)), ...pollFrom([...(polls.get(name) ?? [])].map(q)), ...expanded.statements];
    resources[roleId] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        ManagedPolicyArns: [...new Set(['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', ...expanded.managed, ...(own?.managed ?? [])])],
        ...(statements.length || own?.inline?.length
          ? {
              Policies: [
                ...(statements.length ? [{ PolicyName: 'wiring', PolicyDocument: { Version: '2012-10-17', Statement: statements } }] : []),
                ...(own?.inline ?? []),
              ],
            }
          : {}),
      },
    };
    resources[id] = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        FunctionName: name,
        Runtime: runtime,
        Handler: spec.handler,
        // A local path: `sam deploy` / `aws cloudformation package` zips and uploads it, and rewrites this property.
        // Inline code (a template's ZipFile / InlineCode, kept in .evlab/inline/) goes back inline.
        Code: inlineCode(loaded.dir, spec) ?? (relative(options.outDir, resolve(loaded.dir, spec.source)) || '.'),
        Role: getAtt(roleId, 'Arn'),
        ...(spec.timeout !== undefined ? { Timeout: spec.timeout } : {}),
        ...(spec.memorySize !== undefined ? { MemorySize: spec.memorySize } : {}),
        ...(spec.description ? { Description: spec.description } : {}),
        ...(spec.environment && Object.keys(spec.environment).length ? { Environment: { Variables: deployedEnvironment(spec.environment, stack, ids) } } : {}),
        ...(spec.deadLetterQueue ? { DeadLetterConfig: { TargetArn: queueArnOf(q(spec.deadLetterQueue)) } } : {}),
      },
    };
    outputs[`${id}Arn`] = { Value: getAtt(id, 'Arn') };
    if (spec.maxRetryAttempts !== undefined || spec.maxEventAgeSeconds !== undefined || spec.onFailure || spec.onSuccess) {
      resources[ids.derived(id, 'EventInvokeConfig')] = {
        Type: 'AWS::Lambda::EventInvokeConfig',
        Properties: {
          FunctionName: ref(id),
          Qualifier: '$LATEST',
          ...(spec.maxRetryAttempts !== undefined ? { MaximumRetryAttempts: spec.maxRetryAttempts } : {}),
          ...(spec.maxEventAgeSeconds !== undefined ? { MaximumEventAgeInSeconds: spec.maxEventAgeSeconds } : {}),
          ...(spec.onFailure || spec.onSuccess
            ? {
                DestinationConfig: {
                  ...(spec.onFailure ? { OnFailure: { Destination: queueArnOf(q(spec.onFailure.queue)) } } : {}),
                  ...(spec.onSuccess ? { OnSuccess: { Destination: queueArnOf(q(spec.onSuccess.queue)) } } : {}),
                },
              }
            : {}),
        },
      };
    }
    if ((spec as { url?: boolean }).url) {
      const urlId = ids.derived(id, 'Url');
      resources[urlId] = { Type: 'AWS::Lambda::Url', Properties: { TargetFunctionArn: getAtt(id, 'Arn'), AuthType: 'NONE' } };
      resources[ids.derived(id, 'UrlPermission')] = {
        Type: 'AWS::Lambda::Permission',
        Properties: { FunctionName: ref(id), Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' },
      };
      outputs[`${urlId}Endpoint`] = { Value: getAtt(urlId, 'FunctionUrl') };
    }
  }

  let eventsRole: string | undefined;
  const logGroups = new Map<string, string>();
  for (const [name, rule] of Object.entries(stack.rules ?? {})) {
    const id = ids.of('rule', name);
    const bus = rule.bus ?? 'default';
    const tids = targetIds(rule.targets);
    const targets = rule.targets.map((target, index) => {
      const dest = targetDestination(target)!;
      let arn: unknown;
      let extra: Json = {};
      if (dest.kind === 'function') {
        arn = getAtt(fnId(dest.name), 'Arn');
        resources[ids.derived(id, `Permission${index > 0 ? index + 1 : ''}`)] = {
          Type: 'AWS::Lambda::Permission',
          Properties: { FunctionName: ref(fnId(dest.name)), Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', SourceArn: getAtt(id, 'Arn') },
        };
      } else if (dest.kind === 'queue') {
        arn = queueArnOf(q(dest.name));
        allowToQueue(dest.name, 'events.amazonaws.com', getAtt(id, 'Arn'));
      } else if (dest.kind === 'bus') {
        arn = busArn(dest.name);
        eventsRole ??= ids.derived('EventBridge', 'TargetsRole');
        extra = { RoleArn: getAtt(eventsRole, 'Arn') };
      } else {
        let group = logGroups.get(dest.name);
        if (!group) {
          group = ids.of('logGroup', dest.name);
          logGroups.set(dest.name, group);
          resources[group] = { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: dest.name } };
        }
        arn = getAtt(group, 'Arn');
      }
      if (target.deadLetterQueue) allowToQueue(target.deadLetterQueue, 'events.amazonaws.com', getAtt(id, 'Arn'));
      return {
        Id: tids[index],
        Arn: arn,
        ...extra,
        ...(target.input !== undefined ? { Input: JSON.stringify(target.input) } : {}),
        ...(target.inputPath !== undefined ? { InputPath: target.inputPath } : {}),
        ...(target.inputTransformer
          ? { InputTransformer: { ...(target.inputTransformer.inputPathsMap ? { InputPathsMap: target.inputTransformer.inputPathsMap } : {}), InputTemplate: target.inputTransformer.inputTemplate } }
          : {}),
        ...(target.deadLetterQueue ? { DeadLetterConfig: { Arn: queueArnOf(q(target.deadLetterQueue)) } } : {}),
        ...(target.retryPolicy
          ? {
              RetryPolicy: {
                ...(target.retryPolicy.maximumRetryAttempts !== undefined ? { MaximumRetryAttempts: target.retryPolicy.maximumRetryAttempts } : {}),
                ...(target.retryPolicy.maximumEventAgeSeconds !== undefined ? { MaximumEventAgeInSeconds: target.retryPolicy.maximumEventAgeSeconds } : {}),
              },
            }
          : {}),
      };
    });
    // The bus by name, with DependsOn for the order: moto's CloudFormation cannot read a Ref to a bus here.
    const ownBus = bus in (stack.buses ?? {}) ? ids.of('bus', bus) : undefined;
    resources[id] = {
      Type: 'AWS::Events::Rule',
      ...(ownBus ? { DependsOn: [ownBus] } : {}),
      Properties: {
        Name: name,
        ...(bus !== 'default' ? { EventBusName: bus } : {}),
        ...(rule.pattern ? { EventPattern: rule.pattern } : {}),
        ...(rule.schedule ? { ScheduleExpression: rule.schedule } : {}),
        ...(rule.description ? { Description: rule.description } : {}),
        State: rule.enabled === false ? 'DISABLED' : 'ENABLED',
        Targets: targets,
      },
    };
  }
  if (eventsRole) {
    const buses = Object.values(stack.rules ?? {}).flatMap((r) => r.targets.map(targetDestination).filter((d) => d?.kind === 'bus').map((d) => busArn(d!.name)));
    resources[eventsRole] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        Policies: [{ PolicyName: 'put-events', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: buses }] } }],
      },
    };
  }
  if (logGroups.size) {
    resources[ids.derived('EventBridge', 'LogsPolicy')] = {
      Type: 'AWS::Logs::ResourcePolicy',
      Properties: {
        PolicyName: { 'Fn::Sub': '${AWS::StackName}-events-to-logs' },
        PolicyDocument: {
          'Fn::Sub': JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] }, Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/events/*:*' }],
          }),
        },
      },
    };
  }

  (stack.subscriptions ?? []).forEach((sub) => {
    resources[ids.derived(fnId(sub.function), `${q(sub.queue)}Mapping`)] = {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        EventSourceArn: queueArnOf(q(sub.queue)),
        FunctionName: ref(fnId(sub.function)),
        ...(sub.batchSize !== undefined ? { BatchSize: sub.batchSize } : {}),
        ...(sub.maximumBatchingWindowSeconds !== undefined ? { MaximumBatchingWindowInSeconds: sub.maximumBatchingWindowSeconds } : {}),
        ...(sub.enabled === false ? { Enabled: false } : {}),
        ...(sub.reportBatchItemFailures ? { FunctionResponseTypes: ['ReportBatchItemFailures'] } : {}),
      },
    };
  });

  exportBuckets(stack, ids, resources, allowToQueue, notes);
  exportApis(stack, ids, resources, outputs, notes);

  for (const [queue, grants] of queuePolicies) {
    resources[ids.derived(q(queue), 'Policy')] = {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [ref(q(queue))],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: grants.map((g) => ({
            Sid: g.Sid,
            Effect: 'Allow',
            Principal: { Service: g.Principal },
            Action: 'sqs:SendMessage',
            Resource: queueArnOf(q(queue)),
            ...(g.SourceArn ? { Condition: { ArnEquals: { 'aws:SourceArn': g.SourceArn } } } : {}),
          })),
        },
      },
    };
  }

  const template: Json = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `Exported by evlab from ${basename(loaded.file)}. Code paths are local: deploy with \`sam deploy --guided\`, or \`aws cloudformation package\` then \`aws cloudformation deploy --capabilities CAPABILITY_IAM\`.`,
    Resources: resources,
    ...(Object.keys(outputs).length ? { Outputs: outputs } : {}),
  };
  return { template, notes };
}

function exportBuckets(stack: StackFile, ids: LogicalIds, resources: Json, allowToQueue: (q: string, p: string, s?: unknown) => void, notes: string[]): void {
  for (const [name, bucket] of Object.entries(stack.buckets ?? {})) {
    const id = ids.of('bucket', name);
    const lambda: Json[] = [];
    const queues: Json[] = [];
    const dependsOn: string[] = [];
    let eventBridge = false;
    for (const n of bucket.notifications ?? []) {
      if ('eventBridge' in n) {
        eventBridge = true;
        continue;
      }
      const rules = [...(n.prefix ? [{ Name: 'prefix', Value: n.prefix }] : []), ...(n.suffix ? [{ Name: 'suffix', Value: n.suffix }] : [])];
      const filter = rules.length ? { Filter: { S3Key: { Rules: rules } } } : {};
      for (const event of n.events ?? ['s3:ObjectCreated:*']) {
        if ('function' in n) {
          const fn = ids.of('function', n.function);
          lambda.push({ Event: event, Function: { 'Fn::GetAtt': [fn, 'Arn'] }, ...filter });
        } else {
          queues.push({ Event: event, Queue: queueArnOf(ids.of('queue', n.queue)), ...filter });
        }
      }
      if ('function' in n) {
        const permission = ids.derived(id, `${ids.of('function', n.function)}Permission`);
        if (!(permission in resources)) {
          resources[permission] = {
            Type: 'AWS::Lambda::Permission',
            Properties: { FunctionName: { Ref: ids.of('function', n.function) }, Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' }, SourceArn: `arn:aws:s3:::${name}` },
          };
          dependsOn.push(permission);
        }
      } else allowToQueue(n.queue, 's3.amazonaws.com', `arn:aws:s3:::${name}`);
    }
    const config = {
      ...(lambda.length ? { LambdaConfigurations: lambda } : {}),
      ...(queues.length ? { QueueConfigurations: queues } : {}),
      ...(eventBridge ? { EventBridgeConfiguration: { EventBridgeEnabled: true } } : {}),
    };
    resources[id] = {
      Type: 'AWS::S3::Bucket',
      ...(dependsOn.length ? { DependsOn: dependsOn } : {}),
      Properties: { BucketName: name, ...(Object.keys(config).length ? { NotificationConfiguration: config } : {}) },
    };
    if (bucket.objects) notes.push(`bucket ${name}: the objects of ${bucket.objects} are not part of the template (upload them after deploying)`);
  }
}

function exportApis(stack: StackFile, ids: LogicalIds, resources: Json, outputs: Json, notes: string[]): void {
  for (const [name, api] of Object.entries(stack.apis ?? {})) {
    const type = api.type ?? 'http';
    const id = ids.of('api', name);
    const stage = api.stage ?? defaultStage(type);
    const functions = new Set(Object.values(api.routes).map((r) => r.function));
    for (const fn of functions) {
      resources[ids.derived(id, `${ids.of('function', fn)}Permission`)] = {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          FunctionName: { Ref: ids.of('function', fn) },
          Action: 'lambda:InvokeFunction',
          Principal: 'apigateway.amazonaws.com',
          SourceArn: { 'Fn::Sub': `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${id}}/*` },
        },
      };
    }
    if (api.accessLog) notes.push(`api ${name}: its access log (${api.accessLog}) is not part of the template`);
    if (type === 'http') {
      resources[id] = { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: name, ProtocolType: 'HTTP' } };
      const stageId = ids.derived(id, 'Stage');
      resources[stageId] = { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: { Ref: id }, StageName: stage, AutoDeploy: true } };
      Object.entries(api.routes).forEach(([routeKey, route], index) => {
        const integration = ids.derived(id, `Integration${index + 1}`);
        resources[integration] = {
          Type: 'AWS::ApiGatewayV2::Integration',
          Properties: { ApiId: { Ref: id }, IntegrationType: 'AWS_PROXY', IntegrationUri: { 'Fn::GetAtt': [ids.of('function', route.function), 'Arn'] }, PayloadFormatVersion: route.payloadFormat ?? '2.0' },
        };
        resources[ids.derived(id, `Route${index + 1}`)] = {
          Type: 'AWS::ApiGatewayV2::Route',
          Properties: { ApiId: { Ref: id }, RouteKey: routeKey, Target: { 'Fn::Sub': `integrations/\${${integration}}` } },
        };
        if (route.overwritePath) notes.push(`api ${name}: route ${routeKey}'s overwritePath is not part of the template`);
      });
      outputs[`${id}Endpoint`] = { Value: { 'Fn::GetAtt': [id, 'ApiEndpoint'] } };
      continue;
    }
    resources[id] = { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: name } };
    const resourceIds = new Map<string, string>();
    const methods: string[] = [];
    const resourceOf = (path: string): unknown => {
      if (path === '/' || path === '') return { 'Fn::GetAtt': [id, 'RootResourceId'] };
      const existing = resourceIds.get(path);
      if (existing) return { Ref: existing };
      const parent = path.slice(0, path.lastIndexOf('/')) || '/';
      const part = path.slice(path.lastIndexOf('/') + 1);
      const rid = ids.derived(id, `Resource${resourceIds.size + 1}`);
      resourceIds.set(path, rid);
      resources[rid] = { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: { Ref: id }, ParentId: resourceOf(parent), PathPart: part } };
      return { Ref: rid };
    };
    Object.entries(api.routes).forEach(([routeKey, route], index) => {
      const [method, path] = routeKey.includes(' ') ? routeKey.split(' ', 2) as [string, string] : ['ANY', '/{proxy+}'];
      const mid = ids.derived(id, `Method${index + 1}`);
      methods.push(mid);
      resources[mid] = {
        Type: 'AWS::ApiGateway::Method',
        Properties: {
          RestApiId: { Ref: id },
          ResourceId: resourceOf(path),
          HttpMethod: method,
          AuthorizationType: 'NONE',
          Integration: {
            Type: 'AWS_PROXY',
            IntegrationHttpMethod: 'POST',
            Uri: { 'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${ids.of('function', route.function)}.Arn}/invocations` },
          },
        },
      };
    });
    const deployment = ids.derived(id, 'Deployment');
    resources[deployment] = { Type: 'AWS::ApiGateway::Deployment', DependsOn: methods, Properties: { RestApiId: { Ref: id } } };
    resources[ids.derived(id, 'Stage')] = { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: id }, StageName: stage, DeploymentId: { Ref: deployment } } };
    outputs[`${id}Endpoint`] = { Value: { 'Fn::Sub': `https://\${${id}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/${stage}` } };
  }
}

/** The ZipFile of a function whose code a template gave inline (written to .evlab/inline/<name>/ on load). */
function inlineCode(dir: string, spec: FunctionSpec): { ZipFile: string } | undefined {
  if (!spec.source.startsWith(INLINE_CODE_DIR + sep) && !spec.source.startsWith(INLINE_CODE_DIR + '/')) return undefined;
  const file = spec.handler.slice(0, spec.handler.lastIndexOf('.')) || 'index';
  const ext = spec.runtime.startsWith('python') ? 'py' : 'js';
  try {
    return { ZipFile: readFileSync(join(dir, spec.source, `${file}.${ext}`), 'utf8') };
  } catch {
    return undefined;
  }
}

/**
 * Environment values that name the stack's resources as the local endpoint has them (a queue URL on
 * 127.0.0.1, an ARN in account 000000000000) become Ref / GetAtt, so that on AWS they name the real ones.
 */
function deployedEnvironment(environment: Record<string, string>, stack: StackFile, ids: LogicalIds): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(environment)) {
    const url = /^https?:\/\/[^/]+\/\d{12}\/([^/]+)$/.exec(value)?.[1];
    const arn = /^arn:aws:(sqs|lambda|dynamodb|events):[^:]+:\d{12}:(?:function:|table\/|event-bus\/)?([^:/]+)$/.exec(value);
    if (url && stack.queues?.[url]) out[key] = ref(ids.of('queue', url));
    else if (arn?.[1] === 'sqs' && stack.queues?.[arn[2]!]) out[key] = getAtt(ids.of('queue', arn[2]!), 'Arn');
    else if (arn?.[1] === 'lambda' && stack.functions?.[arn[2]!]) out[key] = getAtt(ids.of('function', arn[2]!), 'Arn');
    else if (arn?.[1] === 'dynamodb' && stack.tables?.[arn[2]!]) out[key] = getAtt(ids.of('table', arn[2]!), 'Arn');
    else if (arn?.[1] === 'events' && stack.buses?.[arn[2]!]) out[key] = getAtt(ids.of('bus', arn[2]!), 'Arn');
    else out[key] = value;
  }
  return out;
}
