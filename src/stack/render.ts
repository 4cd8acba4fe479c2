import type { ChalkInstance } from 'chalk';
import type { Change } from './model.js';
import { summarise } from './plan.js';
import type { Check } from './prerequisites.js';

const SYMBOL = { create: '+', update: '~', delete: '-', noop: '=' } as const;

export function renderChecks(checks: Check[], c: ChalkInstance): string[] {
  const width = Math.max(0, ...checks.map((k) => k.name.length));
  const lines: string[] = [];
  for (const check of checks) {
    const mark = check.status === 'ok' ? c.green('✓') : check.status === 'warn' ? c.yellow('!') : c.red('✗');
    lines.push(`  ${mark} ${check.name.padEnd(width)}  ${check.detail}`);
    if (check.fix && check.status !== 'ok') lines.push(`    ${' '.repeat(width)}  ${c.cyan('fix:')} ${check.fix}`);
  }
  return lines;
}

export function renderChanges(changes: Change[], c: ChalkInstance): string[] {
  const colour = { create: c.green, update: c.yellow, delete: c.red, noop: c.dim } as const;
  return changes
    .filter((change) => change.action !== 'noop')
    .map((change) => `  ${colour[change.action](`${SYMBOL[change.action]} ${change.resource.type} ${change.resource.name}`)}${c.dim(`: ${change.reason}`)}`);
}

/** "3 created, 1 updated, 12 unchanged" (or "to create" for a plan that was not applied). */
export function renderSummary(changes: Change[], applied: boolean): string {
  const n = summarise(changes);
  if (n.create + n.update + n.delete === 0) return `no changes: ${n.noop} resource${n.noop === 1 ? '' : 's'} up to date`;
  const parts = applied
    ? [`${n.create} created`, `${n.update} updated`, `${n.delete} deleted`]
    : [`${n.create} to create`, `${n.update} to update`, `${n.delete} to delete`];
  return `${parts.join(', ')}, ${n.noop} unchanged`;
}
