import { createHash } from 'node:crypto';

export function md5Hex(value: string): string {
  return createHash('md5').update(value, 'utf8').digest('hex');
}

/**
 * MD5OfMessageAttributes as AWS computes it (and SDKs such as Java's verify it): attributes sorted
 * by name, each written as length-prefixed name, length-prefixed data type, one transport byte
 * (1 = string value, 2 = binary value), then the length-prefixed value; lengths are 4-byte big-endian.
 * Also used for MD5OfMessageSystemAttributes.
 */
export function md5OfAttributes(attributes: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Buffer }>): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  for (const name of names) {
    const attribute = attributes[name];
    hash.update(lengthPrefixed(Buffer.from(name, 'utf8')));
    hash.update(lengthPrefixed(Buffer.from(attribute.DataType, 'utf8')));
    if (attribute.BinaryValue !== undefined) {
      hash.update(Buffer.of(2));
      hash.update(lengthPrefixed(attribute.BinaryValue));
    } else {
      hash.update(Buffer.of(1));
      hash.update(lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8')));
    }
  }
  return hash.digest('hex');
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + bytes.length);
  out.writeUInt32BE(bytes.length, 0);
  bytes.copy(out, 4);
  return out;
}
