/**
 * Reader/writer locks per table. Single-item reads and writes hold their tables shared (dynalite already serializes
 * them per item); a transaction holds its tables exclusively, so that no other request sees it half-applied or
 * changes an item between its condition checks and its writes (AWS: transactions are serializable with standard
 * writes). A waiting transaction blocks new shared holders, so a steady stream of writes cannot starve it.
 */
export class TableLocks {
  private readonly tables = new Map<string, TableLock>();

  /** Waits for every table (in a fixed order, so two transactions cannot deadlock) and returns the release. */
  async acquire(names: Iterable<string>, mode: 'shared' | 'exclusive'): Promise<() => void> {
    const sorted = [...new Set(names)].sort();
    const held: TableLock[] = [];
    for (const name of sorted) {
      let lock = this.tables.get(name);
      if (!lock) this.tables.set(name, (lock = new TableLock()));
      await lock.acquire(mode);
      held.push(lock);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const [i, lock] of held.entries()) {
        lock.release(mode);
        // Bounded: a table nobody holds or waits for takes no entry.
        if (lock.idle) this.tables.delete(sorted[i]!);
      }
    };
  }
}

class TableLock {
  private readers = 0;
  private writer = false;
  private readonly waiting: { mode: 'shared' | 'exclusive'; grant: () => void }[] = [];

  get idle(): boolean {
    return this.readers === 0 && !this.writer && this.waiting.length === 0;
  }

  acquire(mode: 'shared' | 'exclusive'): Promise<void> {
    if (this.waiting.length === 0 && this.canGrant(mode)) {
      this.take(mode);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ mode, grant: resolve }));
  }

  release(mode: 'shared' | 'exclusive'): void {
    if (mode === 'shared') this.readers--;
    else this.writer = false;
    while (this.waiting.length && this.canGrant(this.waiting[0]!.mode)) {
      const next = this.waiting.shift()!;
      this.take(next.mode);
      next.grant();
    }
  }

  private canGrant(mode: 'shared' | 'exclusive'): boolean {
    return mode === 'shared' ? !this.writer : !this.writer && this.readers === 0;
  }

  private take(mode: 'shared' | 'exclusive'): void {
    if (mode === 'shared') this.readers++;
    else this.writer = true;
  }
}
