import { unknownOperation } from './errors.js';
import {
  changeMessageVisibility,
  changeMessageVisibilityBatch,
  deleteMessage,
  deleteMessageBatch,
  receiveMessage,
  sendMessage,
  sendMessageBatch,
} from './message-operations.js';
import { cancelMessageMoveTask, listMessageMoveTasks, startMessageMoveTask } from './move-tasks.js';
import type { Operation } from './operation-context.js';
import {
  createQueue,
  deleteQueue,
  getQueueAttributes,
  getQueueUrl,
  listDeadLetterSourceQueues,
  listQueueTags,
  listQueues,
  purgeQueue,
  setQueueAttributes,
  tagQueue,
  untagQueue,
} from './queue-operations.js';

const OPERATIONS = new Map<string, Operation>([
  ['CreateQueue', createQueue],
  ['GetQueueUrl', getQueueUrl],
  ['ListQueues', listQueues],
  ['GetQueueAttributes', getQueueAttributes],
  ['SetQueueAttributes', setQueueAttributes],
  ['DeleteQueue', deleteQueue],
  ['PurgeQueue', purgeQueue],
  ['TagQueue', tagQueue],
  ['UntagQueue', untagQueue],
  ['ListQueueTags', listQueueTags],
  ['ListDeadLetterSourceQueues', listDeadLetterSourceQueues],
  ['SendMessage', sendMessage],
  ['SendMessageBatch', sendMessageBatch],
  ['ReceiveMessage', receiveMessage],
  ['DeleteMessage', deleteMessage],
  ['DeleteMessageBatch', deleteMessageBatch],
  ['ChangeMessageVisibility', changeMessageVisibility],
  ['ChangeMessageVisibilityBatch', changeMessageVisibilityBatch],
  ['StartMessageMoveTask', startMessageMoveTask],
  ['ListMessageMoveTasks', listMessageMoveTasks],
  ['CancelMessageMoveTask', cancelMessageMoveTask],
]);

export function operationFor(name: string | undefined): Operation {
  const operation = name ? OPERATIONS.get(name) : undefined;
  if (!operation) throw unknownOperation(name);
  return operation;
}
