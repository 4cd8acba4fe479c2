// Figure 1 — CLI start: what every `evlab` call costs before it does anything, against the floor
// (`node -e 0`) and against the peer a shell script pays on every call (`aws --version`).
import { targets } from './report.mjs';
import { runOk } from './proc.mjs';
import { interleave } from './stats.mjs';
import { EVLAB_BIN } from './servers.mjs';

export const id = 'cli-start';
export const title = '1. CLI start';

export async function measure(fig, { peers, cfg }) {
  fig
    .declare('evlab --help', { peerName: 'node -e 0', target: targets.ratioAtMost(1.3, 'node -e 0') })
    .declare('evlab --version', { peerName: 'node -e 0' })
    .declare('evlab --help vs the aws CLI', { peerName: 'aws --version' });

  // Both evlab and the floor are started by the same node binary, so the ratio is evlab's own cost.
  const time = (cmd, args) => async () => (await runOk(cmd, args)).ms;
  const subjects = {
    help: time(process.execPath, [EVLAB_BIN, '--help']),
    version: time(process.execPath, [EVLAB_BIN, '--version']),
    node: time(process.execPath, ['-e', '0']),
  };
  if (peers.aws.path) subjects.aws = time(peers.aws.path, ['--version']);
  const r = await interleave(subjects, { ...cfg.cli, unit: 'ms' });

  fig.set('evlab --help', { evlab: r.help, peer: r.node });
  fig.set('evlab --version', { evlab: r.version, peer: r.node });
  fig.set('evlab --help vs the aws CLI', r.aws ? { evlab: r.help, peer: r.aws } : { evlab: r.help, peerMissing: `missing: ${peers.aws.missing}` });
  if (peers.aws.path) fig.note(`aws CLI timed as ${peers.aws.path} (${peers.aws.version}), bypassing any version-manager shim.`);
}
