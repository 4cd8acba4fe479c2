import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Connection } from '../aws/connect.js';
import { httpGet } from '../aws/http-get.js';
import type { DeadLetter } from './types.js';

/** Receives with visibility 0 stop after this many rounds bring nothing new (a queue can hold more than one round shows). */
const MAX_EMPTY_ROUNDS = 3;
const MAX_ROUNDS = 200;
/**
 * With VisibilityTimeout 0 an endpoint may hand back the same first ten messages every time (moto does), so a
 * listing hides what it has read for one second: long enough to reach the next ten, short enough to change nothing.
 */
const LIST_VISIBILITY_SECONDS = 1;

interface WireMessage {
  MessageId?: string;
  Body?: string;
  Attributes?: Record<string, string>;
  MessageAttributes?: Record<string, { DataType?: string; StringValue?: string }>;
}

/**
 * The messages of a queue, left where they are: the peek endpoint on the engine and LocalStack
 * (`/_aws/sqs/messages`, nothing changes), elsewhere ReceiveMessage with a 1-second visibility timeout (each read counts as a
 * receive there, so ApproximateReceiveCount grows).
 */
export async function readDeadLetters(conn: Connection, queue: { name: string; url: string }, signal: AbortSignal): Promise<{ messages: DeadLetter[]; method: 'peek' | 'receive' }> {
  if (conn.endpoint.kind === 'evlab' || conn.endpoint.kind === 'localstack') {
    const url = `${conn.target.endpoint.replace(/\/$/, '')}/_aws/sqs/messages?QueueUrl=${encodeURIComponent(queue.url)}`;
    const res = await httpGetJson(url, signal);
    if (res) return { messages: res.map((m) => toDeadLetter(queue.name, m)), method: 'peek' };
  }
  const sqs = await conn.clients.sqs();
  return { messages: (await receiveAll(sqs, queue.url, signal)).map((m) => toDeadLetter(queue.name, m)), method: 'receive' };
}

async function httpGetJson(url: string, signal: AbortSignal): Promise<WireMessage[] | undefined> {
  const { status, text } = await httpGet(url, signal);
  if (status !== 200) return undefined;
  try {
    const data = JSON.parse(text) as { Messages?: WireMessage[]; ReceiveMessageResponse?: { ReceiveMessageResult?: { Message?: unknown } } };
    if (Array.isArray(data.Messages)) return data.Messages;
    if (data.ReceiveMessageResponse) return fromQueryJson(data.ReceiveMessageResponse.ReceiveMessageResult?.Message);
    return [];
  } catch {
    return undefined;
  }
}

/** LocalStack's `Accept: application/json` answer is the query XML as JSON: attributes as Name/Value lists. */
function fromQueryJson(message: unknown): WireMessage[] {
  const list = message === undefined || message === null ? [] : Array.isArray(message) ? message : [message];
  return list.map((m: Record<string, unknown>) => {
    const pairs = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]) as Record<string, unknown>[];
    const Attributes = Object.fromEntries(pairs(m.Attribute).map((a) => [String(a.Name), String(a.Value)]));
    const MessageAttributes = Object.fromEntries(
      pairs(m.MessageAttribute).map((a) => {
        const value = (a.Value ?? {}) as Record<string, unknown>;
        return [String(a.Name), { DataType: String(value.DataType ?? 'String'), StringValue: value.StringValue === undefined ? undefined : String(value.StringValue) }];
      }),
    );
    return { MessageId: String(m.MessageId), Body: String(m.Body ?? ''), Attributes, MessageAttributes };
  });
}

async function receiveAll(sqs: SQSClient, url: string, signal: AbortSignal): Promise<WireMessage[]> {
  const { ReceiveMessageCommand, ChangeMessageVisibilityBatchCommand } = await import('@aws-sdk/client-sqs');
  const seen = new Map<string, WireMessage>();
  const handles: string[] = [];
  let empty = 0;
  for (let round = 0; round < MAX_ROUNDS && empty < MAX_EMPTY_ROUNDS; round++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: LIST_VISIBILITY_SECONDS, WaitTimeSeconds: 0, AttributeNames: ['All'], MessageAttributeNames: ['All'] }),
      { abortSignal: signal },
    );
    const fresh = Messages.filter((m) => m.MessageId && !seen.has(m.MessageId));
    for (const m of fresh) seen.set(m.MessageId!, m as WireMessage);
    for (const m of Messages) if (m.ReceiptHandle) handles.push(m.ReceiptHandle);
    empty = fresh.length === 0 ? empty + 1 : 0;
  }
  // Visible again at once, so that the next command (a redrive, say) sees every message.
  for (let i = 0; i < handles.length; i += 10) {
    const Entries = handles.slice(i, i + 10).map((ReceiptHandle, k) => ({ Id: String(k), ReceiptHandle, VisibilityTimeout: 0 }));
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries })).catch(() => undefined);
  }
  return [...seen.values()];
}

export function toDeadLetter(queue: string, m: WireMessage): DeadLetter {
  const attrs = (m.MessageAttributes ?? {}) as DeadLetter['attributes'];
  const text = (...names: string[]) => names.map((n) => attrs[n]?.StringValue).find((v) => v !== undefined);
  const sent = Number(m.Attributes?.SentTimestamp);
  return {
    queue,
    messageId: m.MessageId ?? '',
    requestId: text('RequestID'),
    errorCode: text('ErrorCode', 'ERROR_CODE'),
    errorMessage: text('ErrorMessage', 'ERROR_MESSAGE'),
    receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
    sentAt: Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : undefined,
    sourceQueueArn: m.Attributes?.DeadLetterQueueSourceArn,
    ruleArn: text('RULE_ARN'),
    targetArn: text('TARGET_ARN'),
    body: m.Body ?? '',
    attributes: attrs,
  };
}
