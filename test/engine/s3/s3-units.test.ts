import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { AwsChunkedDecoder } from '../../../src/engine/s3/aws-chunked.js';
import { bucketFromHost, s3Address } from '../../../src/engine/s3/addressing.js';
import { parseRange } from '../../../src/engine/s3/range.js';
import { listPage } from '../../../src/engine/s3/ops-list.js';
import { encodeEventKey } from '../../../src/engine/s3/notify.js';
import { parseNotificationConfig, targetMatches } from '../../../src/engine/s3/notification-config.js';
import { parseXml } from '../../../src/engine/s3/xml.js';
import type { Bucket, StoredObject } from '../../../src/engine/s3/model.js';

async function decode(wire: string, pieceSize: number): Promise<string> {
  const pieces: Buffer[] = [];
  const bytes = Buffer.from(wire, 'latin1');
  for (let i = 0; i < bytes.length; i += pieceSize) pieces.push(bytes.subarray(i, i + pieceSize));
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(pieces).pipe(new AwsChunkedDecoder())) out.push(chunk as Buffer);
  return Buffer.concat(out).toString('latin1');
}

describe('aws-chunked decoding', () => {
  const wire = '5;chunk-signature=abc\r\nhello\r\nb\r\n, aws world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n';
  it('strips the framing, signatures and trailer wherever the network splits the body', async () => {
    for (const size of [1, 2, 3, 7, 1000]) expect(await decode(wire, size)).toBe('hello, aws world');
  });
  it('fails on a body that ends inside a chunk', async () => {
    await expect(decode('a\r\nshort', 4)).rejects.toThrow(/ended inside a chunk/);
  });
});

describe('Range', () => {
  it('reads S3 byte ranges and refuses unsatisfiable ones', () => {
    expect(parseRange('bytes=0-4', 10)).toEqual({ start: 0, end: 4 });
    expect(parseRange('bytes=5-', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=-30', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=8-100', 10)).toEqual({ start: 8, end: 9 });
    expect(parseRange(undefined, 10)).toBeUndefined();
    expect(parseRange('items=0-1', 10)).toBeUndefined(); // not bytes: ignored, as S3 does
    expect(() => parseRange('bytes=10-', 10)).toThrow(expect.objectContaining({ code: 'InvalidRange', status: 416 }));
    expect(() => parseRange('bytes=0-0', 0)).toThrow(expect.objectContaining({ code: 'InvalidRange' }));
  });
});

describe('addressing', () => {
  it('takes the bucket from a virtual host, else from the path; keys are decoded, not normalised', () => {
    expect(bucketFromHost({ host: 'photos.s3.localhost.localstack.cloud:4566' })).toBe('photos');
    expect(bucketFromHost({ host: 'my.dotted.bucket.localhost:4566' })).toBe('my.dotted.bucket');
    expect(bucketFromHost({ host: 's3.localhost.localstack.cloud:4566' })).toBeUndefined();
    expect(bucketFromHost({ host: 'localhost:4566' })).toBeUndefined();
    expect(bucketFromHost({ host: '127.0.0.1:4566' })).toBeUndefined();
    expect(bucketFromHost({ host: 'sqs.us-east-1.localhost.localstack.cloud:4566' })).toBeUndefined();
    expect(bucketFromHost({ host: 'abc123.execute-api.localhost.localstack.cloud:4566' })).toBeUndefined();
    expect(s3Address('/b/a/../c%20d//e?x=1', { host: '127.0.0.1' })).toEqual({ bucket: 'b', key: 'a/../c d//e', style: 'path' });
    expect(s3Address('/b/', { host: '127.0.0.1' })).toEqual({ bucket: 'b', key: undefined, style: 'path' });
    expect(s3Address('/', { host: '127.0.0.1' })).toEqual({ style: 'path' });
    expect(s3Address('/k%2Bplus', { host: 'b.localhost:1' })).toEqual({ bucket: 'b', key: 'k+plus', style: 'virtual' });
  });
});

describe('listing pages', () => {
  const keys = ['a', 'b/1', 'b/2', 'c/x/1', 'd'];
  const bucket = { objects: new Map(keys.map((k) => [k, { key: k } as StoredObject])) } as Bucket;
  const page = (prefix: string, delimiter: string, after: string, max: number) => {
    const p = listPage(keys, bucket, prefix, delimiter, after, max);
    return { keys: p.contents.map((o) => o.key), prefixes: p.prefixes, truncated: p.truncated, last: p.last };
  };
  it('rolls keys up into common prefixes that count towards max-keys and are not repeated on the next page', () => {
    expect(page('', '/', '', 1000)).toEqual({ keys: ['a', 'd'], prefixes: ['b/', 'c/'], truncated: false, last: 'd' });
    expect(page('', '/', '', 2)).toEqual({ keys: ['a'], prefixes: ['b/'], truncated: true, last: 'b/' });
    expect(page('', '/', 'b/', 1)).toEqual({ keys: [], prefixes: ['c/'], truncated: true, last: 'c/' });
    expect(page('', '/', 'b/', 2)).toEqual({ keys: ['d'], prefixes: ['c/'], truncated: false, last: 'd' }); // exactly full: not truncated
    expect(page('', '/', 'c/', 1)).toEqual({ keys: ['d'], prefixes: [], truncated: false, last: 'd' });
    expect(page('c/', '/', '', 10)).toEqual({ keys: [], prefixes: ['c/x/'], truncated: false, last: 'c/x/' });
    expect(page('b', '', '', 10).keys).toEqual(['b/1', 'b/2']);
    expect(page('', '', '', 0)).toEqual({ keys: [], prefixes: [], truncated: true, last: undefined });
  });
});

describe('notification configuration', () => {
  const parse = (xml: string) => parseNotificationConfig(parseXml(xml, 'NotificationConfiguration'), () => 'generated-id');
  it('reads queue, function and EventBridge configurations with filter rules', () => {
    const config = parse(
      '<NotificationConfiguration><QueueConfiguration><Queue>arn:q</Queue><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>Prefix</Name><Value>in/</Value></FilterRule><FilterRule><Name>suffix</Name><Value>.csv</Value></FilterRule></S3Key></Filter></QueueConfiguration><CloudFunctionConfiguration><Id>f</Id><CloudFunction>arn:f</CloudFunction><Event>s3:ObjectRemoved:Delete</Event><Event>s3:ObjectCreated:Copy</Event></CloudFunctionConfiguration><EventBridgeConfiguration/></NotificationConfiguration>',
    );
    expect(config.eventBridge).toBe(true);
    expect(config.targets).toEqual([
      { id: 'generated-id', kind: 'queue', arn: 'arn:q', events: ['s3:ObjectCreated:*'], rules: [{ name: 'prefix', value: 'in/' }, { name: 'suffix', value: '.csv' }] },
      { id: 'f', kind: 'function', arn: 'arn:f', events: ['s3:ObjectRemoved:Delete', 's3:ObjectCreated:Copy'], rules: [] },
    ]);
    const [queue, fn] = config.targets;
    expect(targetMatches(queue, 's3:ObjectCreated:Put', 'in/a.csv')).toBe(true);
    expect(targetMatches(queue, 's3:ObjectCreated:CompleteMultipartUpload', 'in/a.csv')).toBe(true);
    expect(targetMatches(queue, 's3:ObjectCreated:Put', 'out/a.csv')).toBe(false);
    expect(targetMatches(queue, 's3:ObjectCreated:Put', 'in/a.csv.bak')).toBe(false);
    expect(targetMatches(queue, 's3:ObjectRemoved:Delete', 'in/a.csv')).toBe(false);
    expect(targetMatches(fn, 's3:ObjectCreated:Put', 'x')).toBe(false);
    expect(targetMatches(fn, 's3:ObjectCreated:Copy', 'x')).toBe(true);
  });
  it('refuses unknown events, filter names and repeated rules', () => {
    expect(() => parse('<NotificationConfiguration><QueueConfiguration><Queue>q</Queue><Event>s3:Nope</Event></QueueConfiguration></NotificationConfiguration>')).toThrow(/not supported/);
    expect(() => parse('<NotificationConfiguration><QueueConfiguration><Queue>q</Queue><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>middle</Name><Value>x</Value></FilterRule></S3Key></Filter></QueueConfiguration></NotificationConfiguration>')).toThrow(/prefix or suffix/);
    expect(() => parse('<NotificationConfiguration><QueueConfiguration><Queue>q</Queue><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>a</Value></FilterRule><FilterRule><Name>prefix</Name><Value>b</Value></FilterRule></S3Key></Filter></QueueConfiguration></NotificationConfiguration>')).toThrow(/more than one prefix/);
    expect(() => parseXml('<Wrong/>', 'NotificationConfiguration')).toThrow(expect.objectContaining({ code: 'MalformedXML' }));
  });
});

describe('event record keys', () => {
  it('are form-encoded with slashes kept, as S3 writes them', () => {
    expect(encodeEventKey('job offers/2024+x(1).csv')).toBe('job+offers/2024%2Bx%281%29.csv');
    expect(encodeEventKey('ünï/çode')).toBe('%C3%BCn%C3%AF/%C3%A7ode');
    expect(encodeEventKey('plain-key_1.~txt')).toBe('plain-key_1.~txt');
  });
});
