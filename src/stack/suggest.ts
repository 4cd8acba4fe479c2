/** Edit distance counting a swap of neighbours as one edit (optimal string alignment): typos are often swaps. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The closest candidate to a misspelt word, when it is close enough to be a plausible typo
 * (`deadletterQueue` → `deadLetterQueue`, `pyhton3.12` → `python3.12`).
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    const score = distance(lower, candidate.toLowerCase());
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(word.length, best.length) / 3));
  return bestScore <= allowed ? best : undefined;
}

/** `did you mean "x"?` or a list of what is allowed. */
export function suggestion(word: string, candidates: readonly string[], what = 'one of'): string {
  const near = closest(word, candidates);
  if (near !== undefined) return `did you mean "${near}"?`;
  if (candidates.length === 0) return '';
  const shown = candidates.slice(0, 12).map((c) => `"${c}"`).join(', ');
  return `${what}: ${shown}${candidates.length > 12 ? ', …' : ''}`;
}
