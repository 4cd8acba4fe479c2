import { createHash } from 'node:crypto';
import { causeOf, startCaused } from '../traces/cause.js';
import {
  batchEntryIdsNotDistinct,
  batchFailure,
  batchRequestTooLong,
  emptyBatchRequest,
  invalidBatchEntryId,
  invalidMessageContents,
  invalidParameter,
  invalidParameterValue,
  missingParameter,
  tooManyEntriesInBatchRequest,
} from './errors.js';
import { objectList, optionalInt, optionalString, requiredString, stringList, type Input } from './input.js';
import { md5Hex, md5OfAttributes } from './md5.js';
import { attributesSize, attributesToJson, readMessageAttributes, selectAttributes, type MessageAttributes } from './message-attributes.js';
import { queueOf, type Operation, type OperationContext, type Output } from './operation-context.js';
import type { Queue } from './queue.js';
import { messageIdOf, type NewMessage, type StoredMessage } from './stored-message.js';
import type { SqsStore } from './store.js';

// Characters SQS accepts in a message body (the XML 1.0 character set).
const INVALID_BODY_CHARS = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const MAX_BATCH_ENTRIES = 10;
// SendMessageBatch: the sum of all messages may not exceed 1 MiB (raised from 256 KiB in 2025, like MaximumMessageSize).
const MAX_BATCH_BYTES = 1_048_576;
const DELAY_REASON = 'DelaySeconds must be >= 0 and <= 900.';
const VISIBILITY_REASON = 'VisibilityTimeout must be an integer between 0 and 43200.';

/** Validates a message (SendMessage input or a batch entry) for `queue`; `size` counts body and attributes. */
export function prepareMessage(queue: Queue, input: Input): NewMessage & { size: number } {
  const body = optionalString(input, 'MessageBody');
  if (!body) throw missingParameter('MessageBody');
  if (INVALID_BODY_CHARS.test(body)) throw invalidMessageContents();
  const attributes = readMessageAttributes(input);
  const systemAttributes = readSystemAttributes(input);
  const size = Buffer.byteLength(body, 'utf8') + attributesSize(attributes);
  const limit = queue.settings.maximumMessageSize;
  if (size > limit) throw invalidParameterValue(`One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`);
  const delay = optionalInt(input, 'DelaySeconds', 0, 900, DELAY_REASON);
  let groupId = optionalString(input, 'MessageGroupId');
  let dedupId = optionalString(input, 'MessageDeduplicationId');
  if (queue.settings.fifo) {
    if (delay !== undefined && delay !== 0) {
      throw invalidParameter('DelaySeconds', delay, 'The request include parameter that is not valid for this queue type.');
    }
    if (!groupId) throw missingParameter('MessageGroupId');
    if (!dedupId) {
      if (!queue.settings.contentBasedDeduplication) {
        throw invalidParameterValue('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
      }
      dedupId = createHash('sha256').update(body, 'utf8').digest('hex');
    }
  } else if (dedupId !== undefined) {
    throw invalidParameter('MessageDeduplicationId', dedupId, 'The request include parameter that is not valid for this queue type');
  } else if (groupId === '') {
    groupId = undefined;
  }
  return {
    body,
    md5OfBody: md5Hex(body),
    attributes,
    md5OfAttributes: md5OfAttributes(attributes),
    systemAttributes,
    md5OfSystemAttributes: md5OfAttributes(systemAttributes),
    delaySeconds: queue.settings.fifo ? queue.settings.delaySeconds : (delay ?? queue.settings.delaySeconds),
    groupId,
    dedupId,
    size,
  };
}

/** AWSTraceHeader is the only message system attribute a sender may set. */
function readSystemAttributes(input: Input): MessageAttributes {
  const attributes = readMessageAttributes(input, 'MessageSystemAttributes');
  for (const [name, value] of Object.entries(attributes)) {
    if (name !== 'AWSTraceHeader') throw invalidParameterValue(`Message system attribute name '${name}' is invalid.`);
    if (value.DataType !== 'String') throw invalidParameterValue(`Message system attribute '${name}' must have the data type String.`);
  }
  return attributes;
}

function sendResult(message: NewMessage, sent: { messageId: string; sequenceNumber?: string }): Output {
  const out: Output = { MessageId: sent.messageId, MD5OfMessageBody: message.md5OfBody };
  if (message.md5OfAttributes) out.MD5OfMessageAttributes = message.md5OfAttributes;
  if (message.md5OfSystemAttributes) out.MD5OfMessageSystemAttributes = message.md5OfSystemAttributes;
  if (sent.sequenceNumber) out.SequenceNumber = sent.sequenceNumber;
  return out;
}

export const sendMessage: Operation = (oc, input) => {
  const queue = queueOf(oc, input);
  const message = prepareMessage(queue, input);
  return sendResult(message, traceSent(oc, queue, queue.send(message)));
};

/**
 * A message sent through the API starts its own trace (its id finds it at /_evlab/traces/<id>); sent by a function
 * (its SDK passes the runtime's X-Amzn-Trace-Id), the trace is a child of that invocation's.
 */
function traceSent<T extends { messageId: string }>(oc: OperationContext, queue: Queue, sent: T): T {
  const cause = causeOf(oc.store.traces, oc.traceHeader);
  startCaused(oc.store.traces, cause, sent.messageId, 'message', { type: 'message-sent', service: 'sqs', queue: queue.name, messageId: sent.messageId, by: 'api' });
  return sent;
}

/** Receives and deletes of traced messages (sent through the API, or by a rule, a DLQ, a destination) are steps of their trace. */
export function traceMessageStep(oc: { store: SqsStore }, type: 'message-received' | 'message-deleted', queue: Queue, message: { id: string; receiveCount?: number }, by: 'api' | 'esm'): void {
  const traces = oc.store.traces;
  if (!traces.has(message.id)) return;
  traces.record(message.id, { type, service: 'sqs', queue: queue.name, messageId: message.id, receiveCount: message.receiveCount, by });
}

export const sendMessageBatch: Operation = (oc, input) => {
  const queue = queueOf(oc, input);
  const entries = checkBatch(input, 'SendMessageBatchRequestEntry');
  const prepared = entries.map((entry) => {
    try {
      return prepareMessage(queue, entry);
    } catch (err) {
      return err;
    }
  });
  const total = prepared.reduce<number>((sum, p) => sum + (p instanceof Error ? 0 : (p as { size: number }).size), 0);
  if (total > MAX_BATCH_BYTES) throw batchRequestTooLong(MAX_BATCH_BYTES, total);
  const Successful: Output[] = [];
  const Failed: Output[] = [];
  entries.forEach((entry, i) => {
    const id = String(entry.Id);
    const p = prepared[i];
    if (p instanceof Error) return Failed.push(batchFailure(id, p));
    const message = p as NewMessage;
    Successful.push({ Id: id, ...sendResult(message, traceSent(oc, queue, queue.send(message))) });
  });
  return { Successful, Failed };
};

/** Batch-wide checks, in the order AWS applies them; returns the entries. */
function checkBatch(input: Input, entryShape: string): Input[] {
  const entries = objectList(input, 'Entries');
  if (entries.length > MAX_BATCH_ENTRIES) throw tooManyEntriesInBatchRequest(entries.length);
  if (entries.length === 0) throw emptyBatchRequest(entryShape);
  const seen = new Set<string>();
  for (const entry of entries) {
    const id = typeof entry.Id === 'string' ? entry.Id : '';
    if (!BATCH_ENTRY_ID.test(id)) throw invalidBatchEntryId();
    if (seen.has(id)) throw batchEntryIdsNotDistinct(id);
    seen.add(id);
  }
  return entries;
}

export const receiveMessage: Operation = async (oc, input) => {
  const queue = queueOf(oc, input);
  const max = optionalInt(input, 'MaxNumberOfMessages', 1, 10, 'Must be between 1 and 10, if provided.') ?? 1;
  const visibility = optionalInt(input, 'VisibilityTimeout', 0, 43_200, VISIBILITY_REASON) ?? queue.settings.visibilityTimeout;
  const wait = optionalInt(input, 'WaitTimeSeconds', 0, 20, 'Must be >= 0 and <= 20, if provided.') ?? queue.settings.receiveWaitSeconds;
  const systemNames = [...stringList(input, 'AttributeNames'), ...stringList(input, 'MessageSystemAttributeNames')];
  const attributeNames = stringList(input, 'MessageAttributeNames');

  // Long polling: wait for the queue's "visible" signal, never a timer loop; answer as soon as anything arrives.
  const deadline = Date.now() + wait * 1000;
  let messages = queue.receive(max, visibility);
  while (messages.length === 0 && !queue.deleted && !oc.signal?.aborted) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    await queue.waitForVisible(remaining, oc.signal);
    if (oc.signal?.aborted) break;
    messages = queue.receive(max, visibility);
  }
  if (messages.length === 0) return {};
  for (const m of messages) traceMessageStep(oc, 'message-received', queue, m, 'api');
  const accountId = oc.store.accountId;
  return { Messages: messages.map((m) => renderMessage(m, systemNames, attributeNames, accountId)) };
};

/** A received message in the JSON protocol's shape, with the attributes the receiver asked for. */
export function renderMessage(message: StoredMessage, systemNames: string[], attributeNames: string[], accountId: string): Output {
  const out: Output = { MessageId: message.id, ReceiptHandle: message.receiptHandle, MD5OfBody: message.md5OfBody, Body: message.body };
  const system = selectSystemAttributes(message, systemNames, accountId);
  if (Object.keys(system).length > 0) out.Attributes = system;
  const selected = selectAttributes(message.attributes, attributeNames);
  const md5 = selected === message.attributes ? message.md5OfAttributes : md5OfAttributes(selected);
  if (md5) {
    out.MD5OfMessageAttributes = md5;
    out.MessageAttributes = attributesToJson(selected);
  }
  return out;
}

export function systemAttributesOf(message: StoredMessage, accountId: string): Record<string, string> {
  const out: Record<string, string> = {
    SenderId: accountId,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
  };
  const trace = message.systemAttributes.AWSTraceHeader?.StringValue;
  if (trace) out.AWSTraceHeader = trace;
  if (message.deadLetterSourceArn) out.DeadLetterQueueSourceArn = message.deadLetterSourceArn;
  if (message.sequenceNumber) out.SequenceNumber = message.sequenceNumber;
  if (message.dedupId) out.MessageDeduplicationId = message.dedupId;
  if (message.groupId) out.MessageGroupId = message.groupId;
  return out;
}

function selectSystemAttributes(message: StoredMessage, names: string[], accountId: string): Record<string, string> {
  if (names.length === 0) return {};
  const all = systemAttributesOf(message, accountId);
  if (names.includes('All')) return all;
  const out: Record<string, string> = {};
  for (const name of names) if (all[name] !== undefined) out[name] = all[name];
  return out;
}

export const deleteMessage: Operation = (oc, input) => {
  const queue = queueOf(oc, input);
  tracedDelete(oc, queue, requiredString(input, 'ReceiptHandle'));
  return {};
};

export const deleteMessageBatch: Operation = (oc, input) => {
  const queue = queueOf(oc, input);
  return runBatch(checkBatch(input, 'DeleteMessageBatchRequestEntry'), (entry) => tracedDelete(oc, queue, requiredString(entry, 'ReceiptHandle')));
};

function tracedDelete(oc: OperationContext, queue: Queue, receiptHandle: string): void {
  queue.deleteMessage(receiptHandle);
  traceMessageStep(oc, 'message-deleted', queue, { id: messageIdOf(receiptHandle) }, 'api');
}

export const changeMessageVisibility: Operation = (oc, input) => {
  const queue = queueOf(oc, input);
  changeVisibility(queue, input);
  return {};
};

export const changeMessageVisibilityBatch: Operation = (oc, input) => {
  const queue = queueOf(oc, input);
  return runBatch(checkBatch(input, 'ChangeMessageVisibilityBatchRequestEntry'), (entry) => changeVisibility(queue, entry));
};

function changeVisibility(queue: Queue, input: Input): void {
  const handle = requiredString(input, 'ReceiptHandle');
  const seconds = optionalInt(input, 'VisibilityTimeout', 0, 43_200, VISIBILITY_REASON);
  if (seconds === undefined) throw missingParameter('VisibilityTimeout');
  messageIdOf(handle);
  queue.changeVisibility(handle, seconds);
}

function runBatch(entries: Input[], apply: (entry: Input) => void): Output {
  const Successful: Output[] = [];
  const Failed: Output[] = [];
  for (const entry of entries) {
    const id = String(entry.Id);
    try {
      apply(entry);
      Successful.push({ Id: id });
    } catch (err) {
      Failed.push(batchFailure(id, err));
    }
  }
  return { Successful, Failed };
}
