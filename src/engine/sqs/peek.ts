import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { EngineResponse } from '../types.js';
import { errorResponse, JSON_1_0, jsonResponse } from '../protocol/encode.js';
import { credentialScope } from '../router.js';
import { queueDoesNotExist } from './errors.js';
import { renderMessage } from './message-operations.js';
import type { Output } from './operation-context.js';
import { resultXml, xmlResponse } from './query-protocol.js';
import { storeOf } from './store.js';

const PEEK_PATH = /^\/_aws\/sqs\/messages(?:\/([^/]+)\/(\d{12})\/([^/]+))?\/?$/;
// LocalStack's placeholder: peeked messages were not received, so they have no real receipt handle.
const BACKDOOR_HANDLE = 'SQS/BACKDOOR/ACCESS';

export function isPeekPath(path: string): boolean {
  return PEEK_PATH.test(path);
}

/**
 * LocalStack's developer endpoint: `GET /_aws/sqs/messages?QueueUrl=...` (or `/_aws/sqs/messages/<region>/<account>/<name>`)
 * lists messages with all their attributes without receiving them (no visibility change, no receive count).
 * `ShowInvisible=true` / `ShowDelayed=true` add in-flight and delayed messages (marked IsVisible / IsDelayed).
 * Answered like ReceiveMessage: JSON protocol for `Content-Type: application/x-amz-json-1.0`, else query XML,
 * or that XML's structure as JSON for `Accept: application/json`.
 */
export function peekMessages(service: object, path: string, query: URLSearchParams, headers: IncomingHttpHeaders): EngineResponse {
  const requestId = randomUUID();
  const jsonProtocol = String(headers['content-type'] ?? '').startsWith('application/x-amz-json-1.0');
  try {
    const store = storeOf(service);
    if (!store) throw new Error('not an SQS service object');
    const fromPath = PEEK_PATH.exec(path);
    const region = credentialScope(headers)?.region ?? store.defaultRegion;
    let queue;
    if (fromPath?.[3]) {
      queue = store.get(fromPath[1], decodeURIComponent(fromPath[3]));
      if (!queue) throw queueDoesNotExist();
    } else {
      const queueUrl = query.get('QueueUrl');
      if (!queueUrl) throw queueDoesNotExist();
      queue = store.resolve(queueUrl, region);
    }
    const showInvisible = flag(query.get('ShowInvisible'));
    const showDelayed = flag(query.get('ShowDelayed'));
    queue.counts(); // applies expired visibility timeouts, delays and retention first
    const messages = queue
      .allMessages()
      .filter((m) => m.state === 'visible' || (m.state === 'inflight' && showInvisible) || (m.state === 'delayed' && showDelayed))
      .map((m) => {
        const out = renderMessage(m, ['All'], ['All'], store.accountId);
        out.ReceiptHandle = BACKDOOR_HANDLE;
        const attributes = out.Attributes as Record<string, string>;
        if (showInvisible) attributes.IsVisible = String(m.state === 'visible');
        if (showDelayed) attributes.IsDelayed = String(m.state === 'delayed');
        return out;
      });
    const output: Output = messages.length > 0 ? { Messages: messages } : {};
    if (jsonProtocol) return jsonResponse(output, JSON_1_0);
    if (String(headers.accept ?? '').includes('application/json')) return queryAsJson(output, requestId);
    return xmlResponse('ReceiveMessage', resultXml('ReceiveMessage', output), requestId);
  } catch (err) {
    return errorResponse(err, jsonProtocol ? 'json' : 'query', { requestId, headers: { 'content-type': JSON_1_0 } });
  }
}

const flag = (value: string | null) => value === 'true' || value === '1';

function queryAsJson(output: Output, requestId: string): EngineResponse {
  return jsonResponse(
    { ReceiveMessageResponse: { ReceiveMessageResult: resultXml('ReceiveMessage', output), ResponseMetadata: { RequestId: requestId } } },
    'application/json',
  );
}
