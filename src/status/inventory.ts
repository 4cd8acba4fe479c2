import type { Connection } from '../aws/connect.js';
import type { FunctionSpec, KeyType, NotificationSpec, QueueSpec, RuleSpec, StackFile, SubscriptionSpec, TargetSpec } from '../stack/types.js';

/**
 * What an endpoint holds, read as if it were a stack file: with no evlab.json, `status`, `tail` and the dashboard
 * show everything there is (each list call paged to the end). A service the endpoint does not offer is left out
 * and named in `unavailable`, so one missing service does not hide the others.
 */
export interface Inventory {
  stack: StackFile;
  logGroups: string[];
  /** Services whose listing failed, with why. */
  unavailable: { service: string; error: string }[];
}

export async function readInventory(conn: Pick<Connection, 'clients'>): Promise<Inventory> {
  const unavailable: Inventory['unavailable'] = [];
  const guard = async <T>(service: string, read: () => Promise<T>, empty: T): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      const { describeSdkError } = await import('../aws/resources/errors.js');
      const { code, message } = describeSdkError(err);
      unavailable.push({ service, error: `${code}: ${message}` });
      return empty;
    }
  };
  const [functions, queues, tables, rules, logGroups, buckets, apis] = await Promise.all([
    guard('lambda', () => listFunctions(conn), { functions: {}, subscriptions: [] as SubscriptionSpec[] }),
    guard('sqs', () => listQueues(conn), {} as Record<string, QueueSpec>),
    guard('dynamodb', () => listTables(conn), {} as NonNullable<StackFile['tables']>),
    guard('events', () => listRules(conn), { buses: {}, rules: {} as Record<string, RuleSpec> }),
    guard('logs', () => listLogGroups(conn), [] as string[]),
    guard('s3', () => listBuckets(conn), {} as NonNullable<StackFile['buckets']>),
    guard('apigateway', () => listApis(conn), {} as NonNullable<StackFile['apis']>),
  ]);
  const stack: StackFile = {
    functions: functions.functions,
    subscriptions: functions.subscriptions,
    queues,
    tables,
    buses: rules.buses,
    rules: rules.rules,
    ...(Object.keys(buckets).length ? { buckets } : {}),
    ...(Object.keys(apis).length ? { apis } : {}),
  };
  return { stack, logGroups, unavailable };
}

async function listFunctions(conn: Pick<Connection, 'clients'>): Promise<{ functions: Record<string, FunctionSpec>; subscriptions: SubscriptionSpec[] }> {
  const { ListFunctionsCommand, ListEventSourceMappingsCommand } = await import('@aws-sdk/client-lambda');
  const lambda = await conn.clients.lambda();
  const functions: Record<string, FunctionSpec> = {};
  let marker: string | undefined;
  do {
    const page = await lambda.send(new ListFunctionsCommand({ Marker: marker }));
    for (const f of page.Functions ?? []) {
      if (!f.FunctionName) continue;
      functions[f.FunctionName] = {
        runtime: f.Runtime ?? '',
        handler: f.Handler ?? '',
        source: '',
        ...(f.Timeout ? { timeout: f.Timeout } : {}),
        ...(f.DeadLetterConfig?.TargetArn ? { deadLetterQueue: lastSegment(f.DeadLetterConfig.TargetArn) } : {}),
      };
    }
    marker = page.NextMarker;
  } while (marker);
  // Where failed (and successful) asynchronous invocations go: one read per function, absent for most.
  const { GetFunctionEventInvokeConfigCommand } = await import('@aws-sdk/client-lambda');
  await Promise.all(
    Object.entries(functions).map(async ([name, spec]) => {
      const config = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name })).catch(() => undefined);
      const onFailure = config?.DestinationConfig?.OnFailure?.Destination;
      const onSuccess = config?.DestinationConfig?.OnSuccess?.Destination;
      if (onFailure?.includes(':sqs:')) spec.onFailure = { queue: lastSegment(onFailure) };
      if (onSuccess?.includes(':sqs:')) spec.onSuccess = { queue: lastSegment(onSuccess) };
    }),
  );
  const subscriptions: SubscriptionSpec[] = [];
  marker = undefined;
  do {
    const page: { EventSourceMappings?: { EventSourceArn?: string; FunctionArn?: string; State?: string }[]; NextMarker?: string } = await lambda.send(
      new ListEventSourceMappingsCommand({ Marker: marker }),
    );
    for (const m of page.EventSourceMappings ?? []) {
      if (!m.EventSourceArn?.includes(':sqs:') || !m.FunctionArn) continue;
      subscriptions.push({ queue: lastSegment(m.EventSourceArn), function: functionNameOf(m.FunctionArn), enabled: m.State !== 'Disabled' });
    }
    marker = page.NextMarker;
  } while (marker);
  return { functions, subscriptions };
}

async function listQueues(conn: Pick<Connection, 'clients'>): Promise<Record<string, QueueSpec>> {
  const { ListQueuesCommand, GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
  const sqs = await conn.clients.sqs();
  const urls: string[] = [];
  let token: string | undefined;
  do {
    const page = await sqs.send(new ListQueuesCommand({ NextToken: token, MaxResults: 1000 }));
    urls.push(...(page.QueueUrls ?? []));
    token = page.NextToken;
  } while (token);
  const queues: Record<string, QueueSpec> = {};
  await Promise.all(
    urls.map(async (url) => {
      const name = url.slice(url.lastIndexOf('/') + 1);
      const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] })).catch(() => undefined);
      const redrive = parseRedrive(attrs?.Attributes?.RedrivePolicy);
      queues[name] = redrive ? { deadLetterQueue: redrive.queue, maxReceiveCount: redrive.maxReceiveCount } : {};
    }),
  );
  return sortedByKey(queues);
}

async function listTables(conn: Pick<Connection, 'clients'>): Promise<NonNullable<StackFile['tables']>> {
  const { ListTablesCommand, DescribeTableCommand } = await import('@aws-sdk/client-dynamodb');
  const dynamodb = await conn.clients.dynamodb();
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await dynamodb.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    names.push(...(page.TableNames ?? []));
    start = page.LastEvaluatedTableName;
  } while (start);
  const tables: NonNullable<StackFile['tables']> = {};
  await Promise.all(
    names.map(async (name) => {
      const described = await dynamodb.send(new DescribeTableCommand({ TableName: name })).catch(() => undefined);
      const schema = described?.Table?.KeySchema ?? [];
      const typeOf = (attr: string | undefined): KeyType =>
        (described?.Table?.AttributeDefinitions?.find((d) => d.AttributeName === attr)?.AttributeType as KeyType | undefined) ?? 'S';
      const hash = schema.find((k) => k.KeyType === 'HASH')?.AttributeName;
      const range = schema.find((k) => k.KeyType === 'RANGE')?.AttributeName;
      tables[name] = {
        partitionKey: { name: hash ?? '', type: typeOf(hash) },
        ...(range ? { sortKey: { name: range, type: typeOf(range) } } : {}),
      };
    }),
  );
  return sortedByKey(tables);
}

async function listRules(conn: Pick<Connection, 'clients'>): Promise<{ buses: NonNullable<StackFile['buses']>; rules: Record<string, RuleSpec> }> {
  const { ListEventBusesCommand, ListRulesCommand, ListTargetsByRuleCommand } = await import('@aws-sdk/client-eventbridge');
  const events = await conn.clients.events();
  const busNames: string[] = [];
  let token: string | undefined;
  do {
    const page = await events.send(new ListEventBusesCommand({ NextToken: token }));
    busNames.push(...(page.EventBuses ?? []).map((b) => b.Name ?? '').filter(Boolean));
    token = page.NextToken;
  } while (token);
  if (!busNames.includes('default')) busNames.unshift('default');
  const buses: NonNullable<StackFile['buses']> = {};
  const rules: Record<string, RuleSpec> = {};
  for (const bus of busNames) {
    if (bus !== 'default') buses[bus] = {};
    token = undefined;
    do {
      const page: { Rules?: { Name?: string; EventPattern?: string; ScheduleExpression?: string; State?: string }[]; NextToken?: string } = await events.send(
        new ListRulesCommand({ EventBusName: bus, NextToken: token }),
      );
      for (const r of page.Rules ?? []) {
        if (!r.Name) continue;
        const targets = await events.send(new ListTargetsByRuleCommand({ Rule: r.Name, EventBusName: bus }));
        let pattern: Record<string, unknown> | undefined;
        try {
          pattern = r.EventPattern ? (JSON.parse(r.EventPattern) as Record<string, unknown>) : undefined;
        } catch {
          pattern = undefined;
        }
        // Rule names are unique per bus, not per endpoint: a second bus's rule of the same name gets the bus in its key.
        const key = rules[r.Name] ? `${bus}/${r.Name}` : r.Name;
        rules[key] = {
          bus,
          ...(pattern ? { pattern } : {}),
          ...(r.ScheduleExpression ? { schedule: r.ScheduleExpression } : {}),
          enabled: r.State !== 'DISABLED',
          targets: (targets.Targets ?? []).map((t) => targetOf(t.Arn ?? '')),
        };
      }
      token = page.NextToken;
    } while (token);
  }
  return { buses, rules };
}

async function listLogGroups(conn: Pick<Connection, 'clients'>): Promise<string[]> {
  const { DescribeLogGroupsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const logs = await conn.clients.logs();
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await logs.send(new DescribeLogGroupsCommand({ nextToken: token }));
    names.push(...(page.logGroups ?? []).map((g) => g.logGroupName ?? '').filter(Boolean));
    token = page.nextToken;
  } while (token);
  return names.sort();
}

/** Buckets with where their notifications go (one read per bucket). */
async function listBuckets(conn: Pick<Connection, 'clients'>): Promise<NonNullable<StackFile['buckets']>> {
  const { ListBucketsCommand, GetBucketNotificationConfigurationCommand } = await import('@aws-sdk/client-s3');
  const s3 = await conn.clients.s3();
  const listed = await s3.send(new ListBucketsCommand({}));
  const buckets: NonNullable<StackFile['buckets']> = {};
  await Promise.all(
    (listed.Buckets ?? []).map(async ({ Name: name }) => {
      if (!name) return;
      const config = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: name })).catch(() => undefined);
      const notifications: NotificationSpec[] = [
        ...(config?.LambdaFunctionConfigurations ?? []).map((c) => ({ function: functionNameOf(c.LambdaFunctionArn ?? ''), events: c.Events })),
        ...(config?.QueueConfigurations ?? []).map((c) => ({ queue: lastSegment(c.QueueArn ?? ''), events: c.Events })),
        ...(config?.EventBridgeConfiguration ? [{ eventBridge: true as const }] : []),
      ];
      buckets[name] = notifications.length ? { notifications } : {};
    }),
  );
  return sortedByKey(buckets);
}

/** HTTP and REST APIs by name (status reads their stages, invoke URLs and routes from the endpoint). */
async function listApis(conn: Pick<Connection, 'clients'>): Promise<NonNullable<StackFile['apis']>> {
  const [{ GetApisCommand }, { GetRestApisCommand }] = await Promise.all([import('@aws-sdk/client-apigatewayv2'), import('@aws-sdk/client-api-gateway')]);
  const [http, rest] = await Promise.all([
    (await conn.clients.apigatewayv2()).send(new GetApisCommand({})),
    (await conn.clients.apigateway()).send(new GetRestApisCommand({})),
  ]);
  const apis: NonNullable<StackFile['apis']> = {};
  const v2 = await conn.clients.apigatewayv2();
  const { GetRoutesCommand, GetIntegrationsCommand } = await import('@aws-sdk/client-apigatewayv2');
  await Promise.all(
    (http.Items ?? []).map(async (a) => {
      if (!a.Name || !a.ApiId) return;
      // Each route's function, through its integration (routes name integrations/<id> as their target).
      const [routes, integrations] = await Promise.all([
        v2.send(new GetRoutesCommand({ ApiId: a.ApiId })).catch(() => undefined),
        v2.send(new GetIntegrationsCommand({ ApiId: a.ApiId })).catch(() => undefined),
      ]);
      const fnOf = new Map((integrations?.Items ?? []).map((i) => [i.IntegrationId, functionNameOf(i.IntegrationUri ?? '')]));
      const specs: NonNullable<StackFile['apis']>[string]['routes'] = {};
      for (const r of routes?.Items ?? []) {
        const fn = fnOf.get(r.Target?.replace(/^integrations\//, ''));
        if (r.RouteKey && fn) specs[r.RouteKey] = { function: fn };
      }
      apis[a.Name] = { type: 'http', routes: specs };
    }),
  );
  for (const a of rest.items ?? []) if (a.name && !apis[a.name]) apis[a.name] = { type: 'rest', routes: {} };
  return apis;
}

/** A target ARN as the stack file would name it. */
export function targetOf(arn: string): TargetSpec {
  const parts = arn.split(':');
  if (parts[2] === 'lambda') return { function: parts[6] ?? arn };
  if (parts[2] === 'sqs') return { queue: parts[5] ?? arn };
  if (parts[2] === 'logs') return { logGroup: parts.slice(6).join(':').replace(/:\*$/, '') };
  if (parts[2] === 'events' && parts[5]?.startsWith('event-bus/')) return { bus: parts[5].slice('event-bus/'.length) };
  return { function: arn };
}

/** `arn:aws:lambda:r:a:function:name[:qualifier]` → name. */
function functionNameOf(arn: string): string {
  return arn.split(':')[6] ?? arn;
}

function parseRedrive(text: string | undefined): { queue: string; maxReceiveCount: number } | undefined {
  if (!text) return undefined;
  try {
    const policy = JSON.parse(text) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
    return policy.deadLetterTargetArn ? { queue: lastSegment(policy.deadLetterTargetArn), maxReceiveCount: Number(policy.maxReceiveCount ?? 0) } : undefined;
  } catch {
    return undefined;
  }
}

function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
