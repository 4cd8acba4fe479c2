import type { IncomingHttpHeaders } from 'node:http';

export interface S3Address {
  bucket?: string;
  /** Decoded object key; undefined for bucket-level (or service-level) requests. */
  key?: string;
  /** How the bucket was named: in the Host (virtual-hosted style) or in the path. */
  style: 'virtual' | 'path';
}

// Local endpoint names under which a Host's first labels name the bucket (LocalStack's and plain localhost).
const VIRTUAL_HOST_SUFFIXES = ['.s3.localhost.localstack.cloud', '.s3.localhost', '.localhost'];
// Hosts that are the S3 endpoint itself (path style).
const SERVICE_HOSTS = new Set(['s3.localhost.localstack.cloud', 's3.localhost', 'localhost', 'localhost.localstack.cloud']);

/** The bucket named by a Host header (`bucket.s3.localhost.localstack.cloud:4566`, `bucket.localhost:4566`), if any. */
export function bucketFromHost(headers: IncomingHttpHeaders): string | undefined {
  const host = String(headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  if (!host || SERVICE_HOSTS.has(host) || /^[\d.]+$/.test(host) || host.startsWith('[')) return undefined;
  for (const suffix of VIRTUAL_HOST_SUFFIXES) {
    if (host.endsWith(suffix)) {
      const bucket = host.slice(0, -suffix.length);
      // Other services' LocalStack names (sqs.us-east-1.localhost.localstack.cloud, <id>.execute-api…) are not buckets.
      if (bucket && !bucket.endsWith('.execute-api') && !/(^|\.)(sqs|lambda|events|logs|dynamodb|sts|iam|apigateway)(\.|$)/.test(bucket)) return bucket;
    }
  }
  return undefined;
}

/** `s3.localhost.localstack.cloud` or `<bucket>.s3.localhost.localstack.cloud`: names only S3 answers to. */
export function isS3Host(headers: IncomingHttpHeaders): boolean {
  const host = String(headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  return host === 's3.localhost.localstack.cloud' || host.endsWith('.s3.localhost.localstack.cloud');
}

/**
 * Bucket and key of a request, from the raw request target (not a normalised URL: `a/../b` and `a//b`
 * are keys as they stand).
 */
export function s3Address(rawUrl: string, headers: IncomingHttpHeaders): S3Address {
  const rawPath = rawUrl.split('?')[0] || '/';
  const hostBucket = bucketFromHost(headers);
  if (hostBucket) {
    const key = rawPath.length > 1 ? decodeKey(rawPath.slice(1)) : undefined;
    return { bucket: hostBucket, key, style: 'virtual' };
  }
  const rest = rawPath.replace(/^\//, '');
  if (!rest) return { style: 'path' };
  const slash = rest.indexOf('/');
  if (slash === -1) return { bucket: decodeKey(rest), style: 'path' };
  const key = rest.slice(slash + 1);
  return { bucket: decodeKey(rest.slice(0, slash)), key: key === '' ? undefined : decodeKey(key), style: 'path' };
}

function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The first path segment of a request target, for routing unsigned requests to an existing bucket. */
export function firstPathSegment(rawUrl: string): string | undefined {
  const rest = (rawUrl.split('?')[0] ?? '').replace(/^\//, '');
  const segment = rest.split('/')[0];
  return segment ? decodeKey(segment) : undefined;
}
