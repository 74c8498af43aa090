// One database's key space: entries by key with every way a command changes a whole entry
// (create, replace, delete, expire, flush), the batch's purge of due keys and fields, eviction
// under a memory limit (spec §3.7-3.8), and the keyspace events of the store's own doings.
// Its indexes are key-index.ts's, the bookkeeping of each change (persistence record, counters,
// undo journal) key-changes.ts's.

import { Entry, isCollection } from "./entry.ts";
import type { ValueOf, ValueType } from "./entry.ts";
import { isVolatile, sampledVictim } from "./eviction.ts";
import type { EntryWrites } from "./entry-writes.ts";
import type { EvictionPolicy } from "../limits.ts";
import { restoreFieldTtls, takeFieldTtls } from "./field-expiry.ts";
import { hashDelete } from "./collection-ops.ts";
import { KeyChanges } from "./key-changes.ts";
import type { SharedCounters } from "./key-changes.ts";
import { Notify } from "./notify-classes.ts";

/**
 * What the databases of one namespace share (spec §13.2): write_seq and created_seq count over
 * every database, so versions and creation numbers are unique across them; INFO sums the stats.
 */
export interface StoreShared extends SharedCounters {
  /**
   * Keyspace notifications of the store's own doings (new, expired, evicted, keymiss,
   * hexpired): set by the engine only while some class is enabled, so null costs one test.
   */
  events: StoreEventHook | null;
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

export class Store extends KeyChanges implements EntryWrites {
  declare readonly shared: StoreShared;

  constructor(shared: StoreShared = newStoreShared()) {
    super(shared);
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

  // ---- command lifecycle ------------------------------------------------------------------

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
    this.clearIndexes();
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

  // ---- iteration --------------------------------------------------------------------------

  // ---- loading ----------------------------------------------------------------------------
}
