// The engine side of loading a slot's collections (collection-rows.ts reads the rows and their
// chunked cells): each member or element put into its entry, sizes counted, hash field expiries
// queued, sorted sets built in bulk and streams finished once every row is read.

import { byteLength } from "../engine/bytes.ts";
import type { Deque } from "../engine/deque.ts";
import type { Entry } from "../engine/entry.ts";
import { putFieldExpiry } from "../engine/field-expiry.ts";
import { SortedSet } from "../engine/sorted-set.ts";
import type { Store } from "../engine/store.ts";
import type { Stream } from "../engine/stream.ts";

/** Fills the empty collections of one store from their rows. */
export class CollectionLoader {
  private readonly store: Store;
  /** Sorted sets' members and scores, built in bulk by `finish`. */
  private readonly zsets = new Map<Entry, [string, number][]>();

  constructor(store: Store) {
    this.store = store;
  }

  /** One member row: `v` is a hash or stream value, a score, or null (a set's). */
  member(e: Entry, m: string, v: string | number | null, expiresAt: number | null): void {
    if (e.type === "set") {
      (e.value as Set<string>).add(m);
      e.size += byteLength(m);
    } else if (e.type === "stream") {
      (e.value as Stream).loadMember(m, v as string);
    } else if (e.type === "hash") {
      (e.value as Map<string, string>).set(m, v as string);
      e.size += byteLength(m) + byteLength(v as string);
      if (expiresAt !== null) {
        putFieldExpiry(e, m, expiresAt);
        this.store.fieldExpiries.push(expiresAt, e, m);
      }
    } else {
      let list = this.zsets.get(e);
      if (!list) this.zsets.set(e, (list = []));
      list.push([m, v as number]);
      e.size += byteLength(m);
    }
  }

  /** One list element; a list's rows come in position order. */
  element(e: Entry, pos: number, v: string): void {
    const d = e.value as Deque;
    if (d.length === 0) d.head = pos;
    d.pushRight(v);
    e.size += byteLength(v);
  }

  /** Builds the sorted sets and finishes the streams once every member row is read. */
  finish(collections: ReadonlyMap<string, Entry>): void {
    for (const [e, members] of this.zsets) e.value = SortedSet.fromEntries(members);
    for (const e of collections.values()) {
      if (e.type !== "stream") continue;
      const s = e.value as Stream;
      s.finishLoad();
      e.size = s.bytes;
    }
  }
}
