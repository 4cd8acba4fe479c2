// The results model (figures → rows) and its two renderings: results.json and results.md.
import { cpus, totalmem, platform, release } from 'node:os';
import { round3 } from './stats.mjs';

/**
 * A figure declares its rows up front, so a part that could not be measured still shows up in the
 * table ("not measured: why") instead of silently disappearing.
 */
export class Figure {
  constructor(id, title) {
    this.id = id;
    this.title = title;
    this.rows = [];
    this.notes = [];
    this.details = {};
  }

  /** kind: time (lower is better) | rate (higher is better) | memory (lower is better). */
  declare(name, { kind = 'time', peerName, target } = {}) {
    this.rows.push({ name, kind, peerName, target, evlab: undefined, peer: undefined, peerMissing: undefined, error: undefined, note: undefined });
    return this;
  }

  row(name) {
    const row = this.rows.find((r) => r.name === name);
    if (!row) throw new Error(`bench bug: figure ${this.id} has no row "${name}"`);
    return row;
  }

  set(name, { evlab, peer, peerMissing, note }) {
    Object.assign(this.row(name), { evlab, peer, peerMissing, note: note ?? this.row(name).note });
  }

  /** Marks rows that have no value yet as not measured, with the reason. */
  fail(names, err) {
    const message = oneLine(err);
    for (const name of names ?? this.rows.map((r) => r.name)) {
      const row = this.row(name);
      if (row.evlab === undefined && !row.error) row.error = message;
    }
  }

  /** Runs one part of the figure; its failure marks only its own rows. */
  async part(names, fn) {
    try {
      await fn();
    } catch (err) {
      this.fail(names, err);
      if (process.env.BENCH_DEBUG) console.error(err);
    }
  }

  note(text) {
    this.notes.push(text);
  }
}

function oneLine(err) {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s+/g, ' ').trim().slice(0, 1000);
}

// Targets: each says in words what it demands and checks a finished row.
export const targets = {
  ratioAtMost: (x, of) => ({ text: `≤ ${x}× ${of}`, test: (r) => ratio(r) <= x }),
  timesFasterThan: (x, of) => ({ text: `≥ ${x}× faster than ${of}`, test: (r) => r.peer.median / r.evlab.median >= x }),
  timesSoonerThan: (x, of) => ({ text: `≥ ${x}× sooner than ${of}`, test: (r) => r.peer.median / r.evlab.median >= x }),
  below: (v, unit) => ({ text: `< ${v} ${unit}`, test: (r) => r.evlab.median < v, absolute: true }),
  atLeast: (v, unit) => ({ text: `≥ ${v} ${unit}`, test: (r) => r.evlab.median >= v, absolute: true }),
};

function ratio(row) {
  return row.evlab && row.peer ? row.evlab.median / row.peer.median : undefined;
}

export function verdict(row) {
  if (!row.target) return '—';
  if (!row.evlab) return 'n/a';
  if (!row.target.absolute && !row.peer) return 'n/a';
  return row.target.test(row) ? 'meets' : 'misses';
}

// ---------------------------------------------------------------- JSON

export function toJson({ figures, meta }) {
  return {
    schemaVersion: 1,
    ...meta,
    figures: figures.map((f) => ({
      id: f.id,
      title: f.title,
      rows: f.rows.map((r) => ({
        name: r.name,
        kind: r.kind,
        evlab: r.evlab ? roundSummary(r.evlab) : null,
        peer: r.peer ? { name: r.peerName, ...roundSummary(r.peer) } : null,
        peerMissing: r.peerMissing ?? null,
        ratio: ratio(r) === undefined ? null : round3(ratio(r)),
        target: r.target?.text ?? null,
        verdict: verdict(r),
        error: r.error ?? null,
        note: r.note ?? null,
      })),
      notes: f.notes,
      details: f.details,
    })),
  };
}

function roundSummary(s) {
  return { ...s, median: round3(s.median), min: round3(s.min), max: round3(s.max) };
}

// ---------------------------------------------------------------- Markdown

export function toMarkdown({ figures, meta }) {
  const lines = [];
  lines.push('# evlab bench results', '');
  lines.push(
    `Generated ${meta.generatedAt} by \`npm run bench\`${meta.quick ? ' **--quick** (tiny N, 1–2 runs: a smoke run, not a measurement)' : ''}${meta.only ? ` (only: ${meta.only.join(', ')})` : ''} in ${meta.durationSeconds.toFixed(0)} s.`,
    `Machine: ${meta.machine.cpuModel}, ${meta.machine.cpus} cores, ${meta.machine.memoryGb} GB, ${meta.machine.os}; Node ${meta.machine.node}` +
      `${meta.peers.python ? `, Python ${meta.peers.python}` : ''}${meta.peers.aws ? `, ${meta.peers.aws}` : ''}${meta.peers.moto ? `, moto ${meta.peers.moto}` : ''}.`,
    '',
    'Each cell: median (min–max, number of runs) after warm-up. The ratio is evlab ÷ peer, both measured in this run, interleaved.',
    'Verdicts compare with the targets of issues 5 and 11; a miss is reported, it does not fail anything.',
    '',
  );
  const missing = Object.entries(meta.peersMissing ?? {});
  if (missing.length) {
    lines.push('> **Peers missing on this machine** — their comparisons are n/a:');
    for (const [name, why] of missing) lines.push(`> - ${name}: ${why}`);
    lines.push('');
  }
  lines.push('| Figure | evlab | peer | ratio | target | verdict |', '|---|---|---|---|---|---|');
  for (const f of figures) {
    for (const r of f.rows) {
      const evlab = r.evlab ? cell(r.evlab) : `not measured: ${escape(r.error ?? 'skipped')}`;
      const peer = r.peer ? `${r.peerName}: ${cell(r.peer)}` : r.peerMissing ? `**n/a (${escape(r.peerMissing)})**` : '—';
      const v = verdict(r);
      lines.push(`| ${f.title}: ${escape(r.name)} | ${evlab} | ${peer} | ${ratioCell(r)} | ${r.target?.text ?? '—'} | ${v === 'misses' ? '**misses**' : v} |`);
    }
  }
  const withNotes = figures.filter((f) => f.notes.length || f.rows.some((r) => r.note));
  if (withNotes.length) {
    lines.push('', '## Notes and evidence', '');
    for (const f of withNotes) {
      lines.push(`### ${f.title}`, '');
      for (const r of f.rows) if (r.note) lines.push(`- ${r.name}: ${r.note}`);
      for (const n of f.notes) lines.push(`- ${n}`);
      lines.push('');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function escape(text) {
  return String(text).replace(/\|/g, '\\|');
}

export function fmt(value, unit) {
  if (value === undefined || Number.isNaN(value)) return '?';
  if (unit === 'ms' && value >= 10_000) return `${num(value / 1000)} s`;
  return `${num(value)} ${unit}`;
}

function num(v) {
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function cell(s) {
  if (s.runs === 1) return `${fmt(s.median, s.unit)} (1 run)`;
  return `${fmt(s.median, s.unit)} (${num(s.min)}–${num(s.max)}, n=${s.runs})`;
}

function ratioCell(r) {
  const x = ratio(r);
  if (x === undefined) return '—';
  const factor = x >= 1 ? x : 1 / x;
  const word = r.kind === 'rate' ? (x >= 1 ? 'higher' : 'lower') : r.kind === 'memory' ? (x >= 1 ? 'more' : 'less') : x >= 1 ? 'slower' : 'faster';
  return `${x.toFixed(2)}× (${factor.toFixed(1)}× ${word})`;
}

export function machine() {
  const list = cpus();
  return {
    cpuModel: list[0]?.model?.trim() ?? 'unknown CPU',
    cpus: list.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
  };
}
