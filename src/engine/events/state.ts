/**
 * EventBridge data: regions → event buses → rules → targets. Every region has a `default` bus from the moment
 * anything looks at it. Rules hold their compiled pattern and targets their compiled input, so PutEvents only
 * matches and fills in.
 */
import type { CompiledPattern } from './pattern.js';
import type { TargetKind } from './arns.js';
import { busArn } from './arns.js';
import type { InputPlan } from './target-input.js';

export type RuleState = 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

export interface StoredTarget {
  id: string;
  arn: string;
  /** The target as the caller gave it: ListTargetsByRule answers with it. */
  spec: Record<string, unknown>;
  kind: TargetKind;
  input: InputPlan;
  /** RetryPolicy as EventBridge defaults it (185 attempts, 24 hours). */
  maxRetries: number;
  maxAgeSeconds: number;
  deadLetterArn?: string;
}

export interface Rule {
  name: string;
  bus: string;
  region: string;
  arn: string;
  eventPattern?: string;
  /** Undefined for schedule-only rules: they match no event. */
  matcher?: CompiledPattern;
  scheduleExpression?: string;
  state: RuleState;
  description?: string;
  roleArn?: string;
  /** Insertion order is the listing order. */
  targets: Map<string, StoredTarget>;
  tags: Map<string, string>;
}

export interface Bus {
  name: string;
  region: string;
  arn: string;
  description?: string;
  /** Epoch seconds (JSON timestamps). */
  creationTime: number;
  lastModifiedTime: number;
  rules: Map<string, Rule>;
  tags: Map<string, string>;
}

export class EventsState {
  private readonly regions = new Map<string, Map<string, Bus>>();

  constructor(readonly accountId: string) {}

  /** The region's buses, with its `default` bus created on first sight. */
  buses(region: string): Map<string, Bus> {
    let buses = this.regions.get(region);
    if (!buses) {
      buses = new Map();
      this.regions.set(region, buses);
      buses.set('default', this.newBus(region, 'default', Date.now() / 1000));
    }
    return buses;
  }

  newBus(region: string, name: string, creationTime: number, description?: string): Bus {
    return {
      name,
      region,
      arn: busArn(region, this.accountId, name),
      description,
      creationTime,
      lastModifiedTime: creationTime,
      rules: new Map(),
      tags: new Map(),
    };
  }

  allRegions(): [string, Map<string, Bus>][] {
    return [...this.regions.entries()];
  }
}

export function isEnabled(rule: Rule): boolean {
  return rule.state !== 'DISABLED';
}
