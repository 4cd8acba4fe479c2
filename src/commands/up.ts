import type { CommandContext } from '../context.js';
import { ConfigError, OperationError } from '../errors.js';
import { findProject } from '../engine-control/project.js';
import { DEFAULT_HOST, listenAddress, reaches, upCommand, type ListenAddress } from '../engine-control/listen.js';

export interface UpOptions {
  /** Default: the port of the resolved endpoint (see listenAddress), else 4566. */
  port?: number;
  /** Default: the resolved endpoint's loopback host, else 127.0.0.1. */
  host?: string;
  detach?: boolean;
  persist?: string;
  /** Default: the engine's own (1000 ms). */
  retryDelay?: number;
  /** Events kept per log group. Default: the engine's own (10 000). */
  maxLogEvents?: number;
  /** Traces kept in the ring. Default: the engine's own (10 000). */
  maxTraces?: number;
  /** Say where the web dashboard is. */
  ui?: boolean;
}

export async function runUp(options: UpOptions, ctx: CommandContext): Promise<number> {
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)) {
    throw new ConfigError('InvalidPort', `--port ${options.port} is not a port number`, { hint: 'use a number from 0 to 65535, e.g. --port 4566' });
  }
  if (options.retryDelay !== undefined && (!Number.isFinite(options.retryDelay) || options.retryDelay < 0)) {
    throw new ConfigError('InvalidRetryDelay', `--retry-delay must be a number of milliseconds ≥ 0, not "${options.retryDelay}"`, { hint: '--retry-delay 100' });
  }
  if (options.maxLogEvents !== undefined && (!Number.isInteger(options.maxLogEvents) || options.maxLogEvents < 1)) {
    throw new ConfigError('InvalidMaxLogEvents', `--max-log-events must be a whole number ≥ 1, not "${options.maxLogEvents}"`, { hint: '--max-log-events 50000' });
  }
  if (options.maxTraces !== undefined && (!Number.isInteger(options.maxTraces) || options.maxTraces < 1)) {
    throw new ConfigError('InvalidMaxTraces', `--max-traces must be a whole number ≥ 1, not "${options.maxTraces}"`, { hint: '--max-traces 50000' });
  }
  const project = await findProject(ctx);
  const listen = listenAddress(options, ctx.flags, ctx.env, project.stack);
  for (const warning of listen.warnings) ctx.out.warn(warning);
  const { port, host } = listen;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    ctx.out.warn(`listening on ${host}: other machines on the network can reach this engine`);
  }
  const retry = (p: number) => upCommand({ ...options, port: p, host: options.host ?? DEFAULT_HOST });
  const extraArgs = [
    ...(options.retryDelay !== undefined ? ['--retry-delay', String(options.retryDelay)] : []),
    ...(options.maxLogEvents !== undefined ? ['--max-log-events', String(options.maxLogEvents)] : []),
    ...(options.maxTraces !== undefined ? ['--max-traces', String(options.maxTraces)] : []),
  ];
  if (options.detach) {
    const { startDetachedEngine } = await import('../engine-control/detached.js');
    let record;
    try {
      record = await startDetachedEngine({ dir: project.dir, port, host, persist: options.persist, extraArgs, retryCommand: retry });
    } catch (err) {
      throw withEndpointHint(err, listen, port + 1);
    }
    ctx.out.result({ url: record.url, pid: record.pid, logFile: record.logFile, detached: true, portFrom: listen.from ?? null }, (r) =>
      [
        `evlab engine running at ${r.url} (pid ${r.pid}${origin(listen)}); logs: ${r.logFile}; stop it with \`evlab down\``,
        reachHint(listen, r.url),
        options.ui ? `dashboard: ${r.url}/_evlab/ui/` : undefined,
      ]
        .filter(Boolean)
        .join('\n'),
    );
    return 0;
  }

  const { startEngine } = await import('../engine/index.js');
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  let engine;
  try {
    engine = await startEngine({ port, host, persist: options.persist, lambdaRetryBaseDelayMs: options.retryDelay, maxLogEvents: options.maxLogEvents, maxTraces: options.maxTraces, log });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw withEndpointHint(
        new OperationError('PortInUse', `port ${port} on ${host} is already in use`, {
          hint: `is an engine already running? \`evlab status\` shows it; or pick another port: \`${retry(port + 1)}\``,
        }),
        listen,
        port + 1,
      );
    }
    throw err;
  }
  log(`evlab engine listening at ${engine.url} (pid ${process.pid}${origin(listen)})${options.persist ? `, state in ${options.persist}` : ', in memory'}; Ctrl-C stops it`);
  const hint = reachHint(listen, engine.url);
  if (hint) log(hint);
  if (options.ui) log(`dashboard: ${engine.url}/_evlab/ui/`);
  const stopWarmUp = (await import('../engine-control/warm-up.js')).warmUpSoon(engine);
  if (!ctx.out.json) process.stdout.write(`${engine.url}\n`);
  else ctx.out.result({ url: engine.url, pid: process.pid, detached: false, portFrom: listen.from ?? null }, () => '');

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log(`${signal}: stopping`);
      void stopWarmUp()
        .then(() => engine.stop())
        .then(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

function origin(listen: ListenAddress): string {
  return listen.from ? `; port from ${listen.from}` : '';
}

/** When the other commands would not find this engine (another port than their endpoint), say how they can. */
function reachHint(listen: ListenAddress, url: string): string | undefined {
  if (!listen.endpoint || reaches(listen.endpoint, url)) return undefined;
  return `the other commands use ${listen.endpoint}: pass --endpoint ${url}, or export EVLAB_ENDPOINT=${url}`;
}

/** A port taken from an endpoint setting: the suggested port needs that setting changed too. */
function withEndpointHint(err: unknown, listen: ListenAddress, next: number): unknown {
  if (!(err instanceof OperationError) || err.code !== 'PortInUse' || !listen.from || !err.hint) return err;
  const url = new URL(listen.endpoint!);
  url.port = String(next);
  return new OperationError(err.code, err.message, { hint: `${err.hint} (then --endpoint ${url.origin}, or export EVLAB_ENDPOINT=${url.origin}, so the other commands find it)` });
}
