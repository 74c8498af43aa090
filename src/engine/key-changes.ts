// The bookkeeping every change of a database goes through (store.ts's Store extends it): the
// ChangeSet persistence reads at the end of the batch, the write and creation counters shared by
// the databases, the undo journal a command refused for capacity is rolled back with (spec §3.8
// rule 3-4), and who must hear of a changed key (blocked clients, client-side caching).

import { ChangeSet } from "./change-set.ts";
import type { Entry } from "./entry.ts";
import { KeyIndex } from "./key-index.ts";

type Undo = () => void;

/** Counters reported by INFO Stats (spec §10.9). */
export interface StoreStats {
  hits: number;
  misses: number;
  expired: number;
  evicted: number;
  /** Hash fields deleted by their TTL (Redis INFO expired_subkeys). */
  expiredFields: number;
}

/**
 * The part of what the databases share (store.ts StoreShared) this bookkeeping uses: write_seq and
 * created_seq count over every database, so versions and creation numbers are unique across them.
 */
export interface SharedCounters {
  seqs: { write: number; created: number };
  stats: StoreStats;
  /** Told of every changed key while a client tracks keys (tracking.ts); null otherwise. */
  observer: KeyObserver | null;
}

/** What wants to know which keys change (client-side caching invalidation). */
export interface KeyObserver {
  /** A key was written, deleted, expired, evicted or had its TTL changed. */
  changed(key: string): void;
}

export class KeyChanges extends KeyIndex {
  readonly changes = new ChangeSet();
  readonly stats: StoreStats;
  /** Shared with the namespace's other databases. */
  readonly shared: SharedCounters;

  protected journal: Undo[] | null = null;
  /** Keys written by the running command (collected while journaling). */
  readonly written = new Set<string>();
  /**
   * Keys blocked clients wait on (blocking.ts), null when none: a change to one marks it ready,
   * in order, once per batch of serving (`ready`). Checked on every change, so it stays null
   * while nobody waits.
   */
  waited: ReadonlyMap<string, unknown> | null = null;
  /** Waited keys changed since the engine last served them, in the order they changed. */
  readonly ready = new Set<string>();

  constructor(shared: SharedCounters) {
    super();
    this.shared = shared;
    this.stats = shared.stats;
  }

  /** Last creation number handed out (spec §3.1 created_seq), over every database. */
  get createdSeq(): number {
    return this.shared.seqs.created;
  }
  set createdSeq(n: number) {
    this.shared.seqs.created = n;
  }

  /** Successful write commands so far (spec §13.2 write_seq), over every database. */
  get writeSeq(): number {
    return this.shared.seqs.write;
  }
  set writeSeq(n: number) {
    this.shared.seqs.write = n;
  }

  /** The version stamped on entries changed by the running command. */
  get pendingSeq(): number {
    return this.writeSeq + 1;
  }

  // ---- command lifecycle ------------------------------------------------------------------

  /**
   * The running write command changed nothing (SETBIT, BITFIELD writing what was there): it
   * does not count as a change (Redis leaves server.dirty alone, INFO rdb_changes_since_last_save).
   */
  unchanged = false;

  /** Starts a command; with `undoable` every change is journaled so `rollback` can revert it. */
  beginCommand(undoable: boolean): void {
    this.journal = undoable ? [] : null;
    this.unchanged = false;
    // Only a journaled command fills `written`; clearing an empty set still costs.
    if (this.written.size) this.written.clear();
  }

  /** Reverts every change of the running command. */
  rollback(): void {
    const j = this.journal;
    if (!j) return;
    for (let i = j.length - 1; i >= 0; i--) j[i]!();
    this.journal = null;
  }

  endCommand(): void {
    this.journal = null;
  }

  /** Bookkeeping before any change to `e`: persistence record, undo of the version, recency. */
  noteChange(e: Entry): void {
    this.changes.key(e.key, e.version);
    if (this.shared.observer !== null) this.shared.observer.changed(e.key);
    if (this.waited !== null && this.waited.has(e.key)) this.markReady(e.key);
    if (this.journal) {
      const v = e.version;
      this.journal.push(() => {
        e.version = v;
      });
      this.written.add(e.key);
    }
    e.version = this.pendingSeq;
    if (e.alive) this.recency.touch(e);
    if (this.frequencies) this.frequencies.hit(e);
  }

  protected markReady(key: string): void {
    this.ready.add(key);
  }

  /** Journals an undo step (no-op when not journaling). */
  onUndo(u: Undo): void {
    this.journal?.push(u);
  }

  /** True while the running command can be rolled back (a memory limit is set). */
  get journaling(): boolean {
    return this.journal !== null;
  }

  /** Adjusts an entry's payload size and the namespace usage. */
  resize(e: Entry, delta: number): void {
    e.size += delta;
    this.usage += delta;
    if (this.journal && delta !== 0) {
      this.journal.push(() => {
        e.size -= delta;
        this.usage -= delta;
      });
    }
  }

  // ---- loading ----------------------------------------------------------------------------

  /** Inserts an entry read from storage (no change tracking). Call in version order for LRU. */
  load(e: Entry): void {
    this.attach(e);
    if (e.expiresAt !== 0) {
      this.ttlCount++;
      this.expiries.push(e.expiresAt, e);
    }
    if (e.created > this.createdSeq) this.createdSeq = e.created;
  }
}
