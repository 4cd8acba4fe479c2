// Figure 6 — event flow: N events through rule → function → DynamoDB UpdateItem, with a Node and a
// Python function; events/s and latency from PutEvents accepted to the function's write; and the
// cold start of a Node and a Python function. No peer can run this: moto runs no Lambda code
// without Docker and drops EventBridge → Lambda delivery.
import { targets, fmt } from './report.mjs';
import { summarize } from './stats.mjs';
import { flowSession, repeatRuns } from './event-flow.mjs';

export const id = 'event-flow';
export const title = '6. Event flow';

export const NO_PEER = 'moto runs no Lambda code without Docker and drops EventBridge → Lambda delivery';
const LABEL = { node: 'Node', python: 'Python' };

export function flowRows(lang, n) {
  return { rate: `${LABEL[lang]}, N=${n}: events/s`, p50: `${LABEL[lang]}, N=${n}: p50 latency`, p99: `${LABEL[lang]}, N=${n}: p99 latency` };
}

export async function measure(fig, ctx) {
  const { cfg } = ctx;
  const [small, big] = cfg.flow.sizes;
  for (const lang of ['node', 'python']) {
    for (const n of [small, big]) {
      const rows = flowRows(lang, n);
      const isNode = lang === 'node';
      fig
        .declare(rows.rate, { kind: 'rate', target: isNode ? targets.atLeast(1000, 'events/s') : undefined })
        .declare(rows.p50, {})
        .declare(rows.p99, { target: isNode ? targets.below(50, 'ms') : undefined });
    }
  }
  fig.declare('cold start, Node function', {}).declare('cold start, Python function', {});

  const session = await flowSession(ctx);
  fig.note(`latency: from the PutEvents call that carried the event (sent by the bench) to the moment its function started the UpdateItem (the write itself, ~1 request, is not included); events/s: events written ÷ (first PutEvents sent → last write started). 10 entries per PutEvents, ${cfg.flow.senders} calls in flight, from the bench process.`);

  for (const lang of ['node', 'python']) {
    let measuredRate;
    for (const n of [small, big]) {
      const rows = flowRows(lang, n);
      await fig.part(Object.values(rows), async () => {
        if (measuredRate && n / measuredRate > cfg.flow.maxRunMs / 1000) {
          throw new Error(`skipped: at ${Math.round(measuredRate)} events/s, N=${n} would take ~${Math.round(n / measuredRate)} s, over the bench's time budget`);
        }
        await warmUp(session, lang, cfg);
        const runs = await repeatRuns(session, lang, n, cfg.flow);
        recordFlow(fig, rows, runs);
        measuredRate = summarize(runs.map((r) => r.eventsPerSecond), 'events/s').median;
        if (lang === 'node' && n === big) session.afterBig ??= { rssMb: runs[0].engineRssMb, events: runs[0].eventsSoFar };
      });
    }
  }

  for (const [lang, row] of [['node', 'cold start, Node function'], ['python', 'cold start, Python function']]) {
    await fig.part([row], async () => {
      const results = [];
      for (let i = 0; i < cfg.coldStart.runs; i++) results.push(await session.coldStart(lang, i));
      const init = results.filter((r) => r.initMs !== undefined).map((r) => r.initMs);
      const warm = summarize(results.map((r) => r.warmMs), 'ms');
      fig.set(row, {
        evlab: summarize(results.map((r) => r.coldMs), 'ms'),
        peerMissing: NO_PEER,
        note: `first synchronous Invoke of a new function (client-side); the next, warm Invoke: ${fmt(warm.median, 'ms')}${init.length ? `; REPORT Init Duration: ${fmt(summarize(init, 'ms').median, 'ms')}` : '; no Init Duration in the REPORT line'}.`,
      });
    });
  }
}

/** Once per runtime and session: a small run that starts the function's environments (none in --quick). */
export async function warmUp(session, lang, cfg) {
  session.warmed ??= new Set();
  if (session.warmed.has(lang)) return;
  session.warmed.add(lang);
  if (cfg.flow.warmup > 0) await session.run(lang, cfg.flow.warmup, { senders: cfg.flow.senders, warmup: true });
}

export function recordFlow(fig, rows, runs) {
  const pick = (key, unit) => summarize(runs.map((r) => r[key]), unit);
  const lost = runs.reduce((a, r) => a + r.lost + r.failedEntries, 0);
  const why = runs.find((r) => r.diagnosis)?.diagnosis;
  fig.set(rows.rate, {
    evlab: pick('eventsPerSecond', 'events/s'),
    peerMissing: NO_PEER,
    note: lost ? `**${lost} events LOST** (accepted but never written, or refused by PutEvents) over ${runs.length} run(s); events/s counts written events only. Why: ${why ?? 'unknown'}` : undefined,
  });
  fig.set(rows.p50, { evlab: pick('p50', 'ms'), peerMissing: NO_PEER });
  fig.set(rows.p99, { evlab: pick('p99', 'ms'), peerMissing: NO_PEER });
  fig.note(`${rows.rate.split(':')[0]} (a middle run): ${whereTimeWent(runs[Math.floor(runs.length / 2)])}`);
  fig.details[rows.rate] = runs;
}

/** Where a run's time went; says "no item written" rather than computing with a missing last write. */
export function whereTimeWent(r) {
  const accept = `PutEvents accepted all events in ${fmt(r.acceptSpanMs, 'ms')} (PutEvents call p50 ${fmt(r.putEventsP50, 'ms')}, p99 ${fmt(r.putEventsP99, 'ms')})`;
  const drain =
    r.updated > 0
      ? `the last write started ${fmt(r.drainMs, 'ms')} after the last PutEvents answer; max latency ${fmt(r.max, 'ms')}; latency counted from the PutEvents answer instead: p50 ${fmt(r.afterAnswerP50, 'ms')}, p99 ${fmt(r.afterAnswerP99, 'ms')}`
      : 'no item written';
  const cpu = r.cpu ? `; CPU: engine ${r.cpu.engineS} s, function environments ${r.cpu.functionsS} s (${r.cpu.environments} live)` : '';
  return `${accept}; ${drain}${cpu}; engine RSS ${fmt(r.engineRssMb, 'MB')}.`;
}
