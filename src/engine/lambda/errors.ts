import { AwsError } from '../protocol/aws-error.js';

// Lambda's error codes and the HTTP statuses its REST-JSON API uses for them.

export const functionNotFound = (arn: string) => new AwsError('ResourceNotFoundException', 404, `Function not found: ${arn}`);

export const resourceNotFound = (message = 'The resource you requested does not exist.') =>
  new AwsError('ResourceNotFoundException', 404, message);

export const invalidParameter = (message: string) => new AwsError('InvalidParameterValueException', 400, message);

export const conflict = (message: string) => new AwsError('ResourceConflictException', 409, message);

export const validation = (message: string) => new AwsError('ValidationException', 400, message);

export const preconditionFailed = () =>
  new AwsError(
    'PreconditionFailedException',
    412,
    'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
  );

// The API model calls it RequestTooLargeException; on the wire Lambda sends RequestEntityTooLargeException.
export const syncPayloadTooLarge = (limit: number) =>
  new AwsError('RequestEntityTooLargeException', 413, `Request must be smaller than ${limit} bytes for the InvokeFunction operation`);

export const asyncPayloadTooLarge = (size: number, limit: number) =>
  new AwsError('RequestEntityTooLargeException', 413, `${size} byte payload is too large for the Event invocation type (limit ${limit} bytes)`);

export const throttled = () =>
  new AwsError('TooManyRequestsException', 429, 'Rate Exceeded.', { fields: { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' } });

export const notActive = (state: string) =>
  conflict(`The operation cannot be performed at this time. The function is currently in the following state: ${state}`);

export const updateInProgress = (arn: string) =>
  conflict(`The operation cannot be performed at this time. An update is in progress for resource: ${arn}`);

/** "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: ..." */
export const constraint = (value: unknown, field: string, rule: string) =>
  validation(`1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`);
