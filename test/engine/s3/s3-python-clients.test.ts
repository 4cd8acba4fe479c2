import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../../src/engine/index.js';
import { BOTO3_PRELUDE, runAws, runPython, startTestEngine } from '../../helpers/engine.js';

let engine: Engine;
let dir: string;

beforeAll(async () => {
  engine = await startTestEngine();
  dir = mkdtempSync(join(tmpdir(), 'evlab-s3-cli-'));
});
afterAll(async () => {
  await engine?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

describe('S3 with boto3', () => {
  it('puts, gets (with Range), lists with a paginator, copies, deletes, presigns, and reports AWS error codes', async () => {
    const out = await runPython(
      `${BOTO3_PRELUDE}
import urllib.request
from boto3.s3.transfer import TransferConfig
s3 = boto3.client('s3')
r = {}
s3.create_bucket(Bucket='py-bucket')
r['again'] = error(lambda: s3.create_bucket(Bucket='py-bucket'))
put = s3.put_object(Bucket='py-bucket', Key='a/b c.txt', Body=b'0123456789', ContentType='text/plain', Metadata={'who': 'boto3'})
r['etag'] = put['ETag']
got = s3.get_object(Bucket='py-bucket', Key='a/b c.txt', Range='bytes=2-5')
r['range'] = [got['Body'].read().decode(), got['ContentRange'], got['ResponseMetadata']['HTTPStatusCode']]
head = s3.head_object(Bucket='py-bucket', Key='a/b c.txt')
r['head'] = [head['ContentType'], head['Metadata'], head['ContentLength']]
for i in range(5):
  s3.put_object(Bucket='py-bucket', Key='many/%d' % i, Body=b'x')
pages = s3.get_paginator('list_objects_v2').paginate(Bucket='py-bucket', Prefix='many/', PaginationConfig={'PageSize': 2})
r['pages'] = [[o['Key'] for o in p.get('Contents', [])] for p in pages]
s3.copy_object(Bucket='py-bucket', Key='copied', CopySource={'Bucket': 'py-bucket', 'Key': 'a/b c.txt'})
r['copied'] = s3.get_object(Bucket='py-bucket', Key='copied')['Body'].read().decode()
big = bytes(range(256)) * (6 * 1024 * 4 + 100)
open('${dir}/boto-big.bin', 'wb').write(big)
s3.upload_file('${dir}/boto-big.bin', 'py-bucket', 'big.bin', Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
r['big'] = [s3.head_object(Bucket='py-bucket', Key='big.bin')['ETag'], len(big)]
url = s3.generate_presigned_url('get_object', Params={'Bucket': 'py-bucket', 'Key': 'a/b c.txt'}, ExpiresIn=60)
r['presigned'] = urllib.request.urlopen(url).read().decode()
r['nokey'] = error(lambda: s3.get_object(Bucket='py-bucket', Key='missing'))
r['nobucket'] = error(lambda: s3.list_objects_v2(Bucket='nope-bucket'))
r['notempty'] = error(lambda: s3.delete_bucket(Bucket='py-bucket'))
r['badrange'] = error(lambda: s3.get_object(Bucket='py-bucket', Key='a/b c.txt', Range='bytes=50-60'))
d = s3.delete_objects(Bucket='py-bucket', Delete={'Objects': [{'Key': 'many/%d' % i} for i in range(5)]})
r['deleted'] = sorted(x['Key'] for x in d['Deleted'])
r['left'] = [o['Key'] for o in s3.list_objects_v2(Bucket='py-bucket').get('Contents', [])]
print(json.dumps(r))
`,
      engine.url,
      60_000,
    );
    const r = JSON.parse(out);
    expect(r.again).toMatchObject({ code: 'BucketAlreadyOwnedByYou', status: 409 });
    expect(r.etag).toBe(`"${md5(Buffer.from('0123456789'))}"`);
    expect(r.range).toEqual(['2345', 'bytes 2-5/10', 206]);
    expect(r.head).toEqual(['text/plain', { who: 'boto3' }, 10]);
    expect(r.pages).toEqual([['many/0', 'many/1'], ['many/2', 'many/3'], ['many/4']]);
    expect(r.copied).toBe('0123456789');
    const big = readFileSync(join(dir, 'boto-big.bin'));
    expect(r.big[1]).toBe(big.length);
    const partMd5s = [big.subarray(0, 5 * 1024 * 1024), big.subarray(5 * 1024 * 1024)].map((p) => Buffer.from(md5(p), 'hex'));
    expect(r.big[0]).toBe(`"${md5(Buffer.concat(partMd5s))}-2"`);
    expect(r.presigned).toBe('0123456789');
    expect(r.nokey).toMatchObject({ code: 'NoSuchKey', status: 404 });
    expect(r.nobucket).toMatchObject({ code: 'NoSuchBucket', status: 404 });
    expect(r.notempty).toMatchObject({ code: 'BucketNotEmpty', status: 409 });
    expect(r.badrange).toMatchObject({ code: 'InvalidRange', status: 416 });
    expect(r.deleted).toEqual(['many/0', 'many/1', 'many/2', 'many/3', 'many/4']);
    expect(r.left).toEqual(['a/b c.txt', 'big.bin', 'copied']);
  });
});

describe('S3 with the aws CLI', () => {
  it('mb, cp (a >8 MB multipart upload), ls, sync, s3api, rm, rb', async () => {
    const ok = async (args: string[]) => {
      const r = await runAws(args, engine.url, 60_000);
      if (r.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return r.stdout;
    };
    expect(await ok(['s3', 'mb', 's3://cli-bucket'])).toContain('make_bucket: cli-bucket');

    const big = Buffer.alloc(9 * 1024 * 1024 + 123);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i);
    writeFileSync(join(dir, 'big.bin'), big);
    await ok(['s3', 'cp', join(dir, 'big.bin'), 's3://cli-bucket/uploads/big.bin']);
    const head = JSON.parse(await ok(['s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'uploads/big.bin']));
    expect(head.ContentLength).toBe(big.length);
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}-2"$/); // the CLI's 8 MB parts

    await ok(['s3', 'cp', 's3://cli-bucket/uploads/big.bin', join(dir, 'big.copy')]);
    expect(md5(readFileSync(join(dir, 'big.copy')))).toBe(md5(big));

    const site = join(dir, 'site');
    mkdirSync(join(site, 'css'), { recursive: true });
    writeFileSync(join(site, 'index.html'), '<h1>hi</h1>');
    writeFileSync(join(site, 'css', 'main style.css'), 'body{}');
    writeFileSync(join(site, 'a+b.txt'), 'plus');
    const synced = await ok(['s3', 'sync', site, 's3://cli-bucket/site']);
    expect(synced.match(/upload:/g)).toHaveLength(3);
    // A second sync finds nothing to do: sizes and times listed back match.
    expect((await ok(['s3', 'sync', site, 's3://cli-bucket/site'])).trim()).toBe('');

    const top = await ok(['s3', 'ls', 's3://cli-bucket/']);
    expect(top).toMatch(/PRE site\//);
    expect(top).toMatch(/PRE uploads\//);
    const recursive = await ok(['s3', 'ls', '--recursive', 's3://cli-bucket/site/']);
    expect(recursive).toContain('site/css/main style.css');
    expect(recursive).toContain('site/a+b.txt');
    expect(await ok(['s3', 'ls'])).toContain('cli-bucket');

    const listed = JSON.parse(await ok(['s3api', 'list-objects-v2', '--bucket', 'cli-bucket', '--prefix', 'site/', '--delimiter', '/']));
    expect(listed.Contents.map((c: { Key: string }) => c.Key)).toEqual(['site/a+b.txt', 'site/index.html']);
    expect(listed.CommonPrefixes).toEqual([{ Prefix: 'site/css/' }]);
    expect(await ok(['s3', 'cp', 's3://cli-bucket/site/css/main style.css', '-'])).toBe('body{}');

    const rb = await runAws(['s3', 'rb', 's3://cli-bucket'], engine.url);
    expect(rb.code).not.toBe(0);
    expect(rb.stderr).toContain('BucketNotEmpty');
    const removed = await ok(['s3', 'rm', '--recursive', 's3://cli-bucket/']);
    expect(removed.match(/delete:/g)).toHaveLength(4);
    expect(await ok(['s3', 'rb', 's3://cli-bucket'])).toContain('remove_bucket: cli-bucket');
    const gone = await runAws(['s3api', 'head-bucket', '--bucket', 'cli-bucket'], engine.url);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('404');
  }, 180_000); // some 20 CLI runs of about a second each, more on a busy machine
});
