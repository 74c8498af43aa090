// The 16 databases of a namespace (SELECT, MOVE, SWAPDB): one Store each, created when first
// used, so a database nobody selects costs nothing. They share write_seq, created_seq and the
// INFO stats (store.ts StoreShared). Each database index maps to a storage slot (the tables it
// persists to): the identity until SWAPDB swaps two entries, which swaps the slots too instead of
// moving any rows.

import { DATABASES } from "../limits.ts";
import { CommandError } from "./errors.ts";
import { parseStrictInt } from "./numbers.ts";
import { Store, newStoreShared } from "./store.ts";
import type { StoreShared } from "./store.ts";

/** Redis's reply to a database index outside 0..15. */
export const dbOutOfRange = () => new CommandError("ERR", "ERR DB index is out of range");

const INT_RANGE = "ERR value is out of range, value must between -2147483648 and 2147483647";

/**
 * A database index argument as Redis's getIntFromObjectOrReply reads it: a 32-bit integer (else
 * `notInt`, Redis's "value is not an integer or out of range" unless told), then 0..15.
 */
export function parseDbIndex(arg: string, notInt?: string): number {
  const n = parseStrictInt(arg);
  if (n === undefined) {
    throw new CommandError("ERR", notInt ?? "ERR value is not an integer or out of range");
  }
  if (n < -0x80000000n || n > 0x7fffffffn) {
    // Redis 7.0's text, its missing "be" included.
    throw new CommandError("ERR", notInt ?? INT_RANGE);
  }
  if (n < 0n || n >= BigInt(DATABASES)) throw dbOutOfRange();
  return Number(n);
}

export class Databases {
  readonly shared: StoreShared = newStoreShared();
  /** Storage slot of each database index (a permutation of 0..15). */
  readonly slots: number[] = Array.from({ length: DATABASES }, (_, i) => i);
  /** SWAPDB changed `slots` since persistence last wrote them. */
  slotsChanged = false;
  private readonly stores: (Store | undefined)[] = new Array<Store | undefined>(DATABASES);
  /** The stores created so far (any order): batch maintenance visits only these. */
  private created: Store[] = [];

  constructor() {
    this.get(0);
  }

  /** LFU access counting (an LFU policy is set), for every database, created now or later. */
  private lfu = false;

  /** Turns LFU access counting on or off in every database. */
  countFrequencies(on: boolean): void {
    this.lfu = on;
    for (const s of this.created) s.countFrequencies(on);
  }

  /** The store of database `index` (0..15), created empty on first use. */
  get(index: number): Store {
    let s = this.stores[index];
    if (!s) {
      s = new Store(this.shared);
      if (this.lfu) s.countFrequencies(true);
      this.stores[index] = s;
      this.created.push(s);
    }
    return s;
  }

  /** The database index a store is at now (-1 if none). */
  indexOf(store: Store): number {
    return this.stores.indexOf(store);
  }

  /** The store of database `index` if it was ever used. */
  peek(index: number): Store | undefined {
    return this.stores[index];
  }

  /** Every database that exists, as [index, store], in index order. */
  entries(): [number, Store][] {
    const out: [number, Store][] = [];
    for (let i = 0; i < DATABASES; i++) {
      const s = this.stores[i];
      if (s) out.push([i, s]);
    }
    return out;
  }

  /** The stores that exist, in no particular order. */
  all(): readonly Store[] {
    return this.created;
  }

  /** The store persisted in storage slot `slot` (loading). */
  ofSlot(slot: number): Store {
    return this.get(this.slots.indexOf(slot));
  }

  /** SWAPDB: the two databases trade contents (and storage slots). */
  swap(a: number, b: number): void {
    if (a === b) return;
    const sa = this.stores[a];
    this.stores[a] = this.stores[b];
    this.stores[b] = sa;
    const slot = this.slots[a]!;
    this.slots[a] = this.slots[b]!;
    this.slots[b] = slot;
    this.slotsChanged = true;
    // Database 0 always exists (engine.store).
    this.get(0);
  }

  /** Total usage of every database (spec §3.7). */
  get usage(): number {
    let n = 0;
    for (const s of this.created) n += s.usage;
    return n;
  }

  /** Live keys of every database. */
  get keys(): number {
    let n = 0;
    for (const s of this.created) n += s.map.size;
    return n;
  }

  /** Earliest expiry (Unix ms) among every database's keys, 0 if none. */
  nextExpiry(): number {
    let next = 0;
    for (const s of this.created) {
      const t = s.nextExpiry();
      if (t !== 0 && (next === 0 || t < next)) next = t;
    }
    return next;
  }
}
