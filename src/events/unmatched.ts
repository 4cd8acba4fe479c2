import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SentEntry } from './send.js';
import type { PreparedEntry } from './types.js';

/** A sent event that no enabled rule on its bus matches: it went nowhere, which AWS does not report. */
export type UnmatchedEvent = Pick<SentEntry, 'file' | 'index' | 'line' | 'bus' | 'source' | 'detailType' | 'eventId'>;

interface DeployedRule {
  name: string;
  account: string;
  pattern: { matches(event: unknown): boolean };
}

/**
 * The sent events that match none of the enabled rules deployed on their bus, judged with evlab's own pattern
 * engine (pinned to AWS's answers) against the rules the endpoint holds, so it works on any endpoint.
 * A rule whose pattern cannot be read counts as matching: unknown is not "nowhere".
 */
export async function eventsMatchingNoRule(events: EventBridgeClient, prepared: PreparedEntry[], sent: SentEntry[], region: string): Promise<UnmatchedEvent[]> {
  const delivered = sent.filter((e) => !e.errorCode);
  const buses = [...new Set(delivered.map((e) => busNameOf(e.bus)))];
  const rules = new Map(await Promise.all(buses.map(async (bus) => [bus, await deployedRules(events, bus)] as const)));
  const byPosition = new Map(prepared.map((p) => [`${p.file}\u0000${p.index}`, p]));
  const unmatched: UnmatchedEvent[] = [];
  for (const e of delivered) {
    const entry = byPosition.get(`${e.file}\u0000${e.index}`)?.entry;
    const onBus = rules.get(busNameOf(e.bus)) ?? [];
    if (!entry || onBus.some((rule) => rule === 'unreadable' || rule.pattern.matches(envelope(entry, e.eventId, rule.account, region)))) continue;
    unmatched.push({ file: e.file, index: e.index, line: e.line, bus: busNameOf(e.bus), source: e.source, detailType: e.detailType, eventId: e.eventId });
  }
  return unmatched;
}

async function deployedRules(events: EventBridgeClient, bus: string): Promise<(DeployedRule | 'unreadable')[]> {
  const [{ ListRulesCommand }, { compilePattern }] = await Promise.all([import('@aws-sdk/client-eventbridge'), import('../engine/events/pattern.js')]);
  const rules: (DeployedRule | 'unreadable')[] = [];
  let token: string | undefined;
  do {
    const page: { Rules?: { Name?: string; Arn?: string; EventPattern?: string; State?: string }[]; NextToken?: string } = await events.send(
      new ListRulesCommand({ EventBusName: bus, NextToken: token }),
    );
    for (const r of page.Rules ?? []) {
      // A disabled rule or a schedule-only rule takes no events.
      if (r.State === 'DISABLED' || !r.EventPattern) continue;
      try {
        rules.push({ name: r.Name ?? '', account: r.Arn?.split(':')[4] ?? '000000000000', pattern: compilePattern(r.EventPattern) });
      } catch {
        rules.push('unreadable');
      }
    }
    token = page.NextToken;
  } while (token);
  return rules;
}

function envelope(entry: PreparedEntry['entry'], id: string | undefined, account: string, region: string): Record<string, unknown> {
  let detail: unknown = {};
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    detail = {};
  }
  return {
    version: '0',
    id: id ?? '',
    'detail-type': entry.DetailType,
    source: entry.Source,
    account,
    time: (entry.Time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: entry.Resources ?? [],
    detail,
  };
}

function busNameOf(bus: string): string {
  const at = bus.indexOf(':event-bus/');
  return at >= 0 ? bus.slice(at + ':event-bus/'.length) : bus;
}

/** `1 event matched no rule: OrderCancelled (events/orders.json:3)`, the same detail types folded together. */
export function describeUnmatched(unmatched: UnmatchedEvent[]): string {
  const n = unmatched.length;
  const places = unmatched.slice(0, 5).map((u) => `${u.detailType} (${u.file}${u.line !== undefined ? `:${u.line}` : ` entry ${u.index}`})`);
  const more = n > 5 ? `, and ${n - 5} more` : '';
  return `${n} event${n === 1 ? '' : 's'} matched no rule: ${places.join(', ')}${more}`;
}
