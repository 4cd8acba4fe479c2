import { clfTime, isTextContentType, queryPairs, type HttpCall, type HttpReply } from './http-call.js';
import { bodyOf, headerPairsOf, isObject, statusOf } from './payload-v2.js';

export interface V1Target {
  /** `rest` for REST APIs, `http` for HTTP APIs with payloadFormatVersion 1.0 (which add `version` and lowercase header names). */
  kind: 'rest' | 'http';
  accountId: string;
  apiId: string;
  stage: string;
  /** The resource (REST) or route path (HTTP API): `/{proxy+}`. */
  resource: string;
  /** REST: resource id; HTTP API: the route key. */
  resourceId: string;
  /** The event's `path` (REST: without the stage; HTTP API: as requested, after `overwrite:path`). */
  path: string;
  pathParameters?: Record<string, string>;
  stageVariables?: Record<string, string>;
  headerPairs?: [string, string][];
  rawQueryString?: string;
  /** REST APIs pass a body as base64 only when its content type is one of the API's binary media types. */
  binaryMediaTypes?: string[];
}

/** The Lambda proxy event of REST APIs and of HTTP APIs' payload format 1.0. */
export function buildV1Event(call: HttpCall, target: V1Target): Record<string, unknown> {
  const pairs = target.headerPairs ?? call.headerPairs;
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [rawName, value] of pairs) {
    // REST APIs keep the client's spelling; HTTP APIs lowercase every name.
    const name = target.kind === 'http' ? rawName.toLowerCase() : canonicalName(multiValueHeaders, rawName);
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of queryPairs(target.rawQueryString ?? call.rawQueryString)) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  const contentType = Object.entries(headers).find(([n]) => n.toLowerCase() === 'content-type')?.[1];
  const binary =
    target.kind === 'rest' ? matchesMediaType(contentType, target.binaryMediaTypes ?? []) : !isTextContentType(contentType);
  const userAgent = Object.entries(headers).find(([n]) => n.toLowerCase() === 'user-agent')?.[1] ?? null;

  const event: Record<string, unknown> = {};
  if (target.kind === 'http') event.version = '1.0';
  Object.assign(event, {
    resource: target.resource,
    path: target.path,
    httpMethod: call.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    requestContext: {
      accountId: target.accountId,
      apiId: target.apiId,
      domainName: call.domainName,
      domainPrefix: call.domainPrefix,
      extendedRequestId: call.requestId,
      httpMethod: call.method,
      identity: {
        accessKey: null,
        accountId: null,
        caller: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: call.sourceIp,
        user: null,
        userAgent,
        userArn: null,
      },
      path: target.kind === 'rest' ? `/${target.stage}${target.path === '/' ? '/' : target.path}` : call.rawPath,
      protocol: call.protocol,
      requestId: call.requestId,
      requestTime: clfTime(call.timeEpoch),
      requestTimeEpoch: call.timeEpoch,
      resourceId: target.resourceId,
      resourcePath: target.resource,
      stage: target.stage,
    },
    pathParameters: target.pathParameters && Object.keys(target.pathParameters).length > 0 ? target.pathParameters : null,
    stageVariables: target.stageVariables && Object.keys(target.stageVariables).length > 0 ? target.stageVariables : null,
    body: call.body.length === 0 ? null : binary ? call.body.toString('base64') : call.body.toString('utf8'),
    isBase64Encoded: call.body.length > 0 && binary,
  });
  return event;
}

/** The same header sent with another capitalisation joins the first spelling's list. */
function canonicalName(seen: Record<string, string[]>, name: string): string {
  const lower = name.toLowerCase();
  return Object.keys(seen).find((n) => n.toLowerCase() === lower) ?? name;
}

/** binaryMediaTypes entries such as `image/png`, `image/*` or `*\/*`. */
export function matchesMediaType(contentType: string | undefined, types: string[]): boolean {
  if (!contentType || types.length === 0) return false;
  const [type, subtype] = contentType.split(';')[0].trim().toLowerCase().split('/');
  return types.some((entry) => {
    const [t, s] = entry.toLowerCase().split('/');
    return (t === '*' || t === type) && (s === '*' || s === subtype);
  });
}

/**
 * A proxy response of format 1.0: a JSON object with statusCode, optional headers and multiValueHeaders
 * (merged; a name in multiValueHeaders replaces the same name in headers), body string and isBase64Encoded.
 * Undefined = malformed (502).
 */
export function mapV1Response(payload: Buffer): HttpReply | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const status = statusOf(parsed.statusCode);
  if (status === undefined) return undefined;
  const single = headerPairsOf(parsed.headers);
  if (!single) return undefined;
  const multi: [string, string][] = [];
  if (parsed.multiValueHeaders !== undefined && parsed.multiValueHeaders !== null) {
    if (!isObject(parsed.multiValueHeaders)) return undefined;
    for (const [name, values] of Object.entries(parsed.multiValueHeaders)) {
      if (!Array.isArray(values)) return undefined;
      for (const v of values) multi.push([name, String(v)]);
    }
  }
  const multiNames = new Set(multi.map(([n]) => n.toLowerCase()));
  const headers = [...single.filter(([n]) => !multiNames.has(n.toLowerCase())), ...multi];
  const body = bodyOf(parsed.body, parsed.isBase64Encoded);
  if (!body) return undefined;
  if (!headers.some(([n]) => n.toLowerCase() === 'content-type')) headers.unshift(['content-type', 'application/json']);
  return { status, headers, body };
}
