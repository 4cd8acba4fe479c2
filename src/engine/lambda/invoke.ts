import type { EngineContext } from '../types.js';
import { ExecutionEnvironment, type InvocationInput, type InvocationOutcome } from './environment.js';
import type { LogSink } from './logs.js';
import type { LambdaFunction } from './model.js';
import { EnvironmentPool } from './pool.js';

/** Runs invocations on pooled environments, one pool per function. */
export class Invoker {
  private readonly pools = new Map<LambdaFunction, EnvironmentPool>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly sink: LogSink,
  ) {}

  async invoke(fn: LambdaFunction, input: InvocationInput): Promise<InvocationOutcome> {
    const done = this.ctx.activity.begin('invocation');
    try {
      const pool = this.pool(fn);
      const env = await pool.acquire();
      try {
        return await env.invoke(input);
      } finally {
        pool.release(env);
      }
    } finally {
      done();
    }
  }

  /** The function's code or configuration changed: environments of the old generation go. */
  retire(fn: LambdaFunction): void {
    this.pools.get(fn)?.retireStale();
  }

  async remove(fn: LambdaFunction): Promise<void> {
    const pool = this.pools.get(fn);
    this.pools.delete(fn);
    await pool?.stopAll();
  }

  async stop(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.stopAll()));
  }

  environmentCount(fn: LambdaFunction): number {
    return this.pools.get(fn)?.size ?? 0;
  }

  private pool(fn: LambdaFunction): EnvironmentPool {
    let pool = this.pools.get(fn);
    if (!pool) {
      pool = new EnvironmentPool(fn, (f) => new ExecutionEnvironment(f, { ctx: this.ctx, sink: this.sink }));
      this.pools.set(fn, pool);
    }
    return pool;
  }
}
