import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { EngineContext, EngineRequest, EngineResponse, ServiceName } from './types.js';
import { routeRequest } from './router.js';
import { AwsError } from './protocol/aws-error.js';
import { errorResponse } from './protocol/encode.js';
import { handleInternalEndpoint } from './health.js';
import { unsignedS3Route } from './s3/claim.js';
import { matchHttpEntry, serveHttpEntry } from './apigateway/entry.js';
import { bodyLimit, declaredLength, DEFAULT_BODY_LIMIT, guardedRoute, isAuthenticated, missingAuthentication, tooLarge } from './request-guard.js';

export function createEngineServer(ctx: () => EngineContext): Server {
  const server = createServer({ keepAlive: true, requestTimeout: 0 }, (req, res) => {
    handle(ctx(), req, res).catch((err) => {
      ctx().options.log(`engine: unhandled error for ${req.method} ${req.url}: ${(err as Error)?.stack ?? err}`);
      send(res, errorResponse(err, 'json', { requestId: randomUUID(), headers: req.headers }));
    });
  });
  // Malformed HTTP must never bring the engine down: answer 400 and drop the socket.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

async function handle(ctx: EngineContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  req.on('error', () => undefined);
  res.on('error', () => undefined);
  const url = new URL(req.url ?? '/', 'http://engine.local');
  const path = url.pathname;
  const requestId = randomUUID();

  // Invoke URLs (API Gateway, function URLs) are unsigned HTTP: they never reach SigV4 dispatch.
  const entry = matchHttpEntry(req.headers.host, req.url ?? '/');
  if (entry) return serveHttpEntry(ctx, entry, req, res, requestId);

  if (path.startsWith('/_localstack/') || path.startsWith('/_evlab/') || path.startsWith('/_aws/')) {
    const internal = await handleInternalEndpoint(ctx, req, path, url.searchParams, res);
    if (internal) return send(res, internal);
    if (internal === null) return; // answered on `res` itself (a Server-Sent Events stream)
  }

  // DynamoDB is answered by dynalite, which reads the body itself: route it from headers alone.
  const early = routeRequest(req.method ?? 'GET', path, url.searchParams, req.headers, () => undefined);
  // S3 reads its body as a stream (uploads go to disk, not the heap); an unsigned request reaches it
  // when no other service claims it and it names an existing bucket (an anonymous GET by URL).
  const s3Route = early?.service === 's3' ? early : early ? undefined : await unsignedS3Route(ctx, req);
  if (s3Route) {
    await (await ctx.service('s3')).handle(makeRequest(ctx, req, res, path, url.searchParams, Buffer.alloc(0), s3Route, requestId));
    return;
  }
  // Refused before the body is read: no authentication, or a body over the service's limit (request-guard.ts).
  const guarded = guardedRoute(early, req.headers, req.method ?? 'GET', url.searchParams);
  if (guarded && !isAuthenticated(req.method ?? 'GET', path, req.headers, url.searchParams)) {
    return refuse(req, res, errorResponse(missingAuthentication(guarded.protocol), guarded.protocol, { requestId, headers: req.headers }));
  }
  const limit = (guarded ? bodyLimit(guarded, req.method ?? 'GET', path, req.headers) : undefined) ?? DEFAULT_BODY_LIMIT;
  const overLimit = () => tooLarge(guarded ?? { service: 'events' }, limit);
  if (declaredLength(req.headers) > limit) return refuse(req, res, errorResponse(overLimit(), guarded?.protocol ?? 'json', { requestId, headers: req.headers }));

  if (early?.service === 'dynamodb') {
    const service = await ctx.service('dynamodb');
    const reply = await service.handle(makeRequest(ctx, req, res, path, url.searchParams, Buffer.alloc(0), early, requestId));
    if (reply) send(res, reply);
    return;
  }

  let body: Buffer;
  try {
    body = await readBody(req, limit, overLimit);
  } catch (err) {
    if (err instanceof AwsError) return send(res, errorResponse(err, early?.protocol ?? 'json', { requestId, headers: req.headers }));
    return; // the client went away mid-request: nothing to answer
  }

  const route = routeRequest(req.method ?? 'GET', path, url.searchParams, req.headers, () => formAction(req.headers['content-type'], body));
  if (!route) {
    return send(res, errorResponse(new AwsError('UnknownOperationException', 404, `evlab engine: no AWS service answers ${req.method} ${path}. Send SigV4-signed requests for events, lambda, sqs, dynamodb or logs.`), 'json', { requestId, headers: req.headers }));
  }
  const engineReq = makeRequest(ctx, req, res, path, url.searchParams, body, route, requestId);
  let reply: EngineResponse | null;
  try {
    const service = await ctx.service(route.service);
    reply = await service.handle(engineReq);
  } catch (err) {
    if (!(err instanceof AwsError)) ctx.options.log(`engine: ${route.service}.${route.operation ?? path} failed: ${(err as Error)?.stack ?? err}`);
    reply = errorResponse(err, route.protocol, engineReq);
  }
  if (reply) {
    reply.headers = { 'x-amzn-requestid': requestId, ...reply.headers };
    send(res, reply);
  }
}

function makeRequest(
  ctx: EngineContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
  body: Buffer,
  route: { service: ServiceName; protocol: EngineRequest['protocol']; operation?: string; region?: string },
  requestId: string,
): EngineRequest {
  return {
    method: req.method ?? 'GET',
    path,
    query,
    headers: req.headers,
    body,
    service: route.service,
    protocol: route.protocol,
    operation: route.operation,
    region: route.region ?? ctx.options.region,
    requestId,
    raw: req,
    rawRes: res,
  };
}

function formAction(contentType: string | undefined, body: Buffer): string | undefined {
  if (!String(contentType ?? '').startsWith('application/x-www-form-urlencoded')) return undefined;
  return new URLSearchParams(body.toString('utf8')).get('Action') ?? undefined;
}

/** Answers without reading the body, and closes the connection so that the client stops sending it. */
function refuse(req: IncomingMessage, res: ServerResponse, reply: EngineResponse): void {
  req.resume();
  reply.headers = { ...reply.headers, connection: 'close' };
  send(res, reply);
}

/**
 * Reads a body of at most `limit` bytes (Content-Length was checked already; a chunked body is counted).
 * With a Content-Length the body goes straight into one buffer of that size, so it is never held twice.
 */
function readBody(req: IncomingMessage, limit: number, overLimit: () => AwsError): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = declaredLength(req.headers);
    const whole = declared > 0 ? Buffer.allocUnsafe(declared) : undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size + chunk.length > (whole ? declared : limit)) {
        req.destroy();
        reject(overLimit());
        return;
      }
      if (whole) chunk.copy(whole, size);
      else chunks.push(chunk);
      size += chunk.length;
    });
    req.on('end', () => resolve(whole ? whole.subarray(0, size) : Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

export function send(res: ServerResponse, reply: EngineResponse): void {
  if (res.headersSent || res.destroyed) return;
  const body = reply.body ?? '';
  res.writeHead(reply.status, { 'content-length': Buffer.byteLength(body), ...reply.headers });
  res.end(body);
}
