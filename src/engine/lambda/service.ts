import { serialSave } from '../serial-save.js';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { EngineContext, ServiceMap } from '../types.js';
import { AsyncInvoker } from './async-queue.js';
import type { LambdaCore } from './core.js';
import { EventSourcePollers } from './esm.js';
import { Invoker } from './invoke.js';
import { LogSink } from './logs.js';
import { restoreLambdaState, saveLambdaState } from './persistence.js';
import { routeLambdaRequest } from './routes.js';
import { LambdaStore } from './store.js';
import { serveFunctionUrl } from './api/function-urls.js';
import { notActive, throttled } from './errors.js';

const INVOCATION = /\/(invocations|invoke-async)\/?$/;

/**
 * Lambda on the engine port (REST-JSON). Functions run on the host — node, python3 or a provided
 * runtime's bootstrap — behind the real Lambda Runtime API, one warm process per execution environment.
 */
export function createLambdaService(ctx: EngineContext): ServiceMap['lambda'] {
  const store = new LambdaStore(ctx.options.accountId, ctx.options.region);
  const sink = new LogSink(ctx);
  const invoker = new Invoker(ctx, sink);
  // The workers reach the rest through `core`, which exists once they do.
  const asyncInvoker = new AsyncInvoker(() => core);
  const pollers = new EventSourcePollers(() => core);
  const core: LambdaCore = { ctx, store, invoker, asyncInvoker, pollers, sink };
  // Only look at (never create) the state folder: an engine that never saw Lambda keeps none.
  const stateDir = ctx.options.persistDir ? join(ctx.options.persistDir, 'lambda') : undefined;
  if (stateDir) restoreLambdaState(core, stateDir);
  const persist = stateDir ? serialSave(() => saveLambdaState(core, stateDir)) : undefined;

  return {
    async handle(req) {
      const reply = await routeLambdaRequest(core, req);
      // With --persist, a change to a function, its configuration, policy or mappings is on disk before it is acknowledged.
      if (persist && reply && reply.status < 300 && req.method !== 'GET' && !INVOCATION.test(req.path)) await persist();
      return reply;
    },
    async invokeAsync(functionNameOrArn, payload, options) {
      const fn = store.require(functionNameOrArn, ctx.options.region);
      const requestId = randomUUID();
      // The invocation's steps go into the caller's trace (an event's, say) when it has one.
      if (options?.traceId) ctx.traces.link(requestId, options.traceId);
      return { requestId: asyncInvoker.enqueue(fn, Buffer.from(payload, 'utf8'), requestId, store.invokedArn(functionNameOrArn, fn)) };
    },
    functionExists: (functionNameOrArn) => store.find(functionNameOrArn, ctx.options.region) !== undefined,
    async invokeSync(functionNameOrArn, payload, requestId) {
      const fn = store.require(functionNameOrArn, ctx.options.region);
      if (fn.state !== 'Active') throw notActive(fn.state);
      if (fn.reservedConcurrency === 0) throw throttled();
      const outcome = await invoker.invoke(fn, { requestId, payload, invokedArn: store.invokedArn(functionNameOrArn, fn), tail: false });
      return { payload: outcome.payload, error: outcome.error };
    },
    serveFunctionUrl: (urlId, call) => serveFunctionUrl(core, urlId, call),
    async save() {
      if (stateDir) await saveLambdaState(core, stateDir);
    },
    async stop() {
      pollers.stop();
      asyncInvoker.stop();
      await invoker.stop();
      await sink.flush();
    },
  };
}
