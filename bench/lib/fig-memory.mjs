// Figure 12 — a bounded engine under the whole flow (issue 11): PutEvents → rule → Node function → DynamoDB,
// the engine's resident memory and live heap after 10 000, 50 000 and 100 000 events (100 000 must be within
// 50 MB of 10 000), then a soak on a fresh engine: a steady 500 events/s for 5 minutes, memory sampled every
// few seconds; its trend (least-squares slope over the second half) must be flat and no event may be lost.
import { targets } from './report.mjs';
import { summarize } from './stats.mjs';
import { MemoryFlow, KEYS, slope } from './memory-flow.mjs';

export const id = 'memory';
export const title = '12. Bounded memory (rule → function → DynamoDB)';

const n = (v) => v.toLocaleString('en-US');

export async function measure(fig, ctx) {
  const { checkpoints, soak } = ctx.cfg.memory;
  const first = checkpoints[0];
  const within50 = { text: `≤ 50 MB above the N=${n(first)} figure`, test: (r) => r.evlab.median - r.peer.median <= 50 };
  const rssRow = (c) => `engine RSS after ${n(c)} events`;
  const heapRow = (c) => `engine live heap (after GC) after ${n(c)} events`;
  for (const c of checkpoints) {
    fig.declare(rssRow(c), { kind: 'memory', peerName: c === first ? undefined : `after ${n(first)}`, target: c === first ? undefined : within50 });
    fig.declare(heapRow(c), { kind: 'memory', peerName: c === first ? undefined : `after ${n(first)}`, target: c === first ? undefined : within50 });
  }
  const SOAK_RSS = `soak ${soak.rate} events/s × ${soak.seconds} s: RSS trend`;
  const SOAK_HEAP = `soak ${soak.rate} events/s × ${soak.seconds} s: live heap trend`;
  const SOAK_LOST = `soak ${soak.rate} events/s × ${soak.seconds} s: events lost`;
  fig.declare(SOAK_RSS, { kind: 'memory', target: targets.below(1, 'MB/min') });
  fig.declare(SOAK_HEAP, { kind: 'memory', target: targets.below(1, 'MB/min') });
  fig.declare(SOAK_LOST, { target: targets.below(1, 'events') });

  await fig.part([...checkpoints.flatMap((c) => [rssRow(c), heapRow(c)])], async () => {
    const flow = await MemoryFlow.open();
    try {
      const at = new Map();
      let sent = 0;
      for (const c of checkpoints) {
        // Paced at the soak's rate: unpaced, the async backlog (not what is kept) would dominate the figure.
        await flow.send(c - sent, { rate: soak.rate, senders: 8 });
        sent = c;
        const health = await flow.settle(300_000);
        at.set(c, { rss: flow.rssMb(), heap: health.memory?.heapUsedMb, stores: health.stores, traces: health.traces });
      }
      const written = await flow.written();
      if (written !== flow.accepted) throw new Error(`${flow.accepted - written} of ${flow.accepted} accepted events were not written`);
      const base = at.get(first);
      for (const c of checkpoints) {
        const m = at.get(c);
        const peer = c === first ? undefined : base;
        fig.set(rssRow(c), { evlab: summarize([m.rss], 'MB'), peer: peer && summarize([peer.rss], 'MB') });
        fig.set(heapRow(c), { evlab: summarize([m.heap], 'MB'), peer: peer && summarize([peer.heap], 'MB') });
      }
      const last = at.get(checkpoints.at(-1));
      fig.details.stores = last.stores;
      fig.note(
        `one engine, ${n(checkpoints.at(-1))} events, every one written (sum of the ${KEYS} items' counters = ${n(written)}). ` +
          `Held at the end: ${JSON.stringify({ logs: last.stores?.logs, traces: last.traces })}.`,
      );
    } finally {
      await flow.close();
    }
  });

  await fig.part([SOAK_RSS, SOAK_HEAP, SOAK_LOST], async () => {
    const flow = await MemoryFlow.open();
    try {
      const samples = [];
      const started = performance.now();
      const sample = async () => {
        const health = await flow.health({ gc: true });
        samples.push({ minutes: (performance.now() - started) / 60_000, rss: flow.rssMb(), heap: health.memory?.heapUsedMb });
      };
      let lastSample = 0;
      await flow.send(soak.rate * soak.seconds, {
        rate: soak.rate,
        senders: 8,
        onTick: async () => {
          if (performance.now() - lastSample < soak.sampleEveryMs) return;
          lastSample = performance.now();
          await sample();
        },
      });
      await flow.settle(300_000);
      await sample();
      const lost = flow.accepted - (await flow.written());
      // The first half is warm-up (JIT, pools, the caps filling); the trend is read over the second half.
      const tail = samples.filter((s) => s.minutes >= samples.at(-1).minutes / 2);
      const rssSlope = slope(tail.map((s) => ({ x: s.minutes, y: s.rss })));
      const heapSlope = slope(tail.map((s) => ({ x: s.minutes, y: s.heap })));
      const span = `${samples.length} samples; RSS ${samples[0].rss.toFixed(0)} → ${samples.at(-1).rss.toFixed(0)} MB, live heap ${samples[0].heap} → ${samples.at(-1).heap} MB`;
      fig.set(SOAK_RSS, { evlab: summarize([rssSlope], 'MB/min'), note: span });
      fig.set(SOAK_HEAP, { evlab: summarize([heapSlope], 'MB/min') });
      fig.set(SOAK_LOST, { evlab: summarize([lost], 'events'), note: `${n(flow.accepted)} accepted, ${n(flow.accepted - lost)} written, ${flow.refused} refused by PutEvents` });
      fig.details.soak = samples;
    } finally {
      await flow.close();
    }
  });
  fig.note('RSS from /proc/<pid>/status (VmRSS) of the engine process (functions run in child processes, not counted); live heap from /_evlab/health?gc=1 with the engine under node --expose-gc. The function writes event i into item i mod 1000, so DynamoDB holds 1000 items: the figure measures the engine, not a growing table.');
}
