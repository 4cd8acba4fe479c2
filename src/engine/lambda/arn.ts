import { AwsError } from '../protocol/aws-error.js';

/** Where a FunctionName parameter points: a name, `name:qualifier`, a partial ARN or a full ARN. */
export interface FunctionRef {
  name: string;
  qualifier?: string;
  region?: string;
  account?: string;
}

// The FunctionName pattern from the Lambda API reference (full ARN, partial ARN or name, optional qualifier).
const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const FULL_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9-_.]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const PARTIAL_ARN = /^(\d{12}):function:([a-zA-Z0-9-_.]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const NAME = /^([a-zA-Z0-9-_.]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;

export function parseFunctionRef(value: unknown, field = 'functionName'): FunctionRef {
  if (typeof value !== 'string' || value.length === 0) {
    throw new AwsError('ValidationException', 400, `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }
  let match = FULL_ARN.exec(value);
  if (match) return { region: match[1], account: match[2], name: match[3], qualifier: match[4] };
  match = PARTIAL_ARN.exec(value);
  if (match) return { account: match[1], name: match[2], qualifier: match[3] };
  match = NAME.exec(value);
  if (match && match[1].length <= 64) return { name: match[1], qualifier: match[2] };
  throw new AwsError(
    'ValidationException',
    400,
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`,
  );
}

export function functionArn(region: string, account: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}

/** `arn:aws:sqs:us-east-1:000000000000:queue` → its parts; undefined for anything else. */
export function parseArn(arn: string): { service: string; region: string; account: string; resource: string } | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return { service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(':') };
}
