import { constraintViolation, invalidParameter } from './errors.js';

export type Input = Record<string, unknown>;

/** Constraints from the CloudWatch Logs API model (botocore logs/2014-03-28). */
export const LOG_GROUP_NAME = modelPattern('[\\.\\-_/#A-Za-z0-9]+');
export const LOG_STREAM_NAME = modelPattern('[^:*]*');
const LOG_GROUP_IDENTIFIER = modelPattern('[\\w#+=/:,.@-]*');

/** A whole-string RegExp whose `source` still shows the model's pattern text, which error messages quote. */
function modelPattern(text: string): RegExp {
  return new RegExp(`^${text}$`);
}

const NAME_MAX = 512;

interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
}

export function readString(input: Input, field: string, rule: StringRule = {}): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) {
    if (rule.required) throw constraintViolation(field, undefined, 'Member must not be null');
    return undefined;
  }
  if (typeof value !== 'string') throw invalidParameter(`Invalid type for field '${field}': expected a string.`);
  const min = rule.min ?? (rule.required ? 1 : 0);
  if (value.length < min) throw constraintViolation(field, value, `Member must have length greater than or equal to ${min}`);
  if (rule.max !== undefined && value.length > rule.max) throw constraintViolation(field, value, `Member must have length less than or equal to ${rule.max}`);
  if (rule.pattern && !rule.pattern.test(value)) {
    throw constraintViolation(field, value, `Member must satisfy regular expression pattern: ${rule.pattern.source.slice(1, -1)}`);
  }
  return value;
}

export const readGroupName = (input: Input, field = 'logGroupName', required = true) =>
  readString(input, field, { required, min: 1, max: NAME_MAX, pattern: LOG_GROUP_NAME });

export const readStreamName = (input: Input, field = 'logStreamName', required = true) =>
  readString(input, field, { required, min: 1, max: NAME_MAX, pattern: LOG_STREAM_NAME });

export function readInteger(input: Input, field: string, min?: number, max?: number): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidParameter(`Invalid type for field '${field}': expected an integer.`);
  if (min !== undefined && value < min) throw constraintViolation(field, value, `Member must have value greater than or equal to ${min}`);
  if (max !== undefined && value > max) throw constraintViolation(field, value, `Member must have value less than or equal to ${max}`);
  return value;
}

export function readBoolean(input: Input, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidParameter(`Invalid type for field '${field}': expected a boolean.`);
  return value;
}

export function readStringList(input: Input, field: string, min: number, max: number): string[] | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalidParameter(`Invalid type for field '${field}': expected a list of strings.`);
  if (value.length < min) throw constraintViolation(field, value, `Member must have length greater than or equal to ${min}`);
  if (value.length > max) throw constraintViolation(field, value, `Member must have length less than or equal to ${max}`);
  return value as string[];
}

export function readTags(input: Input, field: string, required: boolean): Record<string, string> | undefined {
  const value = input[field];
  if (value === undefined || value === null) {
    if (required) throw constraintViolation(field, undefined, 'Member must not be null');
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw invalidParameter(`Invalid type for field '${field}': expected a map of strings.`);
  }
  const tags = value as Record<string, string>;
  const count = Object.keys(tags).length;
  if (count < 1) throw constraintViolation(field, tags, 'Member must have length greater than or equal to 1');
  if (count > 50) throw constraintViolation(field, tags, 'Member must have length less than or equal to 50');
  return tags;
}

/**
 * The log group a read operation names, by `logGroupName` or `logGroupIdentifier` (a name or an ARN),
 * exactly one of the two as the API requires.
 */
export function readGroupReference(input: Input): string {
  const name = readGroupName(input, 'logGroupName', false);
  const identifier = readString(input, 'logGroupIdentifier', { min: 1, max: 2048, pattern: LOG_GROUP_IDENTIFIER });
  // Wording (typo included) as moto reproduces AWS's answer.
  if ((name === undefined) === (identifier === undefined)) throw invalidParameter('Should provider either name or id, but not both');
  return identifier !== undefined ? groupNameFromIdentifier(identifier) : name!;
}

/** `arn:aws:logs:region:account:log-group:NAME` (optionally ending in `:*`) or a plain name. */
export function groupNameFromIdentifier(identifier: string): string {
  if (!identifier.startsWith('arn:')) return identifier;
  const marker = ':log-group:';
  const at = identifier.indexOf(marker);
  if (at === -1) throw invalidParameter(`Invalid log group ARN: ${identifier}`);
  let name = identifier.slice(at + marker.length);
  if (name.endsWith(':*')) name = name.slice(0, -2);
  return name;
}
