import type { GlobalFlags } from '../context.js';
import { isLoopback, resolveTarget, sourceLabel } from '../aws/target.js';
import { portOf } from '../aws/url-port.js';

const DEFAULT_PORT = 4566;
export const DEFAULT_HOST = '127.0.0.1';

export interface ListenAddress {
  port: number;
  host: string;
  /** Where the port came from when --port was not given: `$EVLAB_ENDPOINT`, `--endpoint`, `the stack file`. */
  from?: string;
  /** The endpoint the other commands resolve (what `up` should match so they find the engine). */
  endpoint?: string;
  /** Things worth a warning: a remote endpoint that was ignored, an https endpoint (the engine serves http). */
  warnings: string[];
}

/**
 * Where `evlab up` listens: --port and --host when given; otherwise the port (and the host, when it is a
 * loopback address or `localhost`) of the endpoint the other commands resolve — --endpoint, $EVLAB_ENDPOINT,
 * $AWS_ENDPOINT_URL, the stack file — so `export EVLAB_ENDPOINT=http://127.0.0.1:4600; evlab up` starts
 * where they look. Throws the ConfigError of an endpoint that is not a URL.
 */
export function listenAddress(
  options: { port?: number; host?: string },
  flags: Pick<GlobalFlags, 'endpoint' | 'region'>,
  env: NodeJS.ProcessEnv,
  stack: { endpoint?: string; region?: string } = {},
): ListenAddress {
  const warnings: string[] = [];
  let target: ReturnType<typeof resolveTarget>;
  try {
    target = resolveTarget({ endpoint: flags.endpoint, region: flags.region, allowRemote: true }, env, stack);
  } catch (err) {
    // With --port and --host given the endpoint is not needed (the detached engine's own `up` runs so).
    if (options.port !== undefined && options.host !== undefined) return { port: options.port, host: options.host, warnings };
    throw err;
  }
  let port = DEFAULT_PORT;
  let host = DEFAULT_HOST;
  let from: string | undefined;
  if (target.source !== 'default') {
    const url = new URL(target.endpoint);
    if (!target.local) {
      if (options.port === undefined) warnings.push(`ignoring ${target.endpoint} (from ${sourceLabel(target.source)}): it is not a local address; listening on port ${DEFAULT_PORT}`);
    } else {
      port = portOf(url);
      const name = url.hostname.replace(/^\[|\]$/g, '');
      host = name === 'localhost' || /^[\d.]+$/.test(name) || name.includes(':') ? name : DEFAULT_HOST;
      from = sourceLabel(target.source);
      if (url.protocol === 'https:' && options.port === undefined) warnings.push(`${target.endpoint} (from ${from}) uses https, but the engine serves plain http`);
    }
  }
  return {
    port: options.port ?? port,
    host: options.host ?? host,
    from: options.port === undefined ? from : undefined,
    endpoint: target.local ? target.endpoint : undefined,
    warnings,
  };
}

/** True when an engine at `url` is what a client configured with `endpoint` reaches (same port, both loopback). */
export function reaches(endpoint: string | undefined, url: string): boolean {
  if (!endpoint) return false;
  const a = new URL(endpoint);
  const b = new URL(url);
  return a.protocol === b.protocol && portOf(a) === portOf(b) && (a.hostname === b.hostname || (isLoopback(a.hostname) && isLoopback(b.hostname)));
}

/** `evlab up` with the user's own flags on another port: the command a port-in-use hint suggests. */
export function upCommand(options: { port: number; host: string; detach?: boolean; persist?: string; retryDelay?: number; maxLogEvents?: number }): string {
  const parts = ['evlab up'];
  if (options.detach) parts.push('--detach');
  parts.push(`--port ${options.port}`);
  if (options.host !== DEFAULT_HOST) parts.push(`--host ${shellWord(options.host)}`);
  if (options.persist) parts.push(`--persist ${shellWord(options.persist)}`);
  if (options.retryDelay !== undefined) parts.push(`--retry-delay ${options.retryDelay}`);
  if (options.maxLogEvents !== undefined) parts.push(`--max-log-events ${options.maxLogEvents}`);
  return parts.join(' ');
}

/** The URL an engine on host:port answers at (0.0.0.0 and :: are reached through loopback). */
export function engineUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
