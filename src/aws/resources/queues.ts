import type { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueState } from '../../stack/model.js';
import { queueNameOfArn } from './arns.js';
import { deleteIfExists, ifExists } from './errors.js';

export interface QueueRecord {
  state: QueueState;
  url: string;
  arn: string;
}

const sqsModule = () => import('@aws-sdk/client-sqs');

export async function readQueue(sqs: SQSClient, name: string): Promise<QueueRecord | undefined> {
  const { GetQueueUrlCommand, GetQueueAttributesCommand } = await sqsModule();
  const found = await ifExists(sqs.send(new GetQueueUrlCommand({ QueueName: name })));
  if (!found?.QueueUrl) return undefined;
  const attributes = await ifExists(sqs.send(new GetQueueAttributesCommand({ QueueUrl: found.QueueUrl, AttributeNames: ['All'] })));
  if (!attributes) return undefined;
  const a = attributes.Attributes ?? {};
  let redrive: QueueState['redrive'] = null;
  if (a.RedrivePolicy) {
    try {
      const policy = JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
      if (policy.deadLetterTargetArn) redrive = { deadLetterQueue: queueNameOfArn(policy.deadLetterTargetArn), maxReceiveCount: Number(policy.maxReceiveCount) };
    } catch {
      redrive = { deadLetterQueue: a.RedrivePolicy, maxReceiveCount: 0 };
    }
  }
  return {
    url: found.QueueUrl,
    arn: a.QueueArn ?? '',
    state: {
      name,
      visibilityTimeout: Number(a.VisibilityTimeout ?? 30),
      delaySeconds: Number(a.DelaySeconds ?? 0),
      messageRetentionPeriod: Number(a.MessageRetentionPeriod ?? 345600),
      receiveMessageWaitTimeSeconds: Number(a.ReceiveMessageWaitTimeSeconds ?? 0),
      redrive,
      fifo: a.FifoQueue === 'true',
      contentBasedDeduplication: a.ContentBasedDeduplication === 'true',
    },
  };
}

/** SQS attributes for a queue; an empty RedrivePolicy removes an existing one. FifoQueue is only given at creation. */
export function queueAttributes(state: QueueState, deadLetterQueueArn: string | undefined): Record<string, string> {
  return {
    ...(state.fifo ? { ContentBasedDeduplication: String(state.contentBasedDeduplication) } : {}),
    VisibilityTimeout: String(state.visibilityTimeout),
    DelaySeconds: String(state.delaySeconds),
    MessageRetentionPeriod: String(state.messageRetentionPeriod),
    ReceiveMessageWaitTimeSeconds: String(state.receiveMessageWaitTimeSeconds),
    RedrivePolicy: state.redrive && deadLetterQueueArn ? JSON.stringify({ deadLetterTargetArn: deadLetterQueueArn, maxReceiveCount: state.redrive.maxReceiveCount }) : '',
  };
}

export async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string>): Promise<{ url: string; arn: string }> {
  const { CreateQueueCommand, GetQueueAttributesCommand } = await sqsModule();
  const withoutEmpty: Record<string, string> = Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== ''));
  if (name.endsWith('.fifo')) withoutEmpty.FifoQueue = 'true';
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: withoutEmpty }));
  const url = created.QueueUrl!;
  const read = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url, arn: read.Attributes?.QueueArn ?? '' };
}

export async function setQueueAttributes(sqs: SQSClient, url: string, attributes: Record<string, string>): Promise<void> {
  const { SetQueueAttributesCommand } = await sqsModule();
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
}

export async function deleteQueue(sqs: SQSClient, url: string): Promise<boolean> {
  const { DeleteQueueCommand } = await sqsModule();
  return deleteIfExists(() => sqs.send(new DeleteQueueCommand({ QueueUrl: url })));
}
