import { invalidAttributeName, invalidParameter, invalidParameterValue, missingParameter, queueDoesNotExist, queueNameExists } from './errors.js';
import { optionalInt, optionalString, requiredString, stringList, stringMap, type Input } from './input.js';
import { queueOf, type Operation, type OperationContext, type Output } from './operation-context.js';
import type { Queue } from './queue.js';
import { FIFO_DEFAULTS, STANDARD_DEFAULTS, isKnownAttribute, normalizeAttributes } from './queue-attributes.js';

// Queue names: 1-80 of [A-Za-z0-9_-]; a FIFO queue's name ends in .fifo, which counts toward the 80.
const STANDARD_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;
const MAX_TAGS = 50;

export const createQueue: Operation = (oc, input) => {
  const name = requiredString(input, 'QueueName');
  const requested = stringMap(input, 'Attributes');
  const fifo = requested.FifoQueue?.trim() === 'true';
  if (fifo ? !FIFO_NAME.test(name) : !STANDARD_NAME.test(name)) {
    throw invalidParameterValue(
      fifo
        ? 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.'
        : 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    );
  }
  const attributes = normalizeAttributes(requested, fifo, true);
  checkRedriveTarget(oc, attributes.RedrivePolicy, fifo);
  const existing = oc.store.get(oc.region, name);
  if (existing) {
    // Idempotent only when every attribute the request names matches the existing queue.
    for (const [key, value] of Object.entries(attributes)) {
      if ((existing.attributes[key] ?? '') !== value) throw queueNameExists(key);
    }
    return { QueueUrl: oc.store.urlOf(existing) };
  }
  const tags = stringMap(input, 'tags');
  if (Object.keys(tags).length > MAX_TAGS) throw invalidParameterValue(`Too many tags added for queue ${name}.`);
  const merged = { ...(fifo ? FIFO_DEFAULTS : STANDARD_DEFAULTS), ...attributes };
  if (merged.RedrivePolicy === '') delete merged.RedrivePolicy;
  const queue = oc.store.create(oc.region, name, merged, tags);
  return { QueueUrl: oc.store.urlOf(queue) };
};

function checkRedriveTarget(oc: OperationContext, policy: string | undefined, fifo: boolean): void {
  if (!policy) return;
  const { deadLetterTargetArn } = JSON.parse(policy) as { deadLetterTargetArn: string };
  const target = oc.store.byArn(deadLetterTargetArn);
  if (!target) throw invalidParameter('RedrivePolicy', policy, 'Dead-letter target does not exist.');
  if (target.settings.fifo !== fifo) throw invalidParameter('RedrivePolicy', policy, 'Dead-letter queue must be same type of queue as the source.');
}

export const getQueueUrl: Operation = (oc, input) => {
  const queue = oc.store.get(oc.region, requiredString(input, 'QueueName'));
  if (!queue) throw queueDoesNotExist();
  return { QueueUrl: oc.store.urlOf(queue) };
};

export const listQueues: Operation = (oc, input) => {
  const prefix = optionalString(input, 'QueueNamePrefix') ?? '';
  const max = optionalInt(input, 'MaxResults', 1, 1000, 'MaxResults must be an integer between 1 and 1000.');
  const names = oc.store
    .list(oc.region)
    .filter((q) => q.name.startsWith(prefix))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  // Without MaxResults AWS returns up to 1,000 queues and no token.
  const offset = max === undefined ? 0 : decodeToken(optionalString(input, 'NextToken'));
  const page = names.slice(offset, offset + (max ?? 1000));
  const out: Output = {};
  if (page.length > 0) out.QueueUrls = page.map((q) => oc.store.urlOf(q));
  if (max !== undefined && offset + max < names.length) out.NextToken = Buffer.from(`offset:${offset + max}`).toString('base64');
  return out;
};

function decodeToken(token: string | undefined): number {
  if (!token) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
  if (!match) throw invalidParameterValue('Invalid NextToken value.');
  return Number(match[1]);
}

export const getQueueAttributes: Operation = (oc, input) => {
  const queue = queueOf(oc, input);
  const names = stringList(input, 'AttributeNames');
  for (const name of names) if (name !== 'All' && !isKnownAttribute(name)) throw invalidAttributeName(name);
  if (names.length === 0) return {};
  const all = queueAttributes(queue);
  if (names.includes('All')) return { Attributes: all };
  const selected: Record<string, string> = {};
  for (const name of names) if (all[name] !== undefined) selected[name] = all[name];
  return { Attributes: selected };
};

export function queueAttributes(queue: Queue): Record<string, string> {
  const counts = queue.counts();
  return {
    QueueArn: queue.arn,
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.inflight),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: String(queue.createdAt),
    LastModifiedTimestamp: String(queue.modifiedAt),
    ...queue.attributes,
  };
}

export const setQueueAttributes: Operation = (oc, input) => {
  const queue = queueOf(oc, input);
  if (input.Attributes === undefined) throw missingParameter('Attributes');
  const attributes = normalizeAttributes(stringMap(input, 'Attributes'), queue.settings.fifo, false);
  checkRedriveTarget(oc, attributes.RedrivePolicy, queue.settings.fifo);
  const merged = { ...queue.attributes, ...attributes };
  if (merged.RedrivePolicy === '') delete merged.RedrivePolicy;
  queue.setAttributes(merged);
  return {};
};

export const deleteQueue: Operation = (oc, input) => {
  oc.store.delete(queueOf(oc, input));
  return {};
};

export const purgeQueue: Operation = (oc, input) => {
  queueOf(oc, input).purge();
  return {};
};

export const tagQueue: Operation = (oc, input) => {
  const queue = queueOf(oc, input);
  const tags = stringMap(input, 'Tags');
  if (Object.keys(tags).length === 0) throw missingParameter('Tags');
  const merged = { ...queue.tags, ...tags };
  if (Object.keys(merged).length > MAX_TAGS) throw invalidParameterValue(`Too many tags added for queue ${queue.name}.`);
  queue.tags = merged;
  return {};
};

export const untagQueue: Operation = (oc, input) => {
  const queue = queueOf(oc, input);
  const keys = stringList(input, 'TagKeys');
  if (keys.length === 0) throw missingParameter('TagKeys');
  for (const key of keys) delete queue.tags[key];
  return {};
};

export const listQueueTags: Operation = (oc, input) => {
  const queue = queueOf(oc, input);
  return Object.keys(queue.tags).length > 0 ? { Tags: { ...queue.tags } } : {};
};

export const listDeadLetterSourceQueues: Operation = (oc, input: Input) => {
  const target = queueOf(oc, input);
  const sources = oc.store.all().filter((q) => q.settings.redrive?.deadLetterTargetArn === target.arn);
  return { queueUrls: sources.map((q) => oc.store.urlOf(q)) };
};
