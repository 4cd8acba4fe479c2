import { StringDecoder } from 'node:string_decoder';

/** CloudWatch Logs' limit on one event (256 KB): longer lines are cut into several events, as Lambda does. */
const MAX_LINE_CHARS = 256 * 1024 - 26;

/**
 * Splits a process's stdout or stderr into lines. A line ending with the environment's flush mark
 * (printed by the runtime client after each invocation) is not output: it tells that everything the
 * invocation printed before it has arrived.
 */
export class LineSplitter {
  private buffer = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly mark: string,
    private readonly onLine: (line: string) => void,
    private readonly onMark: () => void,
  ) {}

  push(chunk: Buffer): void {
    const text = this.buffer + this.decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const line = text.slice(start, nl);
      start = nl + 1;
      if (this.mark && line.endsWith(this.mark)) {
        const before = line.slice(0, -this.mark.length);
        if (before) this.onLine(before);
        this.onMark();
      } else {
        this.onLine(line);
      }
    }
    this.buffer = text.slice(start);
    while (this.buffer.length > MAX_LINE_CHARS) {
      this.onLine(this.buffer.slice(0, MAX_LINE_CHARS));
      this.buffer = this.buffer.slice(MAX_LINE_CHARS);
    }
  }

  /** The stream ended: a last line without a newline is still output. */
  end(): void {
    const rest = this.buffer + this.decoder.end();
    this.buffer = '';
    if (rest) this.onLine(rest);
  }
}

/**
 * A line as a CloudWatch message. The runtime clients print a multi-line message as one line with
 * `\r` for each newline (what AWS's clients do on stdout) so that it stays one log event.
 */
export function lineToMessage(line: string): string {
  const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
  return `${trimmed.includes('\r') ? trimmed.replace(/\r/g, '\n') : trimmed}\n`;
}
