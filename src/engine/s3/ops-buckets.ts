import { S3Error } from './errors.js';
import { emptyReply, isoTime, xmlReply, type S3Call, type S3Reply, type S3Service } from './call.js';
import { receiveSmallBody } from './body.js';
import { parseXml, text, xmlDocument } from './xml.js';

const OWNER = { ID: '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a', DisplayName: 'webfile' };

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html (the general-purpose rules).
function validateBucketName(name: string): void {
  const ok =
    name.length >= 3 &&
    name.length <= 63 &&
    /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !name.startsWith('xn--') &&
    !name.endsWith('-s3alias');
  if (!ok) throw new S3Error('InvalidBucketName', 400, 'The specified bucket is not valid.', { BucketName: name });
}

export async function createBucket(s3: S3Service, call: S3Call): Promise<S3Reply> {
  const name = call.address.bucket!;
  validateBucketName(name);
  const body = await receiveSmallBody(call.req);
  const constraint = body.length > 0 ? text(parseXml(body, 'CreateBucketConfiguration').LocationConstraint) || undefined : undefined;
  // A regional endpoint creates buckets in its own region only; us-east-1 (the global endpoint) in any.
  if (call.region !== 'us-east-1' && constraint !== call.region) {
    throw new S3Error(
      'IllegalLocationConstraintException',
      400,
      constraint
        ? `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`
        : 'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.',
    );
  }
  const region = constraint ?? call.region;
  if (s3.store.buckets.has(name)) {
    // AWS answers 200 for a repeated create in us-east-1 only; the engine reports it everywhere, as clients handle it.
    throw new S3Error('BucketAlreadyOwnedByYou', 409, 'Your previous request to create the named bucket succeeded and you already own it.', { BucketName: name });
  }
  s3.store.createBucket(name, region);
  return emptyReply(200, { location: `/${name}` });
}

export function headBucket(s3: S3Service, call: S3Call): S3Reply {
  const bucket = s3.store.bucket(call.address.bucket!);
  return emptyReply(200, { 'x-amz-bucket-region': bucket.region, 'x-amz-access-point-alias': 'false' });
}

export function listBuckets(s3: S3Service, call: S3Call): S3Reply {
  const prefix = call.query.get('prefix') ?? '';
  const buckets = [...s3.store.buckets.values()].filter((b) => b.name.startsWith(prefix)).sort((a, b) => (a.name < b.name ? -1 : 1));
  return xmlReply(
    xmlDocument('ListAllMyBucketsResult', {
      Owner: OWNER,
      Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: isoTime(b.created), BucketRegion: b.region })) },
      ...(prefix ? { Prefix: prefix } : {}),
    }),
  );
}

export function deleteBucket(s3: S3Service, call: S3Call): S3Reply {
  const bucket = s3.store.bucket(call.address.bucket!);
  if (bucket.objects.size > 0) {
    throw new S3Error('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty', { BucketName: bucket.name });
  }
  s3.store.deleteBucket(bucket.name);
  return emptyReply(204);
}

export function getBucketLocation(s3: S3Service, call: S3Call): S3Reply {
  const bucket = s3.store.bucket(call.address.bucket!);
  // us-east-1 is the empty constraint, as AWS answers it.
  return xmlReply(xmlDocument('LocationConstraint', { '#text': bucket.region === 'us-east-1' ? '' : bucket.region }));
}

/** Versioning is never enabled on the engine's buckets; `aws s3 sync` and SDK helpers ask. */
export function getBucketVersioning(s3: S3Service, call: S3Call): S3Reply {
  s3.store.bucket(call.address.bucket!);
  return xmlReply(xmlDocument('VersioningConfiguration', {}));
}

export const owner = OWNER;
