import type { CommandContext } from '../context.js';
import { UnreachableError } from '../errors.js';
import { createClients, type AwsClients } from './clients.js';
import { detectEndpoint, type EndpointInfo } from './detect.js';
import { resolveTarget, type Target } from './target.js';
import type { EngineRecord } from '../engine-control/detached.js';

export interface Connection {
  target: Target;
  endpoint: EndpointInfo;
  clients: AwsClients;
  /** Set when this command started the embedded engine because nothing answered. */
  startedEngine?: EngineRecord;
  close(): void;
}

export interface ConnectOptions {
  stack?: { endpoint?: string; region?: string };
  /** Start the embedded engine when the default endpoint is silent (setup, fire, status). */
  autoStart?: boolean;
  /** Folder for .evlab/ (the stack's folder). */
  projectDir?: string;
  /**
   * The command writes; says what, e.g. "evlab setup creates or changes resources". On a remote target
   * the account and region are shown and confirmed (src/aws/remote-confirm.ts) before connect returns.
   */
  writes?: string;
}

/** Resolves the target, checks something answers there (within ~3 s) and recognises what it is. */
export async function connect(ctx: CommandContext, options: ConnectOptions = {}): Promise<Connection> {
  const target = resolveTarget(ctx.flags, ctx.env, options.stack);
  let endpoint: EndpointInfo;
  let startedEngine: EngineRecord | undefined;
  try {
    // AWS itself has no single URL to probe; each service answers at its own regional endpoint.
    endpoint = target.aws ? { kind: 'unknown', label: 'AWS', idleSignal: false } : await detectEndpoint(target.endpoint);
  } catch (err) {
    const canStart = err instanceof UnreachableError && options.autoStart && ctx.flags.autoStart !== false && target.isDefault;
    if (!canStart) throw err;
    const { startDetachedEngine } = await import('../engine-control/detached.js');
    const url = new URL(target.endpoint);
    ctx.out.progress(`nothing answers at ${target.endpoint}: starting the embedded engine in the background (evlab down stops it; --no-auto-start turns this off)`);
    startedEngine = await startDetachedEngine({ dir: options.projectDir ?? ctx.cwd, port: Number(url.port), host: url.hostname });
    endpoint = await detectEndpoint(target.endpoint);
  }
  if (options.writes && !target.local) {
    const { confirmRemoteWrite } = await import('./remote-confirm.js');
    await confirmRemoteWrite(ctx, target, options.writes);
  }
  const clients = createClients(target);
  return { target, endpoint, clients, startedEngine, close: () => clients.destroy() };
}
