import type { ChalkInstance } from 'chalk';
import type { ItemChange, QueueChange, TableChange } from '../status/changes.js';
import type { WaitResult } from '../status/wait.js';
import type { EventFileFormat } from './types.js';
import type { SentEntry } from './send.js';
import { describeUnmatched, type UnmatchedEvent } from './unmatched.js';

export interface FireResult {
  ok: boolean;
  endpoint: { url: string; kind: string; label: string };
  sent: number;
  failed: number;
  files: { file: string; format: EventFileFormat; entries: number; sent: number; failed: number }[];
  entries: SentEntry[];
  wait?: WaitResult & { note?: string; error?: string };
  /** With --wait: the sent events that no enabled rule on their bus matched. */
  unmatched?: UnmatchedEvent[];
}

/** Human text of `evlab fire`: a summary line per file, every failure, then what --wait saw change. */
export function renderFire(result: FireResult, c: ChalkInstance): string {
  const lines: string[] = [];
  const total = result.sent + result.failed;
  const buses = [...new Set(result.entries.map((e) => e.bus))].join(', ');
  lines.push(
    `${result.failed === 0 ? c.green('✓') : c.red('✗')} ${total} event${total === 1 ? '' : 's'} to ${buses} on ${result.endpoint.label}: ${result.sent} sent${result.failed ? `, ${c.red(`${result.failed} failed`)}` : ''}`,
  );
  const width = Math.max(...result.files.map((f) => f.file.length));
  for (const file of result.files) {
    lines.push(`  ${file.file.padEnd(width)}  ${file.sent} sent${file.failed ? c.red(`, ${file.failed} failed`) : ''}`);
    for (const e of result.entries.filter((x) => x.file === file.file && x.errorCode)) {
      lines.push(`    ${c.red(`entry ${e.index}`)}${e.line !== undefined ? c.dim(` (line ${e.line})`) : ''} ${e.source}/${e.detailType}: ${c.bold(e.errorCode!)} ${e.errorMessage ?? ''}`);
    }
  }
  if (result.failed > 0 && result.endpoint.kind === 'moto' && result.entries.some((e) => /HTTP 500/.test(e.errorMessage ?? ''))) {
    lines.push(c.cyan('  hint: moto answers HTTP 500 when a rule with a Lambda target matches (it needs Docker to run code); use the evlab engine (evlab up) for Lambda targets'));
  }
  if (result.entries.some((e) => e.errorCode === 'ResourceNotFoundException')) {
    lines.push(c.cyan('  hint: a bus (or rule) the events name does not exist at this endpoint: run evlab setup'));
  }
  if (result.unmatched?.length) lines.push(c.yellow(describeUnmatched(result.unmatched)));
  if (result.wait) lines.push(...renderWait(result.wait, c));
  return lines.join('\n');
}

export function renderWait(wait: NonNullable<FireResult['wait']>, c: ChalkInstance): string[] {
  const lines: string[] = [];
  const seconds = (wait.waitedMs / 1000).toFixed(1);
  const how = wait.method === 'idle-signal' ? 'the engine is idle' : 'nothing changed for a quiet window';
  if (wait.error) lines.push(c.yellow(`wait: ${wait.error}`));
  else if (wait.interrupted) lines.push(c.yellow(`wait interrupted after ${seconds} s`));
  else if (wait.settled) lines.push(`${c.green('settled')} after ${seconds} s (${how})`);
  else {
    const busy = wait.pending?.length
      ? `; still in flight: ${wait.pending.join(', ')}`
      : wait.inFlight && Object.keys(wait.inFlight).length
        ? `; still in flight: ${Object.entries(wait.inFlight).map(([k, v]) => `${k} ${v}`).join(', ')}`
        : '';
    lines.push(c.red(`not settled after ${seconds} s${busy}`) + c.cyan('\n  hint: raise --timeout, or look at `evlab tail` and `evlab status`'));
  }
  if (wait.note) lines.push(c.dim(wait.note));
  if (wait.changesError) lines.push(c.yellow(`could not read the stack's queues and tables: ${wait.changesError}`));
  if (!wait.changes) return lines;
  const unchanged: string[] = [];
  for (const table of wait.changes.tables) {
    if (table.delta === 0 && !(table.items ?? []).length) unchanged.push(`table ${table.name} (${table.after})`);
    else lines.push(...renderTableChange(table, c));
  }
  for (const queue of wait.changes.queues) {
    if (!queue.changed && !(queue.deadLetter && (queue.after?.visible ?? 0) > 0)) unchanged.push(`${queue.deadLetter ? 'DLQ' : 'queue'} ${queue.name} (${messages(queue.after)})`);
    else lines.push(renderQueueChange(queue, c));
  }
  if (unchanged.length) lines.push(c.dim(`  unchanged: ${unchanged.join(', ')}`));
  return lines;
}

function renderTableChange(table: TableChange, c: ChalkInstance): string[] {
  if (table.before === undefined || table.after === undefined) {
    return [`  table ${c.bold(table.name)}: ${table.before === undefined ? 'missing' : `${table.before} items`} → ${table.after === undefined ? 'missing' : `${table.after} items`}`];
  }
  const items = (n: number) => `${n} item${n === 1 ? '' : 's'}`;
  const delta = table.delta! > 0 ? c.green(`+${table.delta}`) : c.red(String(table.delta));
  const lines = [`  table ${c.bold(table.name)}: ${table.delta === 0 ? `${items(table.after)} (same count)` : `${table.before} → ${items(table.after)} (${delta})`}`];
  const changed = table.items ?? [];
  for (const item of changed.slice(0, 10)) lines.push(`    ${renderItemChange(item, c)}`);
  if (changed.length > 10) lines.push(c.dim(`    … ${changed.length - 10} more changed items`));
  return lines;
}

function renderItemChange(item: ItemChange, c: ChalkInstance): string {
  const key = Object.entries(item.key).map(([k, v]) => `${k}=${short(v)}`).join(' ');
  if (item.kind === 'added') return `${c.green('+')} ${key}`;
  if (item.kind === 'removed') return `${c.red('-')} ${key}`;
  const attributes = (item.attributes ?? []).map((a) => `${a.name}: ${a.before === undefined ? '∅' : short(a.before)} → ${a.after === undefined ? '∅' : short(a.after)}`);
  return `${c.yellow('~')} ${key}  ${attributes.join(', ')}`;
}

function renderQueueChange(queue: QueueChange, c: ChalkInstance): string {
  const label = queue.deadLetter ? 'DLQ' : 'queue';
  if (!queue.changed) return c.red(`  ${label} ${c.bold(queue.name)}: ${messages(queue.after)} (none new)`);
  const text = `  ${label} ${c.bold(queue.name)}: ${messages(queue.before)} → ${messages(queue.after)}`;
  const grew = (queue.after?.visible ?? 0) > (queue.before?.visible ?? 0);
  if (queue.deadLetter && grew) return c.red(text) + c.cyan(`\n    hint: failed events landed here; see why with \`evlab tail\` and \`evlab status\``);
  return text;
}

function messages(counts: QueueChange['after']): string {
  if (!counts) return 'missing';
  const extra = [counts.inFlight ? `${counts.inFlight} in flight` : '', counts.delayed ? `${counts.delayed} delayed` : ''].filter(Boolean).join(', ');
  return `${counts.visible} message${counts.visible === 1 ? '' : 's'}${extra ? ` (${extra})` : ''}`;
}

function short(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value instanceof Set ? [...value] : value) ?? String(value);
  return text.length > 40 ? text.slice(0, 39) + '…' : text;
}
