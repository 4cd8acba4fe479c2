import { header, type HttpCall, type HttpReply } from './http-call.js';

/**
 * CORS as HTTP APIs (corsConfiguration, camelCase) and function URLs (Cors, PascalCase) apply it: the
 * gateway answers preflight requests itself and adds the headers to the function's answers.
 */
export interface CorsRules {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  allowCredentials: boolean;
  maxAge?: number;
}

export function corsRules(config: Record<string, unknown> | undefined): CorsRules | undefined {
  if (!config) return undefined;
  // Both spellings: apigatewayv2 sends allowOrigins, Lambda sends AllowOrigins.
  const field = (name: string) => config[name] ?? config[name[0].toUpperCase() + name.slice(1)];
  const list = (name: string) => {
    const value = field(name);
    return Array.isArray(value) ? value.map(String) : [];
  };
  const maxAge = field('maxAge');
  return {
    allowOrigins: list('allowOrigins'),
    allowMethods: list('allowMethods').map((m) => m.toUpperCase()),
    allowHeaders: list('allowHeaders').map((h) => h.toLowerCase()),
    exposeHeaders: list('exposeHeaders'),
    allowCredentials: field('allowCredentials') === true,
    maxAge: typeof maxAge === 'number' ? maxAge : undefined,
  };
}

function allowedOrigin(rules: CorsRules, origin: string): string | undefined {
  if (rules.allowOrigins.includes('*')) return rules.allowCredentials ? origin : '*';
  return rules.allowOrigins.includes(origin) ? origin : undefined;
}

/** A preflight (OPTIONS with Origin and Access-Control-Request-Method) gets 204 from the gateway, never the function. */
export function preflightReply(rules: CorsRules | undefined, call: HttpCall): HttpReply | undefined {
  const origin = header(call, 'origin');
  const requestedMethod = header(call, 'access-control-request-method');
  if (!rules || call.method !== 'OPTIONS' || !origin || !requestedMethod) return undefined;
  const headers: [string, string][] = [];
  const allowed = allowedOrigin(rules, origin);
  const methodOk = rules.allowMethods.includes('*') || rules.allowMethods.includes(requestedMethod.toUpperCase());
  if (allowed && methodOk) {
    headers.push(['access-control-allow-origin', allowed]);
    headers.push(['access-control-allow-methods', rules.allowMethods.includes('*') ? requestedMethod.toUpperCase() : rules.allowMethods.join(',')]);
    const requestedHeaders = header(call, 'access-control-request-headers');
    if (requestedHeaders) {
      const wanted = requestedHeaders.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
      const granted = rules.allowHeaders.includes('*') ? wanted : wanted.filter((h) => rules.allowHeaders.includes(h));
      if (granted.length > 0) headers.push(['access-control-allow-headers', granted.join(',')]);
    }
    if (rules.allowCredentials) headers.push(['access-control-allow-credentials', 'true']);
    if (rules.maxAge !== undefined) headers.push(['access-control-max-age', String(rules.maxAge)]);
    if (allowed !== '*') headers.push(['vary', 'Origin']);
  }
  return { status: 204, headers, body: Buffer.alloc(0) };
}

/** On an actual cross-origin request, the gateway's CORS headers replace any the function set. */
export function applyCorsHeaders(rules: CorsRules | undefined, call: HttpCall, reply: HttpReply): void {
  const origin = header(call, 'origin');
  if (!rules || !origin) return;
  const allowed = allowedOrigin(rules, origin);
  if (!allowed) return;
  reply.headers = reply.headers.filter(([n]) => !n.toLowerCase().startsWith('access-control-'));
  reply.headers.push(['access-control-allow-origin', allowed]);
  if (rules.allowCredentials) reply.headers.push(['access-control-allow-credentials', 'true']);
  if (rules.exposeHeaders.length > 0) reply.headers.push(['access-control-expose-headers', rules.exposeHeaders.join(',')]);
  if (allowed !== '*') reply.headers.push(['vary', 'Origin']);
}
