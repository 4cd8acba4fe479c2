import { randomUUID } from 'node:crypto';
import type { EngineResponse } from '../types.js';
import { errorResponse, JSON_1_0, jsonResponse } from '../protocol/encode.js';
import { missingParameter } from './errors.js';
import { renderMessage } from './message-operations.js';
import { resultXml, xmlResponse } from './query-protocol.js';
import { storeOf } from './store.js';

/**
 * LocalStack's developer endpoint `GET /_aws/sqs/messages?QueueUrl=...`: every message with all its
 * attributes, without receiving it (no visibility change, no receive count). `ShowInvisible=true` and
 * `ShowDelayed=true` include in-flight and delayed messages. XML unless the client accepts JSON.
 */
export function peekMessages(service: object, query: URLSearchParams, accept: string | undefined): EngineResponse {
  const json = String(accept ?? '').includes('application/json');
  const requestId = randomUUID();
  const store = storeOf(service);
  try {
    if (!store) throw new Error('not an SQS service object');
    const queueUrl = query.get('QueueUrl');
    if (!queueUrl) throw missingParameter('QueueUrl');
    const queue = store.resolve(queueUrl, store.defaultRegion);
    const showInvisible = query.get('ShowInvisible') === 'true';
    const showDelayed = query.get('ShowDelayed') === 'true';
    queue.counts(); // applies expired visibility timeouts and delays first
    const messages = queue
      .allMessages()
      .filter((m) => m.state === 'visible' || (m.state === 'inflight' && showInvisible) || (m.state === 'delayed' && showDelayed))
      .map((m) => renderMessage(m, ['All'], ['All'], store.accountId));
    if (json) return jsonResponse({ Messages: messages }, JSON_1_0);
    return xmlResponse('ReceiveMessage', resultXml('ReceiveMessage', { Messages: messages }), requestId);
  } catch (err) {
    return errorResponse(err, json ? 'json' : 'query', { requestId, headers: { 'content-type': JSON_1_0 } });
  }
}
