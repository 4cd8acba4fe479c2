import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ruleArn } from './arns.js';
import { compileTarget } from './ops-targets.js';
import { compilePattern } from './pattern.js';
import { EventsState, type Rule, type RuleState } from './state.js';

const FILE = 'state.json';
const VERSION = 1;

interface SavedRule {
  name: string;
  eventPattern?: string;
  scheduleExpression?: string;
  state: RuleState;
  description?: string;
  roleArn?: string;
  tags: [string, string][];
  /** Targets as the caller gave them; compiled again on restore. */
  targets: Record<string, unknown>[];
}

interface SavedBus {
  name: string;
  description?: string;
  creationTime: number;
  lastModifiedTime: number;
  tags: [string, string][];
  rules: SavedRule[];
}

interface SavedState {
  version: number;
  regions: Record<string, SavedBus[]>;
}

/** Writes buses, rules and targets; a temporary file and a rename keep the previous save intact if this one dies. */
export async function saveState(dir: string, state: EventsState): Promise<void> {
  const saved: SavedState = { version: VERSION, regions: {} };
  for (const [region, buses] of state.allRegions()) {
    saved.regions[region] = [...buses.values()].map((bus) => ({
      name: bus.name,
      description: bus.description,
      creationTime: bus.creationTime,
      lastModifiedTime: bus.lastModifiedTime,
      tags: [...bus.tags],
      rules: [...bus.rules.values()].map((r) => ({
        name: r.name,
        eventPattern: r.eventPattern,
        scheduleExpression: r.scheduleExpression,
        state: r.state,
        description: r.description,
        roleArn: r.roleArn,
        tags: [...r.tags],
        targets: [...r.targets.values()].map((t) => t.spec),
      })),
    }));
  }
  const target = join(dir, FILE);
  await writeFile(`${target}.tmp`, JSON.stringify(saved));
  await rename(`${target}.tmp`, target);
}

/** The saved state, or an empty one when nothing was saved yet. A rule or target that no longer compiles is logged and skipped. */
export async function loadState(dir: string, accountId: string, log: (line: string) => void): Promise<EventsState> {
  const state = new EventsState(accountId);
  let text: string;
  try {
    text = await readFile(join(dir, FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return state;
    throw err;
  }
  const saved = JSON.parse(text) as SavedState;
  if (saved.version !== VERSION) throw new Error(`unsupported events state version ${saved.version}`);
  for (const [region, buses] of Object.entries(saved.regions)) {
    const target = state.buses(region);
    for (const b of buses) {
      const bus = target.get(b.name) ?? state.newBus(region, b.name, b.creationTime, b.description);
      bus.creationTime = b.creationTime;
      bus.lastModifiedTime = b.lastModifiedTime;
      bus.description = b.description;
      for (const [k, v] of b.tags) bus.tags.set(k, v);
      target.set(b.name, bus);
      for (const r of b.rules) {
        try {
          bus.rules.set(r.name, restoreRule(r, region, accountId, b.name));
        } catch (err) {
          log(`engine: events rule ${r.name} on bus ${b.name} (${region}) could not be restored: ${(err as Error).message}`);
        }
      }
    }
  }
  return state;
}

function restoreRule(r: SavedRule, region: string, accountId: string, bus: string): Rule {
  const rule: Rule = {
    name: r.name,
    bus,
    region,
    arn: ruleArn(region, accountId, bus, r.name),
    eventPattern: r.eventPattern,
    matcher: r.eventPattern ? compilePattern(r.eventPattern) : undefined,
    scheduleExpression: r.scheduleExpression,
    state: r.state,
    description: r.description,
    roleArn: r.roleArn,
    targets: new Map(),
    tags: new Map(r.tags),
  };
  r.targets.forEach((spec, i) => {
    const target = compileTarget(spec, `targets.${i + 1}.member`);
    rule.targets.set(target.id, target);
  });
  return rule;
}
