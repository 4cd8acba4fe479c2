// The flow of figure 9 (bounded memory and soak): PutEvents → rule → Node function → DynamoDB UpdateItem,
// on one `evlab up` engine. Unlike figures 6–8 the function writes one of KEYS items (event i counts into
// item i mod KEYS), so what the engine holds is its bookkeeping, logs and caches, not a growing table;
// the sum of the items' counters must equal the number of accepted events (no event lost).
import { CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { clientsFor } from './clients.mjs';
import { allowEventBridge, deployFunction, ensureRole, zipFixture } from './lambda.mjs';
import { freePort, rssMb, startServer } from './proc.mjs';
import { EVLAB_BIN, REPO } from './servers.mjs';
import { nowEpochMs } from './stats.mjs';

export const KEYS = 1000;

export class MemoryFlow {
  /** `evlab up` under node --expose-gc, so that /_evlab/health?gc=1 reports live memory. */
  static async open({ extraArgs = [] } = {}) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = await startServer(process.execPath, ['--expose-gc', EVLAB_BIN, 'up', '--port', String(port), ...extraArgs], {
      env: { ...process.env, NO_COLOR: '1' },
      cwd: REPO,
      healthUrl: `${url}/_localstack/health`,
      name: 'evlab up --expose-gc',
    });
    const flow = new MemoryFlow({ ...server, url, port });
    await flow.deploy();
    return flow;
  }

  constructor(engine) {
    this.engine = engine;
    this.clients = clientsFor(engine.url);
    this.accepted = 0;
    this.refused = 0;
    this.table = 'bench-memory';
  }

  async deploy() {
    const name = 'bench-memory-node';
    await ensureRole(this.clients);
    const arn = await deployFunction(this.clients, { name, runtime: 'nodejs20.x', handler: 'index.handler', zip: await zipFixture('flow-node'), timeout: 30 });
    const rule = await this.clients.events.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: ['bench.memory'] }) }));
    await this.clients.events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'function', Arn: arn }] }));
    await allowEventBridge(this.clients, name, rule.RuleArn);
    await this.clients.dynamodb.send(
      new CreateTableCommand({ TableName: this.table, AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }),
    );
  }

  /**
   * Sends `n` more events, 10 per PutEvents: as fast as `senders` calls in flight allow, or paced at `rate`
   * events/s. `onTick(sentSoFar)` is called about once a second (the soak samples memory there).
   */
  async send(n, { senders = 4, rate, onTick } = {}) {
    const start = this.accepted + this.refused;
    let next = 0;
    const batches = Math.ceil(n / 10);
    const first = nowEpochMs();
    let lastTick = first;
    const sender = async () => {
      while (next < batches) {
        const b = next++;
        if (rate) {
          const due = first + (b * 10 * 1000) / rate - nowEpochMs();
          if (due > 0) await new Promise((r) => setTimeout(r, due));
        }
        const count = Math.min(10, n - b * 10);
        const Entries = Array.from({ length: count }, (_, k) => ({
          Source: 'bench.memory',
          DetailType: 'bench',
          Detail: JSON.stringify({ id: `k${(start + b * 10 + k) % KEYS}`, table: this.table }),
        }));
        const out = await this.clients.events.send(new PutEventsCommand({ Entries }));
        for (const e of out.Entries ?? []) {
          if (e.EventId && !e.ErrorCode) this.accepted++;
          else this.refused++;
        }
        if (onTick && nowEpochMs() - lastTick >= 1000) {
          lastTick = nowEpochMs();
          await onTick(this.accepted + this.refused);
        }
      }
    };
    await Promise.all(Array.from({ length: senders }, sender));
  }

  /** Waits for the engine's idle signal (every invocation done), then returns the engine's health. */
  async settle(timeoutMs = 120_000) {
    const idle = await (await fetch(`${this.engine.url}/_evlab/idle?timeout=${timeoutMs}`)).json();
    if (!idle.idle) throw new Error(`the engine did not become idle within ${timeoutMs} ms: ${JSON.stringify(idle.inFlight)}`);
    return this.health({ gc: true });
  }

  /** The engine's health; gc: collect garbage first (live memory). */
  async health({ gc = false } = {}) {
    return (await fetch(`${this.engine.url}/_evlab/health${gc ? '?gc=1' : ''}`)).json();
  }

  rssMb() {
    return rssMb(this.engine.pid);
  }

  /** Sum of the items' counters: every accepted event must have counted once. */
  async written() {
    let total = 0;
    let ExclusiveStartKey;
    do {
      const page = await this.clients.dynamodb.send(new ScanCommand({ TableName: this.table, ExclusiveStartKey }));
      for (const item of page.Items ?? []) total += Number(item.n?.N ?? 0);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return total;
  }

  async close() {
    this.clients.destroy();
    await this.engine.stop();
  }
}

/** Least-squares slope of y over x (MB per 1000 events, MB per minute…). */
export function slope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
