import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { EngineContext, EngineRequest, EngineResponse, ServiceName } from './types.js';
import { routeRequest } from './router.js';
import { AwsError } from './protocol/aws-error.js';
import { errorResponse } from './protocol/encode.js';
import { handleInternalEndpoint } from './health.js';
import { matchHttpEntry, serveHttpEntry } from './apigateway/entry.js';
import { unsignedS3Route } from './s3/claim.js';

/** Requests above this size are refused before buffering (Lambda's zip upload limit is 50 MB, ~67 MB as base64 JSON). */
const MAX_BODY_BYTES = 80 * 1024 * 1024;

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
  if (early?.service === 'dynamodb') {
    const service = await ctx.service('dynamodb');
    const reply = await service.handle(makeRequest(ctx, req, res, path, url.searchParams, Buffer.alloc(0), early, requestId));
    if (reply) send(res, reply);
    return;
  }

  let body: Buffer;
  try {
    body = await readBody(req);
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

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      reject(new AwsError('RequestEntityTooLargeException', 413, `Request must be smaller than ${MAX_BODY_BYTES} bytes.`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        reject(new AwsError('RequestEntityTooLargeException', 413, `Request must be smaller than ${MAX_BODY_BYTES} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
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
