// The indexes of one database's key space (store.ts's Store extends it): entries by key, creation
// order, LRU recency, key and hash-field expiry, LFU counters and usage, with the reads, sampling,
// iteration and compaction that change nothing a command must journal. Apart from store.ts, which
// adds the change tracking (persistence record, undo journal, events) every write goes through.

import { byteLength } from "./bytes.ts";
import { ATIME_BASE_SECONDS, RecencyList } from "./entry.ts";
import type { Entry } from "./entry.ts";
import { ExpiryHeap } from "./expiry-heap.ts";
import { FrequencyTable } from "./eviction.ts";
import type { EvictionPool } from "./eviction.ts";
import { FieldExpiryHeap } from "./field-expiry.ts";
import { randomIndex } from "./sampling.ts";

/**
 * RANDOMKEY draws slots of the creation-order array until one holds a live entry; dead slots
 * are at most about half of it between batches, so a few draws suffice. Past this many (many
 * deletions within one batch) it walks the key map to a random position instead.
 */
const RANDOM_KEY_DRAWS = 32;
/** Dead slots tolerated in the creation-order array before it is compacted. */
const ORDER_COMPACT_MIN = 1024;

export class KeyIndex implements EvictionPool {
  readonly map = new Map<string, Entry>();
  /** Σ (key bytes + payload bytes) of live entries. */
  usage = 0;
  /** Live entries with an expiry. */
  ttlCount = 0;
  /** Due times of hash fields with a TTL (HEXPIRE family); the hashes' maps are in field-expiry.ts. */
  readonly fieldExpiries = new FieldExpiryHeap();
  /** Entries in creation order; deleted ones (negative `created`) stay until compaction. */
  protected order: Entry[] = [];
  protected deadSlots = 0;
  protected readonly recency = new RecencyList();
  protected readonly expiries = new ExpiryHeap();
  /** Access counters, only while an LFU policy is in effect (eviction.ts). */
  protected frequencies: FrequencyTable | null = null;

  constructor() {
    this.setClock(Date.now()); // entries loaded from storage count as accessed at load time
  }

  /** Entry for a key without touching recency. */
  get(key: string): Entry | undefined {
    return this.map.get(key);
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

  // ---- expiry, sampling (eviction.ts) and compaction ---------------------------------------

  /** Earliest expiry (Unix ms) among live keys and hash fields, 0 if none. */
  nextExpiry(): number {
    const k = this.expiries.peek();
    const f = this.fieldExpiries.peek();
    return k === 0 ? f : f === 0 ? k : Math.min(k, f);
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

  // ---- loading and the indexes' own bookkeeping ----------------------------------------------

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
  protected attach(e: Entry, restore = false): void {
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

  protected detach(e: Entry): void {
    this.map.delete(e.key);
    e.created = -e.created;
    this.deadSlots++;
    this.recency.remove(e);
    this.usage -= byteLength(e.key) + e.size;
    if (e.expiresAt !== 0) this.ttlCount--;
  }

  /** Empties every index (FLUSHDB without a journal). */
  protected clearIndexes(): void {
    this.map.clear();
    this.order = [];
    this.deadSlots = 0;
    this.recency.clear();
    this.expiries.clear();
    this.fieldExpiries.clear();
    this.usage = 0;
    this.ttlCount = 0;
  }
}
