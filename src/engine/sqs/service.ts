import type { EngineContext, EngineRequest, ServiceMap } from '../types.js';
import { sqsInternal } from './internal.js';
import { handleJsonRequest } from './json-protocol.js';
import type { OperationContext } from './operation-context.js';
import { SqsJournal } from './journal.js';
import { restoreQueues } from './persistence.js';
import { handleQueryRequest } from './query-protocol.js';
import { registerStore, SqsStore } from './store.js';

const QUEUE_CHANGES = new Set(['CreateQueue', 'DeleteQueue', 'SetQueueAttributes', 'TagQueue', 'UntagQueue', 'PurgeQueue']);

/** SQS on the engine port: AWS JSON 1.0 and the query protocol, queues per region, optional persistence. */
export function createSqsService(ctx: EngineContext): ServiceMap['sqs'] {
  const stateDir = ctx.stateDir('sqs');
  const journal = stateDir ? new SqsJournal(stateDir) : undefined;
  const store = new SqsStore(ctx, journal);
  if (journal) {
    // Restoring journals nothing (the records are already there); the result is folded into one snapshot.
    restoreQueues(store, journal.read(ctx.options.log));
    journal.writeSnapshot(store.all());
  }

  const service: ServiceMap['sqs'] = {
    async handle(req: EngineRequest) {
      const oc: OperationContext = { store, region: req.region, path: req.path, traceHeader: req.headers['x-amzn-trace-id'] };
      if (req.operation === 'ReceiveMessage') oc.signal = closedSignal(req);
      const reply = req.protocol === 'query' ? await handleQueryRequest(oc, req) : await handleJsonRequest(oc, req.operation, req.body);
      // Queue-level changes are rare: each rewrites the snapshot (and folds the journal into it) before the answer.
      if (journal && (QUEUE_CHANGES.has(req.operation ?? '') || journal.compactionDue)) journal.writeSnapshot(store.all());
      return reply;
    },
    async save() {
      journal?.writeSnapshot(store.all());
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
