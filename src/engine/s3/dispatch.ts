import type { S3Call, S3Reply, S3Service } from './call.js';
import { S3Error, notImplemented } from './errors.js';
import { createBucket, deleteBucket, getBucketLocation, getBucketVersioning, headBucket, listBuckets } from './ops-buckets.js';
import { listObjectsV1, listObjectsV2 } from './ops-list.js';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listMultipartUploads, listParts, uploadPart } from './ops-multipart.js';
import { getBucketNotification, putBucketNotification } from './ops-notification.js';
import { copyObject, deleteObject, deleteObjects, getObject, putObject } from './ops-objects.js';

type Operation = (s3: S3Service, call: S3Call) => S3Reply | null | Promise<S3Reply | null>;

// Query parameters that select a sub-resource (S3's "?acl", "?tagging"…); any not handled below is NotImplemented
// rather than silently treated as the plain object or bucket (which would overwrite or return the wrong thing).
const SUBRESOURCES = [
  'accelerate', 'acl', 'analytics', 'attributes', 'cors', 'delete', 'encryption', 'intelligent-tiering', 'inventory',
  'legal-hold', 'lifecycle', 'location', 'logging', 'metrics', 'notification', 'object-lock', 'ownershipControls',
  'policy', 'policyStatus', 'publicAccessBlock', 'replication', 'requestPayment', 'restore', 'retention', 'select',
  'tagging', 'torrent', 'uploads', 'versioning', 'versions', 'website',
];

/** The operation a request names: method, then bucket/key presence, then sub-resource query parameters. */
export function selectOperation(call: S3Call): { name: string; run: Operation } {
  const { method, query } = call;
  const { bucket, key } = call.address;
  const sub = SUBRESOURCES.find((s) => query.has(s));
  const op = (name: string, run: Operation) => ({ name, run });
  if (!bucket) {
    if (method === 'GET') return op('ListBuckets', listBuckets);
    throw new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', { Method: method, ResourceType: 'SERVICE' });
  }
  if (key === undefined) {
    switch (method) {
      case 'PUT':
        if (sub === 'notification') return op('PutBucketNotificationConfiguration', putBucketNotification);
        if (!sub) return op('CreateBucket', createBucket);
        break;
      case 'HEAD':
        if (!sub) return op('HeadBucket', headBucket);
        break;
      case 'GET':
        if (sub === 'location') return op('GetBucketLocation', getBucketLocation);
        if (sub === 'notification') return op('GetBucketNotificationConfiguration', getBucketNotification);
        if (sub === 'versioning') return op('GetBucketVersioning', getBucketVersioning);
        if (sub === 'uploads') return op('ListMultipartUploads', listMultipartUploads);
        if (!sub) return query.get('list-type') === '2' ? op('ListObjectsV2', listObjectsV2) : op('ListObjects', listObjectsV1);
        break;
      case 'DELETE':
        if (!sub) return op('DeleteBucket', deleteBucket);
        break;
      case 'POST':
        if (sub === 'delete') return op('DeleteObjects', deleteObjects);
        break;
    }
    throw notImplemented(`${method} on a bucket${sub ? ` with ?${sub}` : ''}`);
  }
  const uploadId = query.has('uploadId');
  switch (method) {
    case 'PUT':
      if (uploadId && query.has('partNumber') && !sub) return op('UploadPart', uploadPart);
      if (!sub && !uploadId) return call.req.headers['x-amz-copy-source'] ? op('CopyObject', copyObject) : op('PutObject', putObject);
      break;
    case 'GET':
      if (uploadId && !sub) return op('ListParts', listParts);
      if (!sub) return op('GetObject', (s3, c) => getObject(s3, c, false));
      break;
    case 'HEAD':
      if (!sub) return op('HeadObject', (s3, c) => getObject(s3, c, true));
      break;
    case 'DELETE':
      if (uploadId && !sub) return op('AbortMultipartUpload', abortMultipartUpload);
      if (!sub) return op('DeleteObject', deleteObject);
      break;
    case 'POST':
      if (sub === 'uploads') return op('CreateMultipartUpload', createMultipartUpload);
      if (uploadId && !sub) return op('CompleteMultipartUpload', completeMultipartUpload);
      break;
  }
  throw notImplemented(`${method} on an object${sub ? ` with ?${sub}` : ''}`);
}
