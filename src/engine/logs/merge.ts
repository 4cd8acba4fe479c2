import type { LogEvent } from './state.js';

/** A read position in one stream's sorted events. */
interface Head {
  events: LogEvent[];
  index: number;
}

/**
 * Merges streams' sorted event arrays by (timestamp, seq) with a binary heap: O(log k) per event for k
 * streams, so a search over many Lambda streams costs about what one long stream would.
 */
export class EventMerger {
  private readonly heap: Head[] = [];

  add(events: LogEvent[], index: number): void {
    if (index >= events.length) return;
    this.heap.push({ events, index });
    this.up(this.heap.length - 1);
  }

  peek(): LogEvent | undefined {
    const head = this.heap[0];
    return head ? head.events[head.index] : undefined;
  }

  /** Removes and returns the smallest event. */
  next(): LogEvent | undefined {
    const head = this.heap[0];
    if (!head) return undefined;
    const event = head.events[head.index++]!;
    if (head.index >= head.events.length) {
      const last = this.heap.pop()!;
      if (this.heap.length > 0) {
        this.heap[0] = last;
        this.down(0);
      }
    } else this.down(0);
    return event;
  }

  private less(a: Head, b: Head): boolean {
    const x = a.events[a.index]!;
    const y = b.events[b.index]!;
    return x.timestamp < y.timestamp || (x.timestamp === y.timestamp && x.seq < y.seq);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < h.length && this.less(h[l]!, h[smallest]!)) smallest = l;
      if (r < h.length && this.less(h[r]!, h[smallest]!)) smallest = r;
      if (smallest === i) return;
      [h[i], h[smallest]] = [h[smallest]!, h[i]!];
      i = smallest;
    }
  }
}
