import type { EngineContext } from '../types.js';
import type { AsyncInvoker } from './async-queue.js';
import type { EventSourcePollers } from './esm.js';
import type { Invoker } from './invoke.js';
import type { LogSink } from './logs.js';
import type { LambdaStore } from './store.js';

/** What the API handlers and the background workers of the Lambda service share. */
export interface LambdaCore {
  ctx: EngineContext;
  store: LambdaStore;
  invoker: Invoker;
  asyncInvoker: AsyncInvoker;
  pollers: EventSourcePollers;
  sink: LogSink;
}
