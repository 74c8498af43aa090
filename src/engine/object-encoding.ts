// The encoding Redis 7.0.15 would give a value of this size and content (OBJECT ENCODING,
// DEBUG OBJECT, DUMP): compact encodings under Redis's default thresholds, else the general one.
// Redis never converts back to the compact form when a value shrinks; this is the form a value
// freshly built with these members would have.

import { byteLength } from "./bytes.ts";
import type { Entry } from "./entry.ts";
import { parseStrictInt } from "./numbers.ts";
import type { SortedSet } from "./sorted-set.ts";
import {
  EMBSTR_SIZE_LIMIT,
  HASH_MAX_LISTPACK_ENTRIES,
  HASH_MAX_LISTPACK_VALUE,
  SET_MAX_INTSET_ENTRIES,
  ZSET_MAX_LISTPACK_ENTRIES,
  ZSET_MAX_LISTPACK_VALUE,
} from "../limits.ts";

/** Longest text Redis's string2l accepts for an int-encoded string. */
const INT_TEXT_MAX = 20;

export type Encoding =
  | "int"
  | "embstr"
  | "raw"
  | "quicklist"
  | "intset"
  | "hashtable"
  | "listpack"
  | "skiplist"
  | "stream";

/** The members of a set as an intset orders them (integers ascending), when it would be one. */
export function smallIntSetOrder(s: ReadonlySet<string>): string[] | undefined {
  if (s.size > SET_MAX_INTSET_ENTRIES) return undefined;
  const ints: bigint[] = [];
  for (const m of s) {
    const v = parseStrictInt(m);
    if (v === undefined) return undefined;
    ints.push(v);
  }
  ints.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return ints.map(String);
}

/** Encoding of a string value (tryObjectEncoding). */
export function stringEncoding(v: string): Encoding {
  if (v.length <= INT_TEXT_MAX && parseStrictInt(v) !== undefined) return "int";
  return byteLength(v) <= EMBSTR_SIZE_LIMIT ? "embstr" : "raw";
}

/** True when every field and value (or member) fits a listpack entry. */
function allShort(items: Iterable<string>, max: number): boolean {
  for (const x of items) if (x.length > max || byteLength(x) > max) return false;
  return true;
}

/** True when a hash would be a listpack. */
export function hashIsListpack(h: ReadonlyMap<string, string>): boolean {
  return (
    h.size <= HASH_MAX_LISTPACK_ENTRIES &&
    allShort(h.keys(), HASH_MAX_LISTPACK_VALUE) &&
    allShort(h.values(), HASH_MAX_LISTPACK_VALUE)
  );
}

/** True when a sorted set would be a listpack. */
export function zsetIsListpack(z: SortedSet): boolean {
  return z.size <= ZSET_MAX_LISTPACK_ENTRIES && allShort(z.scores.keys(), ZSET_MAX_LISTPACK_VALUE);
}

/** The OBJECT ENCODING of an entry. */
export function encodingOf(e: Entry): Encoding {
  switch (e.type) {
    case "int":
      return "int";
    case "string":
    case "json":
      return stringEncoding(e.value as string);
    case "list":
      return "quicklist";
    case "set":
      return smallIntSetOrder(e.value as Set<string>) ? "intset" : "hashtable";
    case "hash":
      return hashIsListpack(e.value as Map<string, string>) ? "listpack" : "hashtable";
    case "zset":
      return zsetIsListpack(e.value as SortedSet) ? "listpack" : "skiplist";
    case "stream":
      return "stream";
    case "document":
      return "raw"; // a module type's encoding, as Redis reports RedisJSON's
  }
}
