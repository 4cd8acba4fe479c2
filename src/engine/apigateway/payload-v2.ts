import { clfTime, headerValues, isTextContentType, queryPairs, type HttpCall, type HttpReply } from './http-call.js';

/** What the payload 2.0 event says about where the request landed. */
export interface V2Target {
  accountId: string;
  apiId: string;
  routeKey: string;
  stage: string;
  /** The path the function sees as rawPath (after `overwrite:path`). */
  rawPath: string;
  pathParameters?: Record<string, string>;
  stageVariables?: Record<string, string>;
  /** Headers and query as parameter mapping left them; default: the request's own. */
  headerPairs?: [string, string][];
  rawQueryString?: string;
  /** Function URLs carry no stage variables or path parameters, and an IAM authorizer block when AuthType is AWS_IAM. */
  authorizer?: unknown;
}

/**
 * The Lambda event of payload format 2.0 (HTTP APIs and function URLs): header names lowercase,
 * repeated headers and query parameters joined with commas, cookies in their own list, binary
 * bodies base64-encoded.
 */
export function buildV2Event(call: HttpCall, target: V2Target): Record<string, unknown> {
  const pairs = target.headerPairs ?? call.headerPairs;
  const grouped = headerValues({ ...call, headerPairs: pairs });
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of grouped) {
    if (name === 'cookie') {
      cookies = values.flatMap((v) => v.split(/;\s*/)).filter((c) => c.length > 0);
      continue;
    }
    headers[name] = values.join(',');
  }
  const rawQueryString = target.rawQueryString ?? call.rawQueryString;
  const query: Record<string, string> = {};
  for (const [name, value] of queryPairs(rawQueryString)) query[name] = name in query ? `${query[name]},${value}` : value;

  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: target.routeKey,
    rawPath: target.rawPath,
    rawQueryString,
  };
  if (cookies && cookies.length > 0) event.cookies = cookies;
  event.headers = headers;
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  const requestContext: Record<string, unknown> = {
    accountId: target.accountId,
    apiId: target.apiId,
  };
  if (target.authorizer !== undefined) requestContext.authorizer = target.authorizer;
  Object.assign(requestContext, {
    domainName: call.domainName,
    domainPrefix: call.domainPrefix,
    http: {
      method: call.method,
      path: call.rawPath,
      protocol: call.protocol,
      sourceIp: call.sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: call.requestId,
    routeKey: target.routeKey,
    stage: target.stage,
    time: clfTime(call.timeEpoch),
    timeEpoch: call.timeEpoch,
  });
  event.requestContext = requestContext;
  if (call.body.length > 0) {
    const text = isTextContentType(headers['content-type']);
    event.body = text ? call.body.toString('utf8') : call.body.toString('base64');
    event.isBase64Encoded = !text;
  } else {
    event.isBase64Encoded = false;
  }
  if (target.pathParameters && Object.keys(target.pathParameters).length > 0) event.pathParameters = target.pathParameters;
  if (target.stageVariables && Object.keys(target.stageVariables).length > 0) event.stageVariables = target.stageVariables;
  return event;
}

/**
 * The function's result under payload format 2.0. A JSON object with a statusCode is a full response;
 * any other valid JSON is the body of a 200 application/json response. Undefined = malformed (502).
 */
export function mapV2Response(payload: Buffer): HttpReply | undefined {
  const text = payload.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || !('statusCode' in parsed)) {
    const body = typeof parsed === 'string' ? parsed : text;
    return { status: 200, headers: [['content-type', 'application/json']], body: Buffer.from(body, 'utf8') };
  }
  const status = statusOf(parsed.statusCode);
  if (status === undefined) return undefined;
  const headers = headerPairsOf(parsed.headers);
  if (!headers) return undefined;
  if (parsed.cookies !== undefined && parsed.cookies !== null) {
    if (!Array.isArray(parsed.cookies) || !parsed.cookies.every((c) => typeof c === 'string')) return undefined;
    for (const cookie of parsed.cookies as string[]) headers.push(['set-cookie', cookie]);
  }
  const body = bodyOf(parsed.body, parsed.isBase64Encoded);
  if (!body) return undefined;
  if (!headers.some(([n]) => n.toLowerCase() === 'content-type')) headers.unshift(['content-type', 'application/json']);
  return { status, headers, body };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function statusOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d{3}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

/** `headers` of a proxy response: scalar values only. */
export function headerPairsOf(value: unknown): [string, string][] | undefined {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) return undefined;
  const out: [string, string][] = [];
  for (const [name, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
    out.push([name, String(v)]);
  }
  return out;
}

export function bodyOf(body: unknown, isBase64Encoded: unknown): Buffer | undefined {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body !== 'string') return undefined;
  if (isBase64Encoded !== undefined && isBase64Encoded !== null && typeof isBase64Encoded !== 'boolean') return undefined;
  return isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}
