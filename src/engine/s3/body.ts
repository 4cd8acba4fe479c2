import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AwsChunkedDecoder, isAwsChunked } from './aws-chunked.js';
import { S3Error } from './errors.js';

export interface ReceivedBody {
  size: number;
  md5Hex: string;
}

/**
 * Streams a request body into `file` (never holding it in memory), decoding aws-chunked framing,
 * hashing as it goes, and refusing more than `maxBytes`. On any failure the file is removed.
 */
export async function receiveBodyToFile(req: IncomingMessage, file: string, maxBytes: number, tooLarge: () => S3Error): Promise<ReceivedBody> {
  const declared = Number(req.headers['x-amz-decoded-content-length'] ?? req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw tooLarge();
  }
  const meter = new Meter(maxBytes);
  const stages: NodeJS.ReadWriteStream[] = isAwsChunked(req.headers) ? [new AwsChunkedDecoder(), meter] : [meter];
  try {
    await pipeline(req, ...(stages as [Transform]), createWriteStream(file));
  } catch (err) {
    await rm(file, { force: true });
    if (meter.exceeded) {
      req.resume();
      throw tooLarge();
    }
    if (err instanceof Error && err.message.startsWith('aws-chunked')) throw new S3Error('IncompleteBody', 400, err.message);
    throw err;
  }
  const md5Hex = meter.md5.digest('hex');
  const contentMd5 = req.headers['content-md5'];
  if (typeof contentMd5 === 'string' && contentMd5 && Buffer.from(md5Hex, 'hex').toString('base64') !== contentMd5) {
    await rm(file, { force: true });
    throw new S3Error('BadDigest', 400, 'The Content-MD5 you specified did not match what we received.', { ExpectedDigest: contentMd5 });
  }
  return { size: meter.size, md5Hex };
}

/** Small request bodies (XML documents) read into memory, capped. */
export async function receiveSmallBody(req: IncomingMessage, maxBytes = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const source = isAwsChunked(req.headers) ? req.pipe(new AwsChunkedDecoder()) : req;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume();
      throw new S3Error('MaxMessageLengthExceeded', 400, `Your request was too big: XML bodies are limited to ${maxBytes} bytes.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Counts and hashes what passes, failing once more than `max` bytes came through. */
class Meter extends Transform {
  readonly md5 = createHash('md5');
  size = 0;
  exceeded = false;

  constructor(private readonly max: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.max) {
      this.exceeded = true;
      return done(new Error('body too large'));
    }
    this.md5.update(chunk);
    done(null, chunk);
  }
}
