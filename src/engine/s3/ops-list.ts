import { owner } from './ops-buckets.js';
import { isoTime, quoteEtag, xmlReply, type S3Call, type S3Reply, type S3Service } from './call.js';
import { invalidArgument } from './errors.js';
import type { Bucket, StoredObject } from './model.js';
import { xmlDocument } from './xml.js';

interface Page {
  contents: StoredObject[];
  prefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned (the next page starts after it). */
  last?: string;
}

/**
 * One page of a listing in key order: keys after `after` under `prefix`; with a delimiter, keys that
 * contain it past the prefix roll up into one common prefix each. Keys and prefixes both count
 * towards `maxKeys`, as in S3.
 */
export function listPage(keys: string[], bucket: Bucket, prefix: string, delimiter: string, after: string, maxKeys: number): Page {
  const page: Page = { contents: [], prefixes: [], truncated: false };
  let i = after ? upperBound(keys, after) : lowerBound(keys, prefix);
  for (; i < keys.length; i++) {
    const key = keys[i];
    if (!key.startsWith(prefix)) {
      if (key > prefix) break; // sorted: nothing later can start with the prefix
      continue;
    }
    let entry: string | undefined;
    if (delimiter) {
      const at = key.indexOf(delimiter, prefix.length);
      if (at !== -1) {
        const common = key.slice(0, at + delimiter.length);
        // A page that ended on this prefix: its keys were rolled up already.
        if (common <= after || common === page.prefixes.at(-1)) continue;
        entry = common;
      }
    }
    if (page.contents.length + page.prefixes.length >= maxKeys) {
      page.truncated = true;
      break;
    }
    if (entry) page.prefixes.push(entry);
    else page.contents.push(bucket.objects.get(key)!);
    page.last = entry ?? key;
  }
  return page;
}

function lowerBound(keys: string[], value: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(keys: string[], value: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function maxKeysOf(query: URLSearchParams): number {
  const raw = query.get('max-keys');
  if (raw === null) return 1000;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) throw invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', raw);
  return Math.min(n, 1000);
}

/** With `encoding-type=url` (what the aws CLI asks for) keys and prefixes are URL-encoded in the answer. */
function encoder(query: URLSearchParams): (value: string) => string {
  const type = query.get('encoding-type');
  if (type === null) return (v) => v;
  if (type !== 'url') throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', type);
  return (v) => encodeURIComponent(v).replace(/%2F/g, '/');
}

function contentsXml(objects: StoredObject[], encode: (v: string) => string, withOwner: boolean) {
  return objects.map((o) => ({
    Key: encode(o.key),
    LastModified: isoTime(o.lastModified),
    ETag: quoteEtag(o.etag),
    Size: o.size,
    ...(withOwner ? { Owner: owner } : {}),
    StorageClass: 'STANDARD',
  }));
}

export function listObjectsV2(s3: S3Service, call: S3Call): S3Reply {
  const bucket = s3.store.bucket(call.address.bucket!);
  const q = call.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const token = q.get('continuation-token');
  const startAfter = q.get('start-after') ?? '';
  let after = startAfter;
  if (token !== null) {
    after = Buffer.from(token, 'base64url').toString('utf8');
    if (!token || Buffer.from(after, 'utf8').toString('base64url') !== token) throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  }
  const maxKeys = maxKeysOf(q);
  const encode = encoder(q);
  const page = listPage(s3.store.keys(bucket), bucket, prefix, delimiter, after, maxKeys);
  const fetchOwner = q.get('fetch-owner') === 'true';
  return xmlReply(
    xmlDocument('ListBucketResult', {
      Name: bucket.name,
      Prefix: encode(prefix),
      ...(delimiter ? { Delimiter: encode(delimiter) } : {}),
      MaxKeys: maxKeys,
      ...(q.has('encoding-type') ? { EncodingType: 'url' } : {}),
      KeyCount: page.contents.length + page.prefixes.length,
      IsTruncated: page.truncated,
      ...(token !== null ? { ContinuationToken: token } : {}),
      ...(page.truncated && page.last ? { NextContinuationToken: Buffer.from(page.last, 'utf8').toString('base64url') } : {}),
      ...(startAfter ? { StartAfter: encode(startAfter) } : {}),
      Contents: contentsXml(page.contents, encode, fetchOwner),
      CommonPrefixes: page.prefixes.map((p) => ({ Prefix: encode(p) })),
    }),
  );
}

export function listObjectsV1(s3: S3Service, call: S3Call): S3Reply {
  const bucket = s3.store.bucket(call.address.bucket!);
  const q = call.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const marker = q.get('marker') ?? '';
  const maxKeys = maxKeysOf(q);
  const encode = encoder(q);
  const page = listPage(s3.store.keys(bucket), bucket, prefix, delimiter, marker, maxKeys);
  return xmlReply(
    xmlDocument('ListBucketResult', {
      Name: bucket.name,
      Prefix: encode(prefix),
      Marker: encode(marker),
      // S3 returns NextMarker only with a delimiter; clients use the last key otherwise.
      ...(page.truncated && delimiter && page.last ? { NextMarker: encode(page.last) } : {}),
      MaxKeys: maxKeys,
      ...(delimiter ? { Delimiter: encode(delimiter) } : {}),
      ...(q.has('encoding-type') ? { EncodingType: 'url' } : {}),
      IsTruncated: page.truncated,
      Contents: contentsXml(page.contents, encode, true),
      CommonPrefixes: page.prefixes.map((p) => ({ Prefix: encode(p) })),
    }),
  );
}
