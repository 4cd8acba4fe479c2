/**
 * The engine's idle signal for `evlab fire --wait`: work is counted while it is in flight
 * (an event being routed, an invocation running or waiting for a retry, a message on its way
 * to a subscribed function, an HTTP request to an invoke URL), and waiters are woken when the count reaches zero.
 */
export type ActivityKind = 'event' | 'invocation' | 'retry' | 'delivery' | 'subscription' | 'http';

export class ActivityTracker {
  private readonly counts = new Map<ActivityKind, number>();
  private readonly probes = new Map<string, () => number>();
  private waiters: (() => void)[] = [];
  private sweep: NodeJS.Timeout | undefined;

  /** Marks one unit of work as started; call the returned function exactly once when it ends. */
  begin(kind: ActivityKind): () => void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.counts.set(kind, (this.counts.get(kind) ?? 1) - 1);
      this.check();
    };
  }

  /** Pending work that lives elsewhere (messages waiting in a subscribed queue). */
  registerProbe(name: string, probe: () => number): () => void {
    this.probes.set(name, probe);
    return () => {
      this.probes.delete(name);
      this.check();
    };
  }

  /** Services call this when a probe's value may have dropped. */
  poke(): void {
    this.check();
  }

  snapshot(): { idle: boolean; inFlight: Record<string, number> } {
    const inFlight: Record<string, number> = {};
    for (const [kind, n] of this.counts) if (n > 0) inFlight[kind] = n;
    for (const [name, probe] of this.probes) {
      const n = safeProbe(probe);
      if (n > 0) inFlight[name] = n;
    }
    return { idle: Object.keys(inFlight).length === 0, inFlight };
  }

  isIdle(): boolean {
    return this.snapshot().idle;
  }

  /** Resolves true once idle (and still idle a moment later), false on timeout. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.isIdle()) return this.confirmIdle(timeoutMs);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const started = Date.now();
      const wake = () => {
        clearTimeout(timer);
        void this.confirmIdle(Math.max(0, timeoutMs - (Date.now() - started))).then(resolve);
      };
      this.waiters.push(wake);
      this.startSweep();
    });
  }

  // Work often hands over to the next step on the next tick (a retry timer, a queue delivery);
  // a short confirmation window keeps a hand-over from looking like the end of the work.
  private confirmIdle(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      setTimeout(() => {
        if (this.isIdle()) resolve(true);
        else if (timeoutMs <= 20) resolve(false);
        else void this.whenIdle(timeoutMs - 20).then(resolve);
      }, 20);
    });
  }

  // Probes change without telling us (a message's visibility runs out); a slow sweep while
  // someone waits guarantees they are woken even when no service pokes.
  private startSweep(): void {
    if (this.sweep) return;
    this.sweep = setInterval(() => {
      if (this.waiters.length === 0) {
        clearInterval(this.sweep);
        this.sweep = undefined;
        return;
      }
      this.check();
    }, 50);
    this.sweep.unref();
  }

  private check(): void {
    if (this.waiters.length === 0 || !this.isIdle()) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

function safeProbe(probe: () => number): number {
  try {
    return probe();
  } catch {
    return 0;
  }
}
