import type { EngineResponse } from '../types.js';

const JSON_1_0 = 'application/x-amz-json-1.0';

/** A DynamoDB error as the engine itself answers it (operations dynalite lacks, checks it makes too late). */
export class DynamoDbError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Fields beside __type and message (CancellationReasons, Item). */
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** dynalite's namespaces for the __type, so that an engine answer reads like dynalite's (and AWS's) own. */
function typeOf(code: string): string {
  if (code === 'ValidationException') return `com.amazon.coral.validate#${code}`;
  if (code === 'MissingAuthenticationTokenException' || code === 'SerializationException') return `com.amazon.coral.service#${code}`;
  return `com.amazonaws.dynamodb.v20120810#${code}`;
}

export function dynamoResponse(body: unknown, requestId: string, status = 200): EngineResponse {
  const text = JSON.stringify(body);
  // botocore verifies x-amz-crc32 when it is present, as DynamoDB always sends it.
  return { status, headers: { 'content-type': JSON_1_0, 'x-amz-crc32': String(crc32(text)), 'x-amzn-requestid': requestId }, body: text };
}

export function dynamoErrorResponse(err: DynamoDbError, requestId: string): EngineResponse {
  // TransactionCanceledException carries "Message" (capitalised) on the wire; the others "message".
  const messageKey = err.code === 'TransactionCanceledException' ? 'Message' : 'message';
  return dynamoResponse({ __type: typeOf(err.code), ...err.fields, [messageKey]: err.message }, requestId, 400);
}

/** CRC-32 (IEEE), the checksum DynamoDB puts in x-amz-crc32. */
export function crc32(text: string): number {
  let crc = ~0;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}
