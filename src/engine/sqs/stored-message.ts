import { randomBytes } from 'node:crypto';
import { receiptHandleIsInvalid } from './errors.js';
import type { MessageAttributes } from './message-attributes.js';

export type MessageState = 'visible' | 'inflight' | 'delayed';

export interface StoredMessage {
  id: string;
  body: string;
  md5OfBody: string;
  attributes: MessageAttributes;
  md5OfAttributes?: string;
  systemAttributes: MessageAttributes;
  md5OfSystemAttributes?: string;
  /** Epoch ms of the original send (kept when moved to a dead-letter queue, as AWS does). */
  sentAt: number;
  firstReceivedAt?: number;
  receiveCount: number;
  state: MessageState;
  /** Epoch ms at which an in-flight or delayed message becomes visible. */
  deadline: number;
  /** Bumped on every state change, so that stale deadline-heap entries are recognised. */
  version: number;
  receiptHandle?: string;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
  deadLetterSourceArn?: string;
}

export interface NewMessage {
  body: string;
  md5OfBody: string;
  attributes: MessageAttributes;
  md5OfAttributes?: string;
  systemAttributes: MessageAttributes;
  md5OfSystemAttributes?: string;
  delaySeconds: number;
  groupId?: string;
  dedupId?: string;
}

const HANDLE = /^([0-9a-f-]{36}) [0-9a-f]{24}$/;

export function newReceiptHandle(messageId: string): string {
  return Buffer.from(`${messageId} ${randomBytes(12).toString('hex')}`).toString('base64');
}

/** Receipt handles are opaque to clients; ours carry the message id so any handle ever issued finds it. */
export function messageIdOf(receiptHandle: string): string {
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(receiptHandle) ? Buffer.from(receiptHandle, 'base64').toString('latin1') : '';
  const match = HANDLE.exec(decoded);
  if (!match) throw receiptHandleIsInvalid(receiptHandle);
  return match[1];
}
