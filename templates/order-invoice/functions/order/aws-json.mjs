// A tiny AWS JSON-protocol client on Node's own fetch and crypto: the function's zip carries no AWS SDK.
// The engine (and LocalStack, moto, AWS) accept a POST with X-Amz-Target and a real Signature Version 4
// signature from the environment's credentials. The endpoint is AWS_ENDPOINT_URL (set by evlab's engine
// and by LocalStack), else the service's AWS endpoint.
import { createHash, createHmac } from 'node:crypto';

export class AwsError extends Error {
  constructor(code, message, status) {
    super(`${code}: ${message} (HTTP ${status})`);
    this.name = code;
    this.code = code;
    this.status = status;
  }
}

/** POSTs `payload` as AWS JSON to `service` (e.g. "dynamodb", "events") with X-Amz-Target `target`. */
export async function call(service, target, payload, { jsonVersion = '1.1', timeoutMs = 5000 } = {}) {
  const env = process.env;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  const endpoint = env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || env.AWS_ENDPOINT_URL || `https://${service}.${region}.amazonaws.com`;
  const url = new URL('/', endpoint);
  const body = JSON.stringify(payload);
  const headers = {
    host: url.host,
    'content-type': `application/x-amz-json-${jsonVersion}`,
    'x-amz-target': target,
    'x-amz-date': new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''),
  };
  if (env.AWS_SESSION_TOKEN) headers['x-amz-security-token'] = env.AWS_SESSION_TOKEN;
  headers.authorization = authorization(service, region, headers, body);
  const { host, ...sent } = headers; // fetch sets Host itself, to the same value
  const response = await fetch(url, { method: 'POST', headers: sent, body, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  const data = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const code = String(data.__type ?? 'HTTPError').split('#').pop();
    throw new AwsError(code, data.message ?? data.Message ?? response.statusText, response.status);
  }
  return data;
}

function authorization(service, region, headers, body) {
  const accessKey = process.env.AWS_ACCESS_KEY_ID || 'test';
  const secretKey = process.env.AWS_SECRET_ACCESS_KEY || 'test';
  const date = headers['x-amz-date'];
  const scope = `${date.slice(0, 8)}/${region}/${service}/aws4_request`;
  const names = Object.keys(headers).sort();
  const canonicalRequest = [
    'POST',
    '/',
    '',
    names.map((name) => `${name}:${String(headers[name]).trim()}\n`).join(''),
    names.join(';'),
    sha256(body),
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonicalRequest)].join('\n');
  let key = `AWS4${secretKey}`;
  for (const part of [date.slice(0, 8), region, service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
}

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const hmac = (key, text) => createHmac('sha256', key).update(text).digest();

// Exported for the signature test against a reference signer.
export const _authorization = authorization;
