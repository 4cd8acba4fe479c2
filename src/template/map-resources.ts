import type { ApiSpec, FunctionSpec, NotificationSpec, QueueSpec, RuleSpec, StackFile, TargetSpec } from '../stack/types.js';
import { TemplateError, resolveValue, type ResolveScope } from './intrinsics.js';
import { functionSource } from './function-code.js';
import { functionNameOf, LATE_TOKEN, resourceOfArn, type LocalEnvironment } from './resource-types.js';
import { currentRuntime } from './runtimes.js';
import { ROUTES_KEY, STAGE_KEY, type ApiRoute, type RawResource } from './sam-transform.js';
import type { TemplatePath } from './source.js';
import type { TemplateSummary } from './summary.js';

export interface Conversion {
  stack: StackFile;
  summary: TemplateSummary;
  resources: Record<string, RawResource>;
  origins: Record<string, TemplatePath>;
  createdBy: Record<string, string>;
  scope: ResolveScope;
  env: LocalEnvironment;
  dir: string;
  stackOrigins: Map<string, string>;
  nameOf(id: string): string;
  isLive(id: string): boolean;
  propertiesPath(id: string): TemplatePath;
  at(path: TemplatePath): string;
  lineOf(path: TemplatePath): number | undefined;
}

type Props = Record<string, unknown>;
type Mapper = (c: Conversion, id: string, props: Props, path: TemplatePath) => void;

/** Types that have no local effect and are accepted silently: IAM is not enforced, permissions follow the wiring. */
const ACCEPTED = new Set([
  'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::SQS::QueuePolicy', 'AWS::Lambda::Permission', 'AWS::CDK::Metadata',
  'AWS::S3::BucketPolicy', 'AWS::Logs::ResourcePolicy', 'AWS::ApiGateway::Deployment', 'AWS::ApiGateway::Account', 'AWS::ApiGatewayV2::Deployment',
]);

/** Each mapper's properties: those listed are read; every other property is reported as not supported. */
const HANDLED: Record<string, string[]> = {
  'AWS::SQS::Queue': ['QueueName', 'VisibilityTimeout', 'DelaySeconds', 'MessageRetentionPeriod', 'ReceiveMessageWaitTimeSeconds', 'RedrivePolicy', 'FifoQueue', 'ContentBasedDeduplication'],
  'AWS::DynamoDB::Table': ['TableName', 'KeySchema', 'AttributeDefinitions', 'BillingMode', 'ProvisionedThroughput'],
  'AWS::Lambda::Function': ['FunctionName', 'Code', 'Handler', 'Runtime', 'Timeout', 'MemorySize', 'Environment', 'DeadLetterConfig', 'Description', 'Role', 'Architectures', 'PackageType'],
  'AWS::Events::EventBus': ['Name'],
  'AWS::Events::Rule': ['Name', 'EventBusName', 'EventPattern', 'ScheduleExpression', 'State', 'Description', 'Targets', 'RoleArn'],
  'AWS::Lambda::EventSourceMapping': ['EventSourceArn', 'FunctionName', 'BatchSize', 'MaximumBatchingWindowInSeconds', 'Enabled', 'FunctionResponseTypes'],
  'AWS::Lambda::EventInvokeConfig': ['FunctionName', 'Qualifier', 'MaximumRetryAttempts', 'MaximumEventAgeInSeconds', 'DestinationConfig'],
  'AWS::Lambda::Url': ['TargetFunctionArn', 'AuthType', 'Qualifier'],
  'AWS::Logs::LogGroup': ['LogGroupName', 'RetentionInDays'],
  'AWS::S3::Bucket': ['BucketName', 'NotificationConfiguration'],
  'AWS::ApiGatewayV2::Api': ['Name', 'ProtocolType', 'Target', 'Description', ROUTES_KEY, STAGE_KEY],
  'AWS::ApiGatewayV2::Integration': ['ApiId', 'IntegrationType', 'IntegrationUri', 'PayloadFormatVersion', 'IntegrationMethod'],
  'AWS::ApiGatewayV2::Route': ['ApiId', 'RouteKey', 'Target', 'AuthorizationType'],
  'AWS::ApiGatewayV2::Stage': ['ApiId', 'StageName', 'AutoDeploy', 'Description'],
  'AWS::ApiGateway::RestApi': ['Name', 'Description', 'EndpointConfiguration', ROUTES_KEY, STAGE_KEY],
  'AWS::ApiGateway::Resource': ['RestApiId', 'ParentId', 'PathPart'],
  'AWS::ApiGateway::Method': ['RestApiId', 'ResourceId', 'HttpMethod', 'AuthorizationType', 'Integration'],
  'AWS::ApiGateway::Stage': ['RestApiId', 'StageName', 'DeploymentId', 'Description'],
};

/** Types mapped in a second pass: they attach to what the first pass declared. */
const ATTACHMENTS = new Set([
  'AWS::Events::Rule', 'AWS::Lambda::EventSourceMapping', 'AWS::Lambda::EventInvokeConfig', 'AWS::Lambda::Url', 'AWS::Logs::LogGroup',
  'AWS::ApiGatewayV2::Integration', 'AWS::ApiGatewayV2::Route', 'AWS::ApiGatewayV2::Stage', 'AWS::ApiGateway::Resource', 'AWS::ApiGateway::Method', 'AWS::ApiGateway::Stage',
  'AWS::Lambda::Version', 'AWS::Lambda::Alias',
]);

export function mapResources(c: Conversion): void {
  const ids = Object.keys(c.resources).filter((id) => c.isLive(id));
  const resolved = new Map<string, Props>();
  const propsOf = (id: string): Props => {
    let p = resolved.get(id);
    if (!p) {
      const v = resolveValue(c.resources[id]!.Properties ?? {}, c.propertiesPath(id), c.scope);
      p = (v && typeof v === 'object' ? v : {}) as Props;
      resolved.set(id, p);
    }
    return p;
  };
  for (const pass of [false, true]) {
    for (const id of ids) {
      const type = c.resources[id]!.Type;
      if (ATTACHMENTS.has(type) !== pass || ACCEPTED.has(type)) continue;
      const mapper = MAPPERS[type];
      const path = c.propertiesPath(id);
      if (!mapper) {
        c.summary.unsupported.push({ logicalId: id, type, location: c.at(c.origins[id]!), effect: `${type} is not supported locally: the resource is not created` });
        continue;
      }
      // SAM's own keys (evlab:…) are read by the mappers and never reported.
      const props = propsOf(id);
      const handled = HANDLED[type];
      if (handled) {
        for (const key of Object.keys(props)) {
          if (!handled.includes(key) && !key.startsWith('evlab:')) unsupported(c, id, key, [...path, key], key === 'Tags' ? 'tags are not applied locally' : `${key} is not applied locally`);
        }
      }
      mapper(c, id, props, path);
    }
  }
  mapApiResources(c, ids, propsOf);
  collectPolicies(c, ids, propsOf);
}

/** Each function's role policies from the template (SAM's Policies, or the role's own), for `evlab export`. */
function collectPolicies(c: Conversion, ids: string[], propsOf: (id: string) => Props): void {
  const roles = new Map<string, string>();
  for (const id of ids) if (c.resources[id]!.Type === 'AWS::IAM::Role') roles.set(c.scope.getAtt(id, 'Arn', c.origins[id]!)!, id);
  for (const id of ids) {
    if (c.resources[id]!.Type !== 'AWS::Lambda::Function') continue;
    const role = roles.get(String(propsOf(id).Role));
    if (!role) continue;
    const p = propsOf(role);
    const policies = {
      ...(Array.isArray(p['evlab:SamPolicies']) ? { sam: p['evlab:SamPolicies'] } : p['evlab:SamPolicies'] !== undefined ? { sam: [p['evlab:SamPolicies']] } : {}),
      ...(Array.isArray(p.Policies) ? { inline: p.Policies } : {}),
      ...(Array.isArray(p.ManagedPolicyArns) ? { managed: (p.ManagedPolicyArns as unknown[]).map(String) } : {}),
    };
    if (Object.keys(policies).length) (c.summary.policies ??= {})[c.nameOf(id)] = policies;
  }
}

export function unsupported(c: Conversion, id: string, property: string | undefined, path: TemplatePath, effect: string): void {
  const type = c.resources[id]?.Type ?? 'unknown';
  c.summary.unsupported.push({ logicalId: id, type, ...(property ? { property } : {}), location: c.at(path), effect });
}

function warn(c: Conversion, id: string, path: TemplatePath, message: string): void {
  c.summary.warnings.push({ logicalId: id, location: c.at(path), message });
}

const num = (v: unknown): number | undefined => (v === undefined || v === '' ? undefined : Number(v));
const bool = (v: unknown): boolean | undefined => (v === undefined ? undefined : v === true || v === 'true');
const str = (v: unknown, path: TemplatePath, what: string): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw new TemplateError(`expected ${what}`, path);
};

/** The stack's name for a resource an ARN / URL / name points at, checked against what the template declares. */
function referenced(c: Conversion, kind: 'function' | 'queue' | 'bus' | 'bucket', value: unknown, path: TemplatePath, id: string): { name: string; qualifier?: string } {
  const text = str(value, path, `a ${kind} name or ARN`);
  const parsed = kind === 'function' ? functionNameOf(text) : text.startsWith('arn:') || text.startsWith('http') ? resourceOfArn(text) : { kind, name: text };
  if (!parsed || (('kind' in parsed) && parsed.kind !== kind)) throw new TemplateError(`${id}: "${text}" is not a ${kind} ARN`, path);
  const section = { function: c.stack.functions, queue: c.stack.queues, bus: c.stack.buses, bucket: c.stack.buckets }[kind];
  if (kind === 'bus' && parsed.name === 'default') return parsed;
  if (!section || !(parsed.name in section)) {
    throw new TemplateError(`${id} refers to the ${kind} "${parsed.name}", which this template does not declare`, path, `declare it in the template, or refer to it with !Ref / !GetAtt`);
  }
  return parsed;
}

const MAPPERS: Record<string, Mapper> = {
  'AWS::SQS::Queue'(c, id, p, path) {
    const name = c.nameOf(id);
    const q: QueueSpec = {};
    const fifo = bool(p.FifoQueue);
    if (fifo && !name.endsWith('.fifo')) throw new TemplateError(`${id} is a FIFO queue, so its QueueName must end in .fifo`, [...path, 'QueueName']);
    if (num(p.VisibilityTimeout) !== undefined) q.visibilityTimeout = num(p.VisibilityTimeout);
    if (num(p.DelaySeconds) !== undefined) q.delaySeconds = num(p.DelaySeconds);
    if (num(p.MessageRetentionPeriod) !== undefined) q.messageRetentionPeriod = num(p.MessageRetentionPeriod);
    if (num(p.ReceiveMessageWaitTimeSeconds) !== undefined) q.receiveMessageWaitTimeSeconds = num(p.ReceiveMessageWaitTimeSeconds);
    if (fifo) q.fifo = true;
    if (bool(p.ContentBasedDeduplication)) q.contentBasedDeduplication = true;
    if (p.RedrivePolicy !== undefined) {
      const redrive = (typeof p.RedrivePolicy === 'string' ? JSON.parse(p.RedrivePolicy) : p.RedrivePolicy) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
      const dlq = resourceOfArn(str(redrive.deadLetterTargetArn, [...path, 'RedrivePolicy'], 'deadLetterTargetArn: the ARN of a queue'));
      if (!dlq || dlq.kind !== 'queue') throw new TemplateError(`${id}: RedrivePolicy.deadLetterTargetArn is not a queue ARN`, [...path, 'RedrivePolicy']);
      q.deadLetterQueue = dlq.name;
      q.maxReceiveCount = num(redrive.maxReceiveCount) ?? 10;
    }
    (c.stack.queues ??= {})[name] = q;
    c.stackOrigins.set(`queues/${name}`, id);
  },

  'AWS::DynamoDB::Table'(c, id, p, path) {
    const name = c.nameOf(id);
    const keys = (p.KeySchema ?? []) as { AttributeName?: string; KeyType?: string }[];
    const types = Object.fromEntries(((p.AttributeDefinitions ?? []) as { AttributeName?: string; AttributeType?: string }[]).map((a) => [a.AttributeName, a.AttributeType]));
    const key = (kind: string) => {
      const k = keys.find((x) => x.KeyType === kind);
      if (!k?.AttributeName) return undefined;
      const type = types[k.AttributeName];
      if (type !== 'S' && type !== 'N' && type !== 'B') {
        throw new TemplateError(`${id}: key ${k.AttributeName} has no AttributeDefinitions entry with AttributeType S, N or B`, [...path, 'AttributeDefinitions']);
      }
      return { name: k.AttributeName, type: type as 'S' | 'N' | 'B' };
    };
    const partitionKey = key('HASH');
    if (!partitionKey) throw new TemplateError(`${id} has no HASH key in KeySchema`, [...path, 'KeySchema'], 'KeySchema: [{AttributeName: id, KeyType: HASH}]');
    const sortKey = key('RANGE');
    (c.stack.tables ??= {})[name] = { partitionKey, ...(sortKey ? { sortKey } : {}) };
    c.stackOrigins.set(`tables/${name}`, id);
  },

  'AWS::Lambda::Function'(c, id, p, path) {
    const name = c.nameOf(id);
    const rawRuntime = str(p.Runtime, [...path, 'Runtime'], 'Runtime, e.g. python3.12 or nodejs20.x');
    const runtime = currentRuntime(rawRuntime);
    if (runtime !== rawRuntime) warn(c, id, [...path, 'Runtime'], `${id}: runtime ${rawRuntime} is retired by AWS; it runs on ${runtime} locally`);
    if (p.PackageType === 'Image') throw new TemplateError(`${id} is a container image function, which evlab does not run`, [...path, 'PackageType'], 'use a zip package (CodeUri / Code with a local folder)');
    const handler = str(p.Handler, [...path, 'Handler'], 'Handler, e.g. app.handler');
    const fn: FunctionSpec = { runtime, handler, source: functionSource(c, id, p.Code, runtime, handler, [...path, 'Code']) };
    if (num(p.Timeout) !== undefined) fn.timeout = num(p.Timeout);
    if (num(p.MemorySize) !== undefined) fn.memorySize = num(p.MemorySize);
    if (typeof p.Description === 'string' && p.Description) fn.description = p.Description;
    const variables = (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    if (variables) {
      fn.environment = {};
      for (const [k, v] of Object.entries(variables)) {
        const value = typeof v === 'string' ? v : JSON.stringify(v);
        if (new RegExp(LATE_TOKEN.source).test(value)) warn(c, id, [...path, 'Environment', 'Variables', k], `${id}: ${k} refers to an API or URL id the endpoint assigns at setup; it is left as ${value}`);
        fn.environment[k] = value;
      }
    }
    const dlq = (p.DeadLetterConfig as { TargetArn?: unknown } | undefined)?.TargetArn;
    if (dlq !== undefined) {
      const target = resourceOfArn(str(dlq, [...path, 'DeadLetterConfig'], 'the ARN of a queue'));
      if (target?.kind === 'queue') fn.deadLetterQueue = target.name;
      else unsupported(c, id, 'DeadLetterConfig', [...path, 'DeadLetterConfig'], 'only an SQS queue can be a dead-letter target locally: failed async events are dropped');
    }
    (c.stack.functions ??= {})[name] = fn;
    c.stackOrigins.set(`functions/${name}`, id);
  },

  'AWS::Events::EventBus'(c, id) {
    const name = c.nameOf(id);
    (c.stack.buses ??= {})[name] = {};
    c.stackOrigins.set(`buses/${name}`, id);
  },

  'AWS::S3::Bucket'(c, id, p, path) {
    const name = c.nameOf(id);
    const bucket: { notifications?: NotificationSpec[] } = {};
    const config = p.NotificationConfiguration as Record<string, unknown> | undefined;
    if (config) {
      const notifications: NotificationSpec[] = [];
      const filterOf = (f: unknown) => {
        const rules = ((f as { S3Key?: { Rules?: { Name?: string; Value?: string }[] } } | undefined)?.S3Key?.Rules ?? []);
        const prefix = rules.find((r) => r.Name?.toLowerCase() === 'prefix')?.Value;
        const suffix = rules.find((r) => r.Name?.toLowerCase() === 'suffix')?.Value;
        return { ...(prefix ? { prefix } : {}), ...(suffix ? { suffix } : {}) };
      };
      for (const [key, value] of Object.entries(config)) {
        const at = [...path, 'NotificationConfiguration', key];
        if (key === 'EventBridgeConfiguration') {
          if (bool((value as { EventBridgeEnabled?: unknown }).EventBridgeEnabled) !== false) notifications.push({ eventBridge: true });
        } else if (key === 'LambdaConfigurations' || key === 'QueueConfigurations') {
          for (const entry of value as { Event?: string; Function?: unknown; Queue?: unknown; Filter?: unknown }[]) {
            const dest = resourceOfArn(str(key === 'LambdaConfigurations' ? entry.Function : entry.Queue, at, 'a function or queue ARN'));
            if (!dest || (dest.kind !== 'function' && dest.kind !== 'queue')) throw new TemplateError(`${id}: ${key} names something that is not a ${key === 'LambdaConfigurations' ? 'function' : 'queue'}`, at);
            const events = entry.Event ? [entry.Event] : undefined;
            notifications.push({ ...(dest.kind === 'function' ? { function: dest.name } : { queue: dest.name }), ...(events ? { events } : {}), ...filterOf(entry.Filter) } as NotificationSpec);
          }
        } else unsupported(c, id, `NotificationConfiguration.${key}`, at, `${key} notifications are not delivered locally`);
      }
      if (notifications.length) bucket.notifications = mergeNotifications(notifications);
    }
    (c.stack.buckets ??= {})[name] = bucket;
    c.stackOrigins.set(`buckets/${name}`, id);
  },

  'AWS::Events::Rule'(c, id, p, path) {
    const name = c.nameOf(id);
    const busValue = p.EventBusName === undefined ? 'default' : str(p.EventBusName, [...path, 'EventBusName'], 'a bus name or ARN');
    const bus = busValue.startsWith('arn:') ? (resourceOfArn(busValue)?.name ?? busValue) : busValue;
    if (bus !== 'default' && !(bus in (c.stack.buses ?? {}))) {
      warn(c, id, [...path, 'EventBusName'], `${id}: bus "${bus}" is not declared in the template; setup creates it locally`);
      (c.stack.buses ??= {})[bus] = {};
    }
    const rule: RuleSpec = { targets: [] };
    if (bus !== 'default') rule.bus = bus;
    if (p.EventPattern !== undefined) rule.pattern = (typeof p.EventPattern === 'string' ? JSON.parse(p.EventPattern) : p.EventPattern) as Record<string, unknown>;
    if (p.ScheduleExpression !== undefined) rule.schedule = str(p.ScheduleExpression, [...path, 'ScheduleExpression'], 'rate(…) or cron(…)');
    if (rule.pattern === undefined && rule.schedule === undefined) throw new TemplateError(`rule ${id} has neither EventPattern nor ScheduleExpression`, path);
    if (typeof p.Description === 'string' && p.Description) rule.description = p.Description;
    if (p.State === 'DISABLED') rule.enabled = false;
    ((p.Targets ?? []) as Props[]).forEach((t, index) => {
      const at = [...path, 'Targets', index];
      const arn = str(t.Arn, [...at, 'Arn'], 'the target ARN');
      const dest = resourceOfArn(arn);
      let target: TargetSpec;
      if (dest?.kind === 'function') {
        if (dest.qualifier) warn(c, id, [...at, 'Arn'], `${id}: target ${arn} is a version or alias; locally it invokes $LATEST of ${dest.name}`);
        target = { function: referenced(c, 'function', dest.name, [...at, 'Arn'], id).name };
      } else if (dest?.kind === 'queue') target = { queue: referenced(c, 'queue', arn, [...at, 'Arn'], id).name };
      else if (dest?.kind === 'bus') target = { bus: dest.name };
      else if (dest?.kind === 'log-group') target = { logGroup: dest.name };
      else {
        unsupported(c, id, `Targets[${index}]`, at, `target ${arn} is not a function, queue, bus or log group: it gets no events locally`);
        return;
      }
      if (typeof t.Id === 'string') target.id = t.Id;
      if (t.Input !== undefined) target.input = typeof t.Input === 'string' ? JSON.parse(t.Input) : t.Input;
      if (t.InputPath !== undefined) target.inputPath = String(t.InputPath);
      const transformer = t.InputTransformer as { InputPathsMap?: Record<string, string>; InputTemplate?: string } | undefined;
      if (transformer) target.inputTransformer = { ...(transformer.InputPathsMap ? { inputPathsMap: transformer.InputPathsMap } : {}), inputTemplate: String(transformer.InputTemplate ?? '') };
      const dl = (t.DeadLetterConfig as { Arn?: unknown } | undefined)?.Arn;
      if (dl !== undefined) target.deadLetterQueue = referenced(c, 'queue', dl, [...at, 'DeadLetterConfig'], id).name;
      const retry = t.RetryPolicy as { MaximumRetryAttempts?: unknown; MaximumEventAgeInSeconds?: unknown } | undefined;
      if (retry) {
        target.retryPolicy = {
          ...(num(retry.MaximumRetryAttempts) !== undefined ? { maximumRetryAttempts: num(retry.MaximumRetryAttempts) } : {}),
          ...(num(retry.MaximumEventAgeInSeconds) !== undefined ? { maximumEventAgeSeconds: num(retry.MaximumEventAgeInSeconds) } : {}),
        };
      }
      for (const key of Object.keys(t)) {
        if (!['Id', 'Arn', 'Input', 'InputPath', 'InputTransformer', 'DeadLetterConfig', 'RetryPolicy', 'RoleArn'].includes(key)) {
          unsupported(c, id, `Targets[${index}].${key}`, [...at, key], `${key} is not applied locally`);
        }
      }
      rule.targets.push(target);
    });
    (c.stack.rules ??= {})[name] = rule;
    c.stackOrigins.set(`rules/${name}`, id);
  },

  'AWS::Lambda::EventSourceMapping'(c, id, p, path) {
    const source = resourceOfArn(str(p.EventSourceArn, [...path, 'EventSourceArn'], 'the ARN of the event source'));
    if (source?.kind !== 'queue') {
      unsupported(c, id, undefined, c.origins[id]!, `event source ${String(p.EventSourceArn)} is not an SQS queue: only SQS mappings run locally`);
      return;
    }
    const queue = referenced(c, 'queue', p.EventSourceArn, [...path, 'EventSourceArn'], id).name;
    const fn = referenced(c, 'function', p.FunctionName, [...path, 'FunctionName'], id);
    const sub = { queue, function: fn.name } as NonNullable<StackFile['subscriptions']>[number];
    if (num(p.BatchSize) !== undefined) sub.batchSize = num(p.BatchSize);
    if (num(p.MaximumBatchingWindowInSeconds) !== undefined) sub.maximumBatchingWindowSeconds = num(p.MaximumBatchingWindowInSeconds);
    if (bool(p.Enabled) === false) sub.enabled = false;
    if (Array.isArray(p.FunctionResponseTypes) && p.FunctionResponseTypes.includes('ReportBatchItemFailures')) sub.reportBatchItemFailures = true;
    const subs = (c.stack.subscriptions ??= []);
    c.stackOrigins.set(`subscriptions/${subs.length}`, id);
    subs.push(sub);
  },

  'AWS::Lambda::EventInvokeConfig'(c, id, p, path) {
    const fn = referenced(c, 'function', p.FunctionName, [...path, 'FunctionName'], id);
    if (p.Qualifier !== undefined && p.Qualifier !== '$LATEST') warn(c, id, [...path, 'Qualifier'], `${id}: qualifier ${String(p.Qualifier)} is applied to $LATEST locally`);
    const spec = c.stack.functions![fn.name]!;
    if (num(p.MaximumRetryAttempts) !== undefined) spec.maxRetryAttempts = num(p.MaximumRetryAttempts);
    if (num(p.MaximumEventAgeInSeconds) !== undefined) spec.maxEventAgeSeconds = num(p.MaximumEventAgeInSeconds);
    const destinations = (p.DestinationConfig ?? {}) as Record<string, { Destination?: unknown }>;
    for (const [which, key] of [['OnFailure', 'onFailure'], ['OnSuccess', 'onSuccess']] as const) {
      const d = destinations[which]?.Destination;
      if (d === undefined) continue;
      const dest = resourceOfArn(str(d, [...path, 'DestinationConfig', which], 'a destination ARN'));
      if (dest?.kind === 'queue') spec[key] = { queue: referenced(c, 'queue', d, [...path, 'DestinationConfig', which], id).name };
      else unsupported(c, id, `DestinationConfig.${which}`, [...path, 'DestinationConfig', which], `only SQS destinations are delivered locally (${String(d)})`);
    }
  },

  'AWS::Lambda::Url'(c, id, p, path) {
    const fn = referenced(c, 'function', p.TargetFunctionArn, [...path, 'TargetFunctionArn'], id);
    if (p.AuthType === 'AWS_IAM') unsupported(c, id, 'AuthType', [...path, 'AuthType'], 'AWS_IAM is not checked locally: the URL answers without signatures');
    if (p.Qualifier !== undefined) warn(c, id, [...path, 'Qualifier'], `${id}: the URL serves $LATEST locally`);
    (c.stack.functions![fn.name] as FunctionSpec & { url?: boolean }).url = true;
  },

  'AWS::Logs::LogGroup'(c, id) {
    const name = c.nameOf(id);
    const fn = /^\/aws\/lambda\/(.+)$/.exec(name)?.[1];
    if (fn && c.stack.functions?.[fn]) return; // setup creates each function's group
    const targeted = Object.values(c.stack.rules ?? {}).some((r) => r.targets.some((t) => 'logGroup' in t && t.logGroup === name));
    if (!targeted) unsupported(c, id, undefined, c.origins[id]!, `log group ${name} is not created locally (only functions' groups and rule targets' are)`);
  },

  'AWS::Lambda::Version'(c, id) {
    unsupported(c, id, undefined, c.origins[id]!, 'versions are not published by setup: the function runs as $LATEST');
  },
  'AWS::Lambda::Alias'(c, id) {
    unsupported(c, id, undefined, c.origins[id]!, 'aliases are not created by setup: references to the alias invoke $LATEST');
  },

  // API resources are gathered together in mapApiResources; these only stop them from being reported.
  'AWS::ApiGatewayV2::Api'() {},
  'AWS::ApiGatewayV2::Integration'() {},
  'AWS::ApiGatewayV2::Route'() {},
  'AWS::ApiGatewayV2::Stage'() {},
  'AWS::ApiGateway::RestApi'() {},
  'AWS::ApiGateway::Resource'() {},
  'AWS::ApiGateway::Method'() {},
  'AWS::ApiGateway::Stage'() {},
};

/** The function an API Gateway integration URI invokes (a function ARN, or the apigateway …/functions/<arn>/invocations form). */
function integrationFunction(c: Conversion, id: string, uri: unknown, path: TemplatePath): string {
  const text = str(uri, path, 'an integration URI');
  const inner = /\/functions\/(arn:[^/]+)\/invocations$/.exec(text)?.[1] ?? text;
  return referenced(c, 'function', inner, path, id).name;
}

/** APIs from SAM's collected routes and from CloudFormation's Api/Integration/Route/Stage and RestApi/Resource/Method/Stage. */
function mapApiResources(c: Conversion, ids: string[], propsOf: (id: string) => Props): void {
  const byType = (type: string) => ids.filter((id) => c.resources[id]!.Type === type);
  const apiByRef = new Map<string, string>(); // resolved Ref (the late token) → logical id
  for (const id of [...byType('AWS::ApiGatewayV2::Api'), ...byType('AWS::ApiGateway::RestApi')]) {
    const http = c.resources[id]!.Type === 'AWS::ApiGatewayV2::Api';
    const p = propsOf(id);
    const path = c.propertiesPath(id);
    if (http && p.ProtocolType !== undefined && p.ProtocolType !== 'HTTP') {
      unsupported(c, id, 'ProtocolType', [...path, 'ProtocolType'], `${String(p.ProtocolType)} APIs are not supported locally`);
      continue;
    }
    const name = c.nameOf(id);
    const api: ApiSpec = { type: http ? 'http' : 'rest', routes: {} };
    const stage = p[STAGE_KEY];
    if (typeof stage === 'string') api.stage = stage;
    for (const route of (p[ROUTES_KEY] ?? []) as ApiRoute[]) {
      const fn = c.nameOf(route.Function);
      api.routes[route.RouteKey] = { function: fn, ...(route.PayloadFormatVersion === '1.0' ? { payloadFormat: '1.0' as const } : {}) };
    }
    if (http && p.Target !== undefined) api.routes.$default = { function: integrationFunction(c, id, p.Target, [...path, 'Target']) };
    (c.stack.apis ??= {})[name] = api;
    c.stackOrigins.set(`apis/${name}`, id);
    apiByRef.set(c.scope.ref(id, path)!, id);
  }
  const apiOf = (id: string, value: unknown, key: string): ApiSpec | undefined => {
    const logical = apiByRef.get(String(value));
    if (!logical) {
      unsupported(c, id, key, [...c.propertiesPath(id), key], `${key} does not name an API of this template`);
      return undefined;
    }
    return c.stack.apis![c.nameOf(logical)];
  };
  // HTTP APIs: Route.Target "integrations/<IntegrationRef>".
  const integrations = new Map<string, { fn: string; payload?: string }>();
  for (const id of byType('AWS::ApiGatewayV2::Integration')) {
    const p = propsOf(id);
    if (p.IntegrationType !== 'AWS_PROXY') {
      unsupported(c, id, 'IntegrationType', [...c.propertiesPath(id), 'IntegrationType'], `only AWS_PROXY (Lambda proxy) integrations run locally`);
      continue;
    }
    integrations.set(c.nameOf(id), { fn: integrationFunction(c, id, p.IntegrationUri, [...c.propertiesPath(id), 'IntegrationUri']), ...(p.PayloadFormatVersion ? { payload: String(p.PayloadFormatVersion) } : {}) });
  }
  for (const id of byType('AWS::ApiGatewayV2::Route')) {
    const p = propsOf(id);
    const api = apiOf(id, p.ApiId, 'ApiId');
    const target = /^integrations\/(.+)$/.exec(String(p.Target ?? ''))?.[1];
    const integration = target ? integrations.get(target) : undefined;
    if (!api || !integration) {
      if (api) unsupported(c, id, 'Target', [...c.propertiesPath(id), 'Target'], 'the route has no Lambda proxy integration: it answers 404 locally');
      continue;
    }
    api.routes[String(p.RouteKey)] = { function: integration.fn, ...(integration.payload === '1.0' ? { payloadFormat: '1.0' as const } : {}) };
  }
  for (const id of [...byType('AWS::ApiGatewayV2::Stage'), ...byType('AWS::ApiGateway::Stage')]) {
    const p = propsOf(id);
    const api = apiOf(id, p.ApiId ?? p.RestApiId, p.ApiId !== undefined ? 'ApiId' : 'RestApiId');
    if (api && typeof p.StageName === 'string') api.stage = p.StageName;
  }
  // REST APIs: a Method's path is its Resource chain up to the root.
  const resourcePaths = new Map<string, { parent: string; part: string }>();
  for (const id of byType('AWS::ApiGateway::Resource')) {
    const p = propsOf(id);
    resourcePaths.set(c.nameOf(id), { parent: String(p.ParentId), part: String(p.PathPart) });
  }
  const pathOf = (resourceId: string): string => {
    const parts: string[] = [];
    for (let at = resourcePaths.get(resourceId), guard = 0; at && guard < 50; at = resourcePaths.get(at.parent), guard++) parts.unshift(at.part);
    return `/${parts.join('/')}`;
  };
  for (const id of byType('AWS::ApiGateway::Method')) {
    const p = propsOf(id);
    const api = apiOf(id, p.RestApiId, 'RestApiId');
    const integration = p.Integration as { Type?: string; Uri?: unknown } | undefined;
    if (!api) continue;
    if (integration?.Type !== 'AWS_PROXY') {
      unsupported(c, id, 'Integration', [...c.propertiesPath(id), 'Integration'], 'only AWS_PROXY (Lambda proxy) integrations run locally');
      continue;
    }
    const method = String(p.HttpMethod ?? 'ANY').toUpperCase();
    api.routes[`${method} ${pathOf(String(p.ResourceId))}`] = { function: integrationFunction(c, id, integration.Uri, [...c.propertiesPath(id), 'Integration', 'Uri']) };
  }
}

/** CloudFormation lists one event per configuration; entries with the same destination and filter become one, as a stack file writes them. */
function mergeNotifications(list: NotificationSpec[]): NotificationSpec[] {
  const merged = new Map<string, NotificationSpec>();
  for (const n of list) {
    const { events, ...rest } = n;
    const key = JSON.stringify(rest);
    const seen = merged.get(key);
    if (seen && events && seen.events) seen.events = [...seen.events, ...events];
    else if (!seen) merged.set(key, { ...n, ...(events ? { events: [...events] } : {}) });
  }
  return [...merged.values()];
}
