import { ConfigError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: a duration back from now (`90s`, `10m`, `2h`, `1d`, `1h30m`) or an ISO-8601 time. Returns epoch ms. */
export function parseSince(text: string, now: number): number {
  const trimmed = text.trim();
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy)];
  if (parts.length > 0 && parts.map((p) => p[0]).join('') === trimmed) {
    return now - parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const time = Date.parse(trimmed);
    if (!Number.isNaN(time)) return time;
  }
  throw new ConfigError('InvalidSince', `--since "${text}" is neither a duration nor a time`, {
    hint: 'use a duration such as 30s, 10m, 2h, 1d (or 1h30m), or an ISO time such as 2024-05-01T12:00:00Z',
  });
}
