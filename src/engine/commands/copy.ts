// COPY (Redis 7.0.15 copyCommand): a deep copy of a value and its TTL, within a database or,
// through `copyEntry`, between the stores of two databases.

import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { JsonDoc, cloneJson } from "../json-doc.ts";
import { Stream } from "../stream.ts";
import { DATABASES } from "../../limits.ts";
import { Deque } from "../deque.ts";
import type { Entry, ValueOf, ValueType } from "../entry.ts";
import { Errors } from "../errors.ts";
import { parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { SortedSet } from "../sorted-set.ts";
import type { Store } from "../store.ts";
import { optionName } from "./redis-args.ts";
import { Notify, notifyIn } from "../keyspace-events.ts";

const SAME_OBJECT = "ERR source and destination objects are the same";
const DB_OUT_OF_RANGE = "ERR DB index is out of range";
const DB_NOT_INT = "ERR value is out of range, value must between -2147483648 and 2147483647";
/** Redis's `getIntFromObjectOrReply` range (a C int). */
const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

/** An independent copy of a value (collections are rebuilt, strings are immutable). */
export function cloneValue(type: ValueType, value: ValueOf[ValueType]): ValueOf[ValueType] {
  switch (type) {
    case "set":
      return new Set(value as Set<string>);
    case "hash":
      return new Map(value as Map<string, string>);
    case "list":
      return new Deque((value as Deque).slice());
    case "zset": {
      const z = value as SortedSet;
      const pairs: [string, number][] = [];
      z.forRange(0, z.size, (m, s) => pairs.push([m, s]));
      return SortedSet.fromEntries(pairs);
    }
    case "stream": {
      const from = value as Stream;
      const s = new Stream();
      s.nodeSize = from.nodeSize;
      for (const m of from.members()) s.loadMember(m, from.memberValue(m)!);
      s.finishLoad();
      return s;
    }
    case "document":
      return new JsonDoc(cloneJson((value as JsonDoc).root));
    default:
      return value;
  }
}

/**
 * Copies `src` to key `to` of store `dst` with its TTL; an existing destination is replaced
 * only with `replace`. Returns false when the destination exists and is kept.
 */
export function copyEntry(src: Entry, dst: Store, to: string, replace: boolean): boolean {
  const old = dst.get(to);
  if (old) {
    if (!replace) return false;
    dst.remove(old);
  }
  const e = dst.create(to, src.type, cloneValue(src.type, src.value), src.size);
  if (src.expiresAt !== 0) dst.setExpiry(e, src.expiresAt);
  return true;
}

/**
 * The store of database `db` for this connection. Only the current database exists here
 * until the engine has more than one; then this is where COPY finds another.
 */
export function storeOfDb(ctx: Ctx, db: number): Store | undefined {
  return db >= 0 && db < DATABASES ? ctx.engine.dbs.get(db) : undefined;
}

function copy(ctx: Ctx, argv: readonly string[]): Reply {
  let replace = false;
  let dst: Store = ctx.store;
  for (let j = 3; j < argv.length; j++) {
    const opt = optionName(argv[j]!);
    if (opt === "replace") replace = true;
    else if (opt === "db" && j + 1 < argv.length) {
      const n = parseStrictInt(argv[++j]!);
      if (n === undefined) throw Errors.notInteger();
      if (n < INT32_MIN || n > INT32_MAX) throw Errors.custom(DB_NOT_INT);
      const s = storeOfDb(ctx, Number(n));
      if (!s) throw Errors.custom(DB_OUT_OF_RANGE);
      dst = s;
    } else throw Errors.syntax();
  }
  const [, from, to] = argv as [string, string, string];
  if (dst === ctx.store && from === to) throw Errors.custom(SAME_OBJECT);
  const src = ctx.store.read(from);
  if (!src) return R.ZERO;
  if (!copyEntry(src, dst, to, replace)) return R.ZERO;
  notifyIn(ctx, dst, Notify.GENERIC, "copy_to", to);
  return R.ONE;
}

/** COPY. */
export const copyCommands: readonly CommandSpec[] = [
  command("copy", -3, "wm", [1, 2, 1], copy, {
    keyFlags: ["RO access", "OW update"],
    doc: {
      summary: "Copy a key",
      group: "generic",
      since: "6.2.0",
      params: "source destination [DB destination-db] [REPLACE]",
      differs: "DB names the current database only until databases other than 0 exist.",
    },
  }),
];
