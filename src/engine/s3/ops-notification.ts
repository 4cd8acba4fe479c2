import { receiveSmallBody } from './body.js';
import { emptyReply, xmlReply, type S3Call, type S3Reply, type S3Service } from './call.js';
import { notificationConfigXml, parseNotificationConfig, unableToValidate } from './notification-config.js';
import { parseXml, xmlDocument } from './xml.js';
import { randomUUID } from 'node:crypto';

export async function putBucketNotification(s3: S3Service, call: S3Call): Promise<S3Reply> {
  const bucket = s3.store.bucket(call.address.bucket!);
  const config = parseNotificationConfig(parseXml(await receiveSmallBody(call.req), 'NotificationConfiguration'), () => randomUUID());
  // S3 checks every destination before accepting the configuration (and refuses it whole).
  for (const target of config.targets) {
    if (target.kind === 'queue') {
      const sqs = await s3.ctx.service('sqs');
      if (!sqs.queueExists(target.arn)) throw unableToValidate(target.arn, 'The destination queue does not exist');
    } else if (target.kind === 'function') {
      const lambda = await s3.ctx.service('lambda');
      if (!lambda.functionExists(target.arn)) throw unableToValidate(target.arn, 'The destination Lambda function does not exist');
    } else {
      throw unableToValidate(target.arn, 'SNS topics are not part of the evlab engine; use a queue, a function or EventBridge');
    }
  }
  bucket.notifications = config;
  s3.notifier.testEvent(bucket, call.requestId);
  return emptyReply(200);
}

export function getBucketNotification(s3: S3Service, call: S3Call): S3Reply {
  const bucket = s3.store.bucket(call.address.bucket!);
  return xmlReply(xmlDocument('NotificationConfiguration', notificationConfigXml(bucket.notifications)));
}
