/**
 * A small text table: column widths from the content, fitted into a total width by shrinking the widest
 * columns, cells cut with `…`. Colours are applied after layout (`paint`), so widths never count escape codes.
 */

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Never wider than this. */
  maxWidth?: number;
}

export type Cell = string | { text: string; paint?: (text: string) => string };

export interface TableOptions {
  /** Total width available (terminal columns); default 120. */
  width?: number;
  indent?: string;
  /** Colour of the header row (e.g. chalk's dim or bold). */
  header?: (text: string) => string;
  /** Separator between columns; default two spaces. */
  gap?: string;
}

const MIN_COLUMN = 4;

export function renderTable(columns: readonly (string | Column)[], rows: readonly Cell[][], options: TableOptions = {}): string {
  const cols: Column[] = columns.map((c) => (typeof c === 'string' ? { header: c } : c));
  const gap = options.gap ?? '  ';
  const indent = options.indent ?? '';
  const texts = rows.map((row) => row.slice(0, cols.length).map((cell) => oneLine(textOf(cell))));
  // A row with fewer cells than columns: its last cell spans the rest (e.g. "missing — run evlab setup")
  // and does not widen the column it starts in.
  const spans = (row: string[], i: number) => row.length < cols.length && i === row.length - 1;
  const widths = cols.map((col, i) =>
    Math.min(col.maxWidth ?? Infinity, Math.max(visibleLength(col.header), ...texts.map((t) => (i < t.length && !spans(t, i) ? visibleLength(t[i]!) : 0)))),
  );
  fit(widths, (options.width ?? 120) - indent.length - gap.length * (cols.length - 1));
  const widthAt = (row: string[], i: number) =>
    spans(row, i) ? widths.slice(i).reduce((a, b) => a + b, 0) + gap.length * (cols.length - 1 - i) : widths[i]!;

  const line = (cells: string[], paints?: (((s: string) => string) | undefined)[]) =>
    indent +
    cells
      .map((text, i) => {
        const width = widthAt(cells, i);
        const cut = truncate(text, width);
        const padded = cols[i]!.align === 'right' && !spans(cells, i) ? cut.padStart(width) : i === cells.length - 1 ? cut : cut.padEnd(width);
        const paint = paints?.[i];
        // Paint the text, not the padding, so underlines and backgrounds stay tidy.
        return paint ? padded.replace(cut, paint(cut)) : padded;
      })
      .join(gap)
      .replace(/\s+$/, '');
  const header = line(cols.map((c) => c.header));
  const out = [options.header ? options.header(header) : header];
  rows.forEach((row, r) => out.push(line(texts[r]!, cols.map((_, i) => paintOf(row[i] ?? '')))));
  return out.join('\n');
}

/** Shrinks the widest columns until the table fits (never below MIN_COLUMN). */
function fit(widths: number[], available: number): void {
  let total = widths.reduce((a, b) => a + b, 0);
  while (total > available) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= MIN_COLUMN) return;
    widths[widest]!--;
    total--;
  }
}

export function truncate(text: string, width: number): string {
  if (visibleLength(text) <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  return [...text].slice(0, width - 1).join('') + '…';
}

function visibleLength(text: string): number {
  return [...text].length;
}

function oneLine(text: string): string {
  return text.replace(/\r?\n|\r/g, '⏎').replace(/\t/g, ' ');
}

function textOf(cell: Cell): string {
  return typeof cell === 'string' ? cell : cell.text;
}

function paintOf(cell: Cell): ((s: string) => string) | undefined {
  return typeof cell === 'string' ? undefined : cell.paint;
}

/** How a value of an unmarshalled item is shown in a cell. */
export function cellValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  return JSON.stringify(value);
}
