// Figure 8 — scaling: how the Node event flow's cost per event grows from a small to a large N
// (it should stay flat), and the engine's resident memory after the large run.
import { targets, fmt } from './report.mjs';
import { summarize } from './stats.mjs';
import { flowSession, repeatRuns } from './event-flow.mjs';
import { warmUp } from './fig-event-flow.mjs';

export const id = 'scaling';
export const title = '8. Scaling';

export async function measure(fig, ctx) {
  const { cfg } = ctx;
  const sizes = cfg.scaling.sizes;
  const first = sizes[0];
  const last = sizes[sizes.length - 1];
  const rowOf = (n) => `per-event cost, N=${n}`;
  for (const n of sizes) fig.declare(rowOf(n), { peerName: n === first ? undefined : `N=${first}`, target: n === last ? targets.ratioAtMost(1.5, `N=${first} (flat)`) : undefined });
  const RSS = `engine RSS after the N=${last} run`;
  fig.declare(RSS, { kind: 'memory', peerName: 'the same engine, idle' });

  const session = await flowSession(ctx);
  const costs = new Map();
  for (const n of sizes) {
    await fig.part([rowOf(n)], async () => {
      let runs = session.results.get(`node:${n}`);
      if (!runs) {
        await warmUp(fig, session, 'node', cfg);
        const rate = [...costs.values()].at(-1);
        if (rate && (n * rate.median) / 1000 > cfg.flow.maxRunMs / 1000) {
          throw new Error(`skipped: at ${fmt(rate.median, 'ms')}/event, N=${n} would take ~${Math.round((n * rate.median) / 1000)} s, over the bench's time budget`);
        }
        runs = await repeatRuns(session, 'node', n, cfg.flow);
      }
      const cost = summarize(runs.map((r) => 1000 / r.eventsPerSecond), 'ms/event');
      costs.set(n, cost);
      if (n === last) session.afterBig ??= { rssMb: runs[0].engineRssMb, events: runs[0].eventsSoFar };
      fig.set(rowOf(n), { evlab: cost, peer: n === first ? undefined : costs.get(first), note: `p99 latency ${fmt(summarize(runs.map((r) => r.p99), 'ms').median, 'ms')}` });
    });
  }
  await fig.part([RSS], async () => {
    if (!session.afterBig) throw new Error(`the N=${last} run did not complete`);
    if (session.afterBig.rssMb === undefined || session.idleRssMb === undefined) throw new Error('no /proc/<pid>/status on this system (Linux only)');
    fig.set(RSS, {
      evlab: summarize([session.afterBig.rssMb], 'MB'),
      peer: summarize([session.idleRssMb], 'MB'),
      note: `after ${session.afterBig.events.toLocaleString('en-US')} events in total on this engine (warm-ups and smaller runs included), items kept in DynamoDB.`,
    });
  });
  fig.note('per-event cost = wall time of a run ÷ N (first PutEvents sent → last write started); the Node flow of figure 6, same engine.');
}
