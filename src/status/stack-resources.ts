import type { CommandContext } from '../context.js';
import { ConfigError } from '../errors.js';
import type { LoadedStack, StackFile } from '../stack/types.js';

/**
 * The stack file when there is one: `fire` and `invoke` work without a stack file (the stack only adds
 * checks), but a stack file that exists must be valid, and `--config` must name one.
 */
export async function loadOptionalStack(ctx: CommandContext): Promise<LoadedStack | undefined> {
  const { loadStack } = await import('../stack/load.js');
  try {
    return await loadStack(ctx);
  } catch (err) {
    if (err instanceof ConfigError && err.code === 'StackNotFound' && !ctx.flags.config && !ctx.flags.template) return undefined;
    throw err;
  }
}

export async function loadRequiredStack(ctx: CommandContext): Promise<LoadedStack> {
  const { loadStack } = await import('../stack/load.js');
  return loadStack(ctx);
}

/**
 * A template's logical ID (`InvoiceFunction`, `OrdersBus`) as the physical name it became; any other name as it
 * is. Lets fire, tail, invoke and relambda take either.
 */
export function physicalNameOf(loaded: Pick<LoadedStack, 'template'> | undefined, name: string, kind: 'function' | 'bus' | 'queue'): string {
  const resource = loaded?.template?.resources[name];
  return resource && resource.kind === kind ? resource.physicalName : name;
}

/** Names the user gave (or the template's logical IDs for them), checked against the stack's functions (all of them when none are given). */
export function pickFunctions(stack: StackFile, given: readonly string[] | undefined, stackFile: string, loaded?: Pick<LoadedStack, 'template'>): string[] {
  const known = Object.keys(stack.functions ?? {});
  const requested = given?.map((name) => physicalNameOf(loaded, name, 'function'));
  if (!requested || requested.length === 0) {
    if (known.length === 0) throw new ConfigError('NoFunctions', `${stackFile} declares no functions`, { hint: 'add functions under "functions"' });
    return known;
  }
  const unknown = requested.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError('UnknownFunction', `${unknown.map((n) => `"${n}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a function of ${stackFile}`, {
      hint: known.length > 0 ? `known functions: ${known.join(', ')}` : `${stackFile} declares no functions`,
    });
  }
  return [...new Set(requested)];
}

export interface DeadLetterRole {
  /** What sends its failures here: `function lambda-testing` or `queue jobs`. */
  of: string;
  kind: 'function' | 'queue';
  name: string;
}

/** Queues the stack names as dead-letter queues (of queues, of functions, on-failure destinations). */
export function deadLetterQueues(stack: StackFile): Map<string, DeadLetterRole[]> {
  const roles = new Map<string, DeadLetterRole[]>();
  const add = (queue: string | undefined, role: DeadLetterRole) => {
    if (!queue) return;
    roles.set(queue, [...(roles.get(queue) ?? []), role]);
  };
  for (const [name, q] of Object.entries(stack.queues ?? {})) add(q.deadLetterQueue, { of: `queue ${name}`, kind: 'queue', name });
  for (const [name, f] of Object.entries(stack.functions ?? {})) {
    add(f.deadLetterQueue, { of: `function ${name}`, kind: 'function', name });
    add(f.onFailure?.queue, { of: `function ${name} (on failure)`, kind: 'function', name });
  }
  return roles;
}

/** Queues that feed a function (event source mappings): messages there mean work still to do. */
export function subscribedQueues(stack: StackFile): Set<string> {
  return new Set((stack.subscriptions ?? []).filter((s) => s.enabled !== false).map((s) => s.queue));
}
