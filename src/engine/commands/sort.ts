// SORT and SORT_RO (Redis 7.0.15 sort.c): BY and GET patterns (`*` substituted, `->field` of a
// hash, `#` the element itself), LIMIT, ASC/DESC, ALPHA, STORE. Replies and errors as Redis's.

import { byteLength, compareBytes } from "../bytes.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { Deque } from "../deque.ts";
import { Errors } from "../errors.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { SortedSet } from "../sorted-set.ts";
import { parseIntArg } from "../numbers.ts";
import { optionName } from "./redis-args.ts";
import { cStrtod, patternValue, pqsort } from "./sort-patterns.ts";
import { smallIntSetOrder } from "../object-encoding.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";

const NOT_DOUBLE = "ERR One or more scores can't be converted into double";
const BY_DENIED = "ERR BY option of SORT denied in Cluster mode.";
const GET_DENIED = "ERR GET option of SORT denied in Cluster mode.";

interface SortOptions {
  desc: boolean;
  alpha: boolean;
  limitStart: number;
  limitCount: number;
  by: string | undefined;
  dontsort: boolean;
  gets: string[];
  store: string | undefined;
}

/** One element to sort with its weight (a number, or a compare string for ALPHA BY). */
interface Item {
  obj: string;
  score: number;
  cmp: string | undefined;
}

/** Parses SORT's options as sortCommandGeneric does (a sharded namespace refuses patterns). */
function parseOptions(ctx: Ctx, argv: readonly string[], readonly: boolean): SortOptions {
  const o: SortOptions = {
    desc: false,
    alpha: false,
    limitStart: 0,
    limitCount: -1,
    by: undefined,
    dontsort: false,
    gets: [],
    store: undefined,
  };
  const sharded = ctx.engine.sharded;
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = optionName(argv[j]!);
    if (opt === "asc") o.desc = false;
    else if (opt === "desc") o.desc = true;
    else if (opt === "alpha") o.alpha = true;
    else if (opt === "limit" && left >= 2) {
      o.limitStart = parseIntArg(argv[j + 1]!);
      o.limitCount = parseIntArg(argv[j + 2]!);
      j += 2;
    } else if (!readonly && opt === "store" && left >= 1) {
      o.store = argv[++j]!;
    } else if (opt === "by" && left >= 1) {
      o.by = argv[++j]!;
      // A BY pattern without '*' is constant: nothing to sort by (e.g. `BY nosort`).
      if (!o.by.includes("*")) o.dontsort = true;
      else if (sharded) throw Errors.custom(BY_DENIED);
    } else if (opt === "get" && left >= 1) {
      if (sharded) throw Errors.custom(GET_DENIED);
      o.gets.push(argv[++j]!);
    } else throw Errors.syntax();
  }
  return o;
}

/** The elements of the value to sort, as sortCommandGeneric loads its vector. */
function elementsOf(ctx: Ctx, key: string): { items: string[]; ordered: boolean } {
  const e = ctx.store.read(key);
  if (!e) return { items: [], ordered: true };
  switch (e.type) {
    case "list":
      return { items: (e.value as Deque).slice(), ordered: true };
    case "zset": {
      const z = e.value as SortedSet;
      return { items: z.slice(0, z.size), ordered: true };
    }
    case "set": {
      const s = e.value as Set<string>;
      // An intset iterates in integer order; our sets keep insertion order otherwise.
      return { items: smallIntSetOrder(s) ?? [...s], ordered: false };
    }
    default:
      throw Errors.wrongType();
  }
}

/** Redis's sortCompare for numeric sorting: by score, ties by the elements' bytes. */
function numericCompare(a: Item, b: Item): number {
  if (a.score > b.score) return 1;
  if (a.score < b.score) return -1;
  return compareBytes(a.obj, b.obj);
}

/** ALPHA BY: a missing weight sorts first; equal weights are equal (qsort leaves them unordered). */
function alphaByCompare(a: Item, b: Item): number {
  if (a.cmp === undefined || b.cmp === undefined) {
    if (a.cmp === b.cmp) return 0;
    return a.cmp === undefined ? -1 : 1;
  }
  return compareBytes(a.cmp, b.cmp);
}

const alphaCompare = (a: Item, b: Item): number => compareBytes(a.obj, b.obj);

function sortGeneric(ctx: Ctx, argv: readonly string[], readonly: boolean): Reply {
  const o = parseOptions(ctx, argv, readonly);
  let { items, ordered } = elementsOf(ctx, argv[1]!);
  // A set returned unsorted into a STORE or to a script would depend on hash order (replicas
  // and AOF must see the same): Redis sorts it ALPHA.
  if (o.dontsort && !ordered && (o.store !== undefined || ctx.conn.script)) {
    o.dontsort = false;
    o.alpha = true;
    o.by = undefined;
  }
  const len = items.length;
  let start = Math.min(Math.max(o.limitStart, 0), len);
  const count = Math.min(Math.max(o.limitCount, -1), len);
  let end = count < 0 ? len - 1 : start + count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;

  let out: string[];
  if (o.dontsort) {
    // Lists and sorted sets keep their order, reversed by DESC; a set's order is its own.
    if (ordered && o.desc) items = items.reverse();
    out = end >= start ? items.slice(start, end + 1) : [];
  } else {
    const vector: Item[] = items.map((obj) => ({ obj, score: 0, cmp: undefined }));
    let convError = false;
    for (const it of vector) {
      let w: string | undefined = it.obj;
      if (o.by !== undefined) {
        w = patternValue(ctx, o.by, it.obj);
        if (w === undefined) continue;
      }
      if (o.alpha) {
        if (o.by !== undefined) it.cmp = w;
      } else {
        const v = cStrtod(w);
        if (v === undefined) convError = true;
        else it.score = v;
      }
    }
    const cmp = !o.alpha ? numericCompare : o.by !== undefined ? alphaByCompare : alphaCompare;
    const ordered = o.desc ? (a: Item, b: Item) => -cmp(a, b) : cmp;
    // As sortCommandGeneric: a partial quicksort for BY with a LIMIT, else glibc's stable sort.
    if (o.by !== undefined && (start !== 0 || end !== len - 1)) pqsort(vector, ordered, start, end);
    else vector.sort(ordered);
    if (convError) throw Errors.custom(NOT_DOUBLE);
    out = end >= start ? vector.slice(start, end + 1).map((it) => it.obj) : [];
  }

  if (o.store === undefined) {
    if (o.gets.length === 0) return R.bulks(out);
    const reply: Reply[] = [];
    for (const obj of out) {
      for (const g of o.gets) reply.push(R.bulkOrNil(patternValue(ctx, g, obj)));
    }
    return R.array(reply);
  }
  let stored = out;
  if (o.gets.length > 0) {
    stored = [];
    for (const obj of out) for (const g of o.gets) stored.push(patternValue(ctx, g, obj) ?? "");
  }
  storeList(ctx, o.store, stored);
  return R.int(stored.length);
}

/** STORE: the result replaces the destination as a list (no TTL); an empty result deletes it. */
function storeList(ctx: Ctx, key: string, items: readonly string[]): void {
  const store = ctx.store;
  if (items.length === 0) {
    const old = store.get(key);
    if (old) {
      store.remove(old);
      notifyKeyspaceEvent(ctx, Notify.GENERIC, "del", key);
    }
    return;
  }
  let size = 0;
  for (const x of items) size += byteLength(x);
  const old = store.get(key);
  if (old) store.remove(old);
  store.create(key, "list", new Deque(items), size);
  notifyKeyspaceEvent(ctx, Notify.LIST, "sortstore", key);
}

/**
 * SORT's key positions beyond the sorted key: the last STORE destination (Redis sortGetKeys,
 * which skips LIMIT's, BY's and GET's arguments but not STORE's, so "store store k" names k).
 */
export function sortStoreKeys(argv: readonly string[]): number[] {
  let at = -1;
  for (let j = 2; j < argv.length; j++) {
    const opt = optionName(argv[j]!);
    if (opt === "limit") j += 2;
    else if (opt === "by" || opt === "get") j += 1;
    else if (opt === "store" && j + 1 < argv.length) at = j + 1;
  }
  return at < 0 ? [] : [at];
}

const SORT_PARAMS =
  "key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA] [STORE destination]";
const SHARDED_DIFFERS =
  "In a sharded namespace BY (with '*') and GET patterns are refused, as Redis Cluster refuses them (the keys they name may live on other shards).";

/** SORT and SORT_RO. */
export const sortCommands: readonly CommandSpec[] = [
  command("sort", -2, "wm", [1, 1, 1], (ctx, argv) => sortGeneric(ctx, argv, false), {
    keysOf: sortStoreKeys,
    keyFlags: (argv) => ["RO access", ...sortStoreKeys(argv).map(() => "OW update")],
    doc: {
      summary: "Sort the elements in a list, set or sorted set",
      group: "generic",
      since: "1.0.0",
      params: SORT_PARAMS,
      differs: SHARDED_DIFFERS,
    },
  }),
  command("sort_ro", -2, "r", [1, 1, 1], (ctx, argv) => sortGeneric(ctx, argv, true), {
    doc: {
      summary: "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
      group: "generic",
      since: "7.0.0",
      params:
        "key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA]",
      differs: SHARDED_DIFFERS,
    },
    // Movable like Redis's: the keys its BY/GET patterns name derive from the sorted values.
    keysOf: () => [],
  }),
];
