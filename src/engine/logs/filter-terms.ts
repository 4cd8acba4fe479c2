import { invalidCharacter, invalidPattern } from './filter-error.js';
import type { Scanner } from './filter-scanner.js';

interface Term {
  present: (message: string) => boolean;
  /** `-term`: the message must not contain it. */
  excluded: boolean;
}

// Unquoted terms may hold letters, digits and underscores only; anything else must be quoted.
const WORD_CHAR = (ch: string) => /^[A-Za-z0-9_]$/.test(ch);

/**
 * Unstructured patterns: `ERROR Exception` (all terms), `"exact phrase"`, `-term` (exclusion), `%regex%`,
 * and `?term` alternatives. Matching is a case-sensitive substring search, so `ERROR` matches
 * `ERRORCODE` as in AWS's own example.
 *
 * A `?` starts a new alternative and the plain terms after it belong to that alternative: this is how
 * CDK's FilterPattern.anyTermGroup(["ERROR","MainThread"],["WARN","Deadlock"]) renders
 * `?"ERROR" "MainThread" ?"WARN" "Deadlock"` to mean "(ERROR and MainThread) or (WARN and Deadlock)".
 */
export function parseTerms(s: Scanner): (message: string) => boolean {
  const groups: Term[][] = [[]];
  for (;;) {
    s.skipSpace();
    if (s.done) break;
    const alternative = s.eat('?');
    if (alternative) s.skipSpace();
    const excluded = s.eat('-');
    if (excluded) s.skipSpace();
    if (s.done) throw invalidPattern();
    const term = readTerm(s, excluded);
    if (alternative) groups.push([term]);
    else groups[groups.length - 1]!.push(term);
  }
  const alternatives = groups.filter((g) => g.length > 0);
  if (alternatives.length === 0) return () => true;
  if (alternatives.length === 1) {
    const only = alternatives[0]!;
    return (message) => groupMatches(only, message);
  }
  return (message) => alternatives.some((g) => groupMatches(g, message));
}

function readTerm(s: Scanner, excluded: boolean): Term {
  const ch = s.peek();
  if (ch === '"') {
    const phrase = s.readQuoted();
    return { present: (m) => m.includes(phrase), excluded };
  }
  if (ch === '%') {
    const regex = s.readRegex();
    return { present: (m) => regex.test(m), excluded };
  }
  const word = s.readWhile(WORD_CHAR);
  if (word.length === 0 || !s.atSpaceOrEnd()) throw invalidCharacter(s.peek());
  return { present: (m) => m.includes(word), excluded };
}

function groupMatches(terms: Term[], message: string): boolean {
  for (const t of terms) if (t.present(message) === t.excluded) return false;
  return true;
}
