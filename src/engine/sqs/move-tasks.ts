/**
 * StartMessageMoveTask / ListMessageMoveTasks / CancelMessageMoveTask: moving a dead-letter queue's messages back
 * to their source queues (DeadLetterQueueSourceArn), or to DestinationArn. The engine also accepts a Lambda
 * function's ARN as DestinationArn (an extension, not AWS): each message's body is then invoked asynchronously,
 * which is how `evlab dlq redrive` hands a function's dead letters back to it.
 *
 * A message leaves the source only after its hand-on returned, and both happen in this process, so a move that
 * is cancelled or interrupted leaves every message in exactly one place.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../protocol/aws-error.js';
import type { EngineContext, InternalMessageAttribute } from '../types.js';
import { invalidParameter } from './errors.js';
import { optionalInt, optionalString, requiredString, type Input } from './input.js';
import type { Operation, Output } from './operation-context.js';
import type { Queue } from './queue.js';
import type { SqsStore } from './store.js';
import type { StoredMessage } from './stored-message.js';

type TaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

interface MoveTask {
  handle: string;
  status: TaskStatus;
  sourceArn: string;
  destinationArn?: string;
  maxPerSecond?: number;
  toMove: number;
  moved: number;
  started: number;
  failureReason?: string;
}

/** Finished tasks kept per source queue for ListMessageMoveTasks (AWS lists up to 10). */
const KEPT_TASKS_PER_QUEUE = 10;
/** AWS's ceiling for MaxNumberOfMessagesPerSecond. */
const MAX_RATE = 500;

const tasksByStore = new WeakMap<SqsStore, MoveTask[]>();

function tasksOf(store: SqsStore): MoveTask[] {
  let tasks = tasksByStore.get(store);
  if (!tasks) tasksByStore.set(store, (tasks = []));
  return tasks;
}

// The Smithy shapes' names double as the legacy query codes for these newer operations.
const sqsError = (code: string, message: string) =>
  new AwsError(code, 400, message, { typePrefix: 'com.amazonaws.sqs#', queryCode: code, headers: { 'x-amzn-query-error': `${code};Sender` } });
const notFound = (arn: string) => sqsError('ResourceNotFoundException', `The resource that you specified for the SourceArn parameter doesn't exist: ${arn}`);
const unsupported = (message: string) => sqsError('UnsupportedOperation', message);

export const startMessageMoveTask: Operation = (oc, input) => {
  const { store } = oc;
  const sourceArn = requiredString(input, 'SourceArn');
  const source = store.byArn(sourceArn);
  if (!source) throw notFound(sourceArn);
  const destinationArn = optionalString(input, 'DestinationArn') || undefined;
  const maxPerSecond = optionalInt(input, 'MaxNumberOfMessagesPerSecond', 1, MAX_RATE, `Must be between 1 and ${MAX_RATE}.`);
  const tasks = tasksOf(store);
  if (tasks.some((t) => t.sourceArn === sourceArn && (t.status === 'RUNNING' || t.status === 'CANCELLING'))) {
    throw unsupported(`There is already a message move task running for ${sourceArn}.`);
  }
  if (destinationArn) {
    const service = destinationArn.split(':')[2];
    if (service === 'sqs' && !store.byArn(destinationArn)) throw invalidParameter('DestinationArn', destinationArn, 'The destination queue does not exist.');
    if (service !== 'sqs' && service !== 'lambda') throw invalidParameter('DestinationArn', destinationArn, 'The destination must be an SQS queue (or, on the evlab engine, a Lambda function).');
    if (destinationArn === sourceArn) throw invalidParameter('DestinationArn', destinationArn, 'The destination must differ from the source.');
  } else if (!isDeadLetterQueue(store, source)) {
    throw unsupported(`Source queue ${sourceArn} is not the dead-letter queue of any queue; name a DestinationArn.`);
  }
  const task: MoveTask = {
    handle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn })).toString('base64'),
    status: 'RUNNING',
    sourceArn,
    destinationArn,
    maxPerSecond,
    toMove: visibleMessages(source).length,
    moved: 0,
    started: Date.now(),
  };
  tasks.push(task);
  prune(tasks, sourceArn);
  void runTask(store, task, source);
  return { TaskHandle: task.handle };
};

export const listMessageMoveTasks: Operation = (oc, input) => {
  const sourceArn = requiredString(input, 'SourceArn');
  if (!oc.store.byArn(sourceArn)) throw notFound(sourceArn);
  const max = optionalInt(input, 'MaxResults', 1, 10, 'Must be between 1 and 10.') ?? 1;
  const Results = tasksOf(oc.store)
    .filter((t) => t.sourceArn === sourceArn)
    .sort((a, b) => b.started - a.started)
    .slice(0, max)
    .map(describe);
  return { Results };
};

export const cancelMessageMoveTask: Operation = (oc, input) => {
  const handle = requiredString(input, 'TaskHandle');
  const task = tasksOf(oc.store).find((t) => t.handle === handle);
  if (!task) throw sqsError('ResourceNotFoundException', `The task handle ${handle} does not name a message move task.`);
  if (task.status !== 'RUNNING') throw unsupported(`The message move task is ${task.status}, not RUNNING.`);
  task.status = 'CANCELLING';
  return { ApproximateNumberOfMessagesMoved: task.moved };
};

function describe(task: MoveTask): Output {
  const out: Output = {
    Status: task.status,
    SourceArn: task.sourceArn,
    ApproximateNumberOfMessagesMoved: task.moved,
    ApproximateNumberOfMessagesToMove: task.toMove,
    StartedTimestamp: task.started,
  };
  if (task.status === 'RUNNING') out.TaskHandle = task.handle;
  if (task.destinationArn) out.DestinationArn = task.destinationArn;
  if (task.maxPerSecond) out.MaxNumberOfMessagesPerSecond = task.maxPerSecond;
  if (task.failureReason) out.FailureReason = task.failureReason;
  return out;
}

async function runTask(store: SqsStore, task: MoveTask, source: Queue): Promise<void> {
  const ctx = store.context;
  const done = ctx.activity.begin('delivery');
  try {
    // The messages visible when the task started; ones that arrive later are left for the next task, as on AWS.
    for (const message of visibleMessages(source).slice(0, task.toMove)) {
      if (task.status !== 'RUNNING') break;
      if (message.state !== 'visible' || source.deleted) continue; // received or deleted meanwhile
      const to = task.destinationArn ?? message.deadLetterSourceArn;
      if (!to) {
        task.status = 'FAILED';
        task.failureReason = `message ${message.id} has no source queue (it was not moved here by a redrive policy); name a DestinationArn`;
        break;
      }
      await handOn(ctx, message, to);
      source.remove(message);
      task.moved++;
      ctx.traces.record(message.id, { type: 'message-moved', service: 'sqs', queue: source.name, to: to.split(':')[to.split(':')[2] === 'lambda' ? 6 : 5], messageId: message.id, ok: true });
      await pause(task.maxPerSecond);
    }
    if (task.status === 'RUNNING') task.status = 'COMPLETED';
    else if (task.status === 'CANCELLING') task.status = 'CANCELLED';
  } catch (err) {
    task.status = 'FAILED';
    task.failureReason = (err as Error)?.message ?? String(err);
  } finally {
    ctx.activity.poke();
    done();
  }
}

/** Sends the message on: the same body and attributes to a queue, or the body as an asynchronous invocation. */
async function handOn(ctx: EngineContext, message: StoredMessage, destinationArn: string): Promise<void> {
  if (destinationArn.split(':')[2] === 'lambda') {
    await (await ctx.service('lambda')).invokeAsync(destinationArn, message.body, { traceId: message.id });
    return;
  }
  const sqs = await ctx.service('sqs');
  await sqs.sendToArn(destinationArn, message.body, message.attributes as Record<string, InternalMessageAttribute>, message.groupId ? { groupId: message.groupId } : undefined, message.id);
}

function visibleMessages(queue: Queue): StoredMessage[] {
  return queue.allMessages().filter((m) => m.state === 'visible');
}

function isDeadLetterQueue(store: SqsStore, queue: Queue): boolean {
  return store.all().some((q) => q.settings.redrive?.deadLetterTargetArn === queue.arn);
}

function prune(tasks: MoveTask[], sourceArn: string): void {
  const mine = tasks.filter((t) => t.sourceArn === sourceArn && t.status !== 'RUNNING' && t.status !== 'CANCELLING');
  for (const old of mine.slice(0, Math.max(0, mine.length - KEPT_TASKS_PER_QUEUE))) tasks.splice(tasks.indexOf(old), 1);
}

function pause(perSecond: number | undefined): Promise<void> {
  return new Promise((resolve) => (perSecond ? setTimeout(resolve, 1000 / perSecond) : setImmediate(resolve)));
}

