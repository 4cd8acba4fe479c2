import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json: () => any;
}

/**
 * A plain HTTP request (node:http, no fetch): headers as name/value pairs so a header can repeat,
 * and an optional Host header, which is how the DNS-style invoke URLs are reached without DNS.
 */
export function httpCall(
  url: string,
  options: { method?: string; headers?: [string, string][]; body?: string | Buffer; host?: string } = {},
): Promise<HttpResult> {
  const target = new URL(url);
  const flat: string[] = [];
  for (const [name, value] of options.headers ?? []) flat.push(name, value);
  // Raw (array) headers get no automatic Host header.
  flat.push('Host', options.host ?? target.host);
  if (options.body !== undefined) flat.push('Content-Length', String(Buffer.byteLength(options.body)));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { hostname: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: options.method ?? 'GET', headers: flat, setHost: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
