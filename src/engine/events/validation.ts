import { constraintViolation, validation } from './errors.js';

export type Input = Record<string, unknown>;

/** Constraints from the EventBridge API model (botocore events/2015-10-07). */
export const RULE_NAME = /^[.\-_A-Za-z0-9]+$/;
export const RULE_NAME_TEXT = '[\\.\\-_A-Za-z0-9]+';
export const BUS_NAME = /^[/.\-_A-Za-z0-9]+$/;
export const BUS_NAME_TEXT = '[/\\.\\-_A-Za-z0-9]+';
export const BUS_NAME_OR_ARN = /^(arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[/.\-_A-Za-z0-9]+$/;
export const BUS_NAME_OR_ARN_TEXT = '(arn:aws[\\w-]*:events:[a-z]+-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[/\\.\\-_A-Za-z0-9]+';

interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** The pattern as the model writes it, for the message. */
  patternText?: string;
}

/** `field` is the member name as AWS quotes it (lowerCamel, `targets.1.member.id`). */
export function readString(input: Input, key: string, field: string, rule: StringRule = {}): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) {
    if (rule.required) throw constraintViolation(field, undefined, 'Member must not be null');
    return undefined;
  }
  if (typeof value !== 'string') throw validation(`Invalid type for parameter ${key}: expected a string.`);
  const min = rule.min ?? 0;
  if (value.length < min) throw constraintViolation(field, value, `Member must have length greater than or equal to ${min}`);
  if (rule.max !== undefined && value.length > rule.max) {
    throw constraintViolation(field, value, `Member must have length less than or equal to ${rule.max}`);
  }
  if (rule.pattern && !rule.pattern.test(value)) {
    throw constraintViolation(field, value, `Member must satisfy regular expression pattern: ${rule.patternText ?? rule.pattern.source}`);
  }
  return value;
}

export function readInteger(input: Input, key: string, field: string, min: number, max: number): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw validation(`Invalid type for parameter ${key}: expected an integer.`);
  if (value < min) throw constraintViolation(field, value, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraintViolation(field, value, `Member must have value less than or equal to ${max}`);
  return value;
}

export function readList(input: Input, key: string, field: string, min: number, max?: number): unknown[] | undefined {
  const value = input[key];
  if (value === undefined || value === null) {
    if (min > 0) throw constraintViolation(field, undefined, 'Member must not be null');
    return undefined;
  }
  if (!Array.isArray(value)) throw validation(`Invalid type for parameter ${key}: expected a list.`);
  if (value.length < min) throw constraintViolation(field, value, `Member must have length greater than or equal to ${min}`);
  if (max !== undefined && value.length > max) throw constraintViolation(field, value, `Member must have length less than or equal to ${max}`);
  return value;
}

export function readObject(input: Input, key: string): Input | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw validation(`Invalid type for parameter ${key}: expected a structure.`);
  return value as Input;
}

export const readRuleName = (input: Input, key: string, field: string) =>
  readString(input, key, field, { required: true, min: 1, max: 64, pattern: RULE_NAME, patternText: RULE_NAME_TEXT })!;

/** EventBusName as most operations take it: a name or an event-bus ARN; absent means `default`. */
export const readBusNameOrArn = (input: Input, key = 'EventBusName', field = 'eventBusName') =>
  readString(input, key, field, { min: 1, max: 1600, pattern: BUS_NAME_OR_ARN, patternText: BUS_NAME_OR_ARN_TEXT });

export function readLimit(input: Input): number | undefined {
  return readInteger(input, 'Limit', 'limit', 1, 100);
}
