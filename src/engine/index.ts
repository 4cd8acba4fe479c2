import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { EngineContext, ResolvedEngineOptions, ServiceName } from './types.js';
import { ActivityTracker } from './activity.js';
import { DEFAULT_MAX_TRACES, TraceRing } from './traces/ring.js';
import { ServiceRegistry } from './services.js';
import { createEngineServer } from './server.js';
import { ENGINE_VERSION } from './version.js';
import { existsSync } from 'node:fs';
import { DEFAULT_MAX_LOG_EVENTS } from './logs/state.js';

export { AwsError } from './protocol/aws-error.js';
export type { EngineContext } from './types.js';

export interface EngineOptions {
  /** 0 picks a free port. Default 4566. */
  port?: number;
  /** Default 127.0.0.1: the engine is for this machine only unless told otherwise. */
  host?: string;
  region?: string;
  /** Keep state in this folder across restarts. */
  persist?: string;
  /** Delay unit between async Lambda retries (retry n waits n × this). Default 1000 ms; AWS waits minutes. */
  lambdaRetryBaseDelayMs?: number;
  esmPollIntervalMs?: number;
  /** Events kept per CloudWatch Logs group; the oldest are dropped (and counted) beyond it. Default 10 000. */
  maxLogEvents?: number;
  /** Traces kept (default 10 000); the oldest are dropped and counted. */
  maxTraces?: number;
  /** Diagnostics; default: discarded. `evlab up` passes a stderr writer. */
  log?: (line: string) => void;
}

export interface Engine {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly context: EngineContext;
  /**
   * Resolves true once no event is in flight, no invocation is running or waiting for a retry and no message
   * is on its way to a subscribed function; false when that has not happened within timeoutMs (default 30 s).
   */
  waitForIdle(timeoutMs?: number): Promise<boolean>;
  /** Stops the server, every function environment and saves state with `persist`. Safe to call twice. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts an engine in this process; two engines never share state. */
export async function startEngine(options: EngineOptions = {}): Promise<Engine> {
  const host = options.host ?? '127.0.0.1';
  const persistDir = options.persist ? resolve(options.persist) : undefined;
  if (persistDir) mkdirSync(persistDir, { recursive: true });
  const workDir = mkdtempSync(join(tmpdir(), 'evlab-engine-'));
  const resolved: ResolvedEngineOptions = {
    host,
    port: options.port ?? 4566,
    region: options.region ?? 'us-east-1',
    accountId: '000000000000',
    persistDir,
    workDir,
    lambdaRetryBaseDelayMs: options.lambdaRetryBaseDelayMs ?? 1000,
    esmPollIntervalMs: options.esmPollIntervalMs ?? 1000,
    maxLogEvents: options.maxLogEvents ?? DEFAULT_MAX_LOG_EVENTS,
    log: options.log ?? (() => undefined),
    maxTraces: options.maxTraces ?? DEFAULT_MAX_TRACES,
  };

  const activity = new ActivityTracker();
  const traces = new TraceRing(resolved.maxTraces);
  let url = '';
  let hostPort = '';
  const registry = new ServiceRegistry(() => context);
  const context: EngineContext = {
    options: resolved,
    get url() {
      return url;
    },
    get hostPort() {
      return hostPort;
    },
    activity,
    traces,
    engineVersion: ENGINE_VERSION,
    service: (name) => registry.get(name),
    isLoaded: (name) => registry.isLoaded(name),
    stateDir(service: ServiceName) {
      if (!persistDir) return undefined;
      const dir = join(persistDir, service);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
  };

  const server = createEngineServer(() => context);
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  url = `http://${urlHost}:${port}`;
  hostPort = `${urlHost === '127.0.0.1' ? 'localhost' : urlHost}:${port}`;

  // Services with persisted state come back at start, so that (for example) event source mappings poll again.
  if (persistDir) {
    for (const name of ['sqs', 'logs', 'dynamodb', 'lambda', 'events', 's3'] as const) {
      if (existsSync(join(persistDir, name))) await registry.get(name);
    }
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const services = registry.all().reverse();
      for (const [name, service] of services) {
        try {
          if (persistDir) await service.save?.();
        } catch (err) {
          resolved.log(`engine: could not save ${name} state: ${(err as Error).message}`);
        }
      }
      for (const [name, service] of services) {
        try {
          await service.stop?.();
        } catch (err) {
          resolved.log(`engine: ${name} did not stop cleanly: ${(err as Error).message}`);
        }
      }
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      rmSync(workDir, { recursive: true, force: true });
    })());

  return {
    url,
    port,
    host,
    context,
    waitForIdle: (timeoutMs = 30_000) => activity.whenIdle(timeoutMs),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
