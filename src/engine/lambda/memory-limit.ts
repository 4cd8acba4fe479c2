/**
 * MemorySize enforcement. Lambda stops a function at its memory setting: the invocation fails with
 * `Runtime.OutOfMemory` / "Runtime exited with error: signal: killed" and REPORT shows Max Memory Used at
 * the limit. Here, a watchdog reads the runtime process's resident memory (Linux /proc) while an invocation
 * runs and kills the process group past the limit; Node functions also get a V8 heap limit of the same
 * size, which stops a fast allocator between two reads (V8 then aborts with "heap out of memory").
 */
import { readFile } from 'node:fs/promises';

const POLL_MS = 50;

/** Node's flag for a function of `memoryMb`: its old space may not outgrow the function's memory. */
export function nodeHeapFlag(memoryMb: number): string {
  return `--max-old-space-size=${memoryMb}`;
}

/** V8's last words when the heap limit is reached. */
export function isHeapOutOfMemoryLine(line: string): boolean {
  return line.includes('JavaScript heap out of memory') || line.includes('Reached heap limit');
}

export class MemoryWatchdog {
  private timer: NodeJS.Timeout | undefined;
  private reading = false;

  constructor(
    private readonly pid: number | undefined,
    private readonly limitMb: number,
    private readonly exceeded: (rssMb: number) => void,
  ) {}

  /** Watches until stop(); invocations shorter than one poll cost nothing but a timer. */
  start(): void {
    if (this.timer || !this.pid || process.platform !== 'linux') return;
    this.timer = setInterval(() => void this.check(), POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async check(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const status = await readFile(`/proc/${this.pid}/status`, 'utf8').catch(() => '');
      const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status);
      const rssMb = kb ? Number(kb[1]) / 1024 : 0;
      if (this.timer && rssMb > this.limitMb) {
        this.stop();
        this.exceeded(rssMb);
      }
    } finally {
      this.reading = false;
    }
  }
}
