/**
 * CloudWatch Logs filter patterns (FilterLogEvents, metric and subscription filters): compile once,
 * then test many messages. The first character picks the dialect — `{` JSON conditions, `[` space-delimited
 * fields, anything else terms — as on AWS; the filter-*.ts modules document each one.
 * Matching is case-sensitive throughout.
 */
import { FilterPatternError } from './filter-error.js';
import { parseDelimitedPattern } from './filter-delimited.js';
import { parseJsonPattern } from './filter-json.js';
import { Scanner } from './filter-scanner.js';
import { parseTerms } from './filter-terms.js';

export { FilterPatternError } from './filter-error.js';

export type MessageMatcher = (message: string) => boolean;

const matchAll: MessageMatcher = () => true;

// `evlab tail` and paging clients send the same pattern again and again: keep the last few compiled.
const CACHE_LIMIT = 64;
const cache = new Map<string, MessageMatcher>();

/** Throws FilterPatternError with AWS's message for a pattern AWS would refuse. */
export function compileFilterPattern(pattern: string | undefined): MessageMatcher {
  if (pattern === undefined || pattern.trim() === '') return matchAll;
  const cached = cache.get(pattern);
  if (cached) return cached;
  const matcher = compileUncached(pattern);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(pattern, matcher);
  return matcher;
}

function compileUncached(pattern: string): MessageMatcher {
  const scanner = new Scanner(pattern);
  scanner.skipSpace();
  const first = scanner.peek();
  try {
    if (first === '{') return parseJsonPattern(scanner);
    if (first === '[') return parseDelimitedPattern(scanner);
    return parseTerms(scanner);
  } catch (err) {
    if (err instanceof FilterPatternError) throw err;
    // A parser bug must not surface as an engine fault for what is, to the caller, a bad pattern.
    throw new FilterPatternError('Invalid filter pattern');
  }
}
