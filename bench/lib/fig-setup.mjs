// Figure 2 — setup from nothing: `evlab setup` of the distance-counter stack on a fresh engine, against
// the equivalent `aws --endpoint-url …` sequence on another fresh engine; then the no-change re-run.
import { targets, fmt } from './report.mjs';
import { interleave, summarize } from './stats.mjs';
import { startEvlabEngine } from './servers.mjs';
import { copyDemoStack } from './stack.mjs';
import { setupSequence, runSequence, showStep } from './aws-sequence.mjs';
import { evlab } from './evlab-cli.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const id = 'setup';
export const title = '2. Setup';

const FROM_NOTHING = 'setup from nothing';
const NO_CHANGE = 'setup, no change (re-run)';
export const SKIPPED_IN_QUICK = 'skipped in --quick';

export async function measure(fig, ctx) {
  const { peers, cfg } = ctx;
  fig
    .declare(FROM_NOTHING, { peerName: 'aws CLI sequence', target: targets.timesFasterThan(12, 'the aws CLI sequence') })
    .declare(NO_CHANGE, { target: targets.below(200, 'ms') });

  const copy = copyDemoStack();
  const workDir = mkdtempSync(join(tmpdir(), 'evlab-bench-zips-'));
  // --quick keeps the last set-up engine (and the stack copy) for the re-run and for figure 3.
  let handedOver = false;
  try {
    fig.note(`stack: ${copy.rel} (copied to a temp folder); every run starts from a fresh engine (\`evlab up\`, not timed).`);
    const steps = setupSequence(copy.stack, { stackDir: copy.dir, workDir });
    const stepTimes = new Map();

    await fig.part([FROM_NOTHING], async () => {
      const onFreshEngine = (fn, { keep = false } = {}) => async () => {
        const engine = await startEvlabEngine();
        let kept = false;
        try {
          const ms = await fn(engine.url);
          if (keep && ctx.quick) {
            if (ctx.cache.stack) await ctx.cache.stack.engine.stop();
            ctx.cache.stack = { engine, copy };
            kept = true;
          }
          return ms;
        } finally {
          if (!kept) await engine.stop();
        }
      };
      const subjects = {
        evlab: onFreshEngine(async (url) => (await evlab(['setup', '-c', copy.file], { endpoint: url, cwd: copy.dir })).ms, { keep: true }),
      };
      if (peers.aws.path && cfg.awsSequences) {
        subjects.aws = onFreshEngine(async (url) => {
          const r = await runSequence(steps, { peers, endpoint: url });
          for (const s of r.steps) stepTimes.set(s.label, [...(stepTimes.get(s.label) ?? []), s.ms]);
          return r.totalMs;
        });
      }
      if (ctx.quick) {
        handedOver = true;
        ctx.cleanups.add(async () => {
          await ctx.cache.stack?.engine.stop();
          copy.cleanup();
        });
      }
      const r = await interleave(subjects, { ...cfg.setup, unit: 'ms' });
      const peerMissing = !peers.aws.path ? `missing: ${peers.aws.missing}` : `${SKIPPED_IN_QUICK} (${steps.length} commands, ~5 s)`;
      fig.set(FROM_NOTHING, r.aws ? { evlab: r.evlab, peer: r.aws } : { evlab: r.evlab, peerMissing });
      if (r.aws) {
        fig.row(FROM_NOTHING).peerName = `aws CLI sequence (${steps.length} commands)`;
        const perStep = [...stepTimes].map(([label, values]) => ({ label, ...summarize(values, 'ms') }));
        fig.details.awsSequence = { commands: steps.map(showStep), perStep };
        const awsCalls = perStep.filter((s) => !s.label.startsWith('zip '));
        const mean = awsCalls.reduce((a, s) => a + s.median, 0) / awsCalls.length;
        fig.note(`the aws sequence: ${steps.length} commands (${awsCalls.length} aws calls at a median ${fmt(mean, 'ms')} each — the cost is the CLI's own start, once per call): ${steps.map((s) => `\`${s.label}\``).join(', ')}.`);
      }
    });

    await fig.part([NO_CHANGE], async () => {
      // Full runs: a fresh engine, set up once (not timed). --quick: the engine the last timed setup left.
      const reuse = ctx.quick ? ctx.cache.stack?.engine : undefined;
      const engine = reuse ?? (await startEvlabEngine());
      try {
        if (!reuse) await evlab(['setup', '-c', copy.file], { endpoint: engine.url, cwd: copy.dir });
        const r = await interleave({ rerun: async () => (await evlab(['setup', '-c', copy.file], { endpoint: engine.url, cwd: copy.dir })).ms }, { ...cfg.rerun, unit: 'ms' });
        fig.set(NO_CHANGE, { evlab: r.rerun, note: reuse ? '--quick: on the engine of the timed setup.' : undefined });
      } finally {
        if (!reuse) await engine.stop();
      }
    });
  } finally {
    if (!handedOver) copy.cleanup();
    rmSync(workDir, { recursive: true, force: true });
  }
}
