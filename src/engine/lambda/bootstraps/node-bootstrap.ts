/**
 * The Node.js runtime client the engine runs for nodejs* functions: it speaks the Lambda Runtime API
 * (AWS_LAMBDA_RUNTIME_API) like AWS's own client, loads the handler (CommonJS or ESM), formats console
 * output as Lambda does (`<time>\t<request id>\tINFO\t<message>`) and dies with the engine.
 *
 * Kept as a string so that it ships inside dist/ (tsc copies no .mjs files); it is written to the
 * engine's work folder on first use. No template literals inside: this is a String.raw template.
 *
 * argv[2] is the flush mark: printed on stdout and stderr after each invocation so that the engine
 * knows it has every line the invocation printed before it writes END/REPORT.
 */
export const NODE_BOOTSTRAP = String.raw`
import http from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import util from 'node:util';

const MARK = process.argv.splice(2, 1)[0] || '';
const API = (process.env.AWS_LAMBDA_RUNTIME_API || '127.0.0.1:9001').split(':');
const PREFIX = '/2018-06-01/runtime';
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const BOOTSTRAP_FILE = new URL(import.meta.url).pathname;
let currentRequestId; // printed as "undefined" during init, as on AWS
let responded = true;

// The engine holds our stdin open; when it goes away (even killed), stdin ends and so do we.
function die() {
  try { process.kill(-process.pid, 'SIGKILL'); } catch {}
  process.exit(137);
}
process.stdin.on('end', die);
process.stdin.on('error', die);
process.stdin.resume();

function write(level, args) {
  const text = util.format.apply(null, args).replace(/\n/g, '\r');
  process.stdout.write(new Date().toISOString() + '\t' + currentRequestId + '\t' + level + '\t' + text + '\n');
}
console.log = (...args) => write('INFO', args);
console.info = (...args) => write('INFO', args);
console.warn = (...args) => write('WARN', args);
console.error = (...args) => write('ERROR', args);
console.debug = (...args) => write('DEBUG', args);
console.trace = (...args) => write('TRACE', args);

function flush() {
  process.stdout.write(MARK + '\n');
  process.stderr.write(MARK + '\n');
}

function call(method, p, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: API[0], port: Number(API[1]), method, path: PREFIX + p, agent, headers: headers || {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function post(p, body, headers) {
  try {
    return await call('POST', p, body, Object.assign({ 'content-type': 'application/json' }, headers || {}));
  } catch {
    die();
  }
}

function errorBody(e) {
  if (e instanceof Error || (e !== null && typeof e === 'object' && 'message' in e)) {
    return {
      errorType: String(e.name || 'Error'),
      errorMessage: String(e.message),
      trace: typeof e.stack === 'string' ? e.stack.split('\n') : [],
    };
  }
  return { errorType: typeof e, errorMessage: String(e), trace: [] };
}

function logError(prefix, body) {
  write('ERROR', [prefix + ' \t' + JSON.stringify({ errorType: body.errorType, errorMessage: body.errorMessage, stack: body.trace })]);
}

function userError(type, message) {
  const e = new Error(message);
  e.name = type;
  return e;
}

function packageType(dir, root) {
  for (let d = dir; ; d = path.dirname(d)) {
    const file = path.join(d, 'package.json');
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8')).type === 'module' ? 'module' : 'commonjs';
      } catch {
        return 'commonjs';
      }
    }
    if (d === root || d === path.dirname(d)) return 'commonjs';
  }
}

async function loadHandler() {
  const handlerString = process.env._HANDLER || '';
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const slash = handlerString.lastIndexOf('/');
  const dot = handlerString.indexOf('.', slash + 1);
  if (dot <= slash + 1 || dot === handlerString.length - 1) throw userError('Runtime.MalformedHandlerName', 'Bad handler');
  const modulePath = handlerString.slice(0, dot);
  const names = handlerString.slice(dot + 1).split('.');
  let file;
  for (const ext of ['.js', '.mjs', '.cjs']) {
    const candidate = path.resolve(root, modulePath + ext);
    if (existsSync(candidate)) { file = candidate; break; }
  }
  if (!file) {
    throw userError('Runtime.ImportModuleError', "Error: Cannot find module '" + modulePath + "'\nRequire stack:\n- " + BOOTSTRAP_FILE);
  }
  const esm = file.endsWith('.mjs') || (file.endsWith('.js') && packageType(path.dirname(file), root) === 'module');
  let mod;
  try {
    mod = esm ? await import(pathToFileURL(file).href) : createRequire(file)(file);
  } catch (e) {
    if (e instanceof SyntaxError) throw userError('Runtime.UserCodeSyntaxError', 'SyntaxError: ' + e.message);
    if (e && e.code === 'MODULE_NOT_FOUND' || e && e.code === 'ERR_MODULE_NOT_FOUND') throw userError('Runtime.ImportModuleError', 'Error: ' + e.message);
    throw e;
  }
  let handler = mod;
  for (const name of names) handler = handler == null ? undefined : handler[name];
  if (typeof handler !== 'function') throw userError('Runtime.HandlerNotFound', handlerString + ' is undefined or not exported');
  return handler;
}

function runHandler(handler, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (err, value) => {
      if (settled) return;
      settled = true;
      if (err !== undefined && err !== null) reject(err);
      else resolve(value);
    };
    context.done = callback;
    context.succeed = (value) => callback(null, value);
    context.fail = (err) => callback(err === undefined || err === null ? 'handled' : err);
    let result;
    try {
      result = handler(event, context, callback);
    } catch (e) {
      callback(e === undefined || e === null ? new Error(String(e)) : e);
      return;
    }
    if (result && typeof result.then === 'function') {
      result.then((v) => callback(null, v), (e) => callback(e === undefined || e === null ? new Error('Promise rejected with ' + e) : e));
    } else if (handler.length < 3) {
      // A synchronous handler that takes no callback: AWS answers null once the event loop drains.
      setImmediate(() => callback(null, null));
    }
  });
}

function parseJson(text) {
  try { return text ? JSON.parse(text) : undefined; } catch { return undefined; }
}

function makeContext(id, headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: id,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: parseJson(headers['lambda-runtime-cognito-identity']),
    clientContext: parseJson(headers['lambda-runtime-client-context']),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

async function fatal(type, e) {
  const body = errorBody(e);
  if (type) {
    body.errorType = type;
    body.errorMessage = (e && e.name ? e.name + ': ' : '') + body.errorMessage;
  }
  logError('Uncaught Exception', body);
  flush();
  if (currentRequestId && !responded) {
    responded = true;
    await post('/invocation/' + currentRequestId + '/error', JSON.stringify(body), { 'Lambda-Runtime-Function-Error-Type': body.errorType });
  }
  process.exit(129);
}
process.on('uncaughtException', (e) => { fatal(undefined, e); });
process.on('unhandledRejection', (e) => { fatal('Runtime.UnhandledPromiseRejection', e); });

let handler;
try {
  handler = await loadHandler();
} catch (e) {
  const body = errorBody(e);
  logError('Uncaught Exception', body);
  flush();
  await post('/init/error', JSON.stringify(body), { 'Lambda-Runtime-Function-Error-Type': body.errorType });
  process.exit(1);
}

for (;;) {
  let next;
  try {
    next = await call('GET', '/invocation/next');
  } catch {
    die();
  }
  if (next.status !== 200) die();
  const id = String(next.headers['lambda-runtime-aws-request-id']);
  currentRequestId = id;
  responded = false;
  process.env._X_AMZN_TRACE_ID = String(next.headers['lambda-runtime-trace-id'] || '');
  let body;
  let failed = false;
  try {
    const text = next.body.toString('utf8');
    const event = text.length > 0 ? JSON.parse(text) : {};
    const value = await runHandler(handler, event, makeContext(id, next.headers));
    body = JSON.stringify(value === undefined ? null : value);
    if (body === undefined) body = 'null';
  } catch (e) {
    failed = true;
    body = errorBody(e);
    logError('Invoke Error', body);
  }
  flush();
  if (responded) continue;
  responded = true;
  if (failed) {
    await post('/invocation/' + id + '/error', JSON.stringify(body), { 'Lambda-Runtime-Function-Error-Type': body.errorType });
  } else {
    await post('/invocation/' + id + '/response', body);
  }
}
`;
