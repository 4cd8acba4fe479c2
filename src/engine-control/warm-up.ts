import type { Engine } from '../engine/index.js';

// The services a stack of the five core services touches, in the order `evlab setup` first needs them.
const WARMED = ['dynamodb', 'sqs', 'events', 'lambda', 'logs'] as const;

/**
 * `evlab up` answers its first health check before it loads any service (each loads on first use). Right after,
 * while nothing asks anything, it loads them and probes python3 (and boto3): otherwise the first command against
 * a fresh engine waits for that, ~0.3 s of dynalite's load and ~0.3 s of `python3 -c "import boto3"` measured.
 * One service at a time, yielding between them, so that requests arriving meanwhile are answered in turn.
 *
 * Call the returned function before engine.stop(): it lets the service being loaded finish, so that stop()
 * stops it too (a service loaded after stop() would keep its resources, e.g. dynalite's LevelDB server).
 */
export function warmUpSoon(engine: Engine, delayMs = 20): () => Promise<void> {
  let cancelled = false;
  let running: Promise<void> = Promise.resolve();
  const timer = setTimeout(() => {
    running = warmUp(engine, () => cancelled).catch(() => undefined);
  }, delayMs);
  timer.unref();
  return async () => {
    cancelled = true;
    clearTimeout(timer);
    await running;
  };
}

async function warmUp(engine: Engine, cancelled: () => boolean): Promise<void> {
  const { pythonInfo } = await import('../engine/lambda/runtimes.js');
  // A short-lived child process, cached for the engine's life; nothing waits for it here.
  pythonInfo().catch(() => undefined);
  for (const name of WARMED) {
    await new Promise((resolve) => setImmediate(resolve));
    if (cancelled()) break;
    await engine.context.service(name);
  }
}
