// The event flow of figures 6–8: PutEvents → rule → function → DynamoDB UpdateItem, on one engine
// (a separate `evlab up` process) kept for the whole bench run. Each event carries a unique id and
// the name of a table made for its run; the function writes one item per event with the time it
// started its write, so the bench reads every event's latency back from the table.
import { CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { clientsFor } from './clients.mjs';
import { deployFunction, ensureRole, zipFixture, allowEventBridge } from './lambda.mjs';
import { rssMb, treeCpu } from './proc.mjs';
import { startEvlabEngine } from './servers.mjs';
import { nowEpochMs, percentile, round3 } from './stats.mjs';

export const RUNTIMES = {
  node: { runtime: 'nodejs20.x', handler: 'index.handler', fixture: 'flow-node', hello: 'hello-node' },
  python: { runtime: 'python3.11', handler: 'handler.handler', fixture: 'flow-python', hello: 'hello-python' },
};

export class FlowSession {
  static async open() {
    const engine = await startEvlabEngine();
    const session = new FlowSession(engine);
    session.idleRssMb = rssMb(engine.pid);
    return session;
  }

  constructor(engine) {
    this.engine = engine;
    this.clients = clientsFor(engine.url);
    this.deployed = new Map();
    this.runSeq = 0;
    this.eventsSent = 0;
    this.results = new Map(); // `${lang}:${n}` → [run results]
  }

  close() {
    this.closing ??= (async () => {
      this.clients.destroy();
      await this.engine.stop();
    })();
    return this.closing;
  }

  /** Deploys the flow function of a runtime and its rule, once per session. */
  async deploy(lang) {
    if (this.deployed.has(lang)) return this.deployed.get(lang);
    const spec = RUNTIMES[lang];
    const name = `bench-flow-${lang}`;
    await ensureRole(this.clients);
    const arn = await deployFunction(this.clients, { name, runtime: spec.runtime, handler: spec.handler, zip: await zipFixture(spec.fixture), timeout: 30 });
    const source = `bench.flow.${lang}`;
    const rule = await this.clients.events.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: [source] }) }));
    await this.clients.events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'function', Arn: arn }] }));
    await allowEventBridge(this.clients, name, rule.RuleArn);
    const deployed = { name, source };
    this.deployed.set(lang, deployed);
    return deployed;
  }

  /**
   * Fires n events (10 per PutEvents, `senders` calls in flight) and waits for every item.
   * Returns the run's figures: events/s over first send → last item, latency percentiles from each
   * event's PutEvents answer to its function's write, and where the time went.
   */
  async run(lang, n, { senders = 4, settleTimeoutMs = 120_000 } = {}) {
    const { source } = await this.deploy(lang);
    const table = `bench-flow-${lang}-${++this.runSeq}`;
    await this.clients.dynamodb.send(
      new CreateTableCommand({ TableName: table, AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }),
    );
    const cpuBefore = treeCpu(this.engine.pid);
    const acceptedAt = new Map();
    const putLatencies = [];
    let failed = 0;
    const batches = [];
    for (let i = 0; i < n; i += 10) batches.push(Array.from({ length: Math.min(10, n - i) }, (_, k) => `e${i + k}`));

    const firstSend = nowEpochMs();
    let next = 0;
    const sender = async () => {
      while (next < batches.length) {
        const ids = batches[next++];
        const sent = nowEpochMs();
        const out = await this.clients.events.send(
          new PutEventsCommand({ Entries: ids.map((id) => ({ Source: source, DetailType: 'bench', Detail: JSON.stringify({ id, table }) })) }),
        );
        const accepted = nowEpochMs();
        putLatencies.push(accepted - sent);
        (out.Entries ?? []).forEach((entry, k) => {
          if (entry.EventId && !entry.ErrorCode) acceptedAt.set(ids[k], accepted);
          else failed++;
        });
      }
    };
    await Promise.all(Array.from({ length: senders }, sender));
    const lastAccepted = nowEpochMs();
    this.eventsSent += n;

    const items = await this.waitForItems(table, acceptedAt.size, settleTimeoutMs);
    const cpuAfter = treeCpu(this.engine.pid);
    const latencies = [];
    let lastWrite = 0;
    for (const item of items) {
      const t = Number(item.t.N);
      lastWrite = Math.max(lastWrite, t);
      const accepted = acceptedAt.get(item.id.S);
      if (accepted !== undefined) latencies.push(t - accepted);
    }
    latencies.sort((a, b) => a - b);
    putLatencies.sort((a, b) => a - b);
    const result = {
      lang,
      n,
      accepted: acceptedAt.size,
      failedEntries: failed,
      updated: items.length,
      lost: acceptedAt.size - items.length,
      eventsPerSecond: (items.length * 1000) / (lastWrite - firstSend),
      wallMs: lastWrite - firstSend,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1],
      acceptSpanMs: lastAccepted - firstSend,
      drainMs: lastWrite - lastAccepted,
      putEventsP50: percentile(putLatencies, 50),
      putEventsP99: percentile(putLatencies, 99),
      cpu: cpuBefore && cpuAfter ? { engineS: round3(cpuAfter.own - cpuBefore.own), functionsS: round3(cpuAfter.children - cpuBefore.children), environments: cpuAfter.liveDescendants } : undefined,
      engineRssMb: rssMb(this.engine.pid),
      eventsSoFar: this.eventsSent,
    };
    const key = `${lang}:${n}`;
    this.results.set(key, [...(this.results.get(key) ?? []), result]);
    return result;
  }

  /** Waits for the engine's idle signal, then reads the table; keeps reading while items still arrive. */
  async waitForItems(table, expected, timeoutMs) {
    const deadline = performance.now() + timeoutMs;
    const idle = await fetch(`${this.engine.url}/_evlab/idle?timeout=${Math.round(timeoutMs)}`).catch(() => undefined);
    await idle?.arrayBuffer();
    let items = await this.scan(table);
    let lastProgress = performance.now();
    while (items.length < expected && performance.now() < deadline && performance.now() - lastProgress < 5000) {
      await new Promise((r) => setTimeout(r, 250));
      const again = await this.scan(table);
      if (again.length > items.length) lastProgress = performance.now();
      items = again;
    }
    return items;
  }

  async scan(table) {
    const items = [];
    let ExclusiveStartKey;
    do {
      const page = await this.clients.dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /**
   * Cold start: a new function's first synchronous Invoke (client-side time), then a warm one.
   * The REPORT line of the log tail says how the engine splits it (Init Duration, Duration).
   */
  async coldStart(lang, i) {
    const spec = RUNTIMES[lang];
    const name = `bench-cold-${lang}-${i}`;
    await ensureRole(this.clients);
    await deployFunction(this.clients, { name, runtime: spec.runtime, handler: spec.handler, zip: await zipFixture(spec.hello) });
    const invoke = async () => {
      const started = performance.now();
      const out = await this.clients.lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}'), LogType: 'Tail' }));
      const ms = performance.now() - started;
      if (out.FunctionError) throw new Error(`${name} failed: ${Buffer.from(out.Payload ?? []).toString()}`);
      const tail = out.LogResult ? Buffer.from(out.LogResult, 'base64').toString() : '';
      const init = /Init Duration: ([\d.]+) ms/.exec(tail);
      return { ms, initMs: init ? Number(init[1]) : undefined };
    };
    const cold = await invoke();
    const warm = await invoke();
    return { coldMs: cold.ms, initMs: cold.initMs, warmMs: warm.ms };
  }
}

/** The shared session of a bench run (figures 6, 7 and 8 reuse one engine). */
export async function flowSession(ctx) {
  ctx.cache.flow ??= FlowSession.open();
  const session = await ctx.cache.flow;
  ctx.cleanups.add(() => session.close());
  return session;
}

/** Runs (lang, n) `runs` times but stops early when the next run would overrun the time budget. */
export async function repeatRuns(session, lang, n, { runs, budgetMs, senders }) {
  const results = [];
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    results.push(await session.run(lang, n, { senders }));
    const took = performance.now() - t0;
    if (performance.now() - started + took > budgetMs) break;
  }
  return results;
}
