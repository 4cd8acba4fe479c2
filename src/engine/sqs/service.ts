import type { EngineContext, EngineRequest, ServiceMap } from '../types.js';
import { sqsInternal } from './internal.js';
import { handleJsonRequest } from './json-protocol.js';
import type { OperationContext } from './operation-context.js';
import { restoreQueues, saveQueues } from './persistence.js';
import { handleQueryRequest } from './query-protocol.js';
import { registerStore, SqsStore } from './store.js';

/** SQS on the engine port: AWS JSON 1.0 and the query protocol, queues per region, optional persistence. */
export function createSqsService(ctx: EngineContext): ServiceMap['sqs'] {
  const store = new SqsStore(ctx);
  const stateDir = ctx.stateDir('sqs');
  if (stateDir) restoreQueues(store, stateDir, ctx.options.log);

  const service: ServiceMap['sqs'] = {
    async handle(req: EngineRequest) {
      const oc: OperationContext = { store, region: req.region, path: req.path };
      if (req.operation === 'ReceiveMessage') oc.signal = closedSignal(req);
      if (req.protocol === 'query') return handleQueryRequest(oc, req);
      return handleJsonRequest(oc, req.operation, req.body);
    },
    async save() {
      if (stateDir) await saveQueues(store, stateDir);
    },
    async stop() {
      store.dispose();
    },
    stats: () => store.stats(),
    ...sqsInternal(store),
  };
  registerStore(service, store);
  return service;
}

/** Aborts when the client's connection closes before the answer: a long poll must not take messages for nobody. */
function closedSignal(req: EngineRequest): AbortSignal {
  const controller = new AbortController();
  const res = req.rawRes;
  const onClose = () => {
    if (!res.writableEnded) controller.abort();
  };
  res.once('close', onClose);
  return controller.signal;
}
