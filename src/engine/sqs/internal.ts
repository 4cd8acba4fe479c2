import type { InternalMessage, InternalMessageAttribute, SqsInternal } from '../types.js';
import { prepareMessage, systemAttributesOf, traceMessageStep } from './message-operations.js';
import { messageIdOf } from './stored-message.js';
import type { SqsStore } from './store.js';

/**
 * SQS for the other services, in process: EventBridge targets and Lambda DLQs send, Lambda's event
 * source mappings receive/delete/change visibility. Same rules as the API (sizes, redrive, visibility).
 */
export function sqsInternal(store: SqsStore): SqsInternal {
  return {
    async sendToArn(queueArn, body, attributes, fifo, traceId) {
      const queue = store.requireArn(queueArn);
      const message = prepareMessage(queue, {
        MessageBody: body,
        MessageAttributes: attributes ?? {},
        ...(fifo?.groupId !== undefined ? { MessageGroupId: fifo.groupId } : {}),
        ...(fifo?.deduplicationId !== undefined ? { MessageDeduplicationId: fifo.deduplicationId } : {}),
      });
      const { messageId } = queue.send(message);
      // The caller records the send as a step of its own trace (a delivery, a dead letter); the id is linked there.
      if (!traceId || !store.traces.link(messageId, traceId)) {
        store.traces.start(messageId, { kind: 'message', parent: traceId }, { type: 'message-sent', service: 'sqs', queue: queue.name, messageId, by: 'engine' });
      }
      return { messageId };
    },

    async receiveFromArn(queueArn, maxMessages) {
      const queue = store.requireArn(queueArn);
      const max = Math.max(1, Math.min(10, Math.floor(maxMessages) || 1));
      const received = queue.receive(max, queue.settings.visibilityTimeout);
      // Only event source mappings receive in process.
      for (const m of received) traceMessageStep({ store }, 'message-received', queue, m, 'esm');
      return received.map(
        (m): InternalMessage => ({
          messageId: m.id,
          receiptHandle: m.receiptHandle!,
          body: m.body,
          md5OfBody: m.md5OfBody,
          attributes: systemAttributesOf(m, store.accountId),
          // DataType may carry a custom suffix (`Number.int`); consumers read it as a string.
          messageAttributes: m.attributes as Record<string, InternalMessageAttribute>,
          eventSourceArn: queue.arn,
        }),
      );
    },

    async deleteFromArn(queueArn, receiptHandle) {
      const queue = store.requireArn(queueArn);
      queue.deleteMessage(receiptHandle);
      traceMessageStep({ store }, 'message-deleted', queue, { id: messageIdOf(receiptHandle) }, 'esm');
    },

    async changeVisibilityByArn(queueArn, receiptHandle, seconds) {
      messageIdOf(receiptHandle);
      store.requireArn(queueArn).changeVisibility(receiptHandle, Math.max(0, Math.min(43_200, Math.floor(seconds))));
    },

    queueExists: (queueArn) => store.byArn(queueArn) !== undefined,

    onVisible: (queueArn, listener) => store.onVisible(queueArn, listener),

    pendingCount(queueArn) {
      const queue = store.byArn(queueArn);
      if (!queue) return 0;
      const counts = queue.counts();
      return counts.visible + counts.inflight + counts.delayed;
    },
  };
}
