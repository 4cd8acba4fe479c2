import { AwsError } from '../protocol/aws-error.js';

// Messages as EventBridge words them (checked against botocore's model, moto and LocalStack's AWS-recorded snapshots).
export const busNotFound = (bus: string) => new AwsError('ResourceNotFoundException', 400, `Event bus ${bus} does not exist.`);
export const ruleNotFound = (rule: string, bus: string) =>
  new AwsError('ResourceNotFoundException', 400, `Rule ${rule} does not exist on EventBus ${bus}.`);
export const busExists = (bus: string) => new AwsError('ResourceAlreadyExistsException', 400, `Event bus ${bus} already exists.`);
export const limitExceeded = () => new AwsError('LimitExceededException', 400, 'The requested resource exceeds the maximum number allowed.');
export const validation = (message: string) => new AwsError('ValidationException', 400, message);
export const invalidPattern = (message: string) => new AwsError('InvalidEventPatternException', 400, message);

/** The Coral wording AWS uses for model-constraint violations (one reported at a time here). */
export function constraintViolation(field: string, value: unknown, constraint: string): AwsError {
  return validation(`1 validation error detected: Value ${shown(value)} at '${field}' failed to satisfy constraint: ${constraint}`);
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  return `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
}
