// Redis BITFIELD and BITFIELD_RO (bitops.c `bitfieldGeneric`): every operation parsed before the
// key is touched, then GET / SET / INCRBY in order with the OVERFLOW behaviour in force.

import type { ByteView } from "../byte-view.ts";
import {
  getSignedBitfield,
  getUnsignedBitfield,
  setBitfield,
  signedOverflow,
  unsignedOverflow,
} from "../bitops.ts";
import type { Overflow } from "../bitops.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { parseInt64Arg, parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { bitOffset, bytesOf, openForBits, readEntry, save } from "./bit-args.ts";
import { cString, optionName } from "./redis-args.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";

/** One BITFIELD operation, parsed. */
interface FieldOp {
  readonly kind: "get" | "set" | "incrby";
  readonly signed: boolean;
  readonly bits: number;
  readonly offset: number;
  readonly value: bigint;
  readonly overflow: Overflow;
}

/** Redis `getBitfieldTypeFromArgument`: i1..i64 or u1..u63. */
function fieldType(arg: string): { signed: boolean; bits: number } {
  const t = cString(arg);
  const sign = t.charAt(0);
  const n = sign === "i" || sign === "u" ? parseStrictInt(t.slice(1)) : undefined;
  if (n === undefined || n < 1n || n > (sign === "i" ? 64n : 63n)) throw Errors.bitfieldType();
  return { signed: sign === "i", bits: Number(n) };
}

/** Parses BITFIELD's operations as `bitfieldGeneric` does, before touching the key. */
function parseFieldOps(argv: readonly string[]): { ops: FieldOp[]; maxbit: number } {
  const ops: FieldOp[] = [];
  let overflow: Overflow = "wrap";
  let maxbit = -1;
  for (let j = 2; j < argv.length; j++) {
    const rem = argv.length - j - 1;
    const sub = optionName(argv[j]!);
    let kind: FieldOp["kind"];
    if (sub === "get" && rem >= 2) kind = "get";
    else if (sub === "set" && rem >= 3) kind = "set";
    else if (sub === "incrby" && rem >= 3) kind = "incrby";
    else if (sub === "overflow" && rem >= 1) {
      const ow = optionName(argv[++j]!);
      if (ow !== "wrap" && ow !== "sat" && ow !== "fail") throw Errors.bitfieldOverflow();
      overflow = ow;
      continue;
    } else throw Errors.syntax();
    const { signed, bits } = fieldType(argv[j + 1]!);
    const offset = bitOffset(argv[j + 2]!, bits);
    let value = 0n;
    if (kind !== "get") {
      maxbit = Math.max(maxbit, offset + bits - 1);
      value = parseInt64Arg(argv[j + 3]!);
    }
    ops.push({ kind, signed, bits, offset, value, overflow });
    j += kind === "get" ? 2 : 3;
  }
  return { ops, maxbit };
}

/** One SET or INCRBY on the view: the reply (old or new value, nil on a FAIL overflow). */
function writeField(v: ByteView, op: FieldOp): Reply {
  const { bits, offset, overflow } = op;
  const put = (i: number, x: number) => v.set(i, x);
  let store: bigint;
  let ret: bigint;
  let dir: number;
  if (op.signed) {
    const old = getSignedBitfield(v.bytes, v.length, offset, bits);
    if (op.kind === "incrby") {
      const o = signedOverflow(old, op.value, bits, overflow);
      dir = o.dir;
      store = ret = dir ? o.limit : old + op.value;
    } else {
      const o = signedOverflow(op.value, 0n, bits, overflow);
      dir = o.dir;
      store = dir ? o.limit : op.value;
      ret = old;
    }
  } else {
    const old = getUnsignedBitfield(v.bytes, v.length, offset, bits);
    if (op.kind === "incrby") {
      const o = unsignedOverflow(old, op.value, bits, overflow);
      dir = o.dir;
      store = ret = dir ? o.limit : BigInt.asUintN(64, old + op.value);
    } else {
      const value = BigInt.asUintN(64, op.value);
      const o = unsignedOverflow(value, 0n, bits, overflow);
      dir = o.dir;
      store = dir ? o.limit : value;
      ret = old;
    }
  }
  if (dir && overflow === "fail") return R.NIL;
  setBitfield(v.bytes, offset, bits, store, put);
  return R.int(BigInt.asIntN(64, ret));
}

function readField(v: ByteView | undefined, op: FieldOp): Reply {
  const bytes = v ? v.bytes : new Uint8Array(0);
  const len = v ? v.length : 0;
  return R.int(
    op.signed
      ? getSignedBitfield(bytes, len, op.offset, op.bits)
      : getUnsignedBitfield(bytes, len, op.offset, op.bits),
  );
}

function bitfield(readOnly: boolean) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    const { ops, maxbit } = parseFieldOps(argv);
    if (maxbit < 0) {
      // Only GETs: a read, and a missing key reads as zeros; nothing changed.
      ctx.store.unchanged = true;
      const e = readEntry(ctx, argv[1]!);
      const v = e ? bytesOf(e) : undefined;
      return R.array(ops.map((op) => readField(v, op)));
    }
    if (readOnly) throw Errors.bitfieldReadOnly();
    const w = openForBits(ctx, argv[1]!, maxbit);
    const out = ops.map((op) => (op.kind === "get" ? readField(w.v, op) : writeField(w.v, op)));
    // Redis notifies when a SET or INCRBY changed a value, or the key was created or grown.
    const changed = w.v.pending;
    save(ctx, w); // the key is created or grown even when every write failed, as in Redis
    if (changed) notifyKeyspaceEvent(ctx, Notify.STRING, "setbit", argv[1]!);
    return R.array(out);
  };
}

const BITFIELD_PARAMS =
  "key [GET encoding offset|[OVERFLOW WRAP|SAT|FAIL] SET encoding offset value|INCRBY encoding offset increment [GET encoding offset|[OVERFLOW WRAP|SAT|FAIL] SET encoding offset value|INCRBY encoding offset increment ...]]";

/** BITFIELD and BITFIELD_RO. */
export const bitfieldCommands: readonly CommandSpec[] = [
  command("bitfield", -2, "w", [1, 1, 1], bitfield(false), {
    doc: {
      summary: "Perform arbitrary bitfield integer operations on strings",
      group: "bitmap",
      since: "3.2.0",
      params: BITFIELD_PARAMS,
    },
  }),
  command("bitfield_ro", -2, "r", [1, 1, 1], bitfield(true), {
    doc: {
      summary:
        "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
      group: "bitmap",
      since: "6.0.0",
      params: "key [GET encoding offset [GET encoding offset ...]]",
    },
  }),
];
