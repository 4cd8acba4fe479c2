import { readFile } from 'node:fs/promises';
import { request as httpRequest, STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { resolve } from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { CommandContext } from '../context.js';
import { ConfigError, ExitCode, OperationError } from '../errors.js';
import { loadOptionalStack } from '../status/stack-resources.js';
import type { Trace } from '../engine/traces/types.js';
import { renderTrace } from '../trace/render.js';

export interface CallOptions {
  method: string;
  path: string;
  api?: string;
  stage?: string;
  urlOf?: string;
  /** JSON or text, `@file`, or `-` for stdin. */
  data?: string;
  /** `name: value` each. */
  header?: string[];
  /** Seconds to wait for the answer. */
  timeout?: number;
  /** Then print the request's trace (embedded engine). */
  trace?: boolean;
  /** Test seam: stdin. */
  stdin?: NodeJS.ReadableStream;
}

export interface CallResult {
  ok: boolean;
  request: { method: string; url: string };
  status: number;
  statusText: string;
  headers: Record<string, string | string[]>;
  /** The body as text (base64 when it is not UTF-8 text). */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  /** The body parsed, when it is JSON. */
  json?: unknown;
  durationMs: number;
  /** The API's request id (apigw-requestid for HTTP APIs, x-amzn-RequestId for REST APIs and function URLs): `evlab trace` finds it. */
  requestId?: string;
  /** With --trace: the request's trace and what it caused; null when the engine holds none for it. */
  trace?: { trace: Trace; children: Trace[] } | null;
  /** With --trace on an endpoint that keeps no traces: why there is none. */
  traceNote?: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/**
 * `evlab call`: one HTTP request to a route of an API (its invoke URL, found by name) or to a function URL;
 * prints the status, headers and the body (JSON pretty-printed). Exit 1 on a 5xx: the integration failed.
 */
export async function runCall(options: CallOptions, ctx: CommandContext): Promise<number> {
  const method = options.method.toUpperCase();
  if (!METHODS.includes(method)) throw new ConfigError('InvalidMethod', `"${options.method}" is not an HTTP method`, { hint: `one of ${METHODS.join(', ')}` });
  if (!options.path.startsWith('/')) throw new ConfigError('InvalidPath', `the path "${options.path}" must start with /`, { hint: `evlab call ${method} /${options.path} …` });
  if (Boolean(options.api) === Boolean(options.urlOf)) {
    throw new ConfigError('CallTargetMissing', options.api ? 'give --api or --url-of, not both' : 'say what to call: --api <name> or --url-of <function>', {
      hint: 'evlab call GET /dev/v1/jobs --api job_api_gw, or evlab call POST / --url-of my-function',
    });
  }
  const timeoutSeconds = options.timeout ?? 30;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new ConfigError('InvalidTimeout', `--timeout must be a positive number of seconds, not "${options.timeout}"`, { hint: '--timeout 60' });
  const headers = parseHeaders(options.header ?? []);
  const body = options.data === undefined ? undefined : await readBody(options.data, ctx.cwd, options.stdin ?? process.stdin);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = looksLikeJson(body) ? 'application/json' : 'text/plain';

  const loaded = await loadOptionalStack(ctx);
  const { connect } = await import('../aws/connect.js');
  const conn = await connect(ctx, { stack: loaded?.stack, autoStart: true, projectDir: loaded?.dir });
  try {
    const base = options.api ? await apiBase(options.api, options.stage, conn, loaded?.stack) : await functionUrlBase(options.urlOf!, conn);
    const url = `${base.replace(/\/+$/, '')}${options.path}`;
    const { isLoopback } = await import('../aws/target.js');
    // The endpoint names the URL; a local endpoint that reports an AWS host name (moto does) must not send us there.
    if (conn.target.local && !isLoopback(new URL(url).hostname)) {
      throw new OperationError('RemoteInvokeUrl', `${conn.endpoint.label} reports ${new URL(url).origin} for it, which is not a local address: nothing was sent`, {
        hint: conn.endpoint.kind === 'moto' ? 'moto manages APIs and function URLs but does not serve them: call them on the evlab engine (`evlab up`) or LocalStack' : 'use an endpoint that serves its invoke URLs locally (the evlab engine, LocalStack)',
      });
    }
    if (!ctx.out.json) ctx.out.progress(`${method} ${url}`);
    const started = Date.now();
    const answer = await send(method, url, headers, body, { endpoint: conn.target.endpoint, local: conn.target.local, timeoutMs: timeoutSeconds * 1000, signal: ctx.signal });
    const text = answer.body.toString('utf8');
    const isText = Buffer.from(text, 'utf8').equals(answer.body);
    const result: CallResult = {
      ok: answer.status < 500,
      request: { method, url },
      status: answer.status,
      statusText: STATUS_CODES[answer.status] ?? '',
      headers: answer.headers as Record<string, string | string[]>,
      body: isText ? text : answer.body.toString('base64'),
      bodyEncoding: isText ? 'utf8' : 'base64',
      ...(isText && looksLikeJson(text) ? { json: JSON.parse(text) as unknown } : {}),
      durationMs: Date.now() - started,
      ...(requestIdOf(answer.headers) ? { requestId: requestIdOf(answer.headers) } : {}),
    };
    if (options.trace) Object.assign(result, await readTrace(conn, result.requestId, ctx.signal));
    ctx.out.result(result, (r) => renderCall(r, ctx.out.c));
    return result.ok ? ExitCode.ok : ExitCode.failed;
  } finally {
    conn.close();
  }
}

async function apiBase(name: string, stage: string | undefined, conn: Awaited<ReturnType<typeof import('../aws/connect.js').connect>>, stack: { apis?: Record<string, { type?: 'http' | 'rest'; stage?: string }> } | undefined): Promise<string> {
  const { readApi, invokeUrl } = await import('../aws/resources/apis.js');
  const { defaultStage } = await import('../stack/desired-entry-points.js');
  const declared = stack?.apis?.[name];
  const types: ('http' | 'rest')[] = declared ? [declared.type ?? 'http'] : ['http', 'rest'];
  for (const type of types) {
    const wanted = stage ?? declared?.stage ?? defaultStage(type);
    const found = await readApi(conn.clients, name, type, wanted);
    if (!found) continue;
    const chosen = stage ?? declared?.stage ?? found.state.stage;
    if (stage && found.state.stage !== stage) {
      throw new OperationError('NoSuchStage', `API ${name} has no stage "${stage}"`, { hint: found.state.stage ? `its stage is "${found.state.stage}": --stage ${found.state.stage}` : 'run `evlab setup` to create it' });
    }
    return invokeUrl({ id: found.id, type, stage: chosen, apiEndpoint: found.apiEndpoint }, { url: conn.target.endpoint, local: conn.target.local, region: conn.target.region });
  }
  throw new OperationError('NoSuchApi', `there is no ${declared ? `${declared.type ?? 'http'} ` : ''}API named ${name} at ${conn.target.endpoint}`, {
    hint: declared ? 'create it with `evlab setup` (the stack file declares it)' : 'declare it under "apis" in the stack file and run `evlab setup`, or fix --api',
  });
}

async function functionUrlBase(fn: string, conn: Awaited<ReturnType<typeof import('../aws/connect.js').connect>>): Promise<string> {
  const { readFunctionUrl } = await import('../aws/resources/function-urls.js');
  const found = await readFunctionUrl(await conn.clients.lambda(), fn);
  if (!found?.url) {
    throw new OperationError('NoFunctionUrl', `function ${fn} has no URL at ${conn.target.endpoint}`, { hint: `set "url": true on functions.${fn} in the stack file and run \`evlab setup\`` });
  }
  return found.url;
}

function parseHeaders(values: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    if (colon <= 0) throw new ConfigError('InvalidHeader', `-H "${value}" is not "name: value"`, { hint: '-H "x-api-key: abc"' });
    headers[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
  }
  return headers;
}

async function readBody(data: string, cwd: string, stdin: NodeJS.ReadableStream): Promise<Buffer> {
  if (data === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  if (data.startsWith('@')) {
    const file = resolve(cwd, data.slice(1));
    try {
      return await readFile(file);
    } catch (err) {
      throw new ConfigError('DataUnreadable', `--data ${data}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { hint: 'the path after @ is relative to the current folder' });
    }
  }
  return Buffer.from(data, 'utf8');
}

function looksLikeJson(body: Buffer | string): boolean {
  const text = body.toString().trim();
  if (!/^[[{"]/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

// Names that only resolve through LocalStack's public DNS (or not at all offline): on a local endpoint the
// request goes to the endpoint's own address with the name in the Host header, which is how it routes them.
const LOCAL_VIRTUAL_HOST = /(\.localhost\.localstack\.cloud|\.localhost)$/i;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function send(method: string, url: string, headers: Record<string, string>, body: Buffer | undefined, where: { endpoint: string; local: boolean; timeoutMs: number; signal: AbortSignal }): Promise<Answer> {
  const target = new URL(url);
  const endpoint = new URL(where.endpoint);
  const viaEndpoint = where.local && LOCAL_VIRTUAL_HOST.test(target.hostname);
  const connectTo = viaEndpoint ? endpoint : target;
  const request = connectTo.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolvePromise, reject) => {
    const req = request(
      {
        method,
        hostname: connectTo.hostname.replace(/^\[|\]$/g, ''),
        port: connectTo.port || (connectTo.protocol === 'https:' ? 443 : 80),
        path: `${target.pathname}${target.search}`,
        headers: { ...headers, host: target.host, ...(body ? { 'content-length': String(body.length) } : {}) },
        signal: AbortSignal.any([where.signal, AbortSignal.timeout(where.timeoutMs)]),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', (err) => {
      const timedOut = err.name === 'TimeoutError' || (err as { cause?: { name?: string } }).cause?.name === 'TimeoutError';
      reject(
        new OperationError(timedOut ? 'CallTimedOut' : 'CallFailed', timedOut ? `no answer from ${url} within ${where.timeoutMs / 1000} s` : `could not call ${url}: ${err.message}`, {
          hint: timedOut ? 'raise --timeout, or look at `evlab tail` for the function' : 'check the endpoint is running (`evlab status`)',
          cause: err,
        }),
      );
    });
    req.end(body);
  });
}

/** The id API Gateway and function URLs name a request by, which its trace is rooted at. */
function requestIdOf(headers: IncomingHttpHeaders): string | undefined {
  const value = headers['apigw-requestid'] ?? headers['x-amzn-requestid'];
  return Array.isArray(value) ? value[0] : value;
}

/** --trace: once the engine is idle (the function may still be sending), the request's trace and what it caused. */
async function readTrace(conn: Awaited<ReturnType<typeof import('../aws/connect.js').connect>>, requestId: string | undefined, signal: AbortSignal): Promise<Pick<CallResult, 'trace' | 'traceNote'>> {
  if (conn.endpoint.kind !== 'evlab') {
    return { traceNote: `traces need evlab's embedded engine (evlab up); ${conn.endpoint.label} keeps none: \`evlab tail\` shows the function's log lines${requestId ? ` (request ${requestId})` : ''}` };
  }
  if (!requestId) return { trace: null, traceNote: 'the answer names no request id (no apigw-requestid or x-amzn-RequestId header), so no trace can be found for it' };
  const { getTrace, waitForIdle } = await import('../trace/fetch.js');
  await waitForIdle(conn.target.endpoint, 60_000, signal);
  const found = await getTrace(conn.target.endpoint, requestId, signal);
  return found ? { trace: found } : { trace: null, traceNote: `the engine keeps no trace of ${requestId} (dropped from its ring: raise evlab up --max-traces)` };
}

function renderCall(r: CallResult, c: ChalkInstance): string {
  const paint = r.status >= 500 ? c.red : r.status >= 400 ? c.yellow : c.green;
  const lines = [paint(`HTTP ${r.status} ${r.statusText}`) + c.dim(`  ${r.request.method} ${r.request.url} (${r.durationMs} ms)${r.requestId ? `  request ${r.requestId}` : ''}`)];
  for (const [name, value] of Object.entries(r.headers)) for (const v of Array.isArray(value) ? value : [value]) lines.push(c.dim(`${name}: ${v}`));
  lines.push('');
  if (r.json !== undefined) lines.push(JSON.stringify(r.json, null, 2));
  else if (r.bodyEncoding === 'base64') lines.push(c.dim(`(${Buffer.from(r.body, 'base64').length} bytes of binary data; --json shows them in base64)`));
  else lines.push(r.body);
  if (r.trace) lines.push('', c.bold('Trace'), ...renderTrace(r.trace.trace, c, { label: `request ${r.trace.trace.id}`, indent: '  ', related: r.trace.children }));
  if (r.traceNote) lines.push('', c.yellow(r.traceNote));
  return lines.join('\n');
}
