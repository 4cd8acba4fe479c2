import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { runtimeFamily } from './runtimes.js';
import { entries, isObject, type Loose, type SemanticContext } from './validate-context.js';

/** Lambda rejects these names in Environment.Variables (the runtime sets them). */
const RESERVED_VARIABLES = new Set([
  'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);
/** Lambda's limit on the total size of a function's environment variables. */
const MAX_ENVIRONMENT_BYTES = 4096;

const EXTENSIONS: Record<string, string[]> = { python: ['.py'], node: ['.js', '.mjs', '.cjs'], ruby: ['.rb'] };

export function checkFunctions(stack: Loose, ctx: SemanticContext): void {
  for (const [name, fn] of entries(stack.functions)) {
    const path = ['functions', name];
    const folder = checkSource(fn, path, ctx);
    if (folder !== undefined && typeof fn.runtime === 'string' && typeof fn.handler === 'string') checkHandler(fn.runtime, fn.handler, folder, fn.source as string, path, ctx);
    ctx.reference([...path, 'deadLetterQueue'], 'queue', fn.deadLetterQueue);
    for (const destination of ['onFailure', 'onSuccess'] as const) {
      const value = fn[destination];
      if (isObject(value)) ctx.reference([...path, destination, 'queue'], 'queue', value.queue);
    }
    if (isObject(fn.environment)) checkEnvironment(fn.environment, [...path, 'environment'], ctx);
  }
}

/** Returns the absolute source folder when it exists. */
function checkSource(fn: Loose, path: (string | number)[], ctx: SemanticContext): string | undefined {
  if (typeof fn.source !== 'string' || fn.source === '') return undefined;
  const folder = resolve(ctx.dir, fn.source);
  if (!existsSync(folder)) {
    ctx.add([...path, 'source'], `the folder "${fn.source}" does not exist (looked for ${folder})`, "create it, or fix the path: it is relative to the stack file's folder");
    return undefined;
  }
  if (!statSync(folder).isDirectory()) {
    ctx.add([...path, 'source'], `"${fn.source}" is a file, not a folder`, 'point "source" at the folder that holds the code; evlab zips the whole folder');
    return undefined;
  }
  return folder;
}

function checkHandler(runtime: string, handler: string, folder: string, source: string, path: (string | number)[], ctx: SemanticContext): void {
  const family = runtimeFamily(runtime);
  if (family === 'provided') {
    // Custom runtimes start the `bootstrap` executable at the root of the package; the handler is free text.
    if (!existsSync(join(folder, 'bootstrap'))) {
      ctx.add([...path, 'source'], `"${source}" has no bootstrap file, which ${runtime} functions start`, 'build your executable into that folder as "bootstrap"');
    }
    return;
  }
  if (family !== 'python' && family !== 'node' && family !== 'ruby') return;
  const match = /^(.+)\.([A-Za-z_$][\w$]*)$/.exec(handler);
  if (!match || match[1]!.endsWith('/') || /\s/.test(handler)) {
    const example = family === 'python' ? 'app.handler (function handler in app.py)' : family === 'node' ? 'index.handler (export handler in index.js)' : 'function.handler';
    ctx.add([...path, 'handler'], `"${handler}" is not of the form file.function`, `use e.g. ${example}`);
    return;
  }
  const module = match[1]!;
  // Python handlers may name a package module with dots (pkg.app.handler → pkg/app.py).
  const bases = family === 'python' ? [...new Set([module.replace(/\./g, '/'), module])] : [module];
  const candidates = bases.flatMap((base) => EXTENSIONS[family]!.map((ext) => base + ext));
  if (candidates.some((file) => existsSync(join(folder, file)))) return;
  const present = listCodeFiles(folder, EXTENSIONS[family]!);
  ctx.add(
    [...path, 'handler'],
    `"${handler}" needs ${candidates[0]} in "${source}", which has no such file`,
    present.length > 0 ? `files there: ${present.join(', ')}; set handler to <file>.<function>` : `create ${candidates[0]} in ${relative(ctx.dir, folder) || '.'}`,
  );
}

function listCodeFiles(folder: string, extensions: string[]): string[] {
  try {
    return readdirSync(folder)
      .filter((f) => extensions.some((ext) => f.endsWith(ext)))
      .sort()
      .slice(0, 6);
  } catch {
    return [];
  }
}

function checkEnvironment(environment: Loose, path: (string | number)[], ctx: SemanticContext): void {
  let size = 0;
  for (const [key, value] of Object.entries(environment)) {
    if (RESERVED_VARIABLES.has(key)) ctx.add([...path, key], `"${key}" is reserved: Lambda sets it for every function`, 'rename the variable');
    if (typeof value === 'string') size += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (size > MAX_ENVIRONMENT_BYTES) {
    ctx.add(path, `the variables take ${size} bytes; Lambda allows ${MAX_ENVIRONMENT_BYTES}`, 'move large values into a file in the source folder');
  }
}
