import { invalidParameterValue } from './errors.js';
import { objectMap, type Input } from './input.js';

/** A message attribute as stored; DataType may carry a custom suffix (`Number.float`, `String.json`). */
export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
}

export type MessageAttributes = Record<string, MessageAttribute>;

// SQS quotas: at most 10 attributes per message; names up to 256 characters of [A-Za-z0-9_.-].
const MAX_ATTRIBUTES = 10;
const NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Reads `MessageAttributes` (or `MessageSystemAttributes`) from an operation input. */
export function readMessageAttributes(input: Input, member = 'MessageAttributes'): MessageAttributes {
  const raw = objectMap(input, member);
  const names = Object.keys(raw);
  if (names.length > MAX_ATTRIBUTES) {
    throw invalidParameterValue(`Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`);
  }
  // Null prototype: an attribute named __proto__ stays an ordinary attribute.
  const out: MessageAttributes = Object.create(null);
  for (const name of names) out[name] = readAttribute(name, raw[name]);
  return out;
}

function readAttribute(name: string, value: Input): MessageAttribute {
  if (!NAME.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
    throw invalidParameterValue(`The message attribute name '${name}' is invalid.`);
  }
  const dataType = typeof value.DataType === 'string' ? value.DataType : '';
  if (!dataType) throw invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute type.`);
  const base = dataType.split('.')[0];
  if (base !== 'String' && base !== 'Number' && base !== 'Binary') {
    throw invalidParameterValue(
      `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
    );
  }
  const emptyValue = () =>
    invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`);
  if (base === 'Binary') {
    const binary = decodeBinary(value.BinaryValue);
    if (!binary || binary.length === 0) throw emptyValue();
    return { DataType: dataType, BinaryValue: binary };
  }
  const text = typeof value.StringValue === 'string' ? value.StringValue : typeof value.StringValue === 'number' ? String(value.StringValue) : '';
  if (!text) throw emptyValue();
  if (base === 'Number' && !NUMBER.test(text)) {
    throw invalidParameterValue(`Can't cast the value of message (user) attribute '${name}' to a number.`);
  }
  return { DataType: dataType, StringValue: text };
}

function decodeBinary(value: unknown): Buffer | undefined {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (typeof value === 'string') return Buffer.from(value, 'base64');
  return undefined;
}

/** Bytes an attribute set adds to the message size (name + type + value), as SQS counts it. */
export function attributesSize(attributes: MessageAttributes): number {
  let size = 0;
  for (const [name, a] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    size += a.BinaryValue ? a.BinaryValue.length : Buffer.byteLength(a.StringValue ?? '');
  }
  return size;
}

/** MessageAttributeNames filtering: `All` / `.*` select everything, `prefix.*` a prefix, else exact names. */
export function selectAttributes(attributes: MessageAttributes, requested: string[]): MessageAttributes {
  if (requested.length === 0) return {};
  if (requested.includes('All') || requested.includes('.*')) return attributes;
  const out: MessageAttributes = Object.create(null);
  for (const [name, value] of Object.entries(attributes)) {
    const wanted = requested.some((r) => (r.endsWith('.*') ? name.startsWith(r.slice(0, -1)) : r === name));
    if (wanted) out[name] = value;
  }
  return out;
}

/** The JSON protocol's MessageAttributeValue (binary as base64). */
export function attributesToJson(attributes: MessageAttributes): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = Object.create(null);
  for (const [name, a] of Object.entries(attributes)) {
    out[name] = a.BinaryValue ? { DataType: a.DataType, BinaryValue: a.BinaryValue.toString('base64') } : { DataType: a.DataType, StringValue: a.StringValue ?? '' };
  }
  return out;
}
