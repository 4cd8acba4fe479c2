import { S3Error, invalidArgument } from './errors.js';
import { list, text, type XmlTree } from './xml.js';

export type DestinationKind = 'queue' | 'function' | 'topic';

export interface NotificationTarget {
  id: string;
  kind: DestinationKind;
  arn: string;
  events: string[];
  /** FilterRules as given (name lower-cased: prefix | suffix). */
  rules: { name: 'prefix' | 'suffix'; value: string }[];
}

export interface NotificationConfig {
  targets: NotificationTarget[];
  eventBridge: boolean;
}

export const EMPTY_NOTIFICATIONS: NotificationConfig = { targets: [], eventBridge: false };

// The event types S3 publishes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html).
const EVENT_TYPES = new Set([
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*',
  's3:ObjectRestore:Post',
  's3:ObjectRestore:Completed',
  's3:ObjectRestore:Delete',
  's3:ObjectTagging:*',
  's3:ObjectTagging:Put',
  's3:ObjectTagging:Delete',
  's3:ObjectAcl:Put',
  's3:ReducedRedundancyLostObject',
  's3:Replication:*',
  's3:LifecycleExpiration:*',
  's3:LifecycleTransition',
  's3:IntelligentTiering',
]);

const KINDS: { element: string; arnElement: string; kind: DestinationKind }[] = [
  { element: 'QueueConfiguration', arnElement: 'Queue', kind: 'queue' },
  { element: 'CloudFunctionConfiguration', arnElement: 'CloudFunction', kind: 'function' },
  { element: 'TopicConfiguration', arnElement: 'Topic', kind: 'topic' },
];

/** Reads a `<NotificationConfiguration>` document; ids are generated where none is given, as S3 does. */
export function parseNotificationConfig(root: XmlTree, newId: () => string): NotificationConfig {
  const targets: NotificationTarget[] = [];
  for (const { element, arnElement, kind } of KINDS) {
    for (const item of list(root[element])) {
      const arn = text(item[arnElement]);
      if (!arn) throw invalidArgument(`${element} needs a ${arnElement} ARN.`, arnElement, '');
      const events = list(item.Event).map((e) => text(e) ?? '');
      if (events.length === 0) throw invalidArgument(`${element} for ${arn} needs at least one Event.`);
      for (const event of events) {
        if (!EVENT_TYPES.has(event)) throw invalidArgument(`The event is not supported for notifications: ${event}`, 'Event', event);
      }
      targets.push({ id: text(item.Id) || newId(), kind, arn, events, rules: parseRules(item.Filter) });
    }
  }
  const eventBridge = root.EventBridgeConfiguration !== undefined;
  return { targets, eventBridge };
}

function parseRules(filter: unknown): NotificationTarget['rules'] {
  if (!filter || typeof filter !== 'object') return [];
  const s3Key = (filter as XmlTree).S3Key;
  if (!s3Key || typeof s3Key !== 'object') return [];
  const rules: NotificationTarget['rules'] = [];
  for (const rule of list((s3Key as XmlTree).FilterRule)) {
    const name = (text(rule.Name) ?? '').toLowerCase();
    if (name !== 'prefix' && name !== 'suffix') {
      throw invalidArgument('filter rule name must be either prefix or suffix', 'FilterRule', text(rule.Name) ?? '');
    }
    if (rules.some((r) => r.name === name)) {
      throw invalidArgument(`Cannot specify more than one ${name} rule in a filter.`, 'FilterRule', name);
    }
    rules.push({ name, value: text(rule.Value) ?? '' });
  }
  return rules;
}

/** The document GetBucketNotificationConfiguration answers. */
export function notificationConfigXml(config: NotificationConfig): XmlTree {
  const out: XmlTree = {};
  for (const { element, arnElement, kind } of KINDS) {
    const items = config.targets.filter((t) => t.kind === kind);
    if (items.length === 0) continue;
    out[element] = items.map((t) => ({
      Id: t.id,
      [arnElement]: t.arn,
      Event: t.events,
      ...(t.rules.length
        ? { Filter: { S3Key: { FilterRule: t.rules.map((r) => ({ Name: r.name, Value: r.value })) } } }
        : {}),
    }));
  }
  if (config.eventBridge) out.EventBridgeConfiguration = '';
  return out;
}

/** `s3:ObjectCreated:*` matches `s3:ObjectCreated:Put`; the key must pass every filter rule. */
export function targetMatches(target: NotificationTarget, eventName: string, key: string): boolean {
  const eventMatches = target.events.some((e) => e === eventName || (e.endsWith(':*') && eventName.startsWith(e.slice(0, -1))));
  if (!eventMatches) return false;
  return target.rules.every((r) => (r.name === 'prefix' ? key.startsWith(r.value) : key.endsWith(r.value)));
}

export function unableToValidate(arn: string, why: string): S3Error {
  return new S3Error('InvalidArgument', 400, 'Unable to validate the following destination configurations', {
    ArgumentName1: arn,
    ArgumentValue1: why,
  });
}
