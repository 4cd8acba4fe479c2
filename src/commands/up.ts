import type { CommandContext } from '../context.js';
import { ConfigError, OperationError } from '../errors.js';

export interface UpOptions {
  port: number;
  host: string;
  detach?: boolean;
  persist?: string;
  retryDelay?: number;
}

export async function runUp(options: UpOptions, ctx: CommandContext): Promise<number> {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new ConfigError('InvalidPort', `--port ${options.port} is not a port number`, { hint: 'use a number from 0 to 65535, e.g. --port 4566' });
  }
  if (options.host !== '127.0.0.1' && options.host !== 'localhost' && options.host !== '::1') {
    ctx.out.warn(`listening on ${options.host}: other machines on the network can reach this engine`);
  }
  const extraArgs = options.retryDelay !== undefined ? ['--retry-delay', String(options.retryDelay)] : [];
  if (options.detach) {
    const { startDetachedEngine } = await import('../engine-control/detached.js');
    const record = await startDetachedEngine({ dir: ctx.cwd, port: options.port, host: options.host, persist: options.persist, extraArgs });
    ctx.out.result({ url: record.url, pid: record.pid, logFile: record.logFile, detached: true }, (r) =>
      `evlab engine running at ${r.url} (pid ${r.pid}); logs: ${r.logFile}; stop it with \`evlab down\``,
    );
    return 0;
  }

  const { startEngine } = await import('../engine/index.js');
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  let engine;
  try {
    engine = await startEngine({ port: options.port, host: options.host, persist: options.persist, lambdaRetryBaseDelayMs: options.retryDelay, log });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new OperationError('PortInUse', `port ${options.port} on ${options.host} is already in use`, {
        hint: `is an engine already running? \`evlab status\` shows it; or pick another port: evlab up --port ${options.port + 1}`,
      });
    }
    throw err;
  }
  log(`evlab engine listening at ${engine.url} (pid ${process.pid})${options.persist ? `, state in ${options.persist}` : ', in memory'}; Ctrl-C stops it`);
  if (!ctx.out.json) process.stdout.write(`${engine.url}\n`);
  else ctx.out.result({ url: engine.url, pid: process.pid, detached: false }, () => '');

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log(`${signal}: stopping`);
      void engine.stop().then(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
