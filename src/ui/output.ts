import { Chalk, type ChalkInstance } from 'chalk';

export const SCHEMA_VERSION = 1;

/** The `--json` form of a failure, as printed on stdout: `{ schemaVersion, ok: false, error }`. */
export function errorJson(error: { code: string; message: string; [detail: string]: unknown }): string {
  return JSON.stringify({ schemaVersion: SCHEMA_VERSION, ok: false, error }, null, 2) + '\n';
}

export interface OutputOptions {
  json?: boolean;
  color?: boolean;
  debug?: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/**
 * Results go to stdout (a versioned JSON object with --json); progress, warnings and errors go to stderr,
 * so `evlab status --json | jq` always sees clean JSON.
 */
export class Output {
  readonly json: boolean;
  readonly debug: boolean;
  readonly c: ChalkInstance;
  private readonly stdout: NodeJS.WritableStream;
  private readonly stderr: NodeJS.WritableStream;

  constructor(options: OutputOptions = {}) {
    this.json = options.json ?? false;
    this.debug = options.debug ?? false;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    const color = options.color ?? (!process.env.NO_COLOR && Boolean((this.stdout as { isTTY?: boolean }).isTTY));
    this.c = new Chalk({ level: color ? 1 : 0 });
  }

  /** Prints the command's result: JSON (with schemaVersion) or the human rendering. */
  result<T extends object>(data: T, render: (data: T) => string): void {
    if (this.json) this.stdout.write(JSON.stringify({ schemaVersion: SCHEMA_VERSION, ...data }, null, 2) + '\n');
    else {
      const text = render(data);
      if (text) this.stdout.write(text.endsWith('\n') ? text : text + '\n');
    }
  }

  /** Whether results go to a terminal (watch modes redraw in place there). */
  get interactive(): boolean {
    return Boolean((this.stdout as { isTTY?: boolean }).isTTY);
  }

  /** Replaces what is on the terminal with `text` (cursor home, clear screen), for views that refresh in place. */
  redraw(text: string): void {
    this.stdout.write(`\x1b[H\x1b[2J${text.endsWith('\n') ? text : text + '\n'}`);
  }

  /** A line of result text for streaming commands (tail) in human mode. */
  line(text: string): void {
    this.stdout.write(text + '\n');
  }

  /** A JSON line for streaming commands in --json mode (NDJSON). */
  jsonLine(data: object): void {
    this.stdout.write(JSON.stringify({ schemaVersion: SCHEMA_VERSION, ...data }) + '\n');
  }

  progress(text: string): void {
    this.stderr.write(this.c.dim(text) + '\n');
  }

  info(text: string): void {
    this.stderr.write(text + '\n');
  }

  warn(text: string): void {
    this.stderr.write(this.c.yellow(`warning: ${text}`) + '\n');
  }

  errorText(text: string): void {
    this.stderr.write(text + '\n');
  }
}
