import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { receiveSmallBody } from './body.js';
import { emptyReply, isoTime, quoteEtag, xmlReply, type S3Call, type S3Reply, type S3Service } from './call.js';
import { S3Error, invalidArgument, malformedXml, noSuchBucket, noSuchUpload } from './errors.js';
import { MAX_PART_NUMBER, MIN_PART_BYTES } from './limits.js';
import type { Bucket, MultipartUpload, StoredObject } from './model.js';
import { objectHeadersFrom } from './object-headers.js';
import { owner } from './ops-buckets.js';
import { receiveUpload, requireKey } from './ops-objects.js';
import { list, parseXml, text, xmlDocument } from './xml.js';

function requireUpload(bucket: Bucket, call: S3Call): MultipartUpload {
  const uploadId = call.query.get('uploadId') ?? '';
  const upload = bucket.uploads.get(uploadId);
  if (!upload || upload.key !== call.address.key) throw noSuchUpload(uploadId);
  return upload;
}

export async function createMultipartUpload(s3: S3Service, call: S3Call): Promise<S3Reply> {
  const bucket = s3.store.bucket(call.address.bucket!);
  const key = requireKey(call);
  await receiveSmallBody(call.req);
  const uploadId = randomBytes(24).toString('base64url');
  bucket.uploads.set(uploadId, { uploadId, key, initiated: Date.now(), parts: new Map(), ...objectHeadersFrom(call.req.headers) });
  return xmlReply(xmlDocument('InitiateMultipartUploadResult', { Bucket: bucket.name, Key: key, UploadId: uploadId }));
}

export async function uploadPart(s3: S3Service, call: S3Call): Promise<S3Reply> {
  const bucket = s3.store.bucket(call.address.bucket!);
  const upload = requireUpload(bucket, call);
  const raw = call.query.get('partNumber') ?? '';
  const partNumber = Number(raw);
  if (!/^\d+$/.test(raw) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw invalidArgument(`Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, 'partNumber', raw);
  }
  if (call.req.headers['x-amz-copy-source']) throw new S3Error('NotImplemented', 501, 'The evlab engine does not implement UploadPartCopy.');
  const received = await receiveUpload(s3, call, false);
  if (bucket.uploads.get(upload.uploadId) !== upload) {
    await rm(s3.store.blobPath(received.blob), { force: true });
    throw noSuchUpload(upload.uploadId);
  }
  s3.store.addPart(upload, { partNumber, etag: received.md5Hex, size: received.size, lastModified: Date.now(), blob: received.blob });
  return emptyReply(200, { etag: quoteEtag(received.md5Hex) });
}

export async function completeMultipartUpload(s3: S3Service, call: S3Call): Promise<S3Reply> {
  const bucket = s3.store.bucket(call.address.bucket!);
  const upload = requireUpload(bucket, call);
  const doc = parseXml(await receiveSmallBody(call.req, 4 * 1024 * 1024), 'CompleteMultipartUpload');
  const requested = list(doc.Part).map((p) => ({ partNumber: Number(text(p.PartNumber)), etag: (text(p.ETag) ?? '').replace(/"/g, '') }));
  if (requested.length === 0) throw malformedXml();
  const parts = requested.map((r, i) => {
    if (i > 0 && r.partNumber <= requested[i - 1].partNumber) {
      throw new S3Error('InvalidPartOrder', 400, 'The list of parts was not in ascending order. Parts must be ordered by part number.', { UploadId: upload.uploadId });
    }
    const part = upload.parts.get(r.partNumber);
    if (!part || part.etag !== r.etag) {
      throw new S3Error('InvalidPart', 400, 'One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part\'s entity tag.', {
        UploadId: upload.uploadId,
        PartNumber: r.partNumber,
        ETag: r.etag,
      });
    }
    return part;
  });
  parts.forEach((part, i) => {
    if (i < parts.length - 1 && part.size < MIN_PART_BYTES) {
      throw new S3Error('EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed size', { ProposedSize: part.size, MinSizeAllowed: MIN_PART_BYTES, PartNumber: part.partNumber, ETag: part.etag });
    }
  });
  const size = parts.reduce((n, p) => n + p.size, 0);
  if (size > s3.store.room(!bucket.objects.has(upload.key))) throw s3.store.refusal();

  // The parts are joined on disk, one at a time; the object's ETag is the MD5 of the parts' binary MD5s, then "-N".
  const blob = s3.store.newBlob();
  const out = createWriteStream(blob.path);
  try {
    for (const part of parts) {
      for await (const chunk of createReadStream(s3.store.blobPath(part.blob))) {
        if (!out.write(chunk)) await once(out, 'drain');
      }
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (err) {
    out.destroy();
    await rm(blob.path, { force: true });
    throw err;
  }
  if (s3.store.buckets.get(bucket.name) !== bucket || bucket.uploads.get(upload.uploadId) !== upload) {
    await rm(blob.path, { force: true });
    throw s3.store.buckets.get(bucket.name) !== bucket ? noSuchBucket(bucket.name) : noSuchUpload(upload.uploadId);
  }
  const md5s = createHash('md5');
  for (const part of parts) md5s.update(Buffer.from(part.etag, 'hex'));
  const etag = `${md5s.digest('hex')}-${parts.length}`;
  const object: StoredObject = {
    key: upload.key,
    size,
    etag,
    lastModified: Date.now(),
    blob: blob.name,
    contentType: upload.contentType,
    headers: upload.headers,
    metadata: upload.metadata,
  };
  s3.store.dropUpload(bucket, upload.uploadId);
  s3.store.putObject(bucket, object);
  s3.notifier.publish(bucket, { eventName: 'ObjectCreated:CompleteMultipartUpload', key: object.key, size, etag, requestId: call.requestId, sourceIp: call.sourceIp, traceHeader: call.req.headers['x-amzn-trace-id'] });
  return xmlReply(
    xmlDocument('CompleteMultipartUploadResult', {
      Location: `${s3.ctx.url}/${bucket.name}/${encodeURIComponent(object.key).replace(/%2F/g, '/')}`,
      Bucket: bucket.name,
      Key: object.key,
      ETag: quoteEtag(etag),
    }),
  );
}

export function abortMultipartUpload(s3: S3Service, call: S3Call): S3Reply {
  const bucket = s3.store.bucket(call.address.bucket!);
  const upload = requireUpload(bucket, call);
  s3.store.dropUpload(bucket, upload.uploadId);
  return emptyReply(204);
}

export function listParts(s3: S3Service, call: S3Call): S3Reply {
  const bucket = s3.store.bucket(call.address.bucket!);
  const upload = requireUpload(bucket, call);
  const marker = Number(call.query.get('part-number-marker') ?? 0) || 0;
  const maxParts = Math.min(Number(call.query.get('max-parts') ?? 1000) || 1000, 1000);
  const all = [...upload.parts.values()].filter((p) => p.partNumber > marker).sort((a, b) => a.partNumber - b.partNumber);
  const page = all.slice(0, maxParts);
  const truncated = all.length > page.length;
  return xmlReply(
    xmlDocument('ListPartsResult', {
      Bucket: bucket.name,
      Key: upload.key,
      UploadId: upload.uploadId,
      PartNumberMarker: marker,
      ...(truncated ? { NextPartNumberMarker: page.at(-1)!.partNumber } : {}),
      MaxParts: maxParts,
      IsTruncated: truncated,
      Part: page.map((p) => ({ PartNumber: p.partNumber, LastModified: isoTime(p.lastModified), ETag: quoteEtag(p.etag), Size: p.size })),
      Initiator: { ID: owner.ID, DisplayName: owner.DisplayName },
      Owner: owner,
      StorageClass: 'STANDARD',
    }),
  );
}

export function listMultipartUploads(s3: S3Service, call: S3Call): S3Reply {
  const bucket = s3.store.bucket(call.address.bucket!);
  const prefix = call.query.get('prefix') ?? '';
  const uploads = [...bucket.uploads.values()].filter((u) => u.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.initiated - b.initiated));
  return xmlReply(
    xmlDocument('ListMultipartUploadsResult', {
      Bucket: bucket.name,
      KeyMarker: '',
      UploadIdMarker: '',
      Prefix: prefix,
      MaxUploads: 1000,
      IsTruncated: false,
      Upload: uploads.map((u) => ({ Key: u.key, UploadId: u.uploadId, Initiator: owner, Owner: owner, StorageClass: 'STANDARD', Initiated: isoTime(u.initiated) })),
    }),
  );
}
