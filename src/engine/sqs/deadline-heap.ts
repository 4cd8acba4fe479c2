/**
 * Min-heap of (time, key, version): the next message whose visibility timeout or delay runs out.
 * Entries are never removed early; a stale entry (its message deleted, or timed again since) is
 * recognised by its version and skipped when it surfaces.
 */
export interface Deadline {
  at: number;
  key: string;
  version: number;
}

export class DeadlineHeap {
  private readonly items: Deadline[] = [];

  get size(): number {
    return this.items.length;
  }

  push(entry: Deadline): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent].at <= entry.at) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = entry;
  }

  peek(): Deadline | undefined {
    return this.items[0];
  }

  pop(): Deadline | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || !last) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && items[right].at < items[left].at ? right : left;
      if (items[child].at >= last.at) break;
      items[i] = items[child];
      i = child;
    }
    items[i] = last;
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}
