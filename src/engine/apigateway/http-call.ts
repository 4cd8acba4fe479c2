/**
 * An HTTP request that arrived at an invoke URL (API Gateway or a Lambda function URL), as the
 * payload builders need it, and the reply that goes back to the client.
 */
export interface HttpCall {
  method: string;
  /** The path as the client sent it (still URL-encoded), after the `/_aws/...` prefix: `/dev/v1/jobs`. */
  rawPath: string;
  /** Everything after `?`, as sent. */
  rawQueryString: string;
  /** Header name/value pairs in arrival order, names as the client spelled them. */
  headerPairs: [string, string][];
  body: Buffer;
  sourceIp: string;
  /** `HTTP/1.1` */
  protocol: string;
  /** The Host the client used, without the port. */
  domainName: string;
  domainPrefix: string;
  requestId: string;
  timeEpoch: number;
}

export interface HttpReply {
  status: number;
  /** Pairs, so that Set-Cookie and other repeated headers survive. */
  headers: [string, string][];
  body: Buffer;
}

/** Lowercase name → all values, in order. */
export function headerValues(call: HttpCall): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, value] of call.headerPairs) {
    const key = name.toLowerCase();
    const list = out.get(key);
    if (list) list.push(value);
    else out.set(key, [value]);
  }
  return out;
}

export function header(call: HttpCall, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [n, v] of call.headerPairs) if (n.toLowerCase() === wanted) return v;
  return undefined;
}

/** Query pairs, decoded as API Gateway decodes them (`+` is a space). */
export function queryPairs(rawQueryString: string): [string, string][] {
  if (!rawQueryString) return [];
  const pairs: [string, string][] = [];
  for (const part of rawQueryString.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    pairs.push([name, value]);
  }
  return pairs;
}

export function decode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** Decodes each path segment on its own, so an encoded `/` stays inside its segment. */
export function pathSegments(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0).map((s) => decode(s.replace(/\+/g, '%2B')));
}

// Content types whose bodies API Gateway (HTTP APIs) and function URLs pass as text; anything else
// (including form posts and requests without a content type) reaches the function base64-encoded.
const TEXT_TYPES = [/^text\//, /^application\/(json|javascript|xml|yaml|x-yaml|graphql)\b/, /\+(json|xml|yaml)\b/];

export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.toLowerCase().trim();
  return TEXT_TYPES.some((re) => re.test(type));
}

/** `12/Mar/2020:19:03:58 +0000`, the time format of requestContext and access logs. */
export function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

export function jsonReply(status: number, body: unknown, headers: [string, string][] = []): HttpReply {
  return { status, headers: [['content-type', 'application/json'], ...headers], body: Buffer.from(JSON.stringify(body)) };
}
