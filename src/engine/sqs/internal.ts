import type { InternalMessage, InternalMessageAttribute, SqsInternal } from '../types.js';
import { prepareMessage, systemAttributesOf } from './message-operations.js';
import { messageIdOf } from './stored-message.js';
import type { SqsStore } from './store.js';

/**
 * SQS for the other services, in process: EventBridge targets and Lambda DLQs send, Lambda's event
 * source mappings receive/delete/change visibility. Same rules as the API (sizes, redrive, visibility).
 */
export function sqsInternal(store: SqsStore): SqsInternal {
  return {
    async sendToArn(queueArn, body, attributes, fifo) {
      const queue = store.requireArn(queueArn);
      const message = prepareMessage(queue, {
        MessageBody: body,
        MessageAttributes: attributes ?? {},
        ...(fifo?.groupId !== undefined ? { MessageGroupId: fifo.groupId } : {}),
        ...(fifo?.deduplicationId !== undefined ? { MessageDeduplicationId: fifo.deduplicationId } : {}),
      });
      return { messageId: queue.send(message).messageId };
    },

    async receiveFromArn(queueArn, maxMessages) {
      const queue = store.requireArn(queueArn);
      const max = Math.max(1, Math.min(10, Math.floor(maxMessages) || 1));
      return queue.receive(max, queue.settings.visibilityTimeout).map(
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
      store.requireArn(queueArn).deleteMessage(receiptHandle);
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
