// Figure 11 — the trace ring is bounded: the engine's resident memory after 100 000 traced events stays within
// 50 MB of its memory after 10 000 (issue 10). Each event is routed by a rule to a bus target whose bus has a rule
// that matches nothing, so every trace has five steps (accepted, rule matched, delivery, accepted on the second bus,
// rules not matched) and nothing else in the engine grows: what is measured is the ring.
import { CreateEventBusCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { clientsFor } from './clients.mjs';
import { freePort, rssMb, startServer } from './proc.mjs';
import { EVLAB_BIN, REPO } from './servers.mjs';
import { summarize } from './stats.mjs';

export const id = 'traces';
export const title = '11. Trace ring memory';

async function httpGetJson(url) {
  const res = await fetch(url);
  return res.json();
}

export async function measure(fig, ctx) {
  const { small, large, maxTraces } = ctx.cfg.traces;
  const n = (v) => v.toLocaleString('en-US');
  const ROW = `engine RSS after ${n(large)} traced events`;
  const HEAP = `engine live heap (after GC) after ${n(large)} traced events`;
  const target = { text: `≤ 50 MB above the N=${n(small)} figure`, test: (r) => r.evlab.median - r.peer.median <= 50 };
  fig.declare(ROW, { kind: 'memory', peerName: `after ${n(small)}`, target });
  fig.declare(HEAP, { kind: 'memory', peerName: `after ${n(small)}`, target });
  await fig.part([ROW, HEAP], async () => {
    // node --expose-gc, so that /_evlab/health?gc=1 can measure live memory and not what V8 has yet to collect.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = await startServer(process.execPath, ['--expose-gc', EVLAB_BIN, 'up', '--port', String(port), ...(maxTraces ? ['--max-traces', String(maxTraces)] : [])], {
      env: { ...process.env, NO_COLOR: '1' },
      cwd: REPO,
      healthUrl: `${url}/_localstack/health`,
      name: 'evlab up --expose-gc',
    });
    const engine = { ...server, url };
    try {
      const { events } = clientsFor(engine.url);
      await events.send(new CreateEventBusCommand({ Name: 'bench-sink' }));
      await events.send(new PutRuleCommand({ Name: 'bench-never', EventBusName: 'bench-sink', EventPattern: JSON.stringify({ source: ['nobody'] }) }));
      await events.send(new PutTargetsCommand({ Rule: 'bench-never', EventBusName: 'bench-sink', Targets: [{ Id: 'unused', Arn: `arn:aws:events:us-east-1:000000000000:event-bus/default` }] }));
      await events.send(new PutRuleCommand({ Name: 'bench-forward', EventPattern: JSON.stringify({ source: ['bench.traces'] }) }));
      await events.send(new PutTargetsCommand({ Rule: 'bench-forward', Targets: [{ Id: 'sink', Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/bench-sink' }] }));
      let sent = 0;
      const sendUpTo = async (total) => {
        const sender = async () => {
          while (sent < total) {
            const count = Math.min(10, total - sent);
            sent += count;
            const Entries = Array.from({ length: count }, (_, k) => ({ Source: 'bench.traces', DetailType: 'bench', Detail: JSON.stringify({ seq: sent - count + k, pad: 'x'.repeat(64) }) }));
            await events.send(new PutEventsCommand({ Entries }));
          }
        };
        await Promise.all(Array.from({ length: 4 }, sender));
        await httpGetJson(`${engine.url}/_evlab/idle?timeout=60000`);
      };
      await sendUpTo(small);
      const atSmall = rssMb(engine.pid);
      const heapSmall = (await httpGetJson(`${engine.url}/_evlab/health?gc=1`)).memory?.heapUsedMb;
      await sendUpTo(large);
      const atLarge = rssMb(engine.pid);
      const health = await httpGetJson(`${engine.url}/_evlab/health?gc=1`);
      const heapLarge = health.memory?.heapUsedMb;
      if (atSmall === undefined || atLarge === undefined) throw new Error('no /proc/<pid>/status on this system (Linux only)');
      const traces = health?.traces ?? {};
      fig.set(ROW, {
        evlab: summarize([atLarge], 'MB'),
        peer: summarize([atSmall], 'MB'),
        note: `+${(atLarge - atSmall).toFixed(1)} MB; ring of ${n(traces.maxTraces ?? 0)}: ${n(traces.kept ?? 0)} kept, ${n(traces.droppedTraces ?? 0)} dropped (counted in /_evlab/health → traces). RSS includes heap V8 has not handed back to the system.`,
      });
      if (heapSmall !== undefined && heapLarge !== undefined) {
        fig.set(HEAP, { evlab: summarize([heapLarge], 'MB'), peer: summarize([heapSmall], 'MB'), note: `+${(heapLarge - heapSmall).toFixed(1)} MB of live heap: what the ring holds stays the same once it is full.` });
      }
      events.destroy();
    } finally {
      await engine.stop();
    }
  });
  fig.note('five-step traces (rule → bus target → a bus whose rule matches nothing); RSS from /proc/<pid>/status once the engine is idle.');
}
