import type { Connection } from '../aws/connect.js';
import type { StackFile } from '../stack/types.js';
import type { DeadLetterQueue } from './types.js';

/**
 * The endpoint's dead-letter queues and what feeds each: queues named by a redrive policy, functions'
 * DeadLetterConfig and on-failure destinations, and (from the stack file, as endpoints do not all keep them)
 * what the stack declares. Only queues that exist at the endpoint are returned.
 */
export async function findDeadLetterQueues(conn: Connection, stack: StackFile | undefined, signal: AbortSignal): Promise<DeadLetterQueue[]> {
  const sqs = await conn.clients.sqs();
  const { ListQueuesCommand, GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
  const urls: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sqs.send(new ListQueuesCommand({ NextToken, MaxResults: 1000 }), { abortSignal: signal });
    urls.push(...(page.QueueUrls ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  const queues = await Promise.all(
    urls.map(async (url) => {
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'RedrivePolicy'] }), { abortSignal: signal });
      return { url, name: url.slice(url.lastIndexOf('/') + 1), arn: Attributes.QueueArn ?? '', redrive: parseRedrive(Attributes.RedrivePolicy) };
    }),
  );
  const byName = new Map(queues.map((q) => [q.name, q]));
  const dlqs = new Map<string, DeadLetterQueue>();
  const add = (name: string | undefined, role: 'functions' | 'sourceQueues' | 'ruleTargets', feeder: string) => {
    const queue = name ? byName.get(name) : undefined;
    if (!queue) return;
    let dlq = dlqs.get(queue.name);
    if (!dlq) dlqs.set(queue.name, (dlq = { name: queue.name, url: queue.url, arn: queue.arn, functions: [], sourceQueues: [], ruleTargets: [] }));
    if (!dlq[role].includes(feeder)) dlq[role].push(feeder);
  };
  for (const q of queues) if (q.redrive) add(nameOfArn(q.redrive), 'sourceQueues', q.name);
  for (const fn of await listFunctions(conn, signal)) {
    if (fn.dlq) add(nameOfArn(fn.dlq), 'functions', fn.name);
  }
  for (const [name, q] of Object.entries(stack?.queues ?? {})) add(q.deadLetterQueue, 'sourceQueues', name);
  for (const [name, f] of Object.entries(stack?.functions ?? {})) {
    add(f.deadLetterQueue, 'functions', name);
    add(f.onFailure?.queue, 'functions', name);
  }
  for (const [rule, r] of Object.entries(stack?.rules ?? {})) {
    for (const t of r.targets ?? []) add(t.deadLetterQueue, 'ruleTargets', `${rule}/${targetName(t)}`);
  }
  return [...dlqs.values()].sort((a, b) => a.name.localeCompare(b.name));
}

async function listFunctions(conn: Connection, signal: AbortSignal): Promise<{ name: string; dlq?: string }[]> {
  const lambda = await conn.clients.lambda();
  const { ListFunctionsCommand } = await import('@aws-sdk/client-lambda');
  const out: { name: string; dlq?: string }[] = [];
  let Marker: string | undefined;
  try {
    do {
      const page = await lambda.send(new ListFunctionsCommand({ Marker }), { abortSignal: signal });
      for (const f of page.Functions ?? []) out.push({ name: f.FunctionName ?? '', dlq: f.DeadLetterConfig?.TargetArn });
      Marker = page.NextMarker;
    } while (Marker);
  } catch (err) {
    if (signal.aborted) throw err;
    // An endpoint without Lambda still has queues with redrive policies.
  }
  return out;
}

function parseRedrive(text: string | undefined): string | undefined {
  if (!text) return undefined;
  try {
    const arn = (JSON.parse(text) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
    return typeof arn === 'string' ? arn : undefined;
  } catch {
    return undefined;
  }
}

function nameOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

function targetName(target: object): string {
  const t = target as { function?: string; queue?: string; logGroup?: string; bus?: string; id?: string };
  return t.id ?? t.function ?? t.queue ?? t.logGroup ?? t.bus ?? '?';
}
