import { causeOf, startCaused } from '../traces/cause.js';
import { randomBytes } from 'node:crypto';
import type { EngineContext } from '../types.js';
import type { Bucket } from './model.js';
import { targetMatches, type NotificationTarget } from './notification-config.js';

/** What happened to an object, as the event records describe it. */
export interface ObjectChange {
  /** Without the `s3:` prefix: ObjectCreated:Put, ObjectCreated:Copy, ObjectCreated:CompleteMultipartUpload, ObjectRemoved:Delete. */
  eventName: string;
  key: string;
  size?: number;
  etag?: string;
  requestId: string;
  sourceIp: string;
  /** The request's X-Amzn-Trace-Id: from a function's SDK, it names the invocation this change's trace is a child of. */
  traceHeader?: string | string[];
}

export interface NotificationStats {
  sent: number;
  failed: number;
}

// EventBridge's detail.reason per event (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).
const EVENTBRIDGE_REASON: Record<string, string> = {
  'ObjectCreated:Put': 'PutObject',
  'ObjectCreated:Copy': 'CopyObject',
  'ObjectCreated:CompleteMultipartUpload': 'CompleteMultipartUpload',
  'ObjectRemoved:Delete': 'DeleteObject',
};

/**
 * Sends bucket notifications: one record per matching configuration to SQS (a message) or Lambda (an
 * asynchronous invoke, so Lambda's retries and dead-letter queue apply), and EventBridge events on the
 * default bus. Each delivery counts as engine activity until it is handed over, so `/_evlab/idle` waits for it.
 */
export class Notifier {
  readonly stats: NotificationStats = { sent: 0, failed: 0 };
  private sequence = 0n;
  private readonly sequencerBase = BigInt(Date.now()) << 16n;

  constructor(private readonly ctx: EngineContext) {}

  publish(bucket: Bucket, change: ObjectChange): void {
    const { targets, eventBridge } = bucket.notifications;
    if (targets.length === 0 && !eventBridge) return;
    const sequencer = this.nextSequencer();
    const time = new Date();
    // One trace per object change, found by the request id of the S3 call (x-amz-request-id).
    const traceId = change.requestId;
    const traced = { service: 's3', bucket: bucket.name, key: change.key };
    startCaused(this.ctx.traces, causeOf(this.ctx.traces, change.traceHeader), traceId, 's3', { type: 's3-object-event', ...traced, eventName: change.eventName });
    for (const target of targets) {
      if (!targetMatches(target, `s3:${change.eventName}`, change.key)) continue;
      const record = this.record(bucket, change, target, sequencer, time);
      const step = { type: 'notification', ...traced, targetType: target.kind, target: nameOfArn(target.arn), configurationId: target.id };
      this.track(`${target.kind} ${target.arn}`, () => this.deliver(target, JSON.stringify({ Records: [record] }), traceId), (ids, error) =>
        this.ctx.traces.record(traceId, { ...step, ...ids, ok: !error, error }),
      );
    }
    if (eventBridge) {
      this.track('EventBridge', () => this.putEvent(bucket, change, sequencer, time), (ids, error) =>
        this.ctx.traces.record(traceId, { type: 'notification', ...traced, targetType: 'eventbridge', target: 'default', ...ids, ok: !error, error }),
      );
    }
  }

  /** S3 sends this to each queue when a configuration is put, so consumers can tell the link works. */
  testEvent(bucket: Bucket, requestId: string): void {
    const body = JSON.stringify({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: new Date().toISOString(),
      Bucket: bucket.name,
      RequestId: requestId,
      HostId: hostId(),
    });
    for (const target of bucket.notifications.targets) {
      if (target.kind === 'queue') this.track(`queue ${target.arn}`, () => this.deliver(target, body));
    }
  }

  private record(bucket: Bucket, change: ObjectChange, target: NotificationTarget, sequencer: string, time: Date) {
    const removed = change.eventName.startsWith('ObjectRemoved');
    return {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: bucket.region,
      eventTime: time.toISOString(),
      eventName: change.eventName,
      userIdentity: { principalId: this.ctx.options.accountId },
      requestParameters: { sourceIPAddress: change.sourceIp },
      responseElements: { 'x-amz-request-id': change.requestId, 'x-amz-id-2': hostId() },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: target.id,
        bucket: { name: bucket.name, ownerIdentity: { principalId: this.ctx.options.accountId }, arn: `arn:aws:s3:::${bucket.name}` },
        object: removed
          ? { key: encodeEventKey(change.key), sequencer }
          : { key: encodeEventKey(change.key), size: change.size ?? 0, eTag: change.etag ?? '', sequencer },
      },
    };
  }

  /** Returns the id the delivery got (a message id, a request id), which the trace of `traceId` indexes. */
  private async deliver(target: NotificationTarget, body: string, traceId?: string): Promise<TracedIds> {
    if (target.kind === 'queue') return { messageId: (await (await this.ctx.service('sqs')).sendToArn(target.arn, body, undefined, undefined, traceId)).messageId };
    if (target.kind === 'function') return { requestId: (await (await this.ctx.service('lambda')).invokeAsync(target.arn, body, { traceId })).requestId };
    throw new Error('SNS topics are not part of the evlab engine');
  }

  private async putEvent(bucket: Bucket, change: ObjectChange, sequencer: string, time: Date): Promise<TracedIds> {
    const removed = change.eventName.startsWith('ObjectRemoved');
    const detail = {
      version: '0',
      bucket: { name: bucket.name },
      object: removed ? { key: change.key, sequencer } : { key: change.key, size: change.size ?? 0, etag: change.etag ?? '', sequencer },
      'request-id': change.requestId,
      requester: this.ctx.options.accountId,
      'source-ip-address': change.sourceIp,
      reason: EVENTBRIDGE_REASON[change.eventName] ?? change.eventName,
      ...(removed ? { 'deletion-type': 'Permanently Deleted' } : {}),
    };
    const events = await this.ctx.service('events');
    const result = (await events.putEventsInternal(
      [{ Source: 'aws.s3', DetailType: removed ? 'Object Deleted' : 'Object Created', Detail: JSON.stringify(detail), Resources: [`arn:aws:s3:::${bucket.name}`], Time: time.toISOString() }],
      bucket.region,
    )) as { FailedEntryCount?: number; Entries?: { EventId?: string; ErrorMessage?: string }[] } | undefined;
    if (result?.FailedEntryCount) throw new Error(result.Entries?.[0]?.ErrorMessage ?? 'PutEvents failed');
    // The event is a trace of its own (by its EventId); this step names it.
    return { eventId: result?.Entries?.[0]?.EventId };
  }

  private track(what: string, work: () => Promise<TracedIds | void>, traced?: (ids: TracedIds, error?: string) => void): void {
    const done = this.ctx.activity.begin('delivery');
    work()
      .then((ids) => {
        this.stats.sent++;
        traced?.(ids ?? {});
      })
      .catch((err: Error) => {
        this.stats.failed++;
        this.ctx.options.log(`engine: S3 notification to ${what} failed: ${err.message}`);
        traced?.({}, err.message);
      })
      .finally(done);
  }

  private nextSequencer(): string {
    this.sequence += 1n;
    return (this.sequencerBase + this.sequence).toString(16).toUpperCase().padStart(18, '0');
  }
}

type TracedIds = { messageId?: string; requestId?: string; eventId?: string };

function nameOfArn(arn: string): string {
  const parts = arn.split(':');
  return parts[2] === 'lambda' ? (parts[6] ?? arn) : (parts.at(-1) ?? arn);
}

/** S3 writes keys in records form-encoded (a space as `+`), keeping `/` and the unreserved characters. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, '/')
    .replace(/%20/g, '+');
}

export function hostId(): string {
  return randomBytes(48).toString('base64');
}
