/** Levenshtein distance; inputs are short (field and bus names). */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length]!;
}

const squash = (s: string) => s.toLowerCase().replace(/[-_ ]/g, '');

/** The closest candidate when it is plausibly a typo (same letters ignoring case and separators, or ≤ 2 edits). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const exactish = candidates.find((c) => squash(c) === squash(word));
  if (exactish) return exactish;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(squash(word), squash(c));
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.min(2, Math.floor(word.length / 3)) ? best : undefined;
}
