/**
 * SQS durability under --persist: every message change the engine acknowledges (send, receive, visibility
 * change, delete, expiry, move to a dead-letter queue) is appended to `journal.jsonl` before the answer goes
 * out, and queue-level changes (create, attributes, tags, delete, purge) rewrite the snapshot `queues.json`.
 * A `kill -9` loses nothing acknowledged: the write() has reached the operating system, which keeps the
 * page after the process dies (a power cut is another matter: there is no fsync per message).
 * At start the snapshot is read, the journal replayed onto it, and both are compacted into a new snapshot.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Queue } from './queue.js';
import type { StoredMessage } from './stored-message.js';
import { encodeMessage, snapshotOf, type PersistedMessage, type PersistedState } from './persistence.js';

const JOURNAL = 'journal.jsonl';
const SNAPSHOT = 'queues.json';
/** Past this size the journal is folded into a snapshot (checked every 10 000 records). */
const COMPACT_BYTES = 64 * 1024 * 1024;

type Record =
  | { t: 'm'; r: string; q: string; m: PersistedMessage }
  | { t: 'dm'; r: string; q: string; id: string };

export class SqsJournal {
  private readonly journalPath: string;
  private readonly snapshotPath: string;
  private appends = 0;
  /** The journal outgrew COMPACT_BYTES: the service writes a snapshot after the current request. */
  compactionDue = false;

  constructor(dir: string) {
    this.journalPath = join(dir, JOURNAL);
    this.snapshotPath = join(dir, SNAPSHOT);
  }

  messageChanged(queue: Queue, message: StoredMessage): void {
    this.append({ t: 'm', r: queue.region, q: queue.name, m: encodeMessage(message) });
  }

  messageRemoved(queue: Queue, message: StoredMessage): void {
    this.append({ t: 'dm', r: queue.region, q: queue.name, id: message.id });
  }

  /** Rewrites the snapshot from the store and empties the journal (queue-level changes, start, stop). */
  writeSnapshot(queues: Queue[]): void {
    writeFileSync(`${this.snapshotPath}.tmp`, JSON.stringify(snapshotOf(queues)));
    renameSync(`${this.snapshotPath}.tmp`, this.snapshotPath);
    writeFileSync(this.journalPath, '');
    this.compactionDue = false;
  }

  needsCompaction(): boolean {
    try {
      return statSync(this.journalPath).size > COMPACT_BYTES;
    } catch {
      return false;
    }
  }

  /** The snapshot with the journal replayed onto it; a torn last line (the crash itself) is skipped. */
  read(log: (line: string) => void): PersistedState | undefined {
    let state: PersistedState | undefined;
    if (existsSync(this.snapshotPath)) {
      try {
        state = JSON.parse(readFileSync(this.snapshotPath, 'utf8'));
      } catch (err) {
        log(`sqs: could not read ${this.snapshotPath}: ${(err as Error).message}`);
      }
    }
    if (!existsSync(this.journalPath)) return state;
    state ??= { version: 1, queues: [] };
    const byKey = new Map(state.queues.map((q) => [`${q.region}/${q.name}`, { queue: q, messages: new Map(q.messages.map((m) => [m.id, m])) }]));
    for (const line of readFileSync(this.journalPath, 'utf8').split('\n')) {
      if (!line) continue;
      let record: Record;
      try {
        record = JSON.parse(line);
      } catch {
        continue;
      }
      const target = byKey.get(`${record.r}/${record.q}`);
      if (!target) continue;
      if (record.t === 'm') target.messages.set(record.m.id, record.m);
      else target.messages.delete(record.id);
    }
    for (const { queue, messages } of byKey.values()) queue.messages = [...messages.values()];
    return state;
  }

  private append(record: Record): void {
    appendFileSync(this.journalPath, `${JSON.stringify(record)}\n`);
    if (++this.appends % 10_000 === 0 && this.needsCompaction()) this.compactionDue = true;
  }
}
