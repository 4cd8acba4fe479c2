import { missingParameter } from './errors.js';
import { optionalString, type Input } from './input.js';
import type { Queue } from './queue.js';
import { queuePathOf } from './queue-url.js';
import type { SqsStore } from './store.js';

/** What an operation needs besides its input; the same for both wire protocols. */
export interface OperationContext {
  store: SqsStore;
  /** Region from the request's signature (or the engine's). */
  region: string;
  /** Request path: query clients may post to the queue URL instead of passing QueueUrl. */
  path: string;
  /** Aborted when the client goes away, so a long poll stops waiting (and takes no message). */
  signal?: AbortSignal;
  /** The request's X-Amzn-Trace-Id: from a function's SDK, it names the invocation a sent message is a child of. */
  traceHeader?: string | string[];
}

export type Output = Record<string, unknown>;
export type Operation = (oc: OperationContext, input: Input) => Output | Promise<Output>;

export function queueOf(oc: OperationContext, input: Input): Queue {
  const url = optionalString(input, 'QueueUrl') || queuePathOf(oc.path);
  if (!url) throw missingParameter('QueueUrl');
  return oc.store.resolve(url, oc.region);
}
