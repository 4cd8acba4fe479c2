// Figure 3 — redeploy: `evlab relambda` with unchanged code (should be a no-op) and with one changed
// source file, against what a script does either way: zip + `aws lambda update-function-code`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { targets } from './report.mjs';
import { interleave } from './stats.mjs';
import { startEvlabEngine } from './servers.mjs';
import { SKIPPED_IN_QUICK } from './fig-setup.mjs';
import { copyDemoStack, changeOneFile } from './stack.mjs';
import { redeploySequence, runSequence } from './aws-sequence.mjs';
import { evlab } from './evlab-cli.mjs';

export const id = 'relambda';
export const title = '3. Redeploy';

const UNCHANGED = 'relambda, code unchanged';
const CHANGED = 'relambda, one file changed';

export async function measure(fig, ctx) {
  const { peers, cfg } = ctx;
  const peerName = 'zip + aws lambda update-function-code';
  fig.declare(UNCHANGED, { peerName, target: targets.below(150, 'ms') }).declare(CHANGED, { peerName });

  // --quick: the engine and stack copy that figure 2 set up; full runs: a fresh engine and copy.
  const reuse = ctx.quick ? ctx.cache.stack : undefined;
  const copy = reuse?.copy ?? copyDemoStack();
  const workDir = mkdtempSync(join(tmpdir(), 'evlab-bench-zips-'));
  const engine = reuse?.engine ?? (await startEvlabEngine());
  const release = async () => {
    if (reuse) return;
    await engine.stop();
    copy.cleanup();
  };
  // The script's redeploys go to a second engine: its zips differ from evlab's, and on the same
  // function they would turn evlab's "unchanged" into "changed".
  const withPeer = Boolean(peers.aws.path && cfg.awsSequences);
  const peerEngine = withPeer ? await startEvlabEngine().catch(async (err) => (await release(), Promise.reject(err))) : undefined;
  try {
    if (!reuse) await evlab(['setup', '-c', copy.file], { endpoint: engine.url, cwd: copy.dir });
    if (peerEngine) await evlab(['setup', '-c', copy.file], { endpoint: peerEngine.url, cwd: copy.dir });
    const steps = redeploySequence(copy.stack, { stackDir: copy.dir, workDir });
    const relambda = async () => (await evlab(['relambda', '-c', copy.file], { endpoint: engine.url, cwd: copy.dir })).ms;
    const aws = withPeer ? async () => (await runSequence(steps, { peers, endpoint: peerEngine.url })).totalMs : undefined;
    const peerMissing = aws ? undefined : !peers.aws.path ? `missing: ${peers.aws.missing}` : `${SKIPPED_IN_QUICK} (a second engine and ~1 s of aws calls per run)`;
    fig.note(`functions: ${Object.keys(copy.stack.functions ?? {}).join(', ')}; the script redeploys every function every time (it cannot tell unchanged code).${reuse ? ' --quick: on the engine figure 2 set up.' : ''}`);

    await fig.part([UNCHANGED], async () => {
      // Align the deployed code with the folder first, so that "unchanged" really is (in --quick,
      // figure 2's setup has just deployed this very folder).
      if (!reuse) await relambda();
      const r = await interleave({ evlab: relambda, ...(aws ? { aws } : {}) }, { ...cfg.relambda, unit: 'ms' });
      fig.set(UNCHANGED, { evlab: r.evlab, peer: r.aws, peerMissing });
    });

    await fig.part([CHANGED], async () => {
      let n = 0;
      // The change is made before each timed run, outside the timing.
      const changed = (fn) => async () => {
        changeOneFile(copy, `${process.pid}-${++n}`);
        return fn();
      };
      const r = await interleave({ evlab: changed(relambda), ...(aws ? { aws: changed(aws) } : {}) }, { ...cfg.relambda, unit: 'ms' });
      fig.set(CHANGED, { evlab: r.evlab, peer: r.aws, peerMissing });
    });
  } finally {
    await release();
    await peerEngine?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}
