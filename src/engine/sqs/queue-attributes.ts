import { invalidAttributeName, invalidAttributeValue, invalidParameter } from './errors.js';

/** Settings a queue's behaviour reads on every operation, parsed once per change of attributes. */
export interface QueueSettings {
  visibilityTimeout: number;
  delaySeconds: number;
  retentionSeconds: number;
  receiveWaitSeconds: number;
  maximumMessageSize: number;
  redrive?: { deadLetterTargetArn: string; maxReceiveCount: number };
  fifo: boolean;
  contentBasedDeduplication: boolean;
}

// Ranges and defaults from the CreateQueue API reference (MaximumMessageSize: 1 KiB to 1 MiB, 1 MiB by default since 2025).
const INTEGER_RANGES: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

export const STANDARD_DEFAULTS: Readonly<Record<string, string>> = {
  VisibilityTimeout: '30',
  DelaySeconds: '0',
  MaximumMessageSize: '1048576',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  SqsManagedSseEnabled: 'true',
};

export const FIFO_DEFAULTS: Readonly<Record<string, string>> = {
  ...STANDARD_DEFAULTS,
  FifoQueue: 'true',
  ContentBasedDeduplication: 'false',
  DeduplicationScope: 'queue',
  FifoThroughputLimit: 'perQueue',
};

const FIFO_ONLY = new Set(['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);
const FREE_TEXT = new Set(['Policy', 'RedriveAllowPolicy', 'KmsMasterKeyId']);
const ENUMS: Record<string, string[]> = {
  SqsManagedSseEnabled: ['true', 'false'],
  ContentBasedDeduplication: ['true', 'false'],
  DeduplicationScope: ['messageGroup', 'queue'],
  FifoThroughputLimit: ['perQueue', 'perMessageGroupId'],
};

/** Attributes only GetQueueAttributes reports. */
export const COMPUTED_ATTRIBUTES = [
  'QueueArn',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
];

export function isKnownAttribute(name: string): boolean {
  return name in INTEGER_RANGES || FREE_TEXT.has(name) || name in ENUMS || name === 'RedrivePolicy' || name === 'FifoQueue' || COMPUTED_ATTRIBUTES.includes(name);
}

/**
 * Validates requested attributes and returns them in the canonical form GetQueueAttributes reports
 * (integers without padding, RedrivePolicy as compact JSON with a numeric maxReceiveCount).
 * An empty RedrivePolicy stays '' and means "remove" to SetQueueAttributes.
 */
export function normalizeAttributes(requested: Record<string, string>, fifo: boolean, creating: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(requested)) {
    const value = raw.trim();
    if (name in INTEGER_RANGES) {
      const [min, max] = INTEGER_RANGES[name];
      if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw invalidAttributeValue(name);
      out[name] = String(Number(value));
    } else if (name === 'RedrivePolicy') {
      out[name] = value === '' ? '' : normalizeRedrivePolicy(raw);
    } else if (name === 'FifoQueue') {
      // FifoQueue is fixed at creation; AWS rejects it on standard queues and on SetQueueAttributes.
      if (!creating || value !== String(fifo)) throw invalidAttributeName(name);
      if (fifo) out[name] = 'true';
    } else if (FIFO_ONLY.has(name) && !fifo) {
      throw invalidAttributeName(name);
    } else if (name in ENUMS) {
      if (!ENUMS[name].includes(value)) throw invalidAttributeValue(name);
      out[name] = value;
    } else if (FREE_TEXT.has(name)) {
      out[name] = raw;
    } else {
      throw invalidAttributeName(name);
    }
  }
  return out;
}

function normalizeRedrivePolicy(raw: string): string {
  const reject = (reason: string) => invalidParameter('RedrivePolicy', raw, reason);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw reject('Redrive policy is not a valid JSON map.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw reject('Redrive policy is not a valid JSON map.');
  const policy = parsed as Record<string, unknown>;
  const arn = policy.deadLetterTargetArn;
  if (typeof arn !== 'string' || arn === '') throw reject('Redrive policy does not contain mandatory attribute: deadLetterTargetArn.');
  if (policy.maxReceiveCount === undefined) throw reject('Redrive policy does not contain mandatory attribute: maxReceiveCount.');
  const count = Number(policy.maxReceiveCount);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw reject(`Invalid value for maxReceiveCount: ${String(policy.maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`);
  }
  return JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: count });
}

export function settingsFrom(attributes: Record<string, string>): QueueSettings {
  const redrive = attributes.RedrivePolicy ? (JSON.parse(attributes.RedrivePolicy) as QueueSettings['redrive']) : undefined;
  return {
    visibilityTimeout: Number(attributes.VisibilityTimeout),
    delaySeconds: Number(attributes.DelaySeconds),
    retentionSeconds: Number(attributes.MessageRetentionPeriod),
    receiveWaitSeconds: Number(attributes.ReceiveMessageWaitTimeSeconds),
    maximumMessageSize: Number(attributes.MaximumMessageSize),
    redrive,
    fifo: attributes.FifoQueue === 'true',
    contentBasedDeduplication: attributes.ContentBasedDeduplication === 'true',
  };
}
