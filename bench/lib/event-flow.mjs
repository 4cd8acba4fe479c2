// The event flow of figures 6–8: PutEvents → rule → function → DynamoDB UpdateItem, on one engine
// (a separate `evlab up` process) kept for the whole bench run. Each event carries a unique id and
// the name of a table made for its run; the function writes one item per event with the time it
// started its write, so the bench reads every event's latency back from the table.
import { CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clientsFor } from './clients.mjs';
import { deployFunction, ensureRole, zipFixture, allowEventBridge } from './lambda.mjs';
import { rssMb, treeCpu } from './proc.mjs';
import { startEvlabEngine } from './servers.mjs';
import { nowEpochMs, percentile, round3 } from './stats.mjs';

export const RUNTIMES = {
  node: { runtime: 'nodejs20.x', handler: 'index.handler', fixture: 'flow-node', hello: 'hello-node' },
  python: { runtime: 'python3.11', handler: 'handler.handler', fixture: 'flow-python', hello: 'hello-python' },
};

const LANG = { node: 'Node', python: 'Python' };

/** The error a function log line reports (Node: ERROR … {"errorMessage"}, Python: [ERROR] Type: message; timeouts), else undefined. */
function errorOf(line) {
  const json = line.indexOf('{"errorType"');
  if (json >= 0) {
    try {
      const body = JSON.parse(line.slice(json));
      return `${body.errorType}: ${body.errorMessage}`;
    } catch {
      // a truncated line: fall through to the text
    }
  }
  const python = /\[ERROR\] ([^\r\n]*)/.exec(line);
  if (python) return python[1];
  const other = /(Task timed out[^\r\n]*|Runtime\.\w+[^\r\n]*|Traceback[^\r\n]*)/.exec(line);
  return other ? other[1] : undefined;
}

/** "3× message A, 1× message B" for the most frequent messages (truncated: a note, not a log). */
function topMessages(messages, top = 2) {
  const counts = new Map();
  for (const m of messages) {
    const text = String(m).replace(/\s+/g, ' ').trim().slice(0, 300);
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, top).map(([text, count]) => `${count}× \`${text}\``);
  return `${shown.join(', ')}${sorted.length > top ? ` (and ${sorted.length - top} other message(s))` : ''}`;
}

export class FlowSession {
  /**
   * reuseTables: one table per runtime for the whole session instead of one per run (--quick: fewer
   * CreateTable calls). Event ids are unique per run either way, and a run reads back only its own items.
   */
  static async open({ reuseTables = false } = {}) {
    const engine = await startEvlabEngine();
    const session = new FlowSession(engine);
    session.reuseTables = reuseTables;
    session.idleRssMb = rssMb(engine.pid);
    return session;
  }

  constructor(engine) {
    this.engine = engine;
    this.clients = clientsFor(engine.url);
    this.deployed = new Map();
    this.runSeq = 0;
    this.tables = new Set();
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
  async run(lang, n, { senders = 4, settleTimeoutMs = 120_000, warmup = false, rate } = {}) {
    const { source } = await this.deploy(lang);
    const seq = ++this.runSeq;
    const table = this.reuseTables ? `bench-flow-${lang}` : `bench-flow-${lang}-${seq}`;
    if (!this.tables.has(table)) {
      await this.clients.dynamodb.send(
        new CreateTableCommand({ TableName: table, AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }),
      );
      this.tables.add(table);
    }
    const prefix = `r${seq}-`;
    const cpuBefore = treeCpu(this.engine.pid);
    const acceptedAt = new Map();
    const putLatencies = [];
    let failed = 0;
    const refused = [];
    const batches = [];
    for (let i = 0; i < n; i += 10) batches.push(Array.from({ length: Math.min(10, n - i) }, (_, k) => `${prefix}e${i + k}`));

    const firstSend = nowEpochMs();
    let next = 0;
    const sender = async () => {
      while (next < batches.length) {
        const i = next++;
        const ids = batches[i];
        // Paced (rate events/s): batch i leaves at its scheduled time, not as soon as a sender is free.
        if (rate) {
          const due = firstSend + (i * 10 * 1000) / rate - nowEpochMs();
          if (due > 0) await new Promise((r) => setTimeout(r, due));
        }
        const sent = nowEpochMs();
        const out = await this.clients.events.send(
          new PutEventsCommand({ Entries: ids.map((id) => ({ Source: source, DetailType: 'bench', Detail: JSON.stringify({ id, table }) })) }),
        );
        const accepted = nowEpochMs();
        putLatencies.push(accepted - sent);
        (out.Entries ?? []).forEach((entry, k) => {
          if (entry.EventId && !entry.ErrorCode) acceptedAt.set(ids[k], { sent, accepted });
          else {
            failed++;
            refused.push(`${entry.ErrorCode}: ${entry.ErrorMessage}`);
          }
        });
      }
    };
    await Promise.all(Array.from({ length: senders }, sender));
    const lastAccepted = nowEpochMs();
    this.eventsSent += n;

    const items = await this.waitForItems(table, prefix, acceptedAt.size, settleTimeoutMs);
    const cpuAfter = treeCpu(this.engine.pid);
    // Latency: from the PutEvents call that carried the event to its function's write start. (From the
    // call's answer instead it can even be negative: the engine may hand the event to a warm function
    // before the bench process has read the answer.)
    const latencies = [];
    const afterAnswer = [];
    let lastWrite;
    for (const item of items) {
      const put = acceptedAt.get(item.id.S);
      if (put === undefined) continue;
      const t = Number(item.t.N);
      lastWrite = Math.max(lastWrite ?? t, t);
      latencies.push(t - put.sent);
      afterAnswer.push(t - put.accepted);
    }
    const written = latencies.length;
    const lost = acceptedAt.size - written;
    // A loss must say why, or the next regression is a guessing game: ask the engine and the function's logs.
    const diagnosis = lost > 0 || failed > 0 ? await this.diagnoseLoss({ lang, since: firstSend, refused }) : undefined;
    if (written === 0) {
      throw new Error(`${LANG[lang]}, N=${n}${warmup ? ' (warm-up)' : ''}: no item written — all ${acceptedAt.size} accepted events lost${failed ? ` (${failed} refused by PutEvents)` : ''}. ${diagnosis}`);
    }
    latencies.sort((a, b) => a - b);
    afterAnswer.sort((a, b) => a - b);
    putLatencies.sort((a, b) => a - b);
    const result = {
      lang,
      n,
      rate,
      accepted: acceptedAt.size,
      failedEntries: failed,
      updated: written,
      lost,
      diagnosis,
      eventsPerSecond: (written * 1000) / (lastWrite - firstSend),
      wallMs: lastWrite - firstSend,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1],
      afterAnswerP50: percentile(afterAnswer, 50),
      afterAnswerP99: percentile(afterAnswer, 99),
      acceptSpanMs: lastAccepted - firstSend,
      drainMs: lastWrite - lastAccepted,
      putEventsP50: percentile(putLatencies, 50),
      putEventsP99: percentile(putLatencies, 99),
      cpu: cpuBefore && cpuAfter ? { engineS: round3(cpuAfter.own - cpuBefore.own), functionsS: round3(cpuAfter.children - cpuBefore.children), environments: cpuAfter.liveDescendants } : undefined,
      engineRssMb: rssMb(this.engine.pid),
      eventsSoFar: this.eventsSent,
    };
    // Warm-up runs are not results (figure 8 reuses the recorded runs of figure 6).
    if (!warmup) {
      const key = `${lang}:${n}${rate ? `@${rate}` : ''}`;
      this.results.set(key, [...(this.results.get(key) ?? []), result]);
    }
    return result;
  }

  /**
   * Waits for the engine's idle signal (routing, invocations and retries all finished), then reads
   * the table once. Only when the engine gives no idle signal does it poll until items stop arriving.
   */
  async waitForItems(table, prefix, expected, timeoutMs) {
    const deadline = performance.now() + timeoutMs;
    const idle = await fetch(`${this.engine.url}/_evlab/idle?timeout=${Math.round(timeoutMs)}`)
      .then((r) => (r.ok ? r.json() : undefined))
      .catch(() => undefined);
    let items = await this.scan(table, prefix);
    if (idle?.idle === true) return items;
    let lastProgress = performance.now();
    while (items.length < expected && performance.now() < deadline && performance.now() - lastProgress < 5000) {
      await new Promise((r) => setTimeout(r, 250));
      const again = await this.scan(table, prefix);
      if (again.length > items.length) lastProgress = performance.now();
      items = again;
    }
    return items;
  }

  /**
   * Why events were accepted but not written, from three places: the function's CloudWatch log group
   * (its errors, e.g. a refused UpdateItem), the engine's EventBridge delivery failures
   * (/_evlab/events/failures), and the engine's own output (discarded asynchronous invocations).
   * Returns one line for the notes; never throws.
   */
  async diagnoseLoss({ lang, since, refused = [] }) {
    const name = `bench-flow-${lang}`;
    const parts = [];
    if (refused.length) parts.push(`PutEvents refused entries: ${topMessages(refused)}`);
    try {
      const errors = [];
      let nextToken;
      let pages = 0;
      do {
        const page = await this.clients.logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}`, startTime: Math.floor(since) - 1000, nextToken }));
        for (const e of page.events ?? []) {
          const message = errorOf(e.message ?? '');
          if (message) errors.push(message);
        }
        nextToken = page.nextToken;
      } while (nextToken && ++pages < 20 && errors.length < 1000);
      parts.push(errors.length ? `errors logged in /aws/lambda/${name} since the run began (one per attempt): ${topMessages(errors)}` : `no error logged in /aws/lambda/${name}`);
    } catch (err) {
      parts.push(`log group /aws/lambda/${name} unreadable (${err.name}: ${err.message})`);
    }
    try {
      const { failures = [] } = await (await fetch(`${this.engine.url}/_evlab/events/failures`)).json();
      const ours = failures.filter((f) => Date.parse(f.at) >= since - 1000 && String(f.targetArn).endsWith(`:function:${name}`));
      parts.push(ours.length ? `EventBridge delivery failures: ${topMessages(ours.map((f) => `${f.errorCode}: ${f.errorMessage}`))}` : 'no EventBridge delivery failure');
    } catch (err) {
      parts.push(`/_evlab/events/failures unreadable (${err.message})`);
    }
    const discarded = this.engine
      .output()
      .split('\n')
      .filter((line) => line.includes(name) && /discarded|event lost|failed/.test(line));
    if (discarded.length) parts.push(`engine output (recent): ${discarded.length} line(s) like "${discarded.at(-1).trim().slice(0, 300)}"`);
    return `${parts.join('; ')}.`;
  }

  /** The items of one run (their ids start with the run's prefix). */
  async scan(table, prefix) {
    const items = [];
    let ExclusiveStartKey;
    do {
      const page = await this.clients.dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
      for (const item of page.Items ?? []) if (item.id?.S?.startsWith(prefix)) items.push(item);
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
  ctx.cache.flow ??= FlowSession.open({ reuseTables: ctx.quick });
  const session = await ctx.cache.flow;
  ctx.cleanups.add(() => session.close());
  return session;
}

/**
 * An engine for a figure's own resources. Full runs give each figure a fresh engine (nothing left
 * over from another figure); --quick, which only checks that every figure still produces numbers,
 * reuses the event-flow session's engine to save the starts. Returns { engine, release() }.
 */
export async function engineFor(ctx) {
  if (ctx.quick) {
    const session = await flowSession(ctx);
    return { engine: session.engine, shared: true, release: async () => undefined };
  }
  const engine = await startEvlabEngine();
  return { engine, shared: false, release: () => engine.stop() };
}

/** Runs (lang, n) `runs` times but stops early when the next run would overrun the time budget. */
export async function repeatRuns(session, lang, n, { runs, budgetMs, senders, rate }) {
  const results = [];
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    results.push(await session.run(lang, n, { senders, rate }));
    const took = performance.now() - t0;
    if (performance.now() - started + took > budgetMs) break;
  }
  return results;
}
