import { badRequest } from './errors.js';
import { header, queryPairs, type HttpCall } from './http-call.js';

// requestParameters of an HTTP API integration: `overwrite:path`, `append|overwrite|remove:header.<name>`
// and `append|overwrite|remove:querystring.<name>`.
const KEY = /^(append|overwrite|remove):(header\.[A-Za-z0-9!#$%&'*+.^_`|~-]+|querystring\.[^\s=&]+|path)$/;

export function validateRequestParameters(params: Record<string, string> | undefined): void {
  if (!params) return;
  for (const [key, value] of Object.entries(params)) {
    const match = KEY.exec(key);
    if (!match || (match[2] === 'path' && match[1] !== 'overwrite')) {
      throw badRequest(
        `Invalid mapping expression specified: ${key}. Use overwrite:path, append|overwrite|remove:header.<name> or append|overwrite|remove:querystring.<name>.`,
      );
    }
    if (typeof value !== 'string') throw badRequest(`Invalid mapping expression specified: the value of ${key} must be a string`);
  }
}

export interface MappingSources {
  call: HttpCall;
  /** The request path without the stage (`$request.path`). */
  path: string;
  pathParameters: Record<string, string>;
  stageVariables: Record<string, string>;
  context: Record<string, string>;
}

export interface MappedRequest {
  path?: string;
  headerPairs: [string, string][];
  rawQueryString: string;
}

/** Applies the mappings; values may mix text with $request.*, $context.* and $stageVariables.* references. */
export function applyRequestParameters(params: Record<string, string> | undefined, src: MappingSources): MappedRequest {
  let headerPairs = src.call.headerPairs;
  let query = queryPairs(src.call.rawQueryString);
  let queryChanged = false;
  let path: string | undefined;
  for (const [key, expression] of Object.entries(params ?? {})) {
    const [action, target] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    const value = evaluate(expression, src);
    if (target === 'path') {
      path = value.startsWith('/') ? value : `/${value}`;
    } else if (target.startsWith('header.')) {
      const name = target.slice('header.'.length).toLowerCase();
      if (action !== 'append') headerPairs = headerPairs.filter(([n]) => n.toLowerCase() !== name);
      if (action !== 'remove') headerPairs = [...headerPairs, [name, value]];
    } else {
      const name = target.slice('querystring.'.length);
      if (action !== 'append') query = query.filter(([n]) => n !== name);
      if (action !== 'remove') query = [...query, [name, value]];
      queryChanged = true;
    }
  }
  const rawQueryString = queryChanged ? query.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&') : src.call.rawQueryString;
  return { path, headerPairs, rawQueryString };
}

const REFERENCE = /\$(request\.(?:path|header|querystring|body)(?:\.[A-Za-z0-9._-]+)?|context\.[A-Za-z0-9._-]+|stageVariables\.[A-Za-z0-9_]+)|\$\{(request\.[^}]+|context\.[^}]+|stageVariables\.[^}]+)\}/g;

function evaluate(expression: string, src: MappingSources): string {
  return expression.replace(REFERENCE, (_m, bare: string | undefined, braced: string | undefined) => resolve(bare ?? braced ?? '', src));
}

function resolve(ref: string, src: MappingSources): string {
  if (ref === 'request.path') return src.path;
  if (ref.startsWith('request.path.')) return src.pathParameters[ref.slice('request.path.'.length)] ?? '';
  if (ref.startsWith('request.header.')) return header(src.call, ref.slice('request.header.'.length)) ?? '';
  if (ref.startsWith('request.querystring.')) {
    const name = ref.slice('request.querystring.'.length);
    return queryPairs(src.call.rawQueryString).filter(([n]) => n === name).map(([, v]) => v).join(',');
  }
  if (ref.startsWith('context.')) return src.context[ref.slice('context.'.length)] ?? '';
  if (ref.startsWith('stageVariables.')) return src.stageVariables[ref.slice('stageVariables.'.length)] ?? '';
  return '';
}
