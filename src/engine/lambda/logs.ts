import { randomBytes } from 'node:crypto';
import type { EngineContext, LogsInternal } from '../types.js';

interface Pending {
  region: string;
  group: string;
  stream: string;
  events: { timestamp: number; message: string }[];
}

/**
 * Function output on its way to CloudWatch Logs: lines are batched per stream and appended on the next
 * turn of the event loop, so an invocation never waits for the logs service.
 */
export class LogSink {
  private pending = new Map<string, Pending>();
  private scheduled = false;
  private logs: LogsInternal | undefined;
  private warned = false;

  constructor(private readonly ctx: EngineContext) {}

  write(region: string, group: string, stream: string, message: string, timestamp = Date.now()): void {
    const key = `${region}\u0000${group}\u0000${stream}`;
    let entry = this.pending.get(key);
    if (!entry) {
      entry = { region, group, stream, events: [] };
      this.pending.set(key, entry);
    }
    entry.events.push({ timestamp, message });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Appends whatever is pending now (also called at stop so that nothing is lost). */
  async flush(): Promise<void> {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      this.logs ??= await this.ctx.service('logs');
      // The logs service takes the region as a 4th argument (LogsInternal has the engine's region by default).
      const append = this.logs.append as (group: string, stream: string, events: Pending['events'], region: string) => unknown;
      for (const { region, group, stream, events } of batch) {
        const result = append.call(this.logs, group, stream, events, region);
        // A logs service that answers asynchronously (or refuses) must not become an unhandled rejection.
        if (result && typeof (result as Promise<unknown>).catch === 'function') (result as Promise<unknown>).catch((err) => this.warn(err));
      }
    } catch (err) {
      this.warn(err);
    }
  }

  private warn(err: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.ctx.options.log(`lambda: function logs could not be written to CloudWatch Logs: ${(err as Error)?.message ?? err}`);
  }
}

/** `2024/05/01/[$LATEST]<32 hex>` (`[3]` for version 3): one stream per execution environment, as on AWS. */
export function newLogStreamName(now = new Date(), version = '$LATEST'): string {
  const date = now.toISOString().slice(0, 10).replace(/-/g, '/');
  return `${date}/[${version}]${randomBytes(16).toString('hex')}`;
}

// Platform lines as Lambda writes them (each CloudWatch message ends with a newline).
export const startLine = (requestId: string, version = '$LATEST') => `START RequestId: ${requestId} Version: ${version}\n`;
export const endLine = (requestId: string) => `END RequestId: ${requestId}\n`;

export function reportLine(requestId: string, durationMs: number, memorySize: number, maxMemoryMb: number, initMs?: number): string {
  const fields = [
    `REPORT RequestId: ${requestId}`,
    `Duration: ${durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.max(1, Math.ceil(durationMs + (initMs ?? 0)))} ms`,
    `Memory Size: ${memorySize} MB`,
    `Max Memory Used: ${maxMemoryMb} MB`,
  ];
  if (initMs !== undefined) fields.push(`Init Duration: ${initMs.toFixed(2)} ms`);
  return `${fields.join('\t')}\t\n`;
}

/** An invocation's log as far as `X-Amz-Log-Result` needs it: the last 4 KB (older lines are dropped as it grows). */
export class LogTail {
  private readonly lines: string[] = [];
  private chars = 0;

  push(message: string): void {
    this.lines.push(message);
    this.chars += message.length;
    // Keep whole lines while what would remain still holds 4096 characters (so at least 4 KB).
    while (this.lines.length > 1 && this.chars - this.lines[0].length >= 4096) this.chars -= this.lines.shift()!.length;
  }

  /** base64 of the last 4096 bytes. */
  encode(): string {
    const text = Buffer.from(this.lines.join(''), 'utf8');
    return text.subarray(Math.max(0, text.length - 4096)).toString('base64');
  }
}
