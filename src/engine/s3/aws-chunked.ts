import { Transform, type TransformCallback } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether a request body uses `aws-chunked` framing: SDKs send it for streamed uploads with a
 * trailing checksum (x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER) or with per-chunk
 * signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD).
 */
export function isAwsChunked(headers: IncomingHttpHeaders): boolean {
  const sha = String(headers['x-amz-content-sha256'] ?? '');
  const encoding = String(headers['content-encoding'] ?? '');
  return sha.startsWith('STREAMING-') || encoding.split(',').some((e) => e.trim() === 'aws-chunked');
}

/**
 * Removes aws-chunked framing: `<hex size>[;chunk-signature=…]\r\n<data>\r\n` … `0\r\n<trailers>\r\n\r\n`.
 * Signatures and trailing checksums are not verified (the engine does not verify SigV4 at all).
 */
export class AwsChunkedDecoder extends Transform {
  private header = '';
  private remaining = 0;
  private state: 'header' | 'data' | 'crlf' | 'trailer' = 'header';
  private crlfLeft = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let i = 0;
    try {
      while (i < chunk.length) {
        if (this.state === 'trailer') return done();
        if (this.state === 'header') {
          const nl = chunk.indexOf(0x0a, i);
          const end = nl === -1 ? chunk.length : nl;
          this.header += chunk.toString('latin1', i, end);
          if (this.header.length > 4096) throw new Error('aws-chunked: chunk header too long');
          i = end;
          if (nl === -1) break;
          i = nl + 1;
          const sizeText = this.header.replace(/\r$/, '').split(';')[0].trim();
          this.header = '';
          if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new Error(`aws-chunked: bad chunk size "${sizeText}"`);
          this.remaining = parseInt(sizeText, 16);
          this.state = this.remaining === 0 ? 'trailer' : 'data';
          continue;
        }
        if (this.state === 'data') {
          const take = Math.min(this.remaining, chunk.length - i);
          this.push(chunk.subarray(i, i + take));
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.state = 'crlf';
            this.crlfLeft = 2;
          }
          continue;
        }
        // The CRLF after a chunk's data.
        const skip = Math.min(this.crlfLeft, chunk.length - i);
        i += skip;
        this.crlfLeft -= skip;
        if (this.crlfLeft === 0) this.state = 'header';
      }
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.state === 'data') done(new Error('aws-chunked: body ended inside a chunk'));
    else done();
  }
}
