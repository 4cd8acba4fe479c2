import type { ChalkInstance } from 'chalk';
import { cellValue, renderTable, type Cell } from '../ui/table.js';
import type { StatusResult, TableStatus } from './types.js';
import { renderEntryPoints } from './entry-points.js';

export interface RenderStatusOptions {
  c: ChalkInstance;
  /** Terminal width. */
  width?: number;
}

const MISSING = 'missing — run evlab setup';

/** The human text of `evlab status`: endpoint, functions, queues, tables (with items), rules, problems. */
export function renderStatus(status: StatusResult, options: RenderStatusOptions): string {
  const { c } = options;
  const width = options.width ?? 120;
  const table = (columns: Parameters<typeof renderTable>[0], rows: Cell[][]) => renderTable(columns, rows, { width, indent: '  ', header: c.dim });
  const absent = (r: { presence: string; error?: string }): Cell | undefined =>
    r.presence === 'missing' ? { text: MISSING, paint: c.red } : r.presence === 'error' ? { text: `unreadable: ${r.error}`, paint: c.red } : undefined;
  const out: string[] = [];

  const e = status.endpoint;
  const services = e.services ? Object.entries(e.services).map(([name, state]) => `${name} ${state}`).join(', ') : undefined;
  out.push(`${c.bold('endpoint')}  ${e.url}  ${e.label}${services ? c.dim(`  (${services})`) : ''}`);
  out.push(`${c.bold('stack')}     ${status.stackFile}`);

  if (status.functions.length) {
    out.push('', c.bold('functions'));
    out.push(
      table(
        ['NAME', 'STATE', 'LAST UPDATE', 'RUNTIME', 'MODIFIED', 'DLQ'],
        status.functions.map((f) => {
          const gone = absent(f);
          if (gone) return [f.name, gone];
          const state: Cell = { text: f.state ?? '?', paint: f.state === 'Active' ? c.green : f.state === 'Failed' ? c.red : c.yellow };
          const update: Cell = { text: f.lastUpdateStatus ?? '?', paint: f.lastUpdateStatus === 'Successful' ? undefined : f.lastUpdateStatus === 'Failed' ? c.red : c.yellow };
          const dlq: Cell =
            f.declaredDeadLetterQueue && f.deadLetterQueue !== f.declaredDeadLetterQueue
              ? { text: `${f.deadLetterQueue ?? '–'} (declared: ${f.declaredDeadLetterQueue})`, paint: c.yellow }
              : (f.deadLetterQueue ?? c.dim('–'));
          return [f.name, state, update, f.runtime ?? '', shortTime(f.lastModified), dlq];
        }),
      ),
    );
  }

  if (status.queues.length) {
    out.push('', c.bold('queues'));
    out.push(
      table(
        ['NAME', { header: 'VISIBLE', align: 'right' }, { header: 'IN FLIGHT', align: 'right' }, { header: 'DELAYED', align: 'right' }, 'NOTE'],
        status.queues.map((q) => {
          const gone = absent(q);
          const name = q.deadLetter ? `${q.name} (DLQ)` : q.name;
          if (gone) return [name, '', '', '', gone];
          const held = (q.visible ?? 0) + (q.inFlight ?? 0) + (q.delayed ?? 0);
          const bad = q.deadLetter && held > 0;
          const count = (n: number | undefined): Cell => ({ text: String(n ?? 0), paint: bad && n ? c.red.bold : undefined });
          const note = q.deadLetter
            ? { text: `dead letters of ${q.deadLetterOf.join(', ')}`, paint: bad ? c.red : c.dim }
            : q.redrive
              ? { text: `→ ${q.redrive.deadLetterQueue} after ${q.redrive.maxReceiveCount} receives`, paint: c.dim }
              : '';
          return [bad ? { text: name, paint: c.red } : name, count(q.visible), count(q.inFlight), count(q.delayed), note];
        }),
      ),
    );
  }

  if (status.tables.length) {
    out.push('', c.bold('tables'));
    for (const t of status.tables) out.push(...renderTableStatus(t, { c, width }));
  }

  if (status.buses.length) {
    out.push('', c.bold('buses'));
    out.push(table(['NAME', 'STATUS'], status.buses.map((b) => [b.name, absent(b) ?? { text: 'present', paint: c.green }])));
  }

  if (status.rules.length) {
    out.push('', c.bold('rules'));
    out.push(
      table(
        ['NAME', 'BUS', 'STATE', 'PATTERN', 'TARGETS'],
        status.rules.map((r) => {
          const gone = absent(r);
          if (gone) return [r.name, r.bus, gone];
          const targets = [...r.targets.map((t) => `${t.type} ${t.name}`), ...r.missingTargets.map((m) => `${m} (missing)`)].join(', ');
          return [
            r.name,
            r.bus,
            { text: r.state ?? '?', paint: r.state === 'ENABLED' ? c.green : c.yellow },
            { text: r.pattern ?? '', paint: undefined },
            { text: targets || '(none)', paint: r.missingTargets.length || !r.targets.length ? c.yellow : undefined },
          ];
        }),
      ),
    );
  }

  out.push(...renderEntryPoints(status, c, table, absent));

  if (status.inventory) out.push(...renderInventoryExtras(status.inventory, c));

  out.push('');
  const problems = status.problems.filter((p) => p.kind !== 'not-kept');
  const notes = status.problems.filter((p) => p.kind === 'not-kept');
  if (problems.length === 0) out.push(c.green('✓ no problems'));
  else {
    out.push(c.bold(c.red(`${problems.length} problem${problems.length === 1 ? '' : 's'}`)));
    // Problems with one cause (every read failing the same way) share one hint, after the last of them.
    problems.forEach((p, i) => {
      out.push(`  ${c.red('✗')} ${p.message}`);
      if (p.hint && p.hint !== problems[i + 1]?.hint) out.push(`    ${c.cyan('hint:')} ${p.hint}`);
    });
  }
  for (const n of notes) out.push(`  ${c.yellow('!')} ${n.message}`, ...(n.hint ? [`    ${c.cyan('hint:')} ${n.hint}`] : []));
  return out.join('\n');
}

function renderInventoryExtras(inventory: NonNullable<StatusResult['inventory']>, c: ChalkInstance): string[] {
  const out: string[] = [];
  if (inventory.logGroups.length) {
    out.push('', c.bold('log groups'));
    for (const name of inventory.logGroups) out.push(`  ${name}`);
  }
  for (const u of inventory.unavailable) out.push('', c.yellow(`${u.service}: not listed (${u.error})`));
  return out;
}

function renderTableStatus(t: TableStatus, { c, width }: { c: ChalkInstance; width: number }): string[] {
  if (t.presence === 'missing') return [`  ${t.name}  ${c.red(MISSING)}`];
  if (t.presence === 'error') return [`  ${t.name}  ${c.red(`unreadable: ${t.error}`)}`];
  const count = t.count ?? 0;
  const shown = t.items.length < count ? c.dim(` (first ${t.items.length})`) : '';
  const lines = [`  ${c.bold(t.name)}  ${count} item${count === 1 ? '' : 's'}${shown}`];
  if (t.items.length === 0) return lines;
  const columns = itemColumns(t);
  lines.push(renderTable(columns, t.items.map((item) => columns.map((col) => cellValue(item[col]))), { width, indent: '    ', header: c.dim }));
  return lines;
}

/** Key attributes first, then the others in order of first appearance. */
export function itemColumns(t: Pick<TableStatus, 'keys' | 'items'>): string[] {
  const names = new Set(t.keys);
  for (const item of t.items) for (const key of Object.keys(item)) names.add(key);
  return [...names];
}

function shortTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').slice(0, 19);
}
