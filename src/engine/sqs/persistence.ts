import type { MessageAttributes } from './message-attributes.js';
import type { Queue } from './queue.js';
import type { StoredMessage } from './stored-message.js';
import type { SqsStore } from './store.js';

const FORMAT_VERSION = 1;

type PersistedAttributes = Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
export type PersistedMessage = Omit<StoredMessage, 'attributes' | 'systemAttributes'> & {
  attributes: PersistedAttributes;
  systemAttributes: PersistedAttributes;
};

interface PersistedQueue {
  region: string;
  name: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  createdAt: number;
  modifiedAt: number;
  lastSequence: number;
  messages: PersistedMessage[];
}

export interface PersistedState {
  version: number;
  queues: PersistedQueue[];
}

export function encodeMessage(m: StoredMessage): PersistedMessage {
  return { ...m, attributes: encode(m.attributes), systemAttributes: encode(m.systemAttributes) };
}

/** Every queue and message (with its visibility deadline), as JSON-ready data. */
export function snapshotOf(queues: Queue[]): PersistedState {
  return {
    version: FORMAT_VERSION,
    queues: queues.map((q) => ({
      region: q.region,
      name: q.name,
      attributes: q.attributes,
      tags: q.tags,
      createdAt: q.createdAt,
      modifiedAt: q.modifiedAt,
      lastSequence: q.lastSequence,
      messages: q.allMessages().map(encodeMessage),
    })),
  };
}

/** Puts back what was saved; a message whose visibility ran out while stopped is visible again. */
export function restoreQueues(store: SqsStore, state: PersistedState | undefined): void {
  if (!state || state.version !== FORMAT_VERSION || !Array.isArray(state.queues)) return;
  for (const saved of state.queues) {
    const queue = store.create(saved.region, saved.name, saved.attributes, saved.tags);
    queue.createdAt = saved.createdAt;
    queue.modifiedAt = saved.modifiedAt;
    queue.lastSequence = saved.lastSequence;
    for (const m of saved.messages) {
      queue.restoreMessage({ ...m, attributes: decode(m.attributes), systemAttributes: decode(m.systemAttributes) });
    }
  }
}

function encode(attributes: MessageAttributes): PersistedAttributes {
  const out: PersistedAttributes = Object.create(null);
  for (const [name, a] of Object.entries(attributes)) {
    out[name] = a.BinaryValue ? { DataType: a.DataType, BinaryValue: a.BinaryValue.toString('base64') } : { DataType: a.DataType, StringValue: a.StringValue };
  }
  return out;
}

function decode(attributes: PersistedAttributes): MessageAttributes {
  const out: MessageAttributes = Object.create(null);
  for (const [name, a] of Object.entries(attributes ?? {})) {
    out[name] = a.BinaryValue !== undefined ? { DataType: a.DataType, BinaryValue: Buffer.from(a.BinaryValue, 'base64') } : { DataType: a.DataType, StringValue: a.StringValue };
  }
  return out;
}
