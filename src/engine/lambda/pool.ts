import { functionNotFound } from './errors.js';
import type { ExecutionEnvironment } from './environment.js';
import type { LambdaFunction } from './model.js';

/** Concurrent environments per function before invocations wait for one (AWS scales further; a laptop should not). */
export const MAX_ENVIRONMENTS_PER_FUNCTION = 10;
/** A warm environment nobody used for this long is stopped (AWS keeps them for minutes too). */
const IDLE_STOP_MS = 10 * 60_000;

/**
 * The warm environments of one function. An invocation takes an idle environment of the function's
 * current generation, else starts one, else waits for one to come back.
 */
export class EnvironmentPool {
  private readonly all = new Set<ExecutionEnvironment>();
  private idle: ExecutionEnvironment[] = [];
  private readonly idleTimers = new Map<ExecutionEnvironment, NodeJS.Timeout>();
  private waiters: { resolve: (env: ExecutionEnvironment) => void; reject: (err: Error) => void }[] = [];
  private stopped = false;

  constructor(
    private readonly fn: LambdaFunction,
    private readonly create: (fn: LambdaFunction) => ExecutionEnvironment,
  ) {}

  get size(): number {
    return this.all.size;
  }

  acquire(): Promise<ExecutionEnvironment> {
    if (this.stopped) return Promise.reject(functionNotFound(this.fn.arn));
    for (let env = this.idle.pop(); env; env = this.idle.pop()) {
      this.unidle(env);
      if (env.alive && env.generation === this.fn.generation) return Promise.resolve(env);
      this.discard(env);
    }
    if (this.all.size < this.cap()) return Promise.resolve(this.spawn());
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  release(env: ExecutionEnvironment): void {
    if (!env.alive || env.generation !== this.fn.generation || !this.all.has(env)) {
      this.discard(env);
      this.serveWaiters();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) return waiter.resolve(env);
    this.idle.push(env);
    const timer = setTimeout(() => {
      this.idle = this.idle.filter((e) => e !== env);
      this.idleTimers.delete(env);
      this.discard(env);
    }, IDLE_STOP_MS);
    timer.unref();
    this.idleTimers.set(env, timer);
  }

  /** After an update: idle environments of an older generation go now, busy ones when they come back. */
  retireStale(): void {
    const keep: ExecutionEnvironment[] = [];
    for (const env of this.idle) {
      if (env.generation === this.fn.generation && env.alive) keep.push(env);
      else {
        this.unidle(env);
        this.discard(env);
      }
    }
    this.idle = keep;
  }

  /** Kills every environment and waits until their processes are gone; waiting invocations fail (the function is gone). */
  async stopAll(): Promise<void> {
    this.stopped = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(functionNotFound(this.fn.arn));
    const envs = [...this.all];
    for (const env of envs) {
      this.unidle(env);
      env.kill();
    }
    this.idle = [];
    await Promise.all(envs.map((env) => withTimeout(env.closed, 2000)));
  }

  private cap(): number {
    return Math.max(1, Math.min(MAX_ENVIRONMENTS_PER_FUNCTION, this.fn.reservedConcurrency ?? Infinity));
  }

  private spawn(): ExecutionEnvironment {
    const env = this.create(this.fn);
    this.all.add(env);
    env.onDead = () => {
      // A crash or timeout: the environment leaves the pool (a busy one is also handed back by its invocation).
      this.all.delete(env);
      if (this.idle.includes(env)) {
        this.idle = this.idle.filter((e) => e !== env);
        this.unidle(env);
      }
      this.serveWaiters();
    };
    return env;
  }

  private serveWaiters(): void {
    while (!this.stopped && this.waiters.length > 0 && this.all.size < this.cap()) this.waiters.shift()!.resolve(this.spawn());
  }

  private discard(env: ExecutionEnvironment): void {
    this.all.delete(env);
    env.kill();
  }

  private unidle(env: ExecutionEnvironment): void {
    clearTimeout(this.idleTimers.get(env));
    this.idleTimers.delete(env);
  }
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
