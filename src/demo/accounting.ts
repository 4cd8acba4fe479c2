/** Where the demo's events went: counted in DynamoDB or dead-lettered. Pure, so it is tested without an endpoint. */
export interface Reading {
  /** The Distance counter. */
  counter: number;
  /** Messages in lambda-testing-dlq, visible and in flight. */
  dlq: number;
}

export interface FiredFile {
  file: string;
  events: number;
}

export interface Accounting {
  fired: number;
  counted: number;
  deadLettered: number;
  balanced: boolean;
  before: Reading;
  after: Reading;
  files: FiredFile[];
}

/** Differences, not absolute values: a re-run on an endpoint that still holds an earlier run's state stays right. */
export function account(before: Reading, after: Reading, files: FiredFile[]): Accounting {
  const fired = files.reduce((n, f) => n + f.events, 0);
  const counted = after.counter - before.counter;
  const deadLettered = after.dlq - before.dlq;
  return { fired, counted, deadLettered, balanced: counted + deadLettered === fired, before, after, files };
}

export interface Paint {
  bold(text: string): string;
  green(text: string): string;
  red(text: string): string;
  dim(text: string): string;
}

export function renderAccounting(a: Accounting, c: Paint, seconds: number): string {
  const row = (label: string, value: number, note: string) => `  ${label.padEnd(22)}${String(value).padStart(4)}   ${c.dim(note)}`;
  const verdict = a.balanced
    ? c.green(`✔ counted + dead-lettered = fired: ${a.counted} + ${a.deadLettered} = ${a.fired}. Nothing lost.`)
    : c.red(`✘ counted + dead-lettered ≠ fired: ${a.counted} + ${a.deadLettered} ≠ ${a.fired}. ${a.fired - a.counted - a.deadLettered} event(s) unaccounted for.`);
  return [
    c.bold('Accounting'),
    row('events fired', a.fired, a.files.map((f) => `${f.file}: ${f.events}`).join(', ')),
    row('counted (Distance)', a.counted, `Distance ${a.before.counter} → ${a.after.counter}`),
    row('dead-lettered (DLQ)', a.deadLettered, `lambda-testing-dlq ${a.before.dlq} → ${a.after.dlq}`),
    '',
    `  ${verdict}`,
    c.dim(`  (${seconds.toFixed(1)} s)`),
  ].join('\n');
}
