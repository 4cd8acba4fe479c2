import { createReadStream } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { receiveBodyToFile, receiveSmallBody } from './body.js';
import { emptyReply, isoTime, quoteEtag, xmlReply, type S3Call, type S3Reply, type S3Service } from './call.js';
import { S3Error, invalidArgument, malformedXml, noSuchBucket, noSuchKey } from './errors.js';
import { MAX_SINGLE_PUT_BYTES } from './limits.js';
import type { Bucket, StoredObject } from './model.js';
import { objectHeadersFrom, objectResponseHeaders } from './object-headers.js';
import { parseRange } from './range.js';
import { list, parseXml, text, xmlDocument } from './xml.js';

const MAX_KEY_BYTES = 1024;

export function requireKey(call: S3Call): string {
  const key = call.address.key!;
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError', 400, 'Your key is too long', { MaxSizeAllowed: MAX_KEY_BYTES, Size: Buffer.byteLength(key) });
  return key;
}

/**
 * Streams an upload into a new blob. The cap is the smaller of AWS's 5 GB single-PUT limit and what the
 * store has room for; beyond the store's room the upload is refused (and counted).
 */
export async function receiveUpload(s3: S3Service, call: S3Call, newObject: boolean): Promise<{ blob: string; size: number; md5Hex: string }> {
  const room = s3.store.room(newObject);
  const max = Math.min(room, MAX_SINGLE_PUT_BYTES);
  const tooLarge = () =>
    room < MAX_SINGLE_PUT_BYTES
      ? s3.store.refusal()
      : new S3Error('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size', { MaxSizeAllowed: MAX_SINGLE_PUT_BYTES });
  const blob = s3.store.newBlob();
  const { size, md5Hex } = await receiveBodyToFile(call.req, blob.path, max, tooLarge);
  return { blob: blob.name, size, md5Hex };
}

/** The bucket again after an await: it may have been deleted while the body streamed in. */
function stillThere(s3: S3Service, bucket: Bucket): boolean {
  return s3.store.buckets.get(bucket.name) === bucket;
}

export async function putObject(s3: S3Service, call: S3Call): Promise<S3Reply> {
  const bucket = s3.store.bucket(call.address.bucket!);
  const key = requireKey(call);
  const upload = await receiveUpload(s3, call, !bucket.objects.has(key));
  if (!stillThere(s3, bucket)) {
    await rm(s3.store.blobPath(upload.blob), { force: true });
    throw noSuchBucket(bucket.name);
  }
  const object: StoredObject = { key, size: upload.size, etag: upload.md5Hex, lastModified: Date.now(), blob: upload.blob, ...objectHeadersFrom(call.req.headers) };
  s3.store.putObject(bucket, object);
  s3.notifier.publish(bucket, { eventName: 'ObjectCreated:Put', key, size: object.size, etag: object.etag, requestId: call.requestId, sourceIp: call.sourceIp, traceHeader: call.req.headers['x-amzn-trace-id'] });
  return emptyReply(200, { etag: quoteEtag(object.etag) });
}

/** 304 / 412 for If-None-Match, If-Match, If-Modified-Since, If-Unmodified-Since, as S3 evaluates them. */
function checkConditions(call: S3Call, object: StoredObject): S3Reply | undefined {
  const h = call.req.headers;
  const etagMatches = (header: string) => header.split(',').some((v) => v.trim() === '*' || v.trim().replace(/^W\//, '').replace(/"/g, '') === object.etag);
  const seconds = Math.floor(object.lastModified / 1000) * 1000;
  const ifMatch = h['if-match'];
  const ifNoneMatch = h['if-none-match'];
  if (typeof ifMatch === 'string' && !etagMatches(ifMatch)) throw new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-Match' });
  const ifUnmodified = Date.parse(String(h['if-unmodified-since'] ?? ''));
  if (typeof ifMatch !== 'string' && Number.isFinite(ifUnmodified) && seconds > ifUnmodified) {
    throw new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-Unmodified-Since' });
  }
  if (typeof ifNoneMatch === 'string' && etagMatches(ifNoneMatch)) return emptyReply(304, { etag: quoteEtag(object.etag) });
  const ifModified = Date.parse(String(h['if-modified-since'] ?? ''));
  if (typeof ifNoneMatch !== 'string' && Number.isFinite(ifModified) && seconds <= ifModified) return emptyReply(304, { etag: quoteEtag(object.etag) });
  return undefined;
}

/** GetObject and HeadObject: GET streams the blob (or a Range of it) straight from disk. */
export async function getObject(s3: S3Service, call: S3Call, head: boolean): Promise<S3Reply | null> {
  const bucket = s3.store.bucket(call.address.bucket!);
  const key = call.address.key!;
  const object = bucket.objects.get(key);
  if (!object) throw noSuchKey(key);
  const conditional = checkConditions(call, object);
  if (conditional) return conditional;
  const range = parseRange(call.req.headers.range, object.size);
  const headers: Record<string, string> = { ...objectResponseHeaders(object, call.query), 'x-amz-request-id': call.requestId };
  let status = 200;
  let length = object.size;
  if (range) {
    status = 206;
    length = range.end - range.start + 1;
    headers['content-range'] = `bytes ${range.start}-${range.end}/${object.size}`;
  }
  headers['content-length'] = String(length);
  const { res } = call;
  if (head || length === 0) {
    res.writeHead(status, headers);
    res.end();
    return null;
  }
  const stream = createReadStream(s3.store.blobPath(object.blob), range ? { start: range.start, end: range.end } : {});
  await new Promise<void>((resolve) => {
    stream.once('open', () => {
      res.writeHead(status, headers);
      stream.pipe(res);
    });
    stream.once('error', (err) => {
      if (!res.headersSent) {
        s3.ctx.options.log(`engine: S3 could not read ${bucket.name}/${key}: ${err.message}`);
        res.writeHead(500, { 'content-type': 'application/xml' });
      }
      res.destroy();
      resolve();
    });
    stream.once('close', resolve);
    res.once('close', () => stream.destroy());
  });
  return null;
}

export function deleteObject(s3: S3Service, call: S3Call): S3Reply {
  const bucket = s3.store.bucket(call.address.bucket!);
  const key = call.address.key!;
  if (s3.store.deleteObject(bucket, key)) {
    s3.notifier.publish(bucket, { eventName: 'ObjectRemoved:Delete', key, requestId: call.requestId, sourceIp: call.sourceIp, traceHeader: call.req.headers['x-amzn-trace-id'] });
  }
  // Deleting a key that does not exist succeeds, as in AWS.
  return emptyReply(204);
}

export async function deleteObjects(s3: S3Service, call: S3Call): Promise<S3Reply> {
  const bucket = s3.store.bucket(call.address.bucket!);
  const doc = parseXml(await receiveSmallBody(call.req, 2 * 1024 * 1024), 'Delete');
  const objects = list(doc.Object);
  if (objects.length > 1000) throw malformedXml();
  const quiet = text(doc.Quiet) === 'true';
  const deleted: { Key: string }[] = [];
  for (const item of objects) {
    const key = text(item.Key);
    if (key === undefined) throw malformedXml();
    if (s3.store.deleteObject(bucket, key)) {
      s3.notifier.publish(bucket, { eventName: 'ObjectRemoved:Delete', key, requestId: call.requestId, sourceIp: call.sourceIp, traceHeader: call.req.headers['x-amzn-trace-id'] });
    }
    deleted.push({ Key: key });
  }
  return xmlReply(xmlDocument('DeleteResult', quiet ? {} : { Deleted: deleted }));
}

/** `x-amz-copy-source: /bucket/key` or `bucket/key`, URL-encoded, optionally `?versionId=…`. */
function parseCopySource(header: string): { bucket: string; key: string } {
  const source = header.split('?')[0].replace(/^\//, '');
  const slash = source.indexOf('/');
  if (slash <= 0 || slash === source.length - 1) throw invalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 'x-amz-copy-source', header);
  try {
    return { bucket: decodeURIComponent(source.slice(0, slash)), key: decodeURIComponent(source.slice(slash + 1)) };
  } catch {
    throw invalidArgument('Copy Source is not URL-encoded correctly', 'x-amz-copy-source', header);
  }
}

export async function copyObject(s3: S3Service, call: S3Call): Promise<S3Reply> {
  const bucket = s3.store.bucket(call.address.bucket!);
  const key = requireKey(call);
  const from = parseCopySource(String(call.req.headers['x-amz-copy-source']));
  const sourceBucket = s3.store.bucket(from.bucket);
  const source = sourceBucket.objects.get(from.key);
  if (!source) throw noSuchKey(from.key);
  const replace = String(call.req.headers['x-amz-metadata-directive'] ?? 'COPY').toUpperCase() === 'REPLACE';
  if (sourceBucket === bucket && from.key === key && !replace) {
    throw new S3Error('InvalidRequest', 400, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  await receiveSmallBody(call.req);
  if (source.size > Math.min(s3.store.room(!bucket.objects.has(key)), MAX_SINGLE_PUT_BYTES)) {
    throw source.size > MAX_SINGLE_PUT_BYTES ? new S3Error('InvalidRequest', 400, 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120') : s3.store.refusal();
  }
  const blob = s3.store.newBlob();
  await copyFile(s3.store.blobPath(source.blob), blob.path);
  if (!stillThere(s3, bucket)) {
    await rm(blob.path, { force: true });
    throw noSuchBucket(bucket.name);
  }
  const described = replace ? objectHeadersFrom(call.req.headers) : { contentType: source.contentType, headers: { ...source.headers }, metadata: { ...source.metadata } };
  const object: StoredObject = { key, size: source.size, etag: source.etag, lastModified: Date.now(), blob: blob.name, ...described };
  s3.store.putObject(bucket, object);
  s3.notifier.publish(bucket, { eventName: 'ObjectCreated:Copy', key, size: object.size, etag: object.etag, requestId: call.requestId, sourceIp: call.sourceIp, traceHeader: call.req.headers['x-amzn-trace-id'] });
  return xmlReply(xmlDocument('CopyObjectResult', { LastModified: isoTime(object.lastModified), ETag: quoteEtag(object.etag) }));
}
