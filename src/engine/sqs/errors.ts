import { AwsError } from '../protocol/aws-error.js';

/**
 * SQS speaks AWS JSON 1.0 in "query compatible" mode: the JSON `__type` is the Smithy shape name,
 * and `x-amzn-query-error: <legacy code>;<fault>` carries the code query-protocol clients knew
 * (the SDKs surface that code as the error's Code). The legacy codes and HTTP statuses are the
 * `awsQueryError` traits of the SQS Smithy model.
 */
const JSON_PREFIX = 'com.amazonaws.sqs#';

function sqsError(shape: string, queryCode: string, status: number, message: string): AwsError {
  return new AwsError(shape, status, message, {
    typePrefix: JSON_PREFIX,
    queryCode,
    headers: { 'x-amzn-query-error': `${queryCode};Sender` },
  });
}

export const queueDoesNotExist = () =>
  sqsError('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 400, 'The specified queue does not exist.');

export const queueNameExists = (attribute: string) =>
  sqsError('QueueNameExists', 'QueueAlreadyExists', 400, `A queue already exists with the same name and a different value for attribute ${attribute}`);

export const invalidParameterValue = (message: string) =>
  sqsError('InvalidParameterValueException', 'InvalidParameterValue', 400, message);

export const invalidParameter = (name: string, value: unknown, reason: string) =>
  invalidParameterValue(`Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`);

export const missingParameter = (name: string) =>
  sqsError('MissingRequiredParameterException', 'MissingParameter', 400, `The request must contain the parameter ${name}.`);

export const invalidAttributeName = (name: string) => sqsError('InvalidAttributeName', 'InvalidAttributeName', 400, `Unknown Attribute ${name}.`);

export const invalidAttributeValue = (name: string) =>
  sqsError('InvalidAttributeValue', 'InvalidAttributeValue', 400, `Invalid value for the parameter ${name}.`);

export const invalidMessageContents = () =>
  sqsError(
    'InvalidMessageContents',
    'InvalidMessageContents',
    400,
    'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
  );

export const receiptHandleIsInvalid = (handle: string) =>
  sqsError('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', 404, `The input receipt handle "${handle}" is not a valid receipt handle.`);

export const messageNotInflight = () =>
  sqsError('MessageNotInflight', 'AWS.SimpleQueueService.MessageNotInflight', 400, 'Message does not exist or is not available for visibility timeout change.');

export const invalidAddress = (address: string) => sqsError('InvalidAddress', 'InvalidAddress', 404, `The address ${address} is not valid for this endpoint.`);

export const emptyBatchRequest = (entryShape: string) =>
  sqsError('EmptyBatchRequest', 'AWS.SimpleQueueService.EmptyBatchRequest', 400, `There should be at least one ${entryShape} in the request.`);

export const tooManyEntriesInBatchRequest = (count: number) =>
  sqsError(
    'TooManyEntriesInBatchRequest',
    'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    400,
    `Maximum number of entries per request are 10. You have sent ${count}.`,
  );

export const batchEntryIdsNotDistinct = (id: string) =>
  sqsError('BatchEntryIdsNotDistinct', 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400, `Id ${id} repeated.`);

export const invalidBatchEntryId = () =>
  sqsError(
    'InvalidBatchEntryId',
    'AWS.SimpleQueueService.InvalidBatchEntryId',
    400,
    'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
  );

export const batchRequestTooLong = (limit: number, sent: number) =>
  sqsError('BatchRequestTooLong', 'AWS.SimpleQueueService.BatchRequestTooLong', 400, `Batch requests cannot be longer than ${limit} bytes. You have sent ${sent} bytes.`);

export const unknownOperation = (operation: string | undefined) =>
  new AwsError('UnknownOperationException', 400, `The action ${operation ?? '(none)'} is not valid for this web service.`, {
    typePrefix: 'com.amazon.coral.service#',
    queryCode: 'InvalidAction',
    headers: { 'x-amzn-query-error': 'InvalidAction;Sender' },
  });

/** The code a batch result's Failed entry carries for an error (the legacy query code, as AWS reports it). */
export function batchFailure(id: string, err: unknown): { Id: string; SenderFault: boolean; Code: string; Message: string } {
  if (err instanceof AwsError) return { Id: id, SenderFault: err.fault === 'Sender', Code: err.queryCode ?? err.code, Message: err.message };
  return { Id: id, SenderFault: false, Code: 'InternalError', Message: err instanceof Error ? err.message : String(err) };
}
