import { badRequest } from './errors.js';
import { pathSegments } from './http-call.js';

/** One segment of a route or resource path: `items`, `{id}` or a greedy `{proxy+}` (last only). */
export type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

export const HTTP_METHODS = ['ANY', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

const PARAM = /^\{([A-Za-z0-9._-]+)(\+)?\}$/;
const LITERAL = /^[A-Za-z0-9._~!$&'()*+,;=:@%-]+$/;

/** Parses `/items/{id}`; undefined when it is not a valid path template. */
export function parsePathTemplate(path: string): Segment[] | undefined {
  if (!path.startsWith('/')) return undefined;
  if (path === '/') return [];
  const parts = path.slice(1).split('/');
  const segments: Segment[] = [];
  const names = new Set<string>();
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const param = PARAM.exec(part);
    if (param) {
      if (names.has(param[1])) return undefined;
      names.add(param[1]);
      if (param[2] && i !== parts.length - 1) return undefined;
      segments.push(param[2] ? { kind: 'greedy', name: param[1] } : { kind: 'param', name: param[1] });
    } else if (LITERAL.test(part) && !part.includes('{') && !part.includes('}')) {
      segments.push({ kind: 'literal', value: part });
    } else {
      return undefined;
    }
  }
  return segments;
}

export interface ParsedRouteKey {
  method: string;
  path: string;
  segments: Segment[];
}

/** `$default` (undefined result) or `METHOD /path`; anything else is a BadRequestException, as on AWS. */
export function parseRouteKey(routeKey: unknown): ParsedRouteKey | undefined {
  if (routeKey === '$default') return undefined;
  const fail = () =>
    badRequest(
      `Invalid route key: '${String(routeKey)}'. A route key is $default or "METHOD /path" with METHOD one of ${HTTP_METHODS.join(', ')}; ` +
        'path parameters are written {name}, and a greedy {name+} may only be the last segment.',
    );
  if (typeof routeKey !== 'string') throw fail();
  const match = /^([A-Z]+) (\/\S*)$/.exec(routeKey);
  if (!match || !HTTP_METHODS.includes(match[1])) throw fail();
  const segments = parsePathTemplate(match[2]);
  if (!segments) throw fail();
  return { method: match[1], path: match[2], segments };
}

export interface PathMatch {
  pathParameters: Record<string, string>;
  /** Ranks of the segments (literal 3, param 2, greedy 1) for choosing the most specific template. */
  rank: number[];
}

/** Whether a template covers a request path (URL-encoded as sent). */
export function matchPath(template: Segment[], requestPath: string): PathMatch | undefined {
  const parts = pathSegments(requestPath);
  const pathParameters: Record<string, string> = {};
  const rank: number[] = [];
  for (let i = 0; i < template.length; i++) {
    const seg = template[i];
    if (seg.kind === 'greedy') {
      if (i >= parts.length) return undefined; // a greedy variable needs at least one segment
      pathParameters[seg.name] = parts.slice(i).join('/');
      rank.push(1);
      return { pathParameters, rank };
    }
    if (i >= parts.length) return undefined;
    if (seg.kind === 'literal') {
      if (seg.value !== parts[i]) return undefined;
      rank.push(3);
    } else {
      pathParameters[seg.name] = parts[i];
      rank.push(2);
    }
  }
  return parts.length === template.length ? { pathParameters, rank } : undefined;
}

/** Positive when a is more specific than b. */
export function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The route for a request, as HTTP APIs choose it: the most specific path (literal segments before
 * path variables before a greedy variable), a route for the method before ANY, else `$default`.
 */
export function selectRoute<T extends { routeKey: string }>(
  routes: T[],
  method: string,
  requestPath: string,
): { route: T; pathParameters: Record<string, string> } | undefined {
  let best: { route: T; match: PathMatch; exact: boolean } | undefined;
  for (const route of routes) {
    const parsed = safeParse(route.routeKey);
    if (!parsed) continue;
    if (parsed.method !== method && parsed.method !== 'ANY') continue;
    const match = matchPath(parsed.segments, requestPath);
    if (!match) continue;
    const exact = parsed.method === method;
    if (!best) {
      best = { route, match, exact };
      continue;
    }
    const c = compareRank(match.rank, best.match.rank);
    if (c > 0 || (c === 0 && exact && !best.exact)) best = { route, match, exact };
  }
  if (best) return { route: best.route, pathParameters: best.match.pathParameters };
  const fallback = routes.find((r) => r.routeKey === '$default');
  return fallback ? { route: fallback, pathParameters: {} } : undefined;
}

function safeParse(routeKey: string): ParsedRouteKey | undefined {
  try {
    return parseRouteKey(routeKey);
  } catch {
    return undefined;
  }
}
