import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from '../aws/connect.js';
import { ConfigError, OperationError } from '../errors.js';
import type { DeadLetterQueue } from './types.js';

export type RedriveDestination =
  | { kind: 'function'; name: string; arn: string }
  | { kind: 'queue'; name: string; arn: string; url: string }
  /** Each message back to the queue its redrive policy moved it from (DeadLetterQueueSourceArn). */
  | { kind: 'source'; name: string };

export interface RedriveResult {
  queue: string;
  destination: RedriveDestination;
  method: 'move-task' | 'receive-hand-on-delete';
  /** Messages handed on (invoked or sent) and then deleted from the DLQ. */
  handedOn: number;
  /** Messages found handed on by an earlier, interrupted run: deleted without handing them on again. */
  alreadyHandedOn: number;
  /** Client-side runs only: messages an interrupted run may have handed on just before it stopped; handed on again. */
  uncertain: number;
  interrupted: boolean;
  taskHandle?: string;
  failureReason?: string;
}

export interface RedriveOptions {
  to?: string;
  /** Messages per second (MaxNumberOfMessagesPerSecond); default: as fast as the endpoint goes. */
  rate?: number;
  signal: AbortSignal;
  progress: (line: string) => void;
  /** Folder for the client-side journal (.evlab/redrive/). */
  projectDir: string;
}

/**
 * Where a DLQ's messages go back to: `--to NAME` (a function or a queue at the endpoint), else the one function that
 * produced them, else their source queues.
 */
export async function resolveDestination(conn: Connection, dlq: DeadLetterQueue, to: string | undefined, signal: AbortSignal): Promise<RedriveDestination> {
  if (to) {
    const fn = await functionArn(conn, to, signal);
    if (fn) return { kind: 'function', name: to, arn: fn };
    const queue = await queueOf(conn, to, signal);
    if (queue) return { kind: 'queue', name: to, ...queue };
    throw new ConfigError('UnknownRedriveTarget', `--to ${to}: no function or queue of that name exists at ${conn.target.endpoint}`, {
      hint: 'name a function (its dead letters are invoked asynchronously with the original event) or a queue (messages are sent there)',
    });
  }
  if (dlq.functions.length === 1 && dlq.sourceQueues.length === 0) {
    const arn = await functionArn(conn, dlq.functions[0], signal);
    if (arn) return { kind: 'function', name: dlq.functions[0], arn };
  }
  if (dlq.sourceQueues.length > 0 && dlq.functions.length === 0) return { kind: 'source', name: dlq.sourceQueues.join(', ') };
  const feeders = [...dlq.functions.map((f) => `function ${f}`), ...dlq.sourceQueues.map((q) => `queue ${q}`), ...dlq.ruleTargets.map((t) => `rule target ${t}`)];
  throw new ConfigError('AmbiguousRedriveTarget', `${dlq.name} is fed by ${feeders.length ? feeders.join(', ') : 'nothing evlab knows of'}: say where its messages go back to`, {
    hint: `evlab dlq redrive ${dlq.name} --to <function or queue>`,
  });
}

/** Hands every message of the DLQ on, then deletes it; on the engine as a message move task (server side, in one process). */
export async function redrive(conn: Connection, dlq: DeadLetterQueue, destination: RedriveDestination, options: RedriveOptions): Promise<RedriveResult> {
  if (conn.endpoint.kind === 'evlab') return redriveWithMoveTask(conn, dlq, destination, options);
  return redriveFromClient(conn, dlq, destination, options);
}

async function redriveWithMoveTask(conn: Connection, dlq: DeadLetterQueue, destination: RedriveDestination, options: RedriveOptions): Promise<RedriveResult> {
  const sqs = await conn.clients.sqs();
  const { StartMessageMoveTaskCommand, ListMessageMoveTasksCommand, CancelMessageMoveTaskCommand } = await import('@aws-sdk/client-sqs');
  const result: RedriveResult = { queue: dlq.name, destination, method: 'move-task', handedOn: 0, alreadyHandedOn: 0, uncertain: 0, interrupted: false };
  const start = () =>
    sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: dlq.arn,
        DestinationArn: destination.kind === 'source' ? undefined : destination.arn,
        MaxNumberOfMessagesPerSecond: options.rate,
      }),
    );
  const latest = async () => (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn, MaxResults: 1 }))).Results?.[0];
  let handle: string;
  try {
    handle = (await start()).TaskHandle!;
  } catch (err) {
    // An earlier redrive that was cut off left its task running in the engine: let it finish, then move the rest.
    if ((err as { name?: string }).name !== 'UnsupportedOperation' || !/already a message move task running/.test(String((err as Error).message))) throw err;
    const running = await latest();
    options.progress(`a redrive of ${dlq.name} started earlier is still running (${running?.ApproximateNumberOfMessagesMoved ?? 0} moved): waiting for it`);
    result.alreadyHandedOn = await waitForTask(latest, options, () => undefined).then((t) => t?.ApproximateNumberOfMessagesMoved ?? 0);
    handle = (await start()).TaskHandle!;
  }
  result.taskHandle = handle;
  let cancelled = false;
  const final = await waitForTask(latest, options, () => {
    if (cancelled) return;
    cancelled = true;
    result.interrupted = true;
    void sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: handle })).catch(() => undefined);
  });
  result.handedOn = final?.ApproximateNumberOfMessagesMoved ?? 0;
  if (final?.Status === 'FAILED') result.failureReason = final.FailureReason;
  return result;
}

type TaskEntry = { Status?: string; ApproximateNumberOfMessagesMoved?: number; ApproximateNumberOfMessagesToMove?: number; FailureReason?: string };

/** Polls until the task ends; Ctrl-C calls `onAbort` (cancel) and keeps waiting for the task to say CANCELLED. */
async function waitForTask(latest: () => Promise<TaskEntry | undefined>, options: RedriveOptions, onAbort: () => void): Promise<TaskEntry | undefined> {
  let reported = -1;
  for (;;) {
    if (options.signal.aborted) onAbort();
    const task = await latest();
    const moved = task?.ApproximateNumberOfMessagesMoved ?? 0;
    if (moved !== reported) {
      options.progress(`  moved ${moved}/${task?.ApproximateNumberOfMessagesToMove ?? '?'}`);
      reported = moved;
    }
    if (!task || (task.Status !== 'RUNNING' && task.Status !== 'CANCELLING')) return task;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Elsewhere: receive (hidden for the hand-on), hand on, record, delete. A journal under .evlab/redrive/ records each
 * message before and after its hand-on, so a run cut off between the hand-on and the delete is finished by the next
 * run without a second hand-on; only a cut in the instant between the hand-on and its record leaves a message
 * uncertain (handed on again, and counted).
 */
async function redriveFromClient(conn: Connection, dlq: DeadLetterQueue, destination: RedriveDestination, options: RedriveOptions): Promise<RedriveResult> {
  const sqs = await conn.clients.sqs();
  const { ReceiveMessageCommand, DeleteMessageCommand, SendMessageCommand } = await import('@aws-sdk/client-sqs');
  const journal = new Journal(join(options.projectDir, '.evlab', 'redrive', `${dlq.name}.ndjson`));
  const result: RedriveResult = { queue: dlq.name, destination, method: 'receive-hand-on-delete', handedOn: 0, alreadyHandedOn: 0, uncertain: 0, interrupted: false };
  const seen = new Set<string>();
  let empty = 0;
  const inFlightDeadline = Date.now() + (HAND_ON_VISIBILITY_SECONDS + 5) * 1000;
  while (empty < 2) {
    if (options.signal.aborted) {
      result.interrupted = true;
      break;
    }
    // One at a time, hidden only briefly: a run cut off mid-hand-on leaves at most one message hidden, for seconds.
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 1, VisibilityTimeout: HAND_ON_VISIBILITY_SECONDS, WaitTimeSeconds: 0, AttributeNames: ['All'], MessageAttributeNames: ['All'] }),
    );
    const fresh = Messages.filter((m) => !seen.has(m.MessageId!));
    empty = fresh.length === 0 ? empty + 1 : 0;
    if (empty > 0 && Date.now() < inFlightDeadline && (await hiddenCount(sqs, dlq.url)) > 0) {
      // Still hidden by a run that was cut off (or by a consumer): wait until they show again.
      options.progress('  waiting for messages hidden by an earlier receive to become visible again…');
      empty = 0;
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    for (const m of fresh) {
      if (options.signal.aborted) break;
      seen.add(m.MessageId!);
      const id = m.MessageId!;
      if (journal.state(id) === 'handed') {
        result.alreadyHandedOn++;
      } else {
        if (journal.state(id) === 'handing') result.uncertain++;
        journal.write(id, 'handing');
        await handOn(conn, destination, m, SendMessageCommand, sqs, dlq.sourceQueues);
        journal.write(id, 'handed');
        result.handedOn++;
        options.progress(`  handed on ${result.handedOn}: ${id}`);
      }
      await sqs.send(new DeleteMessageCommand({ QueueUrl: dlq.url, ReceiptHandle: m.ReceiptHandle! }));
      if (options.rate) await new Promise((resolve) => setTimeout(resolve, 1000 / options.rate!));
    }
  }
  if (!result.interrupted) journal.clear();
  return result;
}

/** How long a received dead letter stays hidden while it is handed on. */
const HAND_ON_VISIBILITY_SECONDS = 10;

async function hiddenCount(sqs: import('@aws-sdk/client-sqs').SQSClient, url: string): Promise<number> {
  const { GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }));
  return Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

async function handOn(
  conn: Connection,
  destination: RedriveDestination,
  m: { Body?: string; Attributes?: Record<string, string>; MessageAttributes?: Record<string, unknown> },
  SendMessageCommand: typeof import('@aws-sdk/client-sqs').SendMessageCommand,
  sqs: import('@aws-sdk/client-sqs').SQSClient,
  sourceQueues: readonly string[],
): Promise<void> {
  if (destination.kind === 'function') {
    const lambda = await conn.clients.lambda();
    const { InvokeCommand } = await import('@aws-sdk/client-lambda');
    await lambda.send(new InvokeCommand({ FunctionName: destination.arn, InvocationType: 'Event', Payload: Buffer.from(m.Body ?? '{}') }));
    return;
  }
  let url: string;
  if (destination.kind === 'queue') url = destination.url;
  else {
    // Some endpoints (moto) do not set DeadLetterQueueSourceArn: a DLQ with one source queue still says where.
    const source = m.Attributes?.DeadLetterQueueSourceArn?.split(':').pop() ?? (sourceQueues.length === 1 ? sourceQueues[0] : undefined);
    if (!source) throw new OperationError('NoSourceQueue', `a dead letter without DeadLetterQueueSourceArn cannot go back to one of its source queues (${sourceQueues.join(', ')})`, { hint: 'pass --to <queue>' });
    const found = await queueOf(conn, source, new AbortController().signal);
    if (!found) throw new OperationError('NoSourceQueue', `the source queue ${source} no longer exists`, { hint: 'pass --to <queue>' });
    url = found.url;
  }
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: m.Body ?? '', MessageAttributes: m.MessageAttributes as never }));
}

async function functionArn(conn: Connection, name: string, signal: AbortSignal): Promise<string | undefined> {
  const lambda = await conn.clients.lambda();
  const { GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
  try {
    return (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }), { abortSignal: signal })).FunctionArn;
  } catch (err) {
    if (signal.aborted) throw err;
    return undefined;
  }
}

async function queueOf(conn: Connection, name: string, signal: AbortSignal): Promise<{ url: string; arn: string } | undefined> {
  const sqs = await conn.clients.sqs();
  const { GetQueueUrlCommand, GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }), { abortSignal: signal });
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }), { abortSignal: signal });
    return { url: QueueUrl!, arn: Attributes.QueueArn! };
  } catch (err) {
    if (signal.aborted) throw err;
    return undefined;
  }
}

/** Append-only NDJSON of `{id, state}`; each line is fsynced before the step it records goes on. */
class Journal {
  private readonly states = new Map<string, 'handing' | 'handed'>();

  constructor(private readonly file: string) {
    if (!existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      try {
        const { id, state } = JSON.parse(line) as { id: string; state: 'handing' | 'handed' };
        this.states.set(id, state);
      } catch {
        // a line cut off by a crash: the state before it stands
      }
    }
  }

  state(id: string): 'handing' | 'handed' | undefined {
    return this.states.get(id);
  }

  write(id: string, state: 'handing' | 'handed'): void {
    mkdirSync(join(this.file, '..'), { recursive: true });
    appendFileSync(this.file, JSON.stringify({ id, state }) + '\n');
    const fd = openSync(this.file, 'r');
    fsyncSync(fd);
    closeSync(fd);
    this.states.set(id, state);
  }

  clear(): void {
    rmSync(this.file, { force: true });
  }
}
