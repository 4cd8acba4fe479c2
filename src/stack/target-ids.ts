import type { TargetSpec } from './types.js';

export type TargetKind = 'function' | 'queue' | 'logGroup' | 'bus';
export const TARGET_KINDS: readonly TargetKind[] = ['function', 'queue', 'logGroup', 'bus'];

/** The destination a target names, or undefined when it names none (validation reports that). */
export function targetDestination(target: TargetSpec | Record<string, unknown>): { kind: TargetKind; name: string } | undefined {
  const t = target as Record<string, unknown>;
  for (const kind of TARGET_KINDS) if (typeof t[kind] === 'string') return { kind, name: t[kind] as string };
  return undefined;
}

/**
 * Target ids are derived from the destination's name so they stay the same across runs (setup compares
 * targets by id): `{ "function": "counter" }` → `counter`. A second target to the same destination in one
 * rule gets `-2`, and so on; an explicit `id` wins.
 */
export function targetIds(targets: readonly (TargetSpec | Record<string, unknown>)[]): string[] {
  const used = new Set<string>();
  const explicit = new Set(targets.map((t) => (t as Record<string, unknown>).id).filter((id): id is string => typeof id === 'string'));
  return targets.map((target, index) => {
    const own = (target as Record<string, unknown>).id;
    if (typeof own === 'string') {
      used.add(own);
      return own;
    }
    const destination = targetDestination(target);
    const base = sanitise(destination ? destination.name : `target-${index + 1}`);
    let id = base;
    for (let n = 2; used.has(id) || explicit.has(id); n++) id = `${base.slice(0, 60)}-${n}`;
    used.add(id);
    return id;
  });
}

function sanitise(name: string): string {
  const cleaned = name.replace(/^\/+/, '').replace(/[^.\-_A-Za-z0-9]+/g, '-').slice(0, 64);
  return cleaned === '' ? 'target' : cleaned;
}
