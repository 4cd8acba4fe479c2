import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// A smoke run of the performance suite (bench/run.mjs --quick: tiny N, one run each) so that the
// suite cannot rot: every figure must still produce evlab numbers, and the event flow must lose no
// event. It drives the built binary (bin/evlab → dist/, and dist/demo for the demo figure), which
// `npm test` builds first. Results go to a temp folder, never over bench/results.*.
// Speed is never asserted here (the suite reports targets, it does not fail on them); the timeouts
// are generous because other test files run alongside on a small machine.

interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
  unit: string;
}
interface Row {
  name: string;
  evlab: Summary | null;
  peer: (Summary & { name: string }) | null;
  peerMissing: string | null;
  verdict: string;
  target: string | null;
  error: string | null;
  note: string | null;
}
interface Results {
  schemaVersion: number;
  quick: boolean;
  durationSeconds: number;
  figures: { id: string; title: string; rows: Row[]; notes: string[] }[];
}

const FIGURES = ['cli-start', 'setup', 'relambda', 'engine-start', 'engine-api', 'event-flow', 'failure-path', 'scaling', 'demo', 's3', 'apigateway', 'traces', 'memory'];
const TIMEOUT_MS = 150_000;
const out = mkdtempSync(join(tmpdir(), 'evlab-bench-smoke-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function runQuickBench(): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bench/run.mjs', '--quick', '--out', out], { timeout: TIMEOUT_MS, maxBuffer: 16 * 2 ** 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`bench/run.mjs --quick failed: ${err.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

describe('bench smoke run (--quick)', () => {
  it('measures every figure with numbers', async () => {
    const { stderr } = await runQuickBench();
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    const markdown = readFileSync(join(out, 'results.md'), 'utf8');

    expect(results.schemaVersion).toBe(1);
    expect(results.quick).toBe(true);
    expect(results.figures.map((f) => f.id)).toEqual(FIGURES);

    const problems: string[] = [];
    for (const figure of results.figures) {
      if (figure.rows.length === 0) problems.push(`${figure.title}: no rows`);
      for (const row of figure.rows) {
        const where = `${figure.title}: ${row.name}`;
        if (!row.evlab || !isNumber(row.evlab.median) || !isNumber(row.evlab.min) || !isNumber(row.evlab.max)) {
          problems.push(`${where}: no evlab number (${row.error ?? 'no error recorded'})`);
        } else if (row.evlab.median < 0 || (row.evlab.median === 0 && !/\blost\b|\bdropped\b/.test(row.name))) {
          // Times, rates and sizes are all positive: zero or less is a bench bug, not a measurement (a count of
          // events lost or dropped is the one that should be zero).
          problems.push(`${where}: implausible evlab number ${row.evlab.median} ${row.evlab.unit}`);
        }
        // A comparison either has the peer's numbers or says loudly why not (a missing tool, or a
        // peer that --quick skips to stay quick).
        if (row.peer && !isNumber(row.peer.median)) problems.push(`${where}: peer without a number`);
        const peerSkipped = !row.peer && (row.peerMissing ?? '').startsWith('skipped in --quick');
        if (row.target && !['meets', 'misses'].includes(row.verdict) && !(peerSkipped && row.verdict === 'n/a')) {
          problems.push(`${where}: target "${row.target}" without a verdict (${row.verdict})`);
        }
        if (/LOST/.test(row.note ?? '')) problems.push(`${where}: ${row.note}`);
      }
      for (const note of figure.notes) if (/LOST/.test(note)) problems.push(`${figure.title}: ${note}`);
    }
    expect(problems, `${problems.join('\n')}\n--- bench stderr ---\n${stderr}`).toEqual([]);
    expect(markdown).toContain('| Figure | evlab | peer | ratio | target | verdict |');
  }, TIMEOUT_MS + 10_000);
});
