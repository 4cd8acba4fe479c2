import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { Engine } from '../../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../../helpers/engine.js';

const MB = 1024 * 1024;

// A full collection before each sample, so that what is measured is memory still held (a buffering
// implementation holds every chunk until the end), not garbage a busy machine has not collected yet.
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

/** Peak live heap plus Buffer memory (socket chunks live outside the JS heap) while `work` runs. */
async function peakMemoryDuring(work: () => Promise<void>): Promise<number> {
  const used = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = used();
  let peak = before;
  // A full collection takes milliseconds: sample with a gap after each, so the work itself keeps running.
  let timer: NodeJS.Timeout | undefined;
  const sample = () => {
    peak = Math.max(peak, used());
    timer = setTimeout(sample, 100);
  };
  timer = setTimeout(sample, 100);
  try {
    await work();
  } finally {
    clearTimeout(timer);
  }
  return peak - before;
}

/** PUTs `total` bytes over plain HTTP from one reused 1 MB buffer, so the client holds no copy either. */
function putStreamed(url: string, path: string, total: number, chunk: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, url);
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'PUT', headers: { 'content-length': total } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('S3 memory and storage bounds', () => {
  let engine: Engine;
  let s3: S3Client;
  beforeAll(async () => {
    engine = await startTestEngine();
    s3 = new S3Client({ ...clientConfig(engine.url), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'big' }));
  });
  afterAll(async () => {
    s3?.destroy();
    await engine?.stop();
  });

  it('a 100 MB upload and download go through disk, not the heap', async () => {
    const chunk = Buffer.alloc(MB, 7);
    // Anonymous PUT into an existing bucket is accepted, as presigned PUTs are (signatures are not checked).
    let status = 0;
    const uploadPeak = await peakMemoryDuring(async () => {
      status = await putStreamed(engine.url, '/big/hundred.bin', 100 * MB, chunk);
    });
    expect(status).toBe(200);
    expect(uploadPeak).toBeLessThan(50 * MB); // buffering would hold all 100 MB

    const expected = createHash('md5');
    for (let i = 0; i < 100; i++) expected.update(chunk);
    const hash = createHash('md5');
    let etag = '';
    const downloadPeak = await peakMemoryDuring(async () => {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'big', Key: 'hundred.bin' }));
      etag = got.ETag!;
      for await (const part of got.Body as AsyncIterable<Buffer>) hash.update(part);
    });
    const md5 = expected.digest('hex');
    expect(hash.digest('hex')).toBe(md5);
    expect(etag).toBe(`"${md5}"`);
    expect(downloadPeak).toBeLessThan(50 * MB);
  }, 180_000);

  it('an upload the client abandons half-way leaves no object and no blob behind', async () => {
    const blobs = join(engine.context.options.workDir, 's3', 'blobs');
    const before = readdirSync(blobs).length;
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: engine.port, path: '/big/abandoned.bin', method: 'PUT', headers: { 'content-length': 10 * MB } });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(MB), () => setTimeout(() => req.destroy(), 50));
    });
    const head = await fetch(`${engine.url}/big/abandoned.bin`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    // The partial file is removed once the engine sees the connection close.
    for (let i = 0; i < 100 && readdirSync(blobs).length !== before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(readdirSync(blobs)).toHaveLength(before);
  });
});

describe('S3 storage caps', () => {
  let engine: Engine;
  let s3: S3Client;
  beforeAll(async () => {
    // Read when the service starts (first S3 request), so set around that.
    process.env.EVLAB_S3_MAX_OBJECTS = '3';
    process.env.EVLAB_S3_MAX_BYTES = '1000';
    engine = await startTestEngine();
    s3 = new S3Client({ ...clientConfig(engine.url), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'capped' }));
    delete process.env.EVLAB_S3_MAX_OBJECTS;
    delete process.env.EVLAB_S3_MAX_BYTES;
  });
  afterAll(async () => {
    s3?.destroy();
    await engine?.stop();
  });

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (err: S3ServiceException) => ({ name: err.name, status: err.$metadata.httpStatusCode }),
    );

  it('refuses uploads beyond the object and byte caps, counts them, and accepts again after a delete', async () => {
    for (const key of ['a', 'b', 'c']) await s3.send(new PutObjectCommand({ Bucket: 'capped', Key: key, Body: 'x'.repeat(100) }));
    expect(await refusal(s3.send(new PutObjectCommand({ Bucket: 'capped', Key: 'd', Body: 'x' })))).toEqual({ name: 'EvlabStorageLimitExceeded', status: 507 });
    // Overwriting an existing key is no new object, but must still fit in the bytes left.
    await s3.send(new PutObjectCommand({ Bucket: 'capped', Key: 'a', Body: 'y'.repeat(200) }));
    expect(await refusal(s3.send(new PutObjectCommand({ Bucket: 'capped', Key: 'b', Body: 'z'.repeat(900) })))).toEqual({ name: 'EvlabStorageLimitExceeded', status: 507 });
    expect((await s3.send(new GetObjectCommand({ Bucket: 'capped', Key: 'b' }))).ContentLength).toBe(100);
    const service = await engine.context.service('s3');
    expect(service.stats?.()).toMatchObject({ objects: 3, bytes: 400, refused: 2, maxObjects: 3, maxBytes: 1000 });
  });
});

describe('S3 under --persist', () => {
  it('keeps buckets, objects and notification settings across a restart; without it, the blobs go at stop', async () => {
    const persist = mkdtempSync(join(tmpdir(), 'evlab-s3-persist-'));
    try {
      let engine = await startTestEngine({ persist });
      let s3 = new S3Client({ ...clientConfig(engine.url), forcePathStyle: true });
      await s3.send(new CreateBucketCommand({ Bucket: 'kept' }));
      await s3.send(new PutObjectCommand({ Bucket: 'kept', Key: 'dir/file.txt', Body: 'survives', Metadata: { m: '1' } }));
      s3.destroy();
      await engine.stop();
      expect(readdirSync(join(persist, 's3', 'blobs'))).toHaveLength(1);

      engine = await startTestEngine({ persist });
      s3 = new S3Client({ ...clientConfig(engine.url), forcePathStyle: true });
      const got = await s3.send(new GetObjectCommand({ Bucket: 'kept', Key: 'dir/file.txt' }));
      expect(await got.Body!.transformToString()).toBe('survives');
      expect(got.Metadata).toEqual({ m: '1' });
      // The anonymous GET by URL works straight after a restart (S3 comes back at start with its buckets).
      expect(await (await fetch(`${engine.url}/kept/dir/file.txt`)).text()).toBe('survives');
      s3.destroy();
      await engine.stop();

      const memory = await startTestEngine();
      const client = new S3Client({ ...clientConfig(memory.url), forcePathStyle: true });
      await client.send(new CreateBucketCommand({ Bucket: 'temp' }));
      await client.send(new PutObjectCommand({ Bucket: 'temp', Key: 'k', Body: 'v' }));
      const workDir = memory.context.options.workDir;
      expect(existsSync(join(workDir, 's3', 'blobs'))).toBe(true);
      client.destroy();
      await memory.stop();
      expect(existsSync(workDir)).toBe(false);
    } finally {
      rmSync(persist, { recursive: true, force: true });
    }
  });
});
