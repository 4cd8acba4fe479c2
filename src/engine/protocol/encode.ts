import type { EngineRequest, EngineResponse, Protocol } from '../types.js';
import { AwsError, toAwsError } from './aws-error.js';
import { escapeXml } from './xml.js';

export const JSON_1_0 = 'application/x-amz-json-1.0';
export const JSON_1_1 = 'application/x-amz-json-1.1';

/** A successful AWS JSON protocol response (EventBridge, Logs, SQS JSON, DynamoDB). */
export function jsonResponse(body: unknown, contentType = JSON_1_1, status = 200): EngineResponse {
  return {
    status,
    headers: { 'content-type': contentType },
    body: body === undefined ? '{}' : JSON.stringify(body),
  };
}

/** A REST-JSON response (Lambda). */
export function restJsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): EngineResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

/** A query-protocol XML response (SQS for clients that still speak it). */
export function queryResponse(action: string, result: string, requestId: string, xmlns: string): EngineResponse {
  const inner = result ? `<${action}Result>${result}</${action}Result>` : '';
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<?xml version="1.0"?><${action}Response xmlns="${xmlns}">${inner}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

/** Encodes any thrown error in the wire shape of the protocol the request used. */
export function errorResponse(err: unknown, protocol: Protocol, req: Pick<EngineRequest, 'requestId' | 'headers'>): EngineResponse {
  const e = toAwsError(err);
  const headers: Record<string, string> = { 'x-amzn-requestid': req.requestId, ...e.headers };
  if (protocol === 'query') {
    const code = e.queryCode ?? e.code;
    return {
      status: e.status,
      headers: { ...headers, 'content-type': 'text/xml' },
      body: `<?xml version="1.0"?><ErrorResponse><Error><Type>${e.fault}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(e.message)}</Message><Detail/></Error><RequestId>${req.requestId}</RequestId></ErrorResponse>`,
    };
  }
  if (protocol === 'rest') {
    // Lambda's REST-JSON: the type travels in a header, the body says whose fault it is.
    return {
      status: e.status,
      headers: { ...headers, 'x-amzn-errortype': e.code, 'content-type': 'application/json' },
      body: JSON.stringify({ Type: e.fault === 'Sender' ? 'User' : 'Service', message: e.message, ...e.fields }),
    };
  }
  const contentType = String(req.headers['content-type'] ?? JSON_1_1);
  return {
    status: e.status,
    headers: { ...headers, 'content-type': contentType.startsWith('application/x-amz-json') ? contentType : JSON_1_1 },
    body: JSON.stringify({ __type: `${e.typePrefix ?? ''}${e.code}`, message: e.message, ...e.fields }),
  };
}

export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AwsError('SerializationException', 400, 'Start of structure or map found where not expected, or the request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AwsError('SerializationException', 400, 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}
