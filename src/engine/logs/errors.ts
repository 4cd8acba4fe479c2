import { AwsError } from '../protocol/aws-error.js';

// Messages as CloudWatch Logs words them (note the full stop on the not-found ones only).
export const groupNotFound = () => new AwsError('ResourceNotFoundException', 400, 'The specified log group does not exist.');
export const streamNotFound = () => new AwsError('ResourceNotFoundException', 400, 'The specified log stream does not exist.');
export const groupExists = () => new AwsError('ResourceAlreadyExistsException', 400, 'The specified log group already exists');
export const streamExists = () => new AwsError('ResourceAlreadyExistsException', 400, 'The specified log stream already exists');

export const invalidParameter = (message: string) => new AwsError('InvalidParameterException', 400, message);
export const invalidToken = () => invalidParameter('The specified nextToken is invalid.');

/** CloudWatch Logs reports model-constraint violations as InvalidParameterException with the Coral wording. */
export function constraintViolation(field: string, value: unknown, constraint: string): AwsError {
  const shown = value === undefined || value === null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
  return invalidParameter(`1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: ${constraint}`);
}
