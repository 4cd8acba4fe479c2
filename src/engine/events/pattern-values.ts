import { ipHexIfPossible, ipInRange, type IpRange } from './pattern-cidr.js';
import { inRange, type NumericRange } from './pattern-numbers.js';
import { wildcardMatches, type WildcardPattern } from './pattern-wildcard.js';

/** A leaf value of the event: EventBridge only ever matches against strings, numbers, booleans and null. */
export type EventScalar = string | number | boolean | null;

/** One entry of a field's pattern list, e.g. `"x"`, `{"prefix": "a"}` or `{"numeric": [">", 0]}`. */
export interface ValueCondition {
  test(value: EventScalar): boolean;
}

// Case-insensitive matching folds both sides to lower case once; patterns are folded at compile time.
const fold = (s: string) => s.toLowerCase();

export const exactString = (expected: string): ValueCondition => ({
  test: (v) => v === expected,
});

/**
 * AWS quirk: a plain string that is an IP literal is compiled as an address, so "10.0.0.1" also matches
 * "10.0.0.01", and "2001:db8::1" matches its uncompressed spelling.
 */
export const exactIp = (hex: string): ValueCondition => ({
  test: (v) => typeof v === 'string' && ipHexIfPossible(v) === hex,
});

// JSON numbers compare by value, so 300 matches 300.0 and 3e2.
export const exactNumber = (expected: number): ValueCondition => ({
  test: (v) => v === expected,
});

export const exactLiteral = (expected: boolean | null): ValueCondition => ({
  test: (v) => v === expected,
});

export const prefix = (start: string): ValueCondition => ({
  test: (v) => typeof v === 'string' && v.startsWith(start),
});

export const prefixIgnoreCase = (start: string): ValueCondition => {
  const folded = fold(start);
  return { test: (v) => typeof v === 'string' && fold(v).startsWith(folded) };
};

export const suffix = (end: string): ValueCondition => ({
  test: (v) => typeof v === 'string' && v.endsWith(end),
});

export const suffixIgnoreCase = (end: string): ValueCondition => {
  const folded = fold(end);
  return { test: (v) => typeof v === 'string' && fold(v).endsWith(folded) };
};

export const equalsIgnoreCase = (expected: string): ValueCondition => {
  const folded = fold(expected);
  return { test: (v) => typeof v === 'string' && fold(v) === folded };
};

export const wildcard = (pattern: WildcardPattern): ValueCondition => ({
  test: (v) => typeof v === 'string' && wildcardMatches(pattern, v),
});

export const numeric = (range: NumericRange): ValueCondition => ({
  test: (v) => typeof v === 'number' && inRange(v, range),
});

export const cidr = (range: IpRange): ValueCondition => ({
  test: (v) => {
    if (typeof v !== 'string') return false;
    const hex = ipHexIfPossible(v);
    return hex !== undefined && ipInRange(hex, range);
  },
});

// `exists: true` is satisfied by any leaf value, null included; objects and empty arrays are not leaves.
export const anyValue: ValueCondition = { test: () => true };

/*
 * anything-but: the value must be present (a missing field never matches) and must not be one of the listed
 * values. Every anything-but only looks at values of its own type, so anything-but "123" accepts the number
 * 123, anything-but 5 accepts the string "5", and anything-but {"prefix": "x"} accepts numbers and null.
 */
export const anythingButStrings = (values: string[]): ValueCondition => {
  const excluded = new Set(values);
  return { test: (v) => !(typeof v === 'string' && excluded.has(v)) };
};

export const anythingButNumbers = (values: number[]): ValueCondition => {
  const excluded = new Set(values);
  return { test: (v) => !(typeof v === 'number' && excluded.has(v)) };
};

export const anythingButIgnoreCase = (values: string[]): ValueCondition => {
  const excluded = new Set(values.map(fold));
  return { test: (v) => !(typeof v === 'string' && excluded.has(fold(v))) };
};

export const anythingButPrefix = (starts: string[]): ValueCondition => ({
  test: (v) => !(typeof v === 'string' && starts.some((s) => v.startsWith(s))),
});

export const anythingButSuffix = (ends: string[]): ValueCondition => ({
  test: (v) => !(typeof v === 'string' && ends.some((s) => v.endsWith(s))),
});

export const anythingButWildcard = (patterns: WildcardPattern[]): ValueCondition => ({
  test: (v) => !(typeof v === 'string' && patterns.some((p) => wildcardMatches(p, v))),
});
