import { AwsError, toAwsError } from '../protocol/aws-error.js';
import type { EngineResponse } from '../types.js';

// API Gateway's REST-JSON errors (v1 and v2 alike): the code in x-amzn-ErrorType, `{"message": ...}` in the body.

export const notFound = (message: string, resourceType?: string) =>
  new AwsError('NotFoundException', 404, message, { fields: resourceType ? { resourceType } : {} });

export const badRequest = (message: string) => new AwsError('BadRequestException', 400, message);

export const conflict = (message: string) => new AwsError('ConflictException', 409, message);

export const limitExceeded = (message: string) => new AwsError('LimitExceededException', 429, message);

export function apiGatewayError(err: unknown, requestId: string): EngineResponse {
  const e = toAwsError(err);
  return {
    status: e.status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': e.code, 'x-amzn-requestid': requestId, ...e.headers },
    body: JSON.stringify({ message: e.message, ...e.fields }),
  };
}

/** Body fields of the control-plane requests. */
export function str(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`Invalid input: ${field} must be a string`);
  return value;
}

export function bool(body: Record<string, unknown>, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw badRequest(`Invalid input: ${field} must be a boolean`);
  return value;
}

export function stringMap(body: Record<string, unknown>, field: string): Record<string, string> | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw badRequest(`Invalid input: ${field} must be a map of strings`);
  }
  return { ...(value as Record<string, string>) };
}
