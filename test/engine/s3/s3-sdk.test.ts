import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from 'node:http';
import { request } from 'node:http';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
  AbortMultipartUploadCommand,
  ListPartsCommand,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Engine } from '../../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../../helpers/engine.js';

let engine: Engine;
let s3: S3Client;

beforeAll(async () => {
  engine = await startTestEngine();
  s3 = new S3Client({ ...clientConfig(engine.url), forcePathStyle: true });
});
afterAll(async () => {
  s3?.destroy();
  await engine?.stop();
});

async function s3Error(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof S3ServiceException) return { name: err.name, status: err.$metadata.httpStatusCode, message: err.message };
    throw err;
  }
  throw new Error('expected the call to fail');
}

const md5 = (data: Buffer | string) => createHash('md5').update(data).digest('hex');

describe('S3 buckets (SDK v3, path style)', () => {
  it('creates, heads, lists, locates and deletes buckets, with AWS errors', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'alpha' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'beta-eu', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    expect(await s3Error(s3.send(new CreateBucketCommand({ Bucket: 'alpha' })))).toMatchObject({ name: 'BucketAlreadyOwnedByYou', status: 409 });
    expect(await s3Error(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })))).toMatchObject({ name: 'InvalidBucketName', status: 400 });
    const head = await s3.send(new HeadBucketCommand({ Bucket: 'beta-eu' }));
    expect(head.BucketRegion).toBe('eu-west-1');
    expect(await s3Error(s3.send(new HeadBucketCommand({ Bucket: 'missing' })))).toMatchObject({ name: 'NotFound', status: 404 });
    const listed = await s3.send(new ListBucketsCommand({}));
    expect(listed.Buckets?.map((b) => b.Name)).toEqual(expect.arrayContaining(['alpha', 'beta-eu']));
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: 'alpha' }))).LocationConstraint).toBeUndefined();
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: 'beta-eu' }))).LocationConstraint).toBe('eu-west-1');

    await s3.send(new PutObjectCommand({ Bucket: 'beta-eu', Key: 'x', Body: 'x' }));
    expect(await s3Error(s3.send(new DeleteBucketCommand({ Bucket: 'beta-eu' })))).toMatchObject({ name: 'BucketNotEmpty', status: 409 });
    await s3.send(new DeleteObjectCommand({ Bucket: 'beta-eu', Key: 'x' }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'beta-eu' }));
    expect(await s3Error(s3.send(new DeleteBucketCommand({ Bucket: 'beta-eu' })))).toMatchObject({ name: 'NoSuchBucket', status: 404 });
  });
});

describe('S3 objects (SDK v3, path style)', () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'objects' }));
  });

  it('puts and gets an object with metadata, content type and an MD5 ETag; heads it; ranges', async () => {
    const body = 'hello, evlab s3 — ünïcode';
    const put = await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'dir/hello world.txt', Body: body, ContentType: 'text/plain; charset=utf-8', Metadata: { owner: 'team-a', 'Mixed-Case': 'v' }, CacheControl: 'max-age=60' }));
    expect(put.ETag).toBe(`"${md5(body)}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'dir/hello world.txt' }));
    expect(await got.Body!.transformToString()).toBe(body);
    expect(got.ContentType).toBe('text/plain; charset=utf-8');
    expect(got.Metadata).toEqual({ owner: 'team-a', 'mixed-case': 'v' });
    expect(got.CacheControl).toBe('max-age=60');
    expect(got.ContentLength).toBe(Buffer.byteLength(body));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'dir/hello world.txt' }));
    expect(head.ETag).toBe(put.ETag);
    expect(head.ContentLength).toBe(Buffer.byteLength(body));

    const part = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'dir/hello world.txt', Range: 'bytes=0-4' }));
    expect(await part.Body!.transformToString()).toBe('hello');
    expect(part.ContentRange).toBe(`bytes 0-4/${Buffer.byteLength(body)}`);
    const tail = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'dir/hello world.txt', Range: 'bytes=-7' }));
    expect(await tail.Body!.transformToString()).toBe('nïcode'); // the last 7 bytes
    expect(await s3Error(s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'dir/hello world.txt', Range: 'bytes=1000-' })))).toMatchObject({ name: 'InvalidRange', status: 416 });

    expect(await s3Error(s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'nope' })))).toMatchObject({ name: 'NoSuchKey', status: 404 });
    expect(await s3Error(s3.send(new GetObjectCommand({ Bucket: 'no-bucket', Key: 'nope' })))).toMatchObject({ name: 'NoSuchBucket', status: 404 });
    expect(await s3Error(s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'nope' })))).toMatchObject({ name: 'NotFound', status: 404 });
  });

  it('streams an upload of unknown length (aws-chunked with a trailing checksum)', async () => {
    const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(10_000, i));
    const all = Buffer.concat(chunks);
    await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'streamed.bin', Body: Readable.from(chunks), ContentLength: all.length }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'streamed.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(all)).toBe(true);
    expect(got.ETag).toBe(`"${md5(all)}"`);
  });

  it('copies with and without replaced metadata, deletes one and many', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'src.json', Body: '{"a":1}', ContentType: 'application/json', Metadata: { k: 'v' } }));
    const copied = await s3.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'copies/src copy.json', CopySource: 'objects/src.json' }));
    expect(copied.CopyObjectResult?.ETag).toBe(`"${md5('{"a":1}')}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'copies/src copy.json' }));
    expect(head).toMatchObject({ ContentType: 'application/json', Metadata: { k: 'v' } });
    await s3.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'src.json', CopySource: 'objects/src.json', MetadataDirective: 'REPLACE', Metadata: { k: 'new' }, ContentType: 'text/plain' }));
    expect(await s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'src.json' }))).toMatchObject({ ContentType: 'text/plain', Metadata: { k: 'new' } });
    expect(await s3Error(s3.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'x', CopySource: 'objects/missing' })))).toMatchObject({ name: 'NoSuchKey' });

    await s3.send(new DeleteObjectCommand({ Bucket: 'objects', Key: 'never-existed' }));
    const multi = await s3.send(new DeleteObjectsCommand({ Bucket: 'objects', Delete: { Objects: [{ Key: 'src.json' }, { Key: 'copies/src copy.json' }, { Key: 'absent' }] } }));
    expect(multi.Deleted?.map((d) => d.Key).sort()).toEqual(['absent', 'copies/src copy.json', 'src.json']);
    expect(await s3Error(s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'src.json' })))).toMatchObject({ status: 404 });
  });

  it('lists with prefix, delimiter, max-keys and continuation', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'listing' }));
    const keys = ['a.txt', 'logs/2024/01.log', 'logs/2024/02.log', 'logs/2025/01.log', 'logs/readme', 'z/1', 'z/2', 'zz'];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: 'listing', Key, Body: Key }));
    const all = await s3.send(new ListObjectsV2Command({ Bucket: 'listing' }));
    expect(all.Contents?.map((c) => c.Key)).toEqual(keys);
    expect(all.KeyCount).toBe(keys.length);
    const top = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/' }));
    expect(top.Contents?.map((c) => c.Key)).toEqual(['a.txt', 'zz']);
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['logs/', 'z/']);
    const logs = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'logs/', Delimiter: '/' }));
    expect(logs.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['logs/2024/', 'logs/2025/']);
    expect(logs.Contents?.map((c) => c.Key)).toEqual(['logs/readme']);

    // Pages of 2 with a delimiter: prefixes count as entries and are never repeated across pages.
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/', MaxKeys: 2, ContinuationToken: token }));
      seen.push(...(page.Contents ?? []).map((c) => c.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      token = page.NextContinuationToken;
      expect(page.IsTruncated).toBe(token !== undefined);
      pages++;
    } while (token);
    expect(seen.sort()).toEqual(['a.txt', 'logs/', 'z/', 'zz']);
    expect(pages).toBe(2);
  });

  it('lists with ListObjects v1 (marker paging, NextMarker with a delimiter)', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'listing-v1' }));
    for (const Key of ['k1', 'k2', 'k3', 'p/a', 'p/b']) await s3.send(new PutObjectCommand({ Bucket: 'listing-v1', Key, Body: Key }));
    const first = await s3.send(new ListObjectsCommand({ Bucket: 'listing-v1', MaxKeys: 2 }));
    expect(first.Contents?.map((c) => c.Key)).toEqual(['k1', 'k2']);
    expect(first.IsTruncated).toBe(true);
    const rest = await s3.send(new ListObjectsCommand({ Bucket: 'listing-v1', Marker: 'k2' }));
    expect(rest.Contents?.map((c) => c.Key)).toEqual(['k3', 'p/a', 'p/b']);
    const grouped = await s3.send(new ListObjectsCommand({ Bucket: 'listing-v1', Delimiter: '/', MaxKeys: 3 }));
    expect(grouped.Contents?.map((c) => c.Key)).toEqual(['k1', 'k2', 'k3']);
    expect(grouped.NextMarker).toBe('k3');
    const after = await s3.send(new ListObjectsCommand({ Bucket: 'listing-v1', Delimiter: '/', Marker: grouped.NextMarker }));
    expect(after.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['p/']);
    expect(after.IsTruncated).toBe(false);
  });

  it('multipart: create, upload parts, list parts, complete with the md5-of-md5s-N ETag; abort', async () => {
    const partA = Buffer.alloc(5 * 1024 * 1024, 'a');
    const partB = Buffer.from('the last part may be small');
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'objects', Key: 'big/file.bin', ContentType: 'application/x-test', Metadata: { m: '1' } }));
    const e1 = await s3.send(new UploadPartCommand({ Bucket: 'objects', Key: 'big/file.bin', UploadId, PartNumber: 1, Body: partA }));
    const e2 = await s3.send(new UploadPartCommand({ Bucket: 'objects', Key: 'big/file.bin', UploadId, PartNumber: 2, Body: partB }));
    expect(e1.ETag).toBe(`"${md5(partA)}"`);
    const parts = await s3.send(new ListPartsCommand({ Bucket: 'objects', Key: 'big/file.bin', UploadId }));
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([[1, partA.length], [2, partB.length]]);
    const bad = await s3Error(s3.send(new CompleteMultipartUploadCommand({ Bucket: 'objects', Key: 'big/file.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"0000"' }] } })));
    expect(bad).toMatchObject({ name: 'InvalidPart', status: 400 });
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'objects', Key: 'big/file.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1.ETag }, { PartNumber: 2, ETag: e2.ETag }] } }));
    const expected = `${createHash('md5').update(Buffer.concat([Buffer.from(md5(partA), 'hex'), Buffer.from(md5(partB), 'hex')])).digest('hex')}-2`;
    expect(done.ETag).toBe(`"${expected}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'big/file.bin' }));
    expect(head).toMatchObject({ ContentLength: partA.length + partB.length, ContentType: 'application/x-test', Metadata: { m: '1' }, ETag: `"${expected}"` });
    const ranged = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'big/file.bin', Range: `bytes=${partA.length - 2}-${partA.length + 2}` }));
    expect(await ranged.Body!.transformToString()).toBe('aathe');

    const second = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'objects', Key: 'aborted' }));
    await s3.send(new AbortMultipartUploadCommand({ Bucket: 'objects', Key: 'aborted', UploadId: second.UploadId }));
    expect(await s3Error(s3.send(new ListPartsCommand({ Bucket: 'objects', Key: 'aborted', UploadId: second.UploadId })))).toMatchObject({ name: 'NoSuchUpload', status: 404 });
  });

  it('presigned GET and PUT URLs work with plain fetch; anonymous GET by path', async () => {
    const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'objects', Key: 'presigned.txt' }), { expiresIn: 60 });
    expect(putUrl).toContain('X-Amz-Credential=');
    const put = await fetch(putUrl, { method: 'PUT', body: 'via presigned put' });
    expect(put.status).toBe(200);
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'objects', Key: 'presigned.txt' }), { expiresIn: 60 });
    expect(await (await fetch(getUrl)).text()).toBe('via presigned put');

    await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'sample.ndjson', Body: '{"a":1}\n{"a":2}\n', ContentType: 'application/x-ndjson' }));
    const anonymous = await fetch(`${engine.url}/objects/sample.ndjson`);
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('content-type')).toBe('application/x-ndjson');
    expect(await anonymous.text()).toBe('{"a":1}\n{"a":2}\n');
    const missing = await fetch(`${engine.url}/objects/not-there`);
    expect(missing.status).toBe(404);
    const xml = await missing.text();
    expect(xml).toContain('<Code>NoSuchKey</Code>');
    expect(xml).toContain('<Resource>/objects/not-there</Resource>');
    expect(xml).toMatch(/<RequestId>[^<]+<\/RequestId>/);
    // A path whose first segment is no bucket is not S3's.
    expect((await fetch(`${engine.url}/no-such-bucket/x`)).status).toBe(404);
  });
});

describe('S3 virtual-hosted style', () => {
  it('SDK v3 without forcePathStyle (bucket.localhost, resolved to this engine by the agent)', async () => {
    // *.localhost does not resolve through this machine's resolver, so the agent maps it to loopback.
    const agent = new Agent({
      lookup: (_host, options, cb) => {
        if ((options as { all?: boolean }).all) (cb as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
        else (cb as (e: null, a: string, f: number) => void)(null, '127.0.0.1', 4);
      },
    });
    const virtual = new S3Client({ ...clientConfig(`http://localhost:${engine.port}`), forcePathStyle: false, requestHandler: new NodeHttpHandler({ httpAgent: agent }) });
    const seenHosts: string[] = [];
    virtual.middlewareStack.add((next) => async (args) => {
      seenHosts.push(String((args.request as { hostname?: string }).hostname));
      return next(args);
    }, { step: 'finalizeRequest' });
    try {
      await virtual.send(new CreateBucketCommand({ Bucket: 'vhost' }));
      await virtual.send(new PutObjectCommand({ Bucket: 'vhost', Key: 'k/v.txt', Body: 'virtual' }));
      expect(await (await virtual.send(new GetObjectCommand({ Bucket: 'vhost', Key: 'k/v.txt' }))).Body!.transformToString()).toBe('virtual');
      expect((await virtual.send(new ListObjectsV2Command({ Bucket: 'vhost' }))).Contents?.map((c) => c.Key)).toEqual(['k/v.txt']);
      expect(seenHosts).toContain('vhost.localhost');
      // and the same object through path style
      expect(await (await s3.send(new GetObjectCommand({ Bucket: 'vhost', Key: 'k/v.txt' }))).Body!.transformToString()).toBe('virtual');
      // LocalStack's endpoint name: the SDK puts the bucket in front of it.
      const localstackStyle = new S3Client({ ...clientConfig(`http://s3.localhost.localstack.cloud:${engine.port}`), requestHandler: new NodeHttpHandler({ httpAgent: agent }) });
      localstackStyle.middlewareStack.add((next) => async (args) => {
        seenHosts.push(String((args.request as { hostname?: string }).hostname));
        return next(args);
      }, { step: 'finalizeRequest' });
      await localstackStyle.send(new PutObjectCommand({ Bucket: 'vhost', Key: 'ls.txt', Body: 'via localstack name' }));
      expect(await (await localstackStyle.send(new GetObjectCommand({ Bucket: 'vhost', Key: 'ls.txt' }))).Body!.transformToString()).toBe('via localstack name');
      expect(seenHosts).toContain('vhost.s3.localhost.localstack.cloud');
      localstackStyle.destroy();
    } finally {
      virtual.destroy();
      agent.destroy();
    }
  });

  it('LocalStack-style Host (bucket.s3.localhost.localstack.cloud), unsigned', async () => {
    const get = (host: string, path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: engine.port, path, headers: { host } }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end();
      });
    expect(await get(`vhost.s3.localhost.localstack.cloud:${engine.port}`, '/k/v.txt')).toEqual({ status: 200, body: 'virtual' });
    expect(await get(`vhost.localhost:${engine.port}`, '/k/v.txt')).toEqual({ status: 200, body: 'virtual' });
    expect(await get(`s3.localhost.localstack.cloud:${engine.port}`, '/vhost/k/v.txt')).toEqual({ status: 200, body: 'virtual' });
    const missing = await get(`no-such.s3.localhost.localstack.cloud:${engine.port}`, '/key');
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('<Code>NoSuchBucket</Code>');
    const listing = await get(`vhost.s3.localhost.localstack.cloud:${engine.port}`, '/?list-type=2');
    expect(listing.body).toContain('<Key>k/v.txt</Key>');
  });
});
