// Redis HyperLogLog commands (hyperloglog.c): PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST.
// An HLL is a string value in Redis's own layout (../hyperloglog.ts), so GET/SET copies of it
// move between redis-server and here unchanged.

import { toBytes } from "../bytes.ts";
import { ByteView, keepView, viewOf } from "../byte-view.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import type { Entry } from "../entry.ts";
import { Errors } from "../errors.ts";
import {
  HLL_DENSE,
  HLL_REGISTERS,
  HLL_SPARSE,
  cachedCard,
  denseSet,
  encodingOf,
  invalidateCard,
  isHll,
  newHll,
  setCachedCard,
} from "../hll-layout.ts";
import { SparseIndex, sparseSet, sparseToDense } from "../hll-sparse.ts";
import {
  decodeSparse,
  denseRegisters,
  hllAdd,
  hllCount,
  hllMerge,
  rawCount,
  selfTest,
} from "../hyperloglog.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { HLL_SPARSE_MAX_BYTES } from "../../limits.ts";
import { isStringLike } from "./access.ts";
import { cString, optionName } from "./redis-args.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";

/** hll-sparse-max-bytes (Redis's default; not configurable yet). */
const sparseMax = HLL_SPARSE_MAX_BYTES;

/** Redis `isHLLObjectOrReply`: the view of a valid HLL value, else WRONGTYPE. */
function hllOf(e: Entry): ByteView {
  if (!isStringLike(e.type)) throw Errors.wrongType();
  // An int value is never an HLL (Redis: not an sds-encoded string).
  if (e.type === "int") throw Errors.notHll();
  const v = viewOf(e, e.value as string);
  if (!isHll(v.bytes, v.length)) throw Errors.notHll();
  keepView(e, v);
  return v;
}

/** Writes an HLL view back as the key's string (TTL kept), creating the key if needed. */
function save(ctx: Ctx, key: string, e: Entry | undefined, v: ByteView): void {
  const s = v.commit();
  if (e) ctx.store.replace(e, "string", s, v.length, true);
  else e = ctx.store.create(key, "string", s, v.length);
  keepView(e, v);
}

/** Reused for short ASCII elements, the usual case, to hash them without allocating. */
const scratch = new Uint8Array(64);

/** The bytes of an element: a view of `scratch` when it is short ASCII text. */
function elementBytes(s: string): Uint8Array {
  const n = s.length;
  if (n <= scratch.length) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      scratch[i] = c;
    }
    if (i === n) return scratch.subarray(0, n);
  }
  return toBytes(s);
}

function pfadd(ctx: Ctx, argv: readonly string[]): Reply {
  const key = argv[1]!;
  const e = ctx.store.get(key);
  const v = e ? hllOf(e) : ByteView.fromBytes(newHll());
  let updated = e ? 0 : 1;
  const ix = new SparseIndex();
  for (let i = 2; i < argv.length; i++) {
    const ele = elementBytes(argv[i]!);
    const r = hllAdd(v, ele, ele.length, sparseMax, ix);
    if (r === -1) {
      // Redis edits the value in place: what the elements before changed stays changed.
      if (v.pending) save(ctx, key, e, v);
      throw Errors.hllCorrupt();
    }
    updated += r;
  }
  if (!updated) return R.ZERO;
  invalidateCard(v);
  save(ctx, key, e, v);
  notifyKeyspaceEvent(ctx, Notify.STRING, "pfadd", key);
  return R.ONE;
}

function pfcount(ctx: Ctx, argv: readonly string[]): Reply {
  if (argv.length > 2) {
    // The cardinality of the union: registers merged into one raw array.
    const max = new Uint8Array(HLL_REGISTERS);
    for (let i = 1; i < argv.length; i++) {
      const e = ctx.store.read(argv[i]!);
      if (!e) continue;
      const v = hllOf(e);
      if (!hllMerge(max, v.bytes, v.length)) throw Errors.hllCorrupt();
    }
    return R.int(rawCount(max));
  }
  const e = ctx.store.read(argv[1]!);
  if (!e) return R.ZERO;
  const v = hllOf(e);
  const cached = cachedCard(v.bytes);
  if (cached !== undefined) return R.int(cached);
  const card = hllCount(v.bytes, v.length);
  if (card === undefined) throw Errors.hllCorrupt();
  // The cached cardinality is part of the value: a read that refreshes it writes the key.
  setCachedCard(v, card);
  save(ctx, argv[1]!, e, v);
  return R.int(card);
}

function pfmerge(ctx: Ctx, argv: readonly string[]): Reply {
  const max = new Uint8Array(HLL_REGISTERS);
  let dense = false;
  // The destination is merged too (it is argument 1, like the sources).
  for (let i = 1; i < argv.length; i++) {
    const e = ctx.store.read(argv[i]!);
    if (!e) continue;
    const v = hllOf(e);
    if (encodingOf(v.bytes) === HLL_DENSE) dense = true;
    if (!hllMerge(max, v.bytes, v.length)) throw Errors.hllCorrupt();
  }
  const key = argv[1]!;
  const e = ctx.store.get(key);
  const v = e ? hllOf(e) : ByteView.fromBytes(newHll());
  if (dense && !sparseToDense(v)) throw Errors.hllCorrupt();
  const ix = new SparseIndex();
  for (let j = 0; j < HLL_REGISTERS; j++) {
    if (max[j] === 0) continue;
    if (encodingOf(v.bytes) === HLL_DENSE) denseSet(v, j, max[j]!);
    else sparseSet(v, j, max[j]!, sparseMax, ix);
  }
  invalidateCard(v);
  save(ctx, key, e, v);
  notifyKeyspaceEvent(ctx, Notify.STRING, "pfadd", key);
  return R.OK;
}

function pfdebug(ctx: Ctx, argv: readonly string[]): Reply {
  const key = argv[2]!;
  const e = ctx.store.get(key);
  if (!e) throw Errors.hllNoKey();
  const v = hllOf(e);
  const toDense = (): boolean => {
    if (encodingOf(v.bytes) !== HLL_SPARSE) return false;
    if (!sparseToDense(v)) throw Errors.hllCorrupt();
    save(ctx, key, e, v);
    return true;
  };
  switch (optionName(argv[1]!)) {
    case "getreg":
      toDense();
      return R.array(denseRegisters(v.bytes).map((r) => R.int(r)));
    case "decode":
      if (encodingOf(v.bytes) !== HLL_SPARSE) throw Errors.hllNotSparse();
      return R.bulk(decodeSparse(v.bytes, v.length));
    case "encoding":
      return R.status(encodingOf(v.bytes) === HLL_DENSE ? "dense" : "sparse");
    case "todense":
      return toDense() ? R.ONE : R.ZERO;
    default:
      throw Errors.pfdebugUnknown(cString(argv[1]!));
  }
}

function pfselftest(): Reply {
  const failure = selfTest(sparseMax);
  return failure ? R.error(Errors.custom(`ERR ${failure}`)) : R.OK;
}

/** Every command of the hyperloglog group. */
export const hyperloglogCommands: readonly CommandSpec[] = [
  command("pfadd", -2, "w", [1, 1, 1], pfadd, {
    doc: {
      summary: "Adds the specified elements to the specified HyperLogLog.",
      group: "hyperloglog",
      since: "2.8.9",
      params: "key [element [element ...]]",
    },
  }),
  command("pfcount", -2, "r", [1, -1, 1], pfcount, {
    doc: {
      summary:
        "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
      group: "hyperloglog",
      since: "2.8.9",
      params: "key [key ...]",
    },
  }),
  command("pfmerge", -2, "w", [1, -1, 1], pfmerge, {
    doc: {
      summary: "Merge N different HyperLogLogs into a single one.",
      group: "hyperloglog",
      since: "2.8.9",
      params: "destkey sourcekey [sourcekey ...]",
    },
  }),
  command("pfdebug", 3, "wa", [2, 2, 1], pfdebug, {
    doc: {
      summary: "Internal commands for debugging HyperLogLog values",
      group: "hyperloglog",
      since: "2.8.9",
      params: "subcommand key",
    },
  }),
  command("pfselftest", 1, "a", null, pfselftest, {
    route: { kind: "local" },
    doc: {
      summary: "An internal command for testing HyperLogLog values",
      group: "hyperloglog",
      since: "2.8.9",
      params: "",
      differs:
        "Checks 10 register round-trips and cardinalities up to 100,000 (Redis: 1,000 and 10,000,000), to stay within a request's time.",
    },
  }),
];
