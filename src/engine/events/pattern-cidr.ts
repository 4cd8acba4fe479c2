import { isIPv6 } from 'node:net';

/**
 * IP addresses are compared as fixed-width upper-case hex strings (8 digits for IPv4, 32 for IPv6), so a
 * CIDR block is a plain string range and an IPv4 value can never fall inside an IPv6 block.
 */
export interface IpRange {
  low: string;
  high: string;
}

// EventBridge decides "is this meant to be an IP address?" with these loose shapes before parsing for real.
const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

export type IpParse = { ok: true; hex: string } | { ok: false; reason: 'nonstandard' | 'invalid' };

export function parseIp(text: string): IpParse {
  if (IPV4_SHAPE.test(text)) {
    const hex = ipv4ToHex(text);
    return hex === undefined ? { ok: false, reason: 'invalid' } : { ok: true, hex };
  }
  if (IPV6_SHAPE.test(text)) {
    const hex = ipv6ToHex(text);
    return hex === undefined ? { ok: false, reason: 'invalid' } : { ok: true, hex };
  }
  return { ok: false, reason: 'nonstandard' };
}

/** Hex form of an event value, or undefined when it is not an IP literal (then a cidr simply doesn't match). */
export function ipHexIfPossible(text: string): string | undefined {
  const parsed = parseIp(text);
  return parsed.ok ? parsed.hex : undefined;
}

export function ipInRange(hex: string, range: IpRange): boolean {
  return hex.length === range.low.length && hex >= range.low && hex <= range.high;
}

/** Returns the range, or the AWS error reason. */
export function parseCidr(text: string): IpRange | string {
  // Java's String.split drops trailing empty parts, so "10.0.0.0/" counts as having no '/'.
  const parts = text.split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length !== 2) return "Malformed CIDR, one '/' required";
  const [address, maskText] = parts as [string, string];
  if (!/^[+-]?[0-9]+$/.test(maskText) || Math.abs(Number(maskText)) > 2 ** 31 - 1) {
    return 'Malformed CIDR, mask bits must be an integer';
  }
  const maskBits = Number(maskText);
  if (maskBits < 0) return 'Malformed CIDR, mask bits must not be negative';
  const ip = parseIp(address);
  if (!ip.ok) {
    return ip.reason === 'nonstandard' ? `Nonstandard IP address: ${address}` : `Invalid IP address: ${address}`;
  }
  const totalBits = ip.hex.length * 4;
  // AWS refuses a full-length mask (/32, /128): use an exact IP value instead.
  if (totalBits === 32 && maskBits > 31) return 'IPv4 mask bits must be < 32';
  if (totalBits === 128 && maskBits > 127) return 'IPv6 mask bits must be < 128';
  // AWS quirk: the bottom of the range is the address as written, not the network address, so
  // "10.0.0.5/24" covers 10.0.0.5-10.0.0.255 only. Only the top has the host bits set.
  return { low: ip.hex, high: setHostBits(ip.hex, totalBits - maskBits) };
}

function setHostBits(hex: string, hostBits: number): string {
  const digits = hex.split('').map((d) => parseInt(d, 16));
  for (let i = digits.length - 1; i >= 0 && hostBits > 0; i--) {
    const bits = Math.min(4, hostBits);
    digits[i] = digits[i]! | ((1 << bits) - 1);
    hostBits -= bits;
  }
  return digits.map((d) => d.toString(16).toUpperCase()).join('');
}

function ipv4ToHex(text: string): string | undefined {
  const parts = text.split('.');
  let hex = '';
  for (const part of parts) {
    // Leading zeros are read as decimal, as Java's InetAddress does.
    const n = Number(part);
    if (!Number.isInteger(n) || n > 255) return undefined;
    hex += n.toString(16).toUpperCase().padStart(2, '0');
  }
  return hex;
}

function ipv6ToHex(text: string): string | undefined {
  if (!isIPv6(text)) return undefined;
  const halves = text.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  const groups = [...head, ...Array<string>(halves.length > 1 ? missing : 0).fill('0'), ...tail];
  if (groups.length !== 8) return undefined;
  const hex = groups.map((g) => g.toUpperCase().padStart(4, '0')).join('');
  // Java's InetAddress turns an IPv4-mapped IPv6 address (::ffff:a.b.c.d) into the plain IPv4 address.
  if (hex.startsWith('00000000000000000000FFFF')) return hex.slice(24);
  return hex;
}
