// One key of the store and the intrusive recency list that orders entries for LRU eviction.

import type { Deque } from "./deque.ts";
import type { SortedSet } from "./sorted-set.ts";

export type ValueType = "string" | "int" | "json" | "set" | "hash" | "list" | "zset";

/** The value held by an entry, by type. */
export type ValueOf = {
  string: string;
  int: bigint;
  json: string; // canonical JSON text (spec §3.3)
  set: Set<string>;
  hash: Map<string, string>;
  list: Deque;
  zset: SortedSet;
};

/** Types whose members live in their own storage rows. */
export function isCollection(t: ValueType): boolean {
  return t === "set" || t === "hash" || t === "list" || t === "zset";
}

/** Redis TYPE name of a value type (int and json are strings to Redis). */
export function typeName(t: ValueType): string {
  return t === "int" || t === "json" ? "string" : t;
}

export class Entry {
  key: string;
  type: ValueType;
  value: ValueOf[ValueType];
  /** Bytes of the key. */
  ksize: number;
  /** Payload bytes (spec §3.7); usage of the entry is ksize + size. */
  size: number;
  /** write_seq of the last modification (spec §13.2). */
  version: number;
  /** Creation order (spec §3.1). */
  created: number;
  /** Unix ms, 0 = no expiry. */
  expiresAt = 0;
  /** Index in the creation-order array; -1 once deleted. */
  slot = -1;
  prev: Entry | null = null;
  next: Entry | null = null;

  constructor(key: string, ksize: number, type: ValueType, value: ValueOf[ValueType], size: number) {
    this.key = key;
    this.ksize = ksize;
    this.type = type;
    this.value = value;
    this.size = size;
    this.version = 0;
    this.created = 0;
  }

  get alive(): boolean {
    return this.slot >= 0;
  }
}

/** Doubly linked recency list: head = least recently used. O(1) touch and evict. */
export class RecencyList {
  private readonly head: Entry;

  constructor() {
    this.head = new Entry("", 0, "string", "", 0);
    this.head.prev = this.head;
    this.head.next = this.head;
  }

  /** Moves (or adds) an entry to the most-recent end. */
  touch(e: Entry): void {
    const h = this.head;
    if (h.prev === e) return;
    if (e.prev) {
      e.prev.next = e.next;
      e.next!.prev = e.prev;
    }
    e.prev = h.prev;
    e.next = h;
    h.prev!.next = e;
    h.prev = e;
  }

  /** Removes an entry. */
  remove(e: Entry): void {
    if (!e.prev) return;
    e.prev.next = e.next;
    e.next!.prev = e.prev;
    e.prev = e.next = null;
  }

  /** Least recently used entries first. */
  *oldestFirst(): Generator<Entry> {
    for (let e = this.head.next!; e !== this.head; ) {
      const next = e.next!;
      yield e;
      e = next;
    }
  }

  clear(): void {
    this.head.prev = this.head;
    this.head.next = this.head;
  }
}
