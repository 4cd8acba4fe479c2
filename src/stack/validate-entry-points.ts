import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_NOTIFICATION_EVENTS, normaliseRouteKey } from './desired-entry-points.js';
import { entries, isObject, type Loose, type SemanticContext } from './validate-context.js';

const NOTIFICATION_KINDS = ['function', 'queue', 'eventBridge'] as const;
const METHODS = ['ANY', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
// A path segment: a literal, a {parameter}, or a greedy {proxy+} (last segment only).
const LITERAL_SEGMENT = /^[A-Za-z0-9._~:@!$&'()*,;=-]+$/;
const PARAMETER_SEGMENT = /^\{[A-Za-z_][A-Za-z0-9_]*\+?\}$/;

/** Buckets (seed folders, notifications) and APIs (route keys, functions): what JSON Schema cannot say. */
export function checkEntryPoints(stack: Loose, ctx: SemanticContext): void {
  for (const [name, bucket] of entries(stack.buckets)) {
    const path = ['buckets', name];
    if (typeof bucket.objects === 'string' && bucket.objects !== '') checkSeedFolder(bucket.objects, [...path, 'objects'], ctx);
    if (Array.isArray(bucket.notifications)) checkNotifications(bucket.notifications, [...path, 'notifications'], ctx);
  }
  for (const [name, api] of entries(stack.apis)) {
    const path = ['apis', name];
    const type = api.type === 'rest' ? 'rest' : 'http';
    if (!isObject(api.routes)) continue;
    const seen = new Map<string, string>();
    for (const [key, route] of Object.entries(api.routes)) {
      const at = [...path, 'routes', key];
      const problem = routeKeyProblem(key, type);
      if (problem) ctx.add(at, `"${key}" is not a valid route key: ${problem.message}`, problem.hint);
      else {
        const normal = normaliseRouteKey(key);
        const earlier = seen.get(normal);
        if (earlier !== undefined) ctx.add(at, `is the same route as "${earlier}"`, 'API Gateway has one integration per route; remove one of them');
        else seen.set(normal, key);
      }
      if (!isObject(route)) continue;
      ctx.reference([...at, 'function'], 'function', route.function);
      if (type === 'rest' && route.payloadFormat === '2.0') {
        ctx.add([...at, 'payloadFormat'], 'REST APIs send only the 1.0 payload to Lambda', 'remove "payloadFormat", or use "type": "http"');
      }
      if (type === 'rest' && route.overwritePath !== undefined && route.overwritePath !== false) {
        ctx.add([...at, 'overwritePath'], 'is a parameter of HTTP API integrations; REST APIs pass the resource path as it is', 'remove "overwritePath", or use "type": "http"');
      }
      if (typeof route.overwritePath === 'string' && !route.overwritePath.startsWith('$') && !route.overwritePath.startsWith('/')) {
        ctx.add([...at, 'overwritePath'], `"${route.overwritePath}" is neither a path nor a $request/$context mapping`, 'use true ("$request.path"), a path such as "/v1/jobs", or "$request.path.proxy"');
      }
    }
    if (type === 'rest' && api.stage === '$default') ctx.add([...path, 'stage'], 'REST APIs have no $default stage', 'name the stage, e.g. "dev"');
  }
}

function checkSeedFolder(folder: string, path: (string | number)[], ctx: SemanticContext): void {
  const full = resolve(ctx.dir, folder);
  if (!existsSync(full)) {
    ctx.add(path, `the folder "${folder}" does not exist (looked for ${full})`, "create it with the files to upload, or fix the path: it is relative to the stack file's folder");
  } else if (!statSync(full).isDirectory()) {
    ctx.add(path, `"${folder}" is a file, not a folder`, 'point "objects" at a folder; each file in it becomes an object keyed by its path inside the folder');
  }
}

interface Filter {
  index: number;
  events: string[];
  prefix: string;
  suffix: string;
}

function checkNotifications(notifications: unknown[], path: (string | number)[], ctx: SemanticContext): void {
  const filters: Filter[] = [];
  notifications.forEach((n, index) => {
    if (!isObject(n)) return;
    const at = [...path, index];
    const named = NOTIFICATION_KINDS.filter((kind) => kind in n);
    if (named.length !== 1) {
      ctx.add(at, named.length === 0 ? 'names no destination' : `names ${named.join(' and ')}: a notification has exactly one destination`, 'give exactly one of "function": "<name>", "queue": "<name>", "eventBridge": true');
      return;
    }
    if (named[0] === 'function') ctx.reference([...at, 'function'], 'function', n.function);
    if (named[0] === 'queue') ctx.reference([...at, 'queue'], 'queue', n.queue);
    if (named[0] === 'eventBridge') {
      const extra = ['events', 'prefix', 'suffix'].filter((k) => k in n);
      if (extra.length) ctx.add([...at, extra[0]!], 'does not apply to EventBridge: S3 sends every object event to the default bus', 'remove it and filter with a rule\'s pattern, e.g. {"source": ["aws.s3"], "detail": {"object": {"key": [{"prefix": "uploads/"}]}}}');
      return;
    }
    const events = Array.isArray(n.events) ? n.events.filter((e): e is string => typeof e === 'string') : DEFAULT_NOTIFICATION_EVENTS;
    filters.push({ index, events, prefix: typeof n.prefix === 'string' ? n.prefix : '', suffix: typeof n.suffix === 'string' ? n.suffix : '' });
  });
  // S3 rejects a configuration whose rules could both match one event ("Configurations overlap").
  for (let i = 0; i < filters.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = filters[i]!;
      const b = filters[j]!;
      if (eventsOverlap(a.events, b.events) && affixesOverlap(a.prefix, b.prefix, (x, y) => x.startsWith(y)) && affixesOverlap(a.suffix, b.suffix, (x, y) => x.endsWith(y))) {
        ctx.add([...path, a.index], `overlaps notifications[${b.index}]: S3 rejects two notifications that can match the same event`, 'give them different event types, or prefixes/suffixes that cannot both match one key');
      }
    }
  }
}

function eventsOverlap(a: string[], b: string[]): boolean {
  const family = (e: string) => e.split(':').slice(0, 2).join(':');
  return a.some((x) => b.some((y) => x === y || (x.endsWith(':*') && family(x) === family(y)) || (y.endsWith(':*') && family(y) === family(x))));
}

function affixesOverlap(a: string, b: string, extends_: (longer: string, shorter: string) => boolean): boolean {
  return a === '' || b === '' || extends_(a, b) || extends_(b, a);
}

/** Why a route key is invalid, or undefined. */
export function routeKeyProblem(key: string, type: 'http' | 'rest'): { message: string; hint: string } | undefined {
  const example = 'e.g. "ANY /{proxy+}", "GET /items/{id}"';
  if (key === '$default') {
    return type === 'http' ? undefined : { message: 'REST APIs have no $default route', hint: 'use "ANY /{proxy+}" for a catch-all' };
  }
  const match = /^(\S+) (\/.*)$/.exec(key.trim());
  if (!match) return { message: 'a route key is a method, one space and a path starting with /', hint: `${example}${type === 'http' ? ', or "$default"' : ''}` };
  const [, method, path] = match as unknown as [string, string, string];
  if (!METHODS.includes(method.toUpperCase())) return { message: `"${method}" is not an HTTP method API Gateway routes`, hint: `one of ${METHODS.join(', ')}` };
  if (path === '/') return undefined;
  const segments = path.slice(1).split('/');
  for (const [i, segment] of segments.entries()) {
    if (segment === '') return { message: 'the path has an empty segment (// or a trailing /)', hint: example };
    if (PARAMETER_SEGMENT.test(segment)) {
      if (segment.endsWith('+}') && i !== segments.length - 1) return { message: `the greedy parameter ${segment} must be the last segment`, hint: 'e.g. "ANY /files/{proxy+}"' };
      continue;
    }
    if (!LITERAL_SEGMENT.test(segment)) return { message: `"${segment}" is not a valid path segment`, hint: 'segments are literals or {name} parameters; {name+} matches the rest of the path' };
  }
  return undefined;
}
