/**
 * `wildcard` patterns: `*` matches any run of characters (including none), `\*` is a literal asterisk and
 * `\\` a literal backslash. AWS rejects `**` and any other backslash escape.
 */
export interface WildcardPattern {
  /** Literal pieces between the wildcards; n wildcards give n + 1 pieces. */
  pieces: string[];
}

/** Parses the wildcard text, or returns AWS's reason for rejecting it. */
export function parseWildcard(text: string): WildcardPattern | string {
  const pieces: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '*') {
      if (text[i + 1] === '*') return `Consecutive wildcard characters at pos ${awsPosition(text, i)}`;
      pieces.push(current);
      current = '';
    } else if (ch === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') return `Invalid escape character at pos ${awsPosition(text, i)}`;
      current += next;
      i++;
    } else {
      current += ch;
    }
  }
  pieces.push(current);
  return { pieces };
}

/**
 * AWS counts positions in UTF-8 bytes of the value wrapped in double quotes (its internal form of a JSON
 * string), so the first character of the pattern is at position 1.
 */
function awsPosition(text: string, index: number): number {
  return 1 + Buffer.byteLength(text.slice(0, index), 'utf8');
}

export function wildcardMatches(pattern: WildcardPattern, value: string): boolean {
  const { pieces } = pattern;
  const first = pieces[0]!;
  if (pieces.length === 1) return value === first;
  const last = pieces[pieces.length - 1]!;
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  // With `*` as the only metacharacter, taking the leftmost occurrence of each middle piece is always safe.
  let from = first.length;
  const until = value.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    const at = value.indexOf(piece, from);
    if (at < 0 || at + piece.length > until) return false;
    from = at + piece.length;
  }
  return true;
}

/**
 * AWS rejects a wildcard whose matcher could be in too many states at once for some input ("Rule is too
 * complex"): many wildcards, or a repeated sequence after a wildcard, multiply the states. This measures the
 * same thing on the pattern's NFA (positions in `"pattern"`): the largest set of live positions any input can
 * produce. AWS's exact limit is not published; the threshold below sits between the largest pattern AWS was
 * recorded accepting (`/Users/x/dir/dir/dir/dir/dir/doc.txt` with one wildcard, 8 here) and the smallest it
 * was recorded rejecting (`*:*:*:*:*:event-bus/*`, 13 here).
 */
export const MAX_WILDCARD_COMPLEXITY = 10;

export const WILDCARD_TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences ' +
  'after a wildcard character';

const STAR = -1;
const MAX_EXPLORED_STATE_SETS = 20_000;

export function wildcardComplexity(pattern: WildcardPattern, limit = MAX_WILDCARD_COMPLEXITY + 1): number {
  const tokens = toTokens(pattern);
  const alphabet = [...new Set(tokens.filter((t) => t !== STAR))];
  alphabet.push(-2); // stands for "any character not in the pattern"

  const closure = (positions: Iterable<number>): number[] => {
    const out = new Set<number>();
    for (let p of positions) {
      out.add(p);
      while (tokens[p] === STAR) out.add(++p);
    }
    return [...out].sort((a, b) => a - b);
  };
  const live = (set: number[]) => set.filter((p) => p < tokens.length).length;

  const start = closure([0]);
  const seen = new Set<string>([start.join(',')]);
  const queue = [start];
  let worst = 0;
  for (let head = 0; head < queue.length; head++) {
    const set = queue[head]!;
    worst = Math.max(worst, live(set));
    if (worst >= limit || seen.size > MAX_EXPLORED_STATE_SETS) return Math.max(worst, limit);
    for (const ch of alphabet) {
      const next: number[] = [];
      for (const p of set) {
        const token = tokens[p];
        if (token === STAR) next.push(p);
        else if (token === ch) next.push(p + 1);
      }
      if (next.length === 0) continue;
      const closed = closure(next);
      const key = closed.join(',');
      if (!seen.has(key)) {
        seen.add(key);
        queue.push(closed);
      }
    }
  }
  return worst;
}

function toTokens(pattern: WildcardPattern): number[] {
  const tokens: number[] = [0x22];
  pattern.pieces.forEach((piece, i) => {
    if (i > 0) tokens.push(STAR);
    for (let j = 0; j < piece.length; j++) tokens.push(piece.charCodeAt(j));
  });
  tokens.push(0x22);
  return tokens;
}
