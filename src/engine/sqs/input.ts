import { AwsError } from '../protocol/aws-error.js';
import { invalidParameter, missingParameter } from './errors.js';

/**
 * Operation input in the JSON protocol's shape. Query-protocol requests are converted to this shape
 * first, so their numbers arrive as strings: the readers accept both.
 */
export type Input = Record<string, unknown>;

export function optionalString(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw serialization(name);
}

export function requiredString(input: Input, name: string): string {
  const value = optionalString(input, name);
  if (value === undefined || value === '') throw missingParameter(name);
  return value;
}

/** An integer parameter; `reason` is AWS's wording for the allowed range. */
export function optionalInt(input: Input, name: string, min: number, max: number, reason: string): number | undefined {
  const value = input[name];
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw invalidParameter(name, value, reason);
  return n;
}

export function stringList(input: Input, name: string): string[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw serialization(name);
  return value as string[];
}

export function stringMap(input: Input, name: string): Record<string, string> {
  const value = input[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw serialization(name);
  // Null prototype: a key named __proto__ stays an ordinary key.
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else throw serialization(`${name}.${k}`);
  }
  return out;
}

export function objectList(input: Input, name: string): Input[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => v === null || typeof v !== 'object' || Array.isArray(v))) throw serialization(name);
  return value as Input[];
}

export function objectMap(input: Input, name: string): Record<string, Input> {
  const value = input[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw serialization(name);
  for (const v of Object.values(value)) if (v === null || typeof v !== 'object' || Array.isArray(v)) throw serialization(name);
  return value as Record<string, Input>;
}

function serialization(name: string): AwsError {
  return new AwsError('SerializationException', 400, `The value of ${name} has the wrong type.`, {
    typePrefix: 'com.amazon.coral.service#',
  });
}
