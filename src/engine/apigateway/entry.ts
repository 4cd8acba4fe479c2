import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineContext } from '../types.js';
import type { HttpCall, HttpReply } from './http-call.js';

/**
 * The invoke URLs the engine serves (unsigned HTTP, answered before any SigV4 routing):
 * - `http://<apiId>.execute-api.localhost.localstack.cloud:PORT/<stage>/...` (by Host header)
 * - `http://127.0.0.1:PORT/_aws/execute-api/<apiId>/<stage>/...` (no DNS needed)
 * - `http://<urlId>.lambda-url.<region>.localhost.localstack.cloud:PORT/...` and `/_aws/lambda-url/<urlId>/...`
 */
export interface HttpEntry {
  kind: 'execute-api' | 'lambda-url';
  id: string;
  /** The rest of the path, URL-encoded as sent, always starting with `/`. */
  rawPath: string;
  rawQueryString: string;
  /** The client's host name without the port. */
  domainName: string;
  domainPrefix: string;
}

const EXECUTE_API_HOST = /^([a-z0-9]{1,32})\.execute-api\.[a-z0-9.-]+$/;
const LAMBDA_URL_HOST = /^([a-z0-9]{1,64})\.lambda-url\.[a-z0-9.-]+$/;
const PATH_FORM = /^\/_aws\/(execute-api|lambda-url)\/([a-z0-9]+)(\/[^?]*)?$/;

/** Undefined when the request is not for an invoke URL (it goes to the AWS APIs). */
export function matchHttpEntry(hostHeader: string | undefined, rawUrl: string): HttpEntry | undefined {
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const rawQueryString = q < 0 ? '' : rawUrl.slice(q + 1);
  const host = (hostHeader ?? '').toLowerCase().replace(/:\d+$/, '');
  const byPath = PATH_FORM.exec(rawPath);
  if (byPath) {
    return { kind: byPath[1] as HttpEntry['kind'], id: byPath[2], rawPath: byPath[3] || '/', rawQueryString, domainName: host, domainPrefix: byPath[2] };
  }
  const api = EXECUTE_API_HOST.exec(host);
  if (api) return { kind: 'execute-api', id: api[1], rawPath: rawPath || '/', rawQueryString, domainName: host, domainPrefix: api[1] };
  const url = LAMBDA_URL_HOST.exec(host);
  if (url) return { kind: 'lambda-url', id: url[1], rawPath: rawPath || '/', rawQueryString, domainName: host, domainPrefix: url[1] };
  return undefined;
}

/** API Gateway's payload quota (10 MB); function URLs are bounded by Lambda's 6 MB event limit later. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/**
 * Answers one invoke-URL request. The whole exchange counts as activity, so `/_evlab/idle` waits for it
 * (including the access log line written after the response).
 */
export async function serveHttpEntry(ctx: EngineContext, entry: HttpEntry, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const done = ctx.activity.begin('http');
  try {
    let body: Buffer;
    try {
      body = await readLimited(req, MAX_REQUEST_BYTES);
    } catch (err) {
      if ((err as Error).message === 'too large') {
        writeReply(res, { status: 413, headers: [['content-type', 'application/json']], body: Buffer.from('{"message":"Request Entity Too Large"}') });
      }
      return;
    }
    const headerPairs: [string, string][] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headerPairs.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
    const port = req.socket.localPort;
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    // API Gateway adds these before the request reaches the integration.
    if (!headerPairs.some(([n]) => n.toLowerCase() === 'x-forwarded-for')) headerPairs.push(['X-Forwarded-For', sourceIp]);
    headerPairs.push(['X-Forwarded-Port', String(port ?? '')], ['X-Forwarded-Proto', 'http']);
    if (!headerPairs.some(([n]) => n.toLowerCase() === 'x-amzn-trace-id')) headerPairs.push(['X-Amzn-Trace-Id', traceId()]);
    const call: HttpCall = {
      method: req.method ?? 'GET',
      rawPath: entry.rawPath,
      rawQueryString: entry.rawQueryString,
      headerPairs,
      body,
      sourceIp,
      protocol: `HTTP/${req.httpVersion}`,
      domainName: entry.domainName,
      domainPrefix: entry.domainPrefix,
      requestId,
      timeEpoch: Date.now(),
    };
    let reply: HttpReply;
    try {
      if (entry.kind === 'execute-api') {
        const apigateway = await ctx.service('apigateway');
        reply = await apigateway.serveInvoke(entry.id, call);
      } else {
        const lambda = await ctx.service('lambda');
        reply = await lambda.serveFunctionUrl(entry.id, call);
      }
    } catch (err) {
      ctx.options.log(`engine: ${entry.kind} ${entry.id} ${call.method} ${call.rawPath} failed: ${(err as Error)?.stack ?? err}`);
      reply = { status: 500, headers: [['content-type', 'application/json']], body: Buffer.from('{"message":"Internal Server Error"}') };
    }
    writeReply(res, reply);
  } finally {
    done();
  }
}

function writeReply(res: ServerResponse, reply: HttpReply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of reply.headers) {
    const key = name.toLowerCase();
    // Hop-by-hop and length headers are the server's business, not the function's.
    if (key === 'content-length' || key === 'transfer-encoding' || key === 'connection') continue;
    const existing = headers[key];
    headers[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : key === 'set-cookie' ? [existing, value] : `${existing},${value}`;
  }
  headers['content-length'] = String(reply.body.length);
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}

function readLimited(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      req.resume();
      reject(new Error('too large'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.resume();
        reject(new Error('too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

function traceId(): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${hex(24)}`;
}
