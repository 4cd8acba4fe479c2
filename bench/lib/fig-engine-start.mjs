// Figure 4 — engine start to its first healthy answer, and resident memory once idle: evlab's engine
// (`evlab up`) against a bare Node HTTP server (the floor) and moto, started in turn in the same run.
import { targets } from './report.mjs';
import { interleave, summarize } from './stats.mjs';
import { rssMb } from './proc.mjs';
import { startEvlabEngine, startBareNode, startMoto } from './servers.mjs';

export const id = 'engine-start';
export const title = '4. Engine start';

const READY_VS_NODE = 'ready (first healthy answer)';
const READY_VS_MOTO = 'ready, vs moto';
const RSS_VS_NODE = 'idle RSS';
const RSS_VS_MOTO = 'idle RSS, vs moto';

export async function measure(fig, { peers, cfg }) {
  fig
    .declare(READY_VS_NODE, { peerName: 'bare Node HTTP server', target: targets.ratioAtMost(1.3, 'bare Node') })
    .declare(READY_VS_MOTO, { peerName: 'moto server', target: targets.timesSoonerThan(4, 'moto') })
    .declare(RSS_VS_NODE, { kind: 'memory', peerName: 'bare Node HTTP server', target: targets.below(100, 'MB') })
    .declare(RSS_VS_MOTO, { kind: 'memory', peerName: 'moto server' });

  const rss = { evlab: [], node: [], moto: [] };
  // One start: spawn → first 200 on the health URL; then, after a quiet second, VmRSS.
  const startOnce = (name, start) => async () => {
    const server = await start();
    try {
      await new Promise((r) => setTimeout(r, cfg.engineStart.idleMs));
      const mb = rssMb(server.pid);
      if (mb !== undefined) rss[name].push(mb);
      return server.readyMs;
    } finally {
      await server.stop();
    }
  };
  const subjects = { evlab: startOnce('evlab', startEvlabEngine), node: startOnce('node', startBareNode) };
  if (peers.moto.python) subjects.moto = startOnce('moto', () => startMoto(peers));
  const r = await interleave(subjects, { ...cfg.engineStart, unit: 'ms' });
  const mem = (name) => (rss[name].length ? summarize(rss[name].slice(-r.evlab.runs), 'MB') : undefined);
  const motoMissing = peers.moto.python ? undefined : `missing: ${peers.moto.missing}`;

  fig.set(READY_VS_NODE, { evlab: r.evlab, peer: r.node });
  fig.set(READY_VS_MOTO, { evlab: r.evlab, peer: r.moto, peerMissing: motoMissing });
  fig.set(RSS_VS_NODE, { evlab: mem('evlab'), peer: mem('node') });
  fig.set(RSS_VS_MOTO, { evlab: mem('evlab'), peer: mem('moto'), peerMissing: motoMissing });
  if (!mem('evlab')) fig.fail([RSS_VS_NODE, RSS_VS_MOTO], new Error('no /proc/<pid>/status on this system (Linux only)'));
  fig.note(`health URLs polled every ~2 ms: evlab /_localstack/health, bare node /, moto /moto-api/. RSS read from /proc/<pid>/status (VmRSS) after ${cfg.engineStart.idleMs} ms idle; the engine has loaded no service yet (they load on first use).`);
}
