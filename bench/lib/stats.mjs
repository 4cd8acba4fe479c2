// Summaries of repeated measurements: median with min and max, and latency percentiles.

/** Median, min and max of a list of numbers (the values are kept for results.json). */
export function summarize(values, unit) {
  if (values.length === 0) throw new Error('summarize: no values');
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 50),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    runs: values.length,
    unit,
    values: values.map(round3),
  };
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  if (p === 50 && sorted.length % 2 === 0) {
    const mid = sorted.length / 2;
    return (sorted[mid - 1] + sorted[mid]) / 2;
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function round3(n) {
  return Math.round(n * 1000) / 1000;
}

/**
 * Runs each subject `warmup` times, then `runs` times, interleaved (a, b, c, a, b, c, …) so that a
 * machine that slows down or speeds up during the run affects every subject alike. Each subject is an
 * async function returning one measurement. Returns { name: summary }.
 */
export async function interleave(subjects, { warmup, runs, unit }) {
  const names = Object.keys(subjects);
  for (let i = 0; i < warmup; i++) for (const name of names) await subjects[name]();
  const values = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < runs; i++) for (const name of names) values[name].push(await subjects[name]());
  return Object.fromEntries(names.map((n) => [n, summarize(values[n], unit)]));
}

/** Milliseconds since the epoch with sub-millisecond precision (comparable across processes on one host). */
export function nowEpochMs() {
  return performance.timeOrigin + performance.now();
}
