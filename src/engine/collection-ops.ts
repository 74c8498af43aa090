// Member-level changes of sets, hashes, lists and sorted sets. Each keeps usage, persistence
// records (one row per member, spec §13.2) and the undo journal in step, and deletes the key
// when its last member goes (collections never exist empty, spec §3.2).

import { byteLength } from "./bytes.ts";
import { Deque } from "./deque.ts";
import type { Entry, ValueType } from "./entry.ts";
import { fieldExpiry, moveFieldTtls, putFieldExpiry } from "./field-expiry.ts";
import { SortedSet } from "./sorted-set.ts";
import type { EntryWrites } from "./entry-writes.ts";

/** Creates an empty collection; the caller adds a member in the same command. */
export function createCollection(store: EntryWrites, key: string, type: ValueType): Entry {
  const value =
    type === "set"
      ? new Set<string>()
      : type === "hash"
        ? new Map<string, string>()
        : type === "list"
          ? new Deque()
          : new SortedSet();
  return store.create(key, type, value, 0);
}

function dropIfEmpty(store: EntryWrites, e: Entry, size: number): void {
  if (size === 0 && e.alive) store.remove(e);
}

/** SADD one member; true if added. */
export function setAdd(store: EntryWrites, e: Entry, m: string): boolean {
  const s = e.value as Set<string>;
  if (s.has(m)) return false;
  store.noteChange(e);
  s.add(m);
  store.changes.member(e.key, m);
  store.resize(e, byteLength(m));
  store.onUndo(() => s.delete(m));
  return true;
}

/** SREM one member; true if removed. */
export function setRemove(store: EntryWrites, e: Entry, m: string): boolean {
  const s = e.value as Set<string>;
  if (!s.has(m)) return false;
  // Undo must put the member back in its place; only needed under a memory limit.
  const before = store.journaling ? [...s] : null;
  store.noteChange(e);
  s.delete(m);
  store.changes.member(e.key, m);
  store.resize(e, -byteLength(m));
  store.onUndo(() => {
    s.clear();
    for (const x of before!) s.add(x);
  });
  dropIfEmpty(store, e, s.size);
  return true;
}

/**
 * HSET one field; true if the field is new. A new value discards the field's TTL as Redis's
 * HSET does, unless `keepTtl` (HINCRBY, HSETEX KEEPTTL).
 */
export function hashPut(
  store: EntryWrites,
  e: Entry,
  f: string,
  v: string,
  keepTtl = false,
): boolean {
  const h = e.value as Map<string, string>;
  const old = h.get(f);
  if (!keepTtl) hashSetFieldExpiry(store, e, f, 0);
  if (old === v) {
    store.noteChange(e);
    return false;
  }
  store.noteChange(e);
  h.set(f, v);
  store.changes.member(e.key, f);
  store.resize(
    e,
    old === undefined ? byteLength(f) + byteLength(v) : byteLength(v) - byteLength(old),
  );
  store.onUndo(() => (old === undefined ? h.delete(f) : h.set(f, old)));
  return old === undefined;
}

/** HDEL one field; true if removed. */
export function hashDelete(store: EntryWrites, e: Entry, f: string): boolean {
  const h = e.value as Map<string, string>;
  const old = h.get(f);
  if (old === undefined) return false;
  const before = store.journaling ? [...h] : null;
  hashSetFieldExpiry(store, e, f, 0);
  store.noteChange(e);
  h.delete(f);
  store.changes.member(e.key, f);
  store.resize(e, -(byteLength(f) + byteLength(old)));
  store.onUndo(() => {
    h.clear();
    for (const [k, v] of before!) h.set(k, v);
  });
  dropIfEmpty(store, e, h.size);
  return true;
}

/**
 * Sets (or clears, with 0) the expiry of an existing hash field: recorded for persistence (the
 * member row carries it), undone with the command, and queued for the purge.
 */
export function hashSetFieldExpiry(store: EntryWrites, e: Entry, f: string, at: number): void {
  const old = fieldExpiry(e, f);
  if (old === at) return;
  store.noteChange(e);
  store.changes.member(e.key, f);
  putFieldExpiry(e, f, at);
  if (at !== 0) store.fieldExpiries.push(at, e, f);
  store.onUndo(() => {
    putFieldExpiry(e, f, old);
    if (old !== 0) store.fieldExpiries.push(old, e, f);
  });
}

/** RENAME of a hash: its field TTLs go with the value to the new entry. */
export function moveHashFieldTtls(store: EntryWrites, from: Entry, to: Entry): void {
  const m = moveFieldTtls(from, to);
  if (m) for (const [f, at] of m) store.fieldExpiries.push(at, to, f);
}

/** LPUSH/RPUSH one element. */
export function listPush(store: EntryWrites, e: Entry, left: boolean, v: string): void {
  const d = e.value as Deque;
  store.noteChange(e);
  if (left) d.pushLeft(v);
  else d.pushRight(v);
  store.changes.position(e.key, left ? d.head : d.head + d.length - 1);
  store.resize(e, byteLength(v));
  store.onUndo(() => (left ? d.popLeft() : d.popRight()));
}

/** LPOP/RPOP one element. */
export function listPop(store: EntryWrites, e: Entry, left: boolean): string | undefined {
  const d = e.value as Deque;
  if (d.length === 0) return undefined;
  store.noteChange(e);
  const pos = left ? d.head : d.head + d.length - 1;
  const v = (left ? d.popLeft() : d.popRight())!;
  store.changes.position(e.key, pos);
  store.resize(e, -byteLength(v));
  store.onUndo(() => (left ? d.pushLeft(v) : d.pushRight(v)));
  dropIfEmpty(store, e, d.length);
  return v;
}

/** LSET: replaces element i (in range). */
export function listSet(store: EntryWrites, e: Entry, i: number, v: string): void {
  const d = e.value as Deque;
  const old = d.at(i)!;
  store.noteChange(e);
  d.set(i, v);
  store.changes.position(e.key, d.head + i);
  store.resize(e, byteLength(v) - byteLength(old));
  store.onUndo(() => d.set(i, old));
}

/** Replaces all elements (LINSERT, LREM, LTRIM): positions are renumbered. */
export function listReplace(store: EntryWrites, e: Entry, items: readonly string[]): void {
  const d = e.value as Deque;
  const before = d.slice();
  const head = d.head;
  store.noteChange(e);
  store.changes.rewrite(e.key, "list");
  let size = 0;
  for (const x of items) size += byteLength(x);
  d.reset(items);
  store.resize(e, size - e.size);
  store.onUndo(() => d.reset(before, head));
  dropIfEmpty(store, e, d.length);
}

/** ZADD one member; true if the member is new. */
export function zsetPut(store: EntryWrites, e: Entry, m: string, score: number): boolean {
  const z = e.value as SortedSet;
  const old = z.score(m);
  if (old === score) return false;
  store.noteChange(e);
  z.set(m, score);
  store.changes.member(e.key, m);
  if (old === undefined) store.resize(e, byteLength(m));
  store.onUndo(() => (old === undefined ? z.delete(m) : z.set(m, old)));
  return old === undefined;
}

/** ZREM one member; true if removed. */
export function zsetDelete(store: EntryWrites, e: Entry, m: string): boolean {
  const z = e.value as SortedSet;
  const old = z.score(m);
  if (old === undefined) return false;
  store.noteChange(e);
  z.delete(m);
  store.changes.member(e.key, m);
  store.resize(e, -byteLength(m));
  store.onUndo(() => z.set(m, old));
  dropIfEmpty(store, e, z.size);
  return true;
}
