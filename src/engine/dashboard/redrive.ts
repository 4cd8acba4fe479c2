import type { AwsClients } from '../../aws/clients.js';

export interface RedriveAnswer {
  queue: string;
  /** `function <name>` or `queue <name>`: where the dead letters came from. */
  to: string;
  redriven: number;
  failed: number;
}

/**
 * The dashboard's Redrive button: each dead letter goes back to where it came from (an asynchronous invoke of the
 * function with the original event, or the source queue), and is deleted from the DLQ only once handed on.
 */
export async function redriveFromDashboard(clients: AwsClients, queue: string): Promise<RedriveAnswer> {
  const { readInventory } = await import('../../status/inventory.js');
  const { stack } = await readInventory({ clients });
  if (!(queue in (stack.queues ?? {}))) throw new RedriveError(`queue ${queue} does not exist`);
  const fn = Object.entries(stack.functions ?? {}).find(([, f]) => f.deadLetterQueue === queue || f.onFailure?.queue === queue)?.[0];
  const source = Object.entries(stack.queues ?? {}).find(([, q]) => q.deadLetterQueue === queue)?.[0];
  if (!fn && !source) throw new RedriveError(`queue ${queue} is no function's or queue's dead-letter queue: there is nowhere to send its messages back to`);

  const sqs = await clients.sqs();
  const { GetQueueUrlCommand, ReceiveMessageCommand, DeleteMessageCommand, SendMessageCommand } = await import('@aws-sdk/client-sqs');
  const dlqUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: queue }))).QueueUrl!;
  const sourceUrl = source ? (await sqs.send(new GetQueueUrlCommand({ QueueName: source }))).QueueUrl! : undefined;
  const lambda = fn ? await clients.lambda() : undefined;
  const { InvokeCommand } = await import('@aws-sdk/client-lambda');
  let redriven = 0;
  let failed = 0;
  for (;;) {
    const batch = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60, MessageAttributeNames: ['All'] }));
    const messages = batch.Messages ?? [];
    if (messages.length === 0) break;
    for (const m of messages) {
      try {
        if (lambda && fn) {
          const answer = await lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: new TextEncoder().encode(originalEvent(m.Body ?? '')) }));
          if (answer.StatusCode !== 202) throw new Error(`Invoke answered ${answer.StatusCode}`);
        } else {
          await sqs.send(new SendMessageCommand({ QueueUrl: sourceUrl, MessageBody: m.Body ?? '', MessageAttributes: m.MessageAttributes }));
        }
        await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: m.ReceiptHandle }));
        redriven++;
      } catch {
        // Left in the DLQ: it becomes visible again when its visibility timeout ends.
        failed++;
      }
    }
    if (failed > 0) break;
  }
  return { queue, to: fn ? `function ${fn}` : `queue ${source}`, redriven, failed };
}

/** An OnFailure destination record carries the event as requestPayload; a DLQ message is the event itself. */
function originalEvent(body: string): string {
  try {
    const record = JSON.parse(body) as { requestPayload?: unknown; requestContext?: unknown };
    if (record && typeof record === 'object' && 'requestContext' in record && 'requestPayload' in record) return JSON.stringify(record.requestPayload);
  } catch {
    // Not JSON: handed on as it is.
  }
  return body;
}

export class RedriveError extends Error {}
