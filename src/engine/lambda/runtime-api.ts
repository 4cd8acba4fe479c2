import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Lambda's limit on a synchronous response (6 MB, as the Runtime API enforces it). */
export const MAX_RESPONSE_BYTES = 6_291_556;

export type ResultKind = 'response' | 'error' | 'oversize';

export interface RuntimeApiHandler {
  /** GET /invocation/next: answer `res` when an invocation is there (long poll). */
  next(res: ServerResponse): void;
  /** POST /invocation/{id}/response or /error; false when the id is not the running invocation. */
  result(requestId: string, kind: ResultKind, body: Buffer, errorType: string | undefined): boolean;
  /** POST /init/error */
  initError(body: Buffer, errorType: string | undefined): void;
}

const PREFIX = '/2018-06-01/runtime/';

/**
 * The Lambda Runtime API of one execution environment, on its own loopback port: any runtime client
 * (AWS's, a Rust or Go one, a shell script with curl) finds it through AWS_LAMBDA_RUNTIME_API.
 */
export class RuntimeApiServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static start(handler: RuntimeApiHandler): Promise<RuntimeApiServer> {
    const server = createServer({ keepAlive: true, requestTimeout: 0, headersTimeout: 0 }, (req, res) => route(handler, req, res));
    // The runtime parks on /next for as long as the environment is idle: never time its connection out.
    server.keepAliveTimeout = 0;
    server.timeout = 0;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve(new RuntimeApiServer(server, (server.address() as AddressInfo).port));
      });
    });
  }

  close(): void {
    this.server.close();
    this.server.closeAllConnections();
  }
}

function route(handler: RuntimeApiHandler, req: IncomingMessage, res: ServerResponse): void {
  req.on('error', () => undefined);
  res.on('error', () => undefined);
  const path = (req.url ?? '').split('?')[0];
  if (!path.startsWith(PREFIX)) return reply(res, 404, { errorMessage: 'Unknown API', errorType: 'InvalidRequest' });
  const rest = path.slice(PREFIX.length);
  if (req.method === 'GET' && rest === 'invocation/next') return handler.next(res);
  if (req.method !== 'POST') return reply(res, 405, { errorMessage: 'Method not allowed', errorType: 'InvalidRequest' });
  const errorType = headerValue(req.headers['lambda-runtime-function-error-type']);
  if (rest === 'init/error') {
    return readBody(req, MAX_RESPONSE_BYTES, (body) => {
      handler.initError(body ?? Buffer.alloc(0), errorType);
      reply(res, 202, { status: 'OK' });
    });
  }
  const match = /^invocation\/([^/]+)\/(response|error)$/.exec(rest);
  if (!match) return reply(res, 404, { errorMessage: 'Unknown API', errorType: 'InvalidRequest' });
  const requestId = decodeURIComponent(match[1]);
  readBody(req, MAX_RESPONSE_BYTES, (body) => {
    if (body === undefined && match[2] === 'response') {
      const accepted = handler.result(requestId, 'oversize', Buffer.alloc(0), undefined);
      if (!accepted) return reply(res, 400, { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
      return reply(res, 413, {
        errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        errorType: 'RequestEntityTooLarge',
      });
    }
    const accepted = handler.result(requestId, match[2] as ResultKind, body ?? Buffer.alloc(0), errorType);
    if (!accepted) return reply(res, 400, { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
    reply(res, 202, { status: 'OK' });
  });
}

/** Calls back with the body, or undefined when it is over `limit` (the rest is drained). */
function readBody(req: IncomingMessage, limit: number, done: (body: Buffer | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  });
  req.on('end', () => done(size > limit ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
