import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SubscriptionState } from '../../stack/model.js';
import { destinationOfArn } from './arns.js';
import { deleteIfExists, ifExists } from './errors.js';

const lambdaModule = () => import('@aws-sdk/client-lambda');

/**
 * The function's event source mappings from SQS queues. Mappings from other sources (streams) are not
 * listed: a stack file cannot declare them, so setup must not remove them.
 */
export async function readQueueMappings(lambda: LambdaClient, fn: string): Promise<SubscriptionState[]> {
  const { ListEventSourceMappingsCommand } = await lambdaModule();
  const found: SubscriptionState[] = [];
  let marker: string | undefined;
  do {
    const page = await ifExists(lambda.send(new ListEventSourceMappingsCommand({ FunctionName: fn, Marker: marker })));
    if (!page) break;
    for (const m of page.EventSourceMappings ?? []) {
      const source = destinationOfArn(m.EventSourceArn ?? '');
      if (source.kind !== 'queue') continue;
      const state = m.State ?? 'Enabled';
      found.push({
        key: `${source.name} → ${fn}`,
        queue: source.name,
        function: fn,
        batchSize: m.BatchSize ?? 10,
        maximumBatchingWindowSeconds: m.MaximumBatchingWindowInSeconds ?? 0,
        enabled: !(state === 'Disabled' || state === 'Disabling'),
        reportBatchItemFailures: (m.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
        uuid: m.UUID,
      });
    }
    marker = page.NextMarker;
  } while (marker);
  return found;
}

export async function createQueueMapping(lambda: LambdaClient, queueArn: string, sub: SubscriptionState): Promise<string> {
  const { CreateEventSourceMappingCommand } = await lambdaModule();
  const created = await lambda.send(
    new CreateEventSourceMappingCommand({
      EventSourceArn: queueArn,
      FunctionName: sub.function,
      BatchSize: sub.batchSize,
      MaximumBatchingWindowInSeconds: sub.maximumBatchingWindowSeconds,
      Enabled: sub.enabled,
      ...(sub.reportBatchItemFailures ? { FunctionResponseTypes: ['ReportBatchItemFailures'] } : {}),
    }),
  );
  return created.UUID ?? '';
}

export async function updateQueueMapping(lambda: LambdaClient, uuid: string, sub: SubscriptionState): Promise<void> {
  const { UpdateEventSourceMappingCommand } = await lambdaModule();
  await lambda.send(
    new UpdateEventSourceMappingCommand({
      UUID: uuid,
      BatchSize: sub.batchSize,
      MaximumBatchingWindowInSeconds: sub.maximumBatchingWindowSeconds,
      Enabled: sub.enabled,
      FunctionResponseTypes: sub.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
    }),
  );
}

export async function deleteQueueMapping(lambda: LambdaClient, uuid: string): Promise<boolean> {
  const { DeleteEventSourceMappingCommand } = await lambdaModule();
  return deleteIfExists(() => lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid })));
}
