import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageAttributes } from './message-attributes.js';
import type { StoredMessage } from './stored-message.js';
import type { SqsStore } from './store.js';

const FILE = 'queues.json';
const FORMAT_VERSION = 1;

type PersistedAttributes = Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
type PersistedMessage = Omit<StoredMessage, 'attributes' | 'systemAttributes'> & {
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

/** Writes every queue and message (with its visibility deadline) as JSON; atomic via rename. */
export async function saveQueues(store: SqsStore, dir: string): Promise<void> {
  const queues: PersistedQueue[] = store.all().map((q) => ({
    region: q.region,
    name: q.name,
    attributes: q.attributes,
    tags: q.tags,
    createdAt: q.createdAt,
    modifiedAt: q.modifiedAt,
    lastSequence: q.lastSequence,
    messages: q.allMessages().map((m) => ({ ...m, attributes: encode(m.attributes), systemAttributes: encode(m.systemAttributes) })),
  }));
  const path = join(dir, FILE);
  await writeFile(`${path}.tmp`, JSON.stringify({ version: FORMAT_VERSION, queues }));
  await rename(`${path}.tmp`, path);
}

/** Restores what saveQueues wrote; a message whose visibility ran out while stopped is visible again. */
export function restoreQueues(store: SqsStore, dir: string, log: (line: string) => void): void {
  const path = join(dir, FILE);
  if (!existsSync(path)) return;
  let state: { version: number; queues: PersistedQueue[] };
  try {
    state = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    log(`sqs: could not read ${path}, starting with no queues: ${(err as Error).message}`);
    return;
  }
  if (state.version !== FORMAT_VERSION || !Array.isArray(state.queues)) return;
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
