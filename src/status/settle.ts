/**
 * Decides when the work caused by `fire` has settled on an endpoint without an idle signal: the stack's
 * queue counts and table items have not changed for a quiet window. Pure, driven by the caller's clock.
 *
 * - Until anything changed, it waits longer (`graceMs`): a Lambda's cold start may delay the first effect.
 * - While a subscribed queue has messages in flight (a function is working on them), it waits `busyQuietMs`.
 */
export interface SettleOptions {
  quietMs: number;
  graceMs: number;
  busyQuietMs: number;
}

export const DEFAULT_SETTLE: SettleOptions = { quietMs: 1500, graceMs: 5000, busyQuietMs: 6000 };

export class SettleWatcher {
  private last: string;
  private lastChangeAt: number;
  private changed = false;

  constructor(initial: string, startedAt: number, private readonly options: SettleOptions = DEFAULT_SETTLE) {
    this.last = initial;
    this.lastChangeAt = startedAt;
  }

  /** Feeds one observation; true once settled. */
  observe(state: string, now: number, busy: boolean): boolean {
    if (state !== this.last) {
      this.last = state;
      this.lastChangeAt = now;
      this.changed = true;
      return false;
    }
    const needed = !this.changed ? this.options.graceMs : busy ? this.options.busyQuietMs : this.options.quietMs;
    return now - this.lastChangeAt >= needed;
  }

  get sawChange(): boolean {
    return this.changed;
  }
}
