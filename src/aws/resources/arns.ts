/** ARN parsing and building; planning compares resources by name, so ARNs are turned into names here. */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return { partition: parts[1]!, service: parts[2]!, region: parts[3]!, account: parts[4]!, resource: parts.slice(5).join(':') };
}

export type DestinationKind = 'function' | 'queue' | 'logGroup' | 'bus' | 'other';

/** What a target or destination ARN points to, by kind and name. */
export function destinationOfArn(arn: string): { kind: DestinationKind; name: string } {
  const p = parseArn(arn);
  if (p?.service === 'lambda' && p.resource.startsWith('function:')) return { kind: 'function', name: p.resource.split(':')[1]! };
  if (p?.service === 'sqs') return { kind: 'queue', name: p.resource };
  if (p?.service === 'logs' && p.resource.startsWith('log-group:')) return { kind: 'logGroup', name: p.resource.slice('log-group:'.length).replace(/:\*$/, '') };
  if (p?.service === 'events' && p.resource.startsWith('event-bus/')) return { kind: 'bus', name: p.resource.slice('event-bus/'.length) };
  return { kind: 'other', name: arn };
}

/** Queue name of an SQS ARN, else the text itself (so a foreign destination never equals a queue name). */
export function queueNameOfArn(arn: string): string {
  const d = destinationOfArn(arn);
  return d.kind === 'queue' ? d.name : arn;
}

/** `arn:aws:events:r:a:rule/name` (default bus) or `rule/bus/name`. */
export function ruleOfArn(arn: string): { bus: string; name: string } | undefined {
  const p = parseArn(arn);
  if (p?.service !== 'events' || !p.resource.startsWith('rule/')) return undefined;
  const path = p.resource.slice('rule/'.length);
  const slash = path.lastIndexOf('/');
  return slash < 0 ? { bus: 'default', name: path } : { bus: path.slice(0, slash), name: path.slice(slash + 1) };
}

export function buildArn(service: string, region: string, account: string, resource: string): string {
  return `arn:aws:${service}:${region}:${account}:${resource}`;
}
