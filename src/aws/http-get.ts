import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * A plain GET through node:http: every command probes the endpoint first (and `up`/`down` an engine's health),
 * and fetch would load undici (~15 ms of a command's start) for these few small requests.
 */
export function httpGet(url: string, signal: AbortSignal): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(url, { method: 'GET', signal, headers: { accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
