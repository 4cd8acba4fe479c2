import type { InternalMessageAttribute } from '../types.js';
import { parseArn } from './arn.js';
import type { LambdaCore } from './core.js';
import type { LambdaFunction } from './model.js';

export type Condition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';

/** The JSON Lambda sends to an asynchronous invocation's destination (AWS's "invocation record"). */
export function invocationRecord(
  fn: LambdaFunction,
  requestId: string,
  condition: Condition,
  invokeCount: number,
  payload: Buffer,
  response?: { payload: Buffer; error: boolean },
): Record<string, unknown> {
  const record: Record<string, unknown> = {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: { requestId, functionArn: fn.version ? fn.arn : `${fn.arn}:$LATEST`, condition, approximateInvokeCount: invokeCount },
    requestPayload: jsonOrText(payload),
  };
  if (response) {
    record.responseContext = { statusCode: 200, executedVersion: fn.version ?? '$LATEST', ...(response.error ? { functionError: 'Unhandled' } : {}) };
    record.responsePayload = jsonOrText(response.payload);
  }
  return record;
}

/**
 * Sends a record to an SQS queue, a function (asynchronously) or an EventBridge bus; throws when it cannot.
 * `requestId` is the invocation the record is about: the message it becomes is traced under it.
 */
export async function sendToDestination(
  core: LambdaCore,
  destination: string,
  record: Record<string, unknown>,
  fn: LambdaFunction,
  success: boolean,
  requestId?: string,
): Promise<{ messageId?: string; requestId?: string }> {
  const arn = parseArn(destination);
  const body = JSON.stringify(record);
  switch (arn?.service) {
    case 'sqs':
      return { messageId: (await (await core.ctx.service('sqs')).sendToArn(destination, body, undefined, undefined, requestId)).messageId };
    case 'lambda': {
      const target = core.store.require(destination, fn.region);
      return { requestId: core.asyncInvoker.enqueue(target, Buffer.from(body), undefined, undefined, requestId ? { traceId: requestId, requestId } : undefined) };
    }
    case 'events': {
      const events = await core.ctx.service('events');
      await events.putEventsInternal(
        [
          {
            Source: 'lambda',
            DetailType: `Lambda Function Invocation Result - ${success ? 'Success' : 'Failure'}`,
            Detail: body,
            EventBusName: destination,
            Resources: [fn.version ? fn.arn : `${fn.arn}:$LATEST`],
          },
        ],
        arn.region || fn.region,
      );
      return {};
    }
    default:
      throw new Error(`the evlab engine cannot deliver to ${destination} (SQS queues, Lambda functions and EventBridge buses only)`);
  }
}

/**
 * A dead-letter queue gets the original event, unchanged, with AWS's three attributes: RequestID,
 * ErrorCode (the HTTP status, 200 for a function error) and ErrorMessage (truncated to 1 KB).
 */
export async function sendToDeadLetterQueue(
  core: LambdaCore,
  queueArn: string,
  payload: Buffer,
  requestId: string,
  errorMessage: string,
  errorCode = '200',
): Promise<{ messageId: string }> {
  if (parseArn(queueArn)?.service !== 'sqs') throw new Error(`the evlab engine cannot deliver to ${queueArn} (SQS dead-letter queues only)`);
  const attributes: Record<string, InternalMessageAttribute> = {
    RequestID: { DataType: 'String', StringValue: requestId },
    ErrorCode: { DataType: 'Number', StringValue: errorCode },
    ErrorMessage: { DataType: 'String', StringValue: truncateUtf8(errorMessage || 'Unhandled', 1024) },
  };
  return (await core.ctx.service('sqs')).sendToArn(queueArn, payload.toString('utf8'), attributes, undefined, requestId);
}

function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  // Cut at a character boundary.
  let end = maxBytes;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

function jsonOrText(payload: Buffer): unknown {
  const text = payload.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
