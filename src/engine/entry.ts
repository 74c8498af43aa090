// One key of the store and the intrusive recency list that orders entries for LRU eviction.

import { byteLength } from "./bytes.ts";
import type { Deque } from "./deque.ts";
import type { JsonDoc } from "./json-doc.ts";
import type { SortedSet } from "./sorted-set.ts";
import type { Stream } from "./stream.ts";

export type ValueType =
  | "string"
  | "int"
  | "json"
  | "set"
  | "hash"
  | "list"
  | "zset"
  /** A RedisJSON document (JSON.SET), distinct from Light-Redis "json" values. */
  | "document"
  | "stream";

/** The value held by an entry, by type. */
export type ValueOf = {
  string: string;
  int: bigint;
  json: string; // canonical JSON text (spec §3.3)
  set: Set<string>;
  hash: Map<string, string>;
  list: Deque;
  zset: SortedSet;
  stream: Stream;
  document: JsonDoc;
};

/** Types whose members live in their own storage rows. */
export function isCollection(t: ValueType): boolean {
  return t === "set" || t === "hash" || t === "list" || t === "zset" || t === "stream";
}

/** Redis TYPE name of a value type (int and json are strings to Redis). */
export function typeName(t: ValueType): string {
  if (t === "document") return "ReJSON-RL";
  return t === "int" || t === "json" ? "string" : t;
}

/** Expiry times of the few entries that have one (most keys have none; a field would cost every key). */
const EXPIRY = new WeakMap<Entry, number>();

/** Access times are seconds since this base (2024-01-01), so they stay small integers (Smis). */
export const ATIME_BASE_SECONDS = 1704067200;

/**
 * One key. Kept to nine fields: memory per key is the store's main cost (issue 8 asks ≤ 100
 * bytes beyond the key and value), so derived facts are computed rather than stored.
 */
export class Entry {
  key: string;
  type: ValueType;
  value: ValueOf[ValueType];
  /** Payload bytes (spec §3.7); usage of the entry is ksize + size. */
  size: number;
  /** write_seq of the last modification (spec §13.2). */
  version: number;
  /** Creation order (spec §3.1); negated while the entry is deleted (its slot in the order array stays). */
  created: number;
  prev: Entry | null = null;
  next: Entry | null = null;
  /** Last access, seconds since ATIME_BASE_SECONDS (OBJECT IDLETIME); set by the recency list. */
  atime = 0;

  constructor(key: string, type: ValueType, value: ValueOf[ValueType], size: number) {
    this.key = key;
    this.type = type;
    this.value = value;
    this.size = size;
    this.version = 0;
    this.created = 0;
  }

  /** Bytes of the key. */
  get ksize(): number {
    return byteLength(this.key);
  }

  /** Unix ms, 0 = no expiry. */
  get expiresAt(): number {
    return EXPIRY.get(this) ?? 0;
  }

  set expiresAt(at: number) {
    if (at === 0) EXPIRY.delete(this);
    else EXPIRY.set(this, at);
  }

  /** False once deleted from the store. */
  get alive(): boolean {
    return this.created > 0;
  }
}

/** Doubly linked recency list: head = least recently used. O(1) touch and evict. */
export class RecencyList {
  private readonly head: Entry;
  /** The current time as an access time (see ATIME_BASE_SECONDS); the store sets it per batch. */
  clock = 0;

  constructor() {
    this.head = new Entry("", "string", "", 0);
    this.head.prev = this.head;
    this.head.next = this.head;
  }

  /** Moves (or adds) an entry to the most-recent end. */
  touch(e: Entry): void {
    e.atime = this.clock;
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
    for (let e = this.head.next!; e !== this.head;) {
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
