import type { InternalMessage } from '../types.js';

/** One SQS message as Lambda hands it to a function (lowercase keys, attribute values as stringValue/dataType). */
export function sqsRecord(message: InternalMessage, region: string): Record<string, unknown> {
  const messageAttributes: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(message.messageAttributes)) {
    messageAttributes[name] = {
      ...(attribute.StringValue !== undefined ? { stringValue: attribute.StringValue } : {}),
      ...(attribute.BinaryValue !== undefined ? { binaryValue: Buffer.from(attribute.BinaryValue).toString('base64') } : {}),
      stringListValues: [],
      binaryListValues: [],
      dataType: attribute.DataType,
    };
  }
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: message.attributes,
    messageAttributes,
    md5OfBody: message.md5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: message.eventSourceArn,
    awsRegion: region,
  };
}

/**
 * The message ids a function reported as failed (ReportBatchItemFailures), or undefined when the
 * response is not a valid partial-batch answer (then the whole batch counts as failed, as on AWS).
 */
export function batchItemFailures(payload: Buffer, ids: Set<string>): Set<string> | undefined {
  // AWS: an empty or null EventResponse, or an empty or null list, means the whole batch succeeded.
  if (payload.toString('utf8').trim() === '') return new Set();
  let response: unknown;
  try {
    response = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (response === null || response === undefined) return new Set();
  if (typeof response !== 'object' || Array.isArray(response)) return undefined;
  const failures = (response as Record<string, unknown>).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return undefined;
  const failed = new Set<string>();
  for (const item of failures) {
    const id = (item as Record<string, unknown> | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return undefined;
    failed.add(id);
  }
  return failed;
}
