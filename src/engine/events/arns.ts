/** EventBridge ARNs and the target ARNs it delivers to. */

export const busArn = (region: string, account: string, bus: string) => `arn:aws:events:${region}:${account}:event-bus/${bus}`;

/** Rules on the default bus keep the old CloudWatch Events form `rule/<name>`; others say `rule/<bus>/<name>`. */
export const ruleArn = (region: string, account: string, bus: string, rule: string) =>
  bus === 'default' ? `arn:aws:events:${region}:${account}:rule/${rule}` : `arn:aws:events:${region}:${account}:rule/${bus}/${rule}`;

export interface ParsedArn {
  service: string;
  region: string;
  account: string;
  /** Everything after the account: `function:name`, `event-bus/name`, `log-group:/aws/x:*`. */
  resource: string;
}

export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || !parts[1] || !parts[2]) return undefined;
  return { service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(':') };
}

/** A bus given by name or ARN: the name, and the region when an ARN names one. */
export function busRef(nameOrArn: string | undefined): { name: string; region?: string } {
  if (!nameOrArn) return { name: 'default' };
  if (!nameOrArn.startsWith('arn:')) return { name: nameOrArn };
  const parsed = parseArn(nameOrArn);
  const slash = nameOrArn.indexOf(':event-bus/');
  if (!parsed || slash < 0) return { name: nameOrArn };
  return { name: nameOrArn.slice(slash + ':event-bus/'.length), region: parsed.region || undefined };
}

export type TargetKind =
  | { kind: 'lambda'; arn: string }
  | { kind: 'sqs'; arn: string }
  | { kind: 'logs'; group: string; region: string }
  | { kind: 'bus'; bus: string; region: string }
  | { kind: 'unsupported'; service: string };

/** What a target ARN points at, decided once at PutTargets. */
export function targetKind(arn: string): TargetKind {
  const parsed = parseArn(arn);
  if (!parsed) return { kind: 'unsupported', service: arn };
  switch (parsed.service) {
    case 'lambda':
      return { kind: 'lambda', arn };
    case 'sqs':
      return { kind: 'sqs', arn };
    case 'logs': {
      // arn:aws:logs:region:account:log-group:NAME, often written with a trailing `:*`.
      const group = parsed.resource.replace(/^log-group:/, '').replace(/:\*$/, '');
      return { kind: 'logs', group, region: parsed.region };
    }
    case 'events':
      if (parsed.resource.startsWith('event-bus/')) return { kind: 'bus', bus: parsed.resource.slice('event-bus/'.length), region: parsed.region };
      return { kind: 'unsupported', service: 'events' };
    default:
      return { kind: 'unsupported', service: parsed.service };
  }
}
