/**
 * What the engine refuses before it reads a request body, as AWS's front doors do: a request without
 * authentication, and a body over the service's limit (from Content-Length, so that an oversized upload
 * is never buffered). Unsigned-by-design traffic (internal endpoints, invoke URLs, function URLs,
 * anonymous S3 reads) is dispatched before these checks run.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Protocol, ServiceName } from './types.js';
import { AwsError } from './protocol/aws-error.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Request body limits per service. The payload limits are AWS's (Lambda Invoke: 6 MB synchronous, 1 MB
 * Event; SQS: 1 MiB per message and per batch; PutEvents and PutLogEvents: 1 MiB; DynamoDB: 16 MB per
 * request); the request limit leaves room for the protocol's encoding around the payload (a
 * form-encoded SQS message can be three times its size). Lambda's control plane takes a 50 MB zip as
 * base64 in JSON.
 */
const LIMITS: Partial<Record<ServiceName, number>> = {
  sqs: 4 * MiB,
  events: 2 * MiB,
  logs: 2 * MiB,
  dynamodb: 16 * MiB,
  sts: 64 * KiB,
  iam: 1 * MiB,
};
const LAMBDA_CONTROL_PLANE_BYTES = 80 * MiB;
const INVOKE_SYNC_BYTES = 6 * MiB;
const INVOKE_EVENT_BYTES = 1 * MiB;
/** For requests no service claims yet (they are answered 404 after reading). */
export const DEFAULT_BODY_LIMIT = 80 * MiB;

const INVOKE_PATH = /^\/2015-03-31\/functions\/[^/]+\/invocations$/;

/** The largest body the route accepts, or undefined for services that read their bodies as streams (S3). */
export function bodyLimit(route: { service: ServiceName }, method: string, path: string, headers: IncomingHttpHeaders): number | undefined {
  if (route.service === 'lambda') {
    if (method === 'POST' && INVOKE_PATH.test(path)) return headers['x-amz-invocation-type'] === 'Event' ? INVOKE_EVENT_BYTES : INVOKE_SYNC_BYTES;
    return LAMBDA_CONTROL_PLANE_BYTES;
  }
  return LIMITS[route.service] ?? (route.service === 's3' ? undefined : DEFAULT_BODY_LIMIT);
}

export function declaredLength(headers: IncomingHttpHeaders): number {
  const n = Number(headers['content-length'] ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/** The error for a body over `limit`, in the words the service uses. */
export function tooLarge(route: { service: ServiceName }, limit: number): AwsError {
  if (route.service === 'lambda') {
    return new AwsError('RequestEntityTooLargeException', 413, `Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
  }
  return new AwsError('RequestEntityTooLargeException', 413, `Request must be smaller than ${limit} bytes.`, { queryCode: 'RequestEntityTooLarge' });
}

// GetFunction's Code.Location: AWS links a presigned S3 URL, which a browser or curl fetches as it is.
const CODE_DOWNLOAD = /^\/2015-03-31\/functions\/[^/]+\/evlab-code\/[0-9a-f]+\.zip$/;

/** SigV4 in the Authorization header or in the query string (a presigned URL), or a link AWS would presign. */
export function isAuthenticated(method: string, path: string, headers: IncomingHttpHeaders, query: URLSearchParams): boolean {
  if (method === 'GET' && CODE_DOWNLOAD.test(path)) return true;
  if (typeof headers.authorization === 'string' && headers.authorization.length > 0) return true;
  return query.has('X-Amz-Credential') || query.has('X-Amz-Signature') || query.has('Signature');
}

/**
 * AWS's answer to a request that carries no authentication, per protocol: the JSON services answer
 * 400 `com.amazon.coral.service#MissingAuthenticationTokenException`; the query protocol 403 with code
 * `MissingAuthenticationToken`; REST-JSON (Lambda) 403 with x-amzn-ErrorType MissingAuthenticationTokenException.
 */
export function missingAuthentication(protocol: Protocol): AwsError {
  if (protocol === 'query') return new AwsError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token');
  if (protocol === 'rest') return new AwsError('MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
  return new AwsError('MissingAuthenticationTokenException', 400, 'Request is missing Authentication Token', { typePrefix: 'com.amazon.coral.service#' });
}

/**
^ * The route the guard judges a request by: for one the router could not place from its headers, a form-encoded one is SQS's query protocol (the
 * only query service clients send here unsigned), one with an X-Amz-Target some JSON service. Else undefined
 * (it is read, and answered 404 if still unroutable).
 */
export function guardedRoute(
  early: { service: ServiceName; protocol: Protocol } | undefined,
  headers: IncomingHttpHeaders,
  method: string,
  query: URLSearchParams,
): { service: ServiceName; protocol: Protocol } | undefined {
  const type = String(headers['content-type'] ?? '');
  const form = type.startsWith('application/x-www-form-urlencoded') || (method === 'GET' && query.has('Action'));
  // The router needs the body for a form's Action; the protocol is known from the content type alone.
  if (form) return { service: early?.service ?? 'sqs', protocol: 'query' };
  if (early) return early;
  if (typeof headers['x-amz-target'] === 'string') return { service: 'events', protocol: 'json' };
  return undefined;
}
