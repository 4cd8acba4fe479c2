// Figure 9 — the demo (issue 4): wall time of `npm run demo`'s program, `node dist/demo/run-demo.js`
// (the TypeScript build that `npm run demo` does first is not timed), as on a fresh clone: nothing
// listens at its endpoint, so it starts the embedded engine in its own process, runs setup, fires
// the good and the poison events, waits for the retries and prints its accounting.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { targets } from './report.mjs';
import { freePort, run } from './proc.mjs';
import { interleave } from './stats.mjs';
import { REPO } from './servers.mjs';

export const id = 'demo';
export const title = '9. Demo';
// --quick only: it has its own engine and spends seconds waiting for retries, so it runs alongside the others.
export const quickInBackground = true;

const ROW = 'npm run demo (no engine running)';
const DEMO = fileURLToPath(new URL('../../dist/demo/run-demo.js', import.meta.url));
const BALANCED = 'Nothing lost.';

export async function measure(fig, { cfg, quick }) {
  fig.declare(ROW, { target: targets.below(10_000, 'ms') });
  if (!existsSync(DEMO)) throw new Error('dist/demo/run-demo.js is missing: run `npm run build` first');

  let last;
  const once = async () => {
    // A port where nothing listens: the demo must start its own engine, as on a fresh clone.
    const port = await freePort();
    const env = { ...process.env, EVLAB_ENDPOINT: `http://127.0.0.1:${port}`, NO_COLOR: '1' };
    delete env.AWS_ENDPOINT_URL;
    const r = await run(process.execPath, [DEMO], { cwd: REPO, env, timeoutMs: 120_000 });
    const output = `${r.stdout}\n${r.stderr}`;
    if (r.code !== 0 || !r.stdout.includes(BALANCED)) {
      const tail = output.trim().split('\n').slice(-8).join(' ').replace(/\s+/g, ' ');
      throw new Error(`the demo exited ${r.code}${r.stdout.includes(BALANCED) ? '' : ` without "${BALANCED}"`}: ${tail}`);
    }
    last = { output, port };
    return r.ms;
  };
  const r = await interleave({ demo: once }, { ...cfg.demo, unit: 'ms' });
  const accounting = /counted \+ dead-lettered = fired: [^\n]*/.exec(last.output)?.[0]?.trim();
  fig.set(ROW, {
    evlab: r.demo,
    note: `\`node dist/demo/run-demo.js\` with EVLAB_ENDPOINT at a free port (nothing listening: it starts the engine in its own process) and NO_COLOR=1; spawn → exit, the TypeScript build excluded; every run printed "${BALANCED}"${accounting ? ` (${accounting.replace(/\s*Nothing lost\.$/, '')})` : ''}. It includes the retry delays of the demo's poison events (1 s, then 2 s) before they reach the DLQ; no peer runs this flow without Docker.${quick ? ' --quick: ran alongside the other figures.' : ''}`,
  });
}
