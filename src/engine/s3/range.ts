import { S3Error } from './errors.js';

/**
 * A `Range: bytes=…` header against an object of `size` bytes: the inclusive byte span, undefined for
 * no (or an unparseable, which S3 ignores) range, InvalidRange 416 when it lies outside the object.
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [, first, last] = match;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) throw invalidRange(header, size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) throw invalidRange(header, size);
  return { start, end };
}

function invalidRange(header: string, size: number): S3Error {
  return new S3Error('InvalidRange', 416, 'The requested range is not satisfiable', { RangeRequested: header, ActualObjectSize: size });
}
