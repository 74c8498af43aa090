// The key space of one namespace: entries by key, creation order, LRU recency, expiry, usage
// accounting (spec §3.7) and the two logs a command leaves behind: the ChangeSet persistence
// reads at the end of the batch, and (only while a memory limit is set) an undo journal so a
// command refused for capacity changes nothing (spec §3.8 rule 3-4).

import { byteLength } from "./bytes.ts";
import { ChangeSet } from "./change-set.ts";
import { ATIME_BASE_SECONDS, Entry, RecencyList, isCollection } from "./entry.ts";
import type { ValueOf, ValueType } from "./entry.ts";
import { ExpiryHeap } from "./expiry-heap.ts";
import { FrequencyTable, isVolatile, sampledVictim } from "./eviction.ts";
import type { EvictionPool } from "./eviction.ts";
import type { EntryWrites } from "./entry-writes.ts";
import type { EvictionPolicy } from "../limits.ts";
import { FieldExpiryHeap, restoreFieldTtls, takeFieldTtls } from "./field-expiry.ts";
import { hashDelete } from "./collection-ops.ts";
import { randomIndex } from "./sampling.ts";
import { Notify } from "./notify-classes.ts";

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
 * What the databases of one namespace share (spec §13.2): write_seq and created_seq count over
 * every database, so versions and creation numbers are unique across them; INFO sums the stats.
 */
export interface StoreShared {
  seqs: { write: number; created: number };
  stats: StoreStats;
  /**
   * Keyspace notifications of the store's own doings (new, expired, evicted, keymiss,
   * hexpired): set by the engine only while some class is enabled, so null costs one test.
   */
  events: StoreEventHook | null;
  /** Told of every changed key while a client tracks keys (tracking.ts); null otherwise. */
  observer: KeyObserver | null;
}

/** What wants to know which keys change (client-side caching invalidation). */
export interface KeyObserver {
  /** A key was written, deleted, expired, evicted or had its TTL changed. */
  changed(key: string): void;
}

/** Receives a store's keyspace events (class bit as keyspace-events.ts Notify, event, key). */
export type StoreEventHook = (store: Store, type: number, event: string, key: string) => void;

const { GENERIC, HASH, EXPIRED, EVICTED, KEY_MISS, NEW } = Notify;

/** A fresh shared part (the first database creates it; the others are given it). */
export function newStoreShared(): StoreShared {
  return {
    seqs: { write: 0, created: 0 },
    stats: { hits: 0, misses: 0, expired: 0, evicted: 0, expiredFields: 0 },
    events: null,
    observer: null,
  };
}

/**
 * RANDOMKEY draws slots of the creation-order array until one holds a live entry; dead slots
 * are at most about half of it between batches, so a few draws suffice. Past this many (many
 * deletions within one batch) it walks the key map to a random position instead.
 */
const RANDOM_KEY_DRAWS = 32;
/** Dead slots tolerated in the creation-order array before it is compacted. */
const ORDER_COMPACT_MIN = 1024;

export class Store implements EvictionPool, EntryWrites {
  readonly map = new Map<string, Entry>();
  /** Σ (key bytes + payload bytes) of live entries. */
  usage = 0;
  /** Live entries with an expiry. */
  ttlCount = 0;
  readonly changes = new ChangeSet();
  readonly stats: StoreStats;
  /** Shared with the namespace's other databases. */
  readonly shared: StoreShared;
  /** Due times of hash fields with a TTL (HEXPIRE family); the hashes' maps are in field-expiry.ts. */
  readonly fieldExpiries = new FieldExpiryHeap();

  /** Entries in creation order; deleted ones (negative `created`) stay until compaction. */
  private order: Entry[] = [];
  private deadSlots = 0;
  private readonly recency = new RecencyList();
  private readonly expiries = new ExpiryHeap();
  private journal: Undo[] | null = null;
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
  /** Access counters, only while an LFU policy is in effect (eviction.ts). */
  private frequencies: FrequencyTable | null = null;

  constructor(shared: StoreShared = newStoreShared()) {
    this.shared = shared;
    this.stats = shared.stats;
    this.setClock(Date.now()); // entries loaded from storage count as accessed at load time
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

  /** Entry for a key without touching recency. */
  get(key: string): Entry | undefined {
    return this.map.get(key);
  }

  /** Entry for a key as a value read: refreshes recency and counts a hit or miss. */
  read(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (e) {
      this.recency.touch(e);
      if (this.frequencies) this.frequencies.hit(e);
      this.stats.hits++;
    } else {
      this.stats.misses++;
      this.shared.events?.(this, KEY_MISS, "keymiss", key);
    }
    return e;
  }

  /**
   * A read lookup that found nothing without going through `read` (EXISTS, TYPE, TTL): the
   * keymiss event Redis's lookupKey sends. Its miss counter is left as it was.
   */
  missed(key: string): void {
    this.shared.events?.(this, KEY_MISS, "keymiss", key);
  }

  /** Sets the time access times are stamped with (Unix ms; the engine calls it per batch). */
  setClock(nowMs: number): void {
    this.recency.clock = Math.floor(nowMs / 1000) - ATIME_BASE_SECONDS;
  }

  /** Seconds since an entry was last read or written (OBJECT IDLETIME). */
  idleSeconds(e: Entry, nowMs: number): number {
    return Math.max(0, Math.floor(nowMs / 1000) - ATIME_BASE_SECONDS - e.atime);
  }

  /** Refreshes recency without reading (TOUCH). */
  touch(e: Entry): void {
    this.recency.touch(e);
    if (this.frequencies) this.frequencies.hit(e);
  }

  /** Turns LFU access counting on or off (on only under an LFU policy: it costs every access). */
  countFrequencies(on: boolean): void {
    if (on !== (this.frequencies !== null)) this.frequencies = on ? new FrequencyTable() : null;
  }

  // ---- command lifecycle ------------------------------------------------------------------

  /** Starts a command; with `undoable` every change is journaled so `rollback` can revert it. */
  beginCommand(undoable: boolean): void {
    this.journal = undoable ? [] : null;
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

  private markReady(key: string): void {
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

  // ---- whole-entry changes ----------------------------------------------------------------

  /** Creates a key (which must not exist). */
  create<T extends ValueType>(key: string, type: T, value: ValueOf[T], size: number): Entry {
    const e = new Entry(key, type, value, size);
    e.created = ++this.createdSeq;
    this.changes.key(key, -1);
    if (type === "document") this.changes.docWhole(key);
    if (this.waited !== null && this.waited.has(key)) this.markReady(key);
    if (this.shared.observer !== null) this.shared.observer.changed(key);
    // A new collection's members are all written at the end of the batch.
    if (isCollection(type)) this.changes.rewrite(key, type);
    e.version = this.pendingSeq;
    this.attach(e);
    if (this.journal) {
      this.written.add(key);
      this.journal.push(() => this.detach(e));
    }
    this.shared.events?.(this, NEW, "new", key);
    return e;
  }

  /** Replaces an entry's value (any type); clears the TTL unless `keepTtl`. */
  replace<T extends ValueType>(
    e: Entry,
    type: T,
    value: ValueOf[T],
    size: number,
    keepTtl = false,
  ): void {
    this.noteChange(e);
    if (e.type === "document" || type === "document") this.changes.docWhole(e.key);
    if (isCollection(e.type)) this.changes.rewrite(e.key, e.type);
    else if (isCollection(type)) this.changes.rewrite(e.key, type);
    const old = { type: e.type, value: e.value };
    if (this.journal) this.journal.push(() => Object.assign(e, old));
    // A new value has none of the old hash's field TTLs.
    const ttls = e.type === "hash" ? takeFieldTtls(e) : undefined;
    if (ttls && this.journal)
      this.journal.push(() => {
        restoreFieldTtls(e, ttls);
        for (const [f, at] of ttls) this.fieldExpiries.push(at, e, f);
      });
    e.type = type;
    e.value = value;
    this.resize(e, size - e.size);
    if (!keepTtl) this.setExpiry(e, 0);
  }

  /** Writes a key: replaces it if present, creates it otherwise. */
  put<T extends ValueType>(
    key: string,
    type: T,
    value: ValueOf[T],
    size: number,
    keepTtl = false,
  ): Entry {
    const e = this.map.get(key);
    if (e) {
      this.replace(e, type, value, size, keepTtl);
      return e;
    }
    return this.create(key, type, value, size);
  }

  /** Deletes an entry. */
  remove(e: Entry): void {
    this.changes.key(e.key, e.version);
    // A blocked XREADGROUP is answered when its stream goes (Redis 7.0 dbGenericDelete).
    if (this.waited !== null && this.waited.has(e.key)) this.markReady(e.key);
    if (this.shared.observer !== null) this.shared.observer.changed(e.key);
    if (isCollection(e.type)) this.changes.rewrite(e.key, e.type);
    if (e.type === "document") this.changes.docWhole(e.key);
    this.detach(e);
    if (this.journal) {
      this.written.add(e.key);
      this.journal.push(() => this.attach(e, true));
    }
  }

  /** Sets (or clears, with 0) an entry's expiry in Unix ms. */
  setExpiry(e: Entry, at: number): void {
    const old = e.expiresAt;
    if (old === at) return;
    this.changes.key(e.key, e.version);
    // A document's TTL is in its kv row, which holds the document text too.
    if (e.type === "document") this.changes.docWhole(e.key);
    if (this.shared.observer !== null) this.shared.observer.changed(e.key);
    if (old === 0) this.ttlCount++;
    if (at === 0) this.ttlCount--;
    e.expiresAt = at;
    if (at !== 0) this.expiries.push(at, e);
    if (this.journal) this.journal.push(() => this.setExpiry(e, old));
  }

  /** Empties the namespace (FLUSHDB). Returns the number of keys removed. */
  flushDb(): number {
    const n = this.map.size;
    // Blocked clients on a key that goes are served (Redis 7.0: XREADGROUP answers an error).
    if (this.waited !== null)
      for (const k of this.waited.keys()) if (this.map.has(k)) this.markReady(k);
    if (this.journal) {
      // FLUSH only shrinks usage, so it is never rolled back; keep the journal consistent anyway.
      // Tracking clients get one "everything" invalidation from the command, not one per key.
      const observer = this.shared.observer;
      this.shared.observer = null;
      for (const e of this.map.values()) this.remove(e);
      this.shared.observer = observer;
      return n;
    }
    for (const e of this.map.values()) e.created = -e.created;
    this.map.clear();
    this.order = [];
    this.deadSlots = 0;
    this.recency.clear();
    this.expiries.clear();
    this.fieldExpiries.clear();
    this.usage = 0;
    this.ttlCount = 0;
    // A configuration change earlier in the batch must still be written.
    const config = this.changes.config;
    this.changes.clear();
    this.changes.flushAll = true;
    this.changes.config = config;
    return n;
  }

  // ---- batch-level maintenance ------------------------------------------------------------

  /**
   * Deletes every key due at `now` (spec §3.6), then every hash field due (a hash whose last
   * field goes is deleted); returns how many keys.
   */
  purgeExpired(now: number): number {
    if (this.frequencies) this.frequencies.now = now;
    let n = 0;
    const events = this.shared.events;
    for (let e = this.expiries.popDue(now); e; e = this.expiries.popDue(now)) {
      this.remove(e);
      this.stats.expired++;
      n++;
      events?.(this, EXPIRED, "expired", e.key);
    }
    // Redis 7.4 sends one hexpired per hash (and del when its last field went).
    const hashes = events ? new Set<Entry>() : null;
    for (let d = this.fieldExpiries.popDue(now); d; d = this.fieldExpiries.popDue(now)) {
      if (hashDelete(this, d[0], d[1])) {
        this.stats.expiredFields++;
        hashes?.add(d[0]);
      }
    }
    if (hashes && events) {
      for (const e of hashes) {
        events(this, HASH, "hexpired", e.key);
        if (!e.alive) events(this, GENERIC, "del", e.key);
      }
    }
    return n;
  }

  /** Earliest expiry (Unix ms) among live keys and hash fields, 0 if none. */
  nextExpiry(): number {
    const k = this.expiries.peek();
    const f = this.fieldExpiries.peek();
    return k === 0 ? f : f === 0 ? k : Math.min(k, f);
  }

  /**
   * Evicts keys not in `keep` by `policy` (spec §3.8) until usage <= limit; false when nothing
   * more can go (then the caller rolls the command back and answers OOM).
   */
  evict(limit: number, keep: ReadonlySet<string>, policy: EvictionPolicy): boolean {
    if (policy === "noeviction") return this.usage <= limit;
    if (policy === "allkeys-lru" || policy === "volatile-lru") {
      const volatile = isVolatile(policy);
      for (const e of this.recency.oldestFirst()) {
        if (this.usage <= limit) return true;
        if (keep.has(e.key) || (volatile && e.expiresAt === 0)) continue;
        this.remove(e);
        this.stats.evicted++;
        this.shared.events?.(this, EVICTED, "evicted", e.key);
      }
      return this.usage <= limit;
    }
    while (this.usage > limit) {
      const e = sampledVictim(this, policy, keep);
      if (!e) return false;
      this.remove(e);
      this.stats.evicted++;
      this.shared.events?.(this, EVICTED, "evicted", e.key);
    }
    return true;
  }

  /** A random live entry: of every key, or of the keys with an expiry (eviction sampling). */
  sample(volatile: boolean): Entry | undefined {
    if (volatile) return this.expiries.sample();
    if (this.order.length === 0) return undefined;
    const e = this.order[Math.floor(Math.random() * this.order.length)]!;
    return e.alive ? e : undefined;
  }

  /** Live keys, or live keys with an expiry. */
  poolSize(volatile: boolean): number {
    return volatile ? this.ttlCount : this.map.size;
  }

  /** Every live entry, or every live entry with an expiry. */
  scan(volatile: boolean): Iterable<Entry> {
    return volatile ? this.expiries.live() : this.map.values();
  }

  /** An entry's LFU counter (eviction.ts); 0 when counting is off. */
  frequency(e: Entry): number {
    return this.frequencies ? this.frequencies.get(e) : 0;
  }

  /** Compacts internal structures between batches. */
  endBatch(): void {
    if (this.deadSlots > ORDER_COMPACT_MIN && this.deadSlots * 2 > this.order.length) {
      this.order = this.order.filter((e) => e.alive);
      this.deadSlots = 0;
    }
    if (this.expiries.size > 2 * this.ttlCount + ORDER_COMPACT_MIN) this.expiries.compact();
    this.fieldExpiries.maybeCompact();
  }

  // ---- iteration --------------------------------------------------------------------------

  /** Live entries in creation order, starting at the first with created >= `fromCreated`. */
  *inCreationOrder(fromCreated = 0): Generator<Entry> {
    for (let i = this.orderIndex(fromCreated); i < this.order.length; i++) {
      const e = this.order[i]!;
      if (e.alive) yield e;
    }
  }

  /** A uniformly random live entry, undefined when the store is empty (RANDOMKEY). */
  randomEntry(): Entry | undefined {
    const n = this.map.size;
    if (n === 0) return undefined;
    const order = this.order;
    for (let i = 0; i < RANDOM_KEY_DRAWS; i++) {
      const e = order[randomIndex(order.length)]!;
      if (e.alive) return e;
    }
    let k = randomIndex(n);
    for (const e of this.map.values()) if (k-- === 0) return e;
    return undefined;
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

  /** Sorts the creation order after loading entries out of creation order. */
  finishLoad(): void {
    this.order.sort((a, b) => a.created - b.created);
  }

  /** First index of the creation-order array whose entry was created at or after `created`. */
  private orderIndex(created: number): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Math.abs(this.order[mid]!.created) < created) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds an entry; `restore` brings back one deleted by the running command (undo). */
  private attach(e: Entry, restore = false): void {
    this.map.set(e.key, e);
    if (restore) {
      // Its slot in the creation-order array is still there (compaction waits for the batch end).
      e.created = -e.created;
      this.deadSlots--;
    } else {
      this.order.push(e);
    }
    this.recency.touch(e);
    this.usage += byteLength(e.key) + e.size;
    if (e.expiresAt !== 0 && restore) {
      this.ttlCount++;
      this.expiries.push(e.expiresAt, e);
    }
  }

  private detach(e: Entry): void {
    this.map.delete(e.key);
    e.created = -e.created;
    this.deadSlots++;
    this.recency.remove(e);
    this.usage -= byteLength(e.key) + e.size;
    if (e.expiresAt !== 0) this.ttlCount--;
  }
}
