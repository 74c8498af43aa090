// Redis bitmap commands (bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and
// BITFIELD_RO, on string values written by any door (an int or json value reads as its text and
// becomes a plain string once a bit is written). Argument checks come in Redis's order, so the
// same bad command line gets the same error.

import { fromBytes } from "../bytes.ts";
import { ByteView, keepView, viewOf } from "../byte-view.ts";
import {
  bitop,
  bitpos,
  getSignedBitfield,
  getUnsignedBitfield,
  popcount,
  setBitfield,
  signedOverflow,
  unsignedOverflow,
} from "../bitops.ts";
import type { BitOp, Overflow } from "../bitops.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import type { Entry } from "../entry.ts";
import { Errors } from "../errors.ts";
import { parseInt64Arg, parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { BIT_OFFSET_MAX_BYTES } from "../../limits.ts";
import { isStringLike, stringOf } from "./access.ts";
import { cString, optionName } from "./redis-args.ts";

const BIT_OFFSET_LIMIT = BigInt(BIT_OFFSET_MAX_BYTES) * 8n;

/**
 * Redis `getBitOffsetFromArgument`: a bit offset, or with `bits` (BITFIELD) also `#n` meaning
 * n * bits. Negative, non-integer and past-512MB offsets are "bit offset ... out of range".
 */
function bitOffset(arg: string, bits = 0): number {
  const hash = bits > 0 && arg.charCodeAt(0) === 0x23; // '#'
  let v = parseStrictInt(hash ? arg.slice(1) : arg);
  if (v === undefined) throw Errors.bitOffset();
  if (hash) v = BigInt.asIntN(64, v * BigInt(bits)); // C's long long multiply wraps
  if (v < 0n || v >= BIT_OFFSET_LIMIT) throw Errors.bitOffset();
  return Number(v);
}

/** The entry of a key read by a bit command: undefined when missing, WRONGTYPE for collections. */
function readEntry(ctx: Ctx, key: string): Entry | undefined {
  const e = ctx.store.read(key);
  if (e && !isStringLike(e.type)) throw Errors.wrongType();
  return e;
}

/** The bytes of a string-like entry, through the view cache. */
function bytesOf(e: Entry): ByteView {
  const v = viewOf(e, stringOf(e));
  keepView(e, v);
  return v;
}

/** A key's string opened for writing up to bit `maxbit` (Redis `lookupStringForBitCommand`). */
interface Writable {
  readonly key: string;
  readonly e: Entry | undefined;
  readonly v: ByteView;
}

function openForBits(ctx: Ctx, key: string, maxbit: number): Writable {
  const e = ctx.store.get(key);
  if (e && !isStringLike(e.type)) throw Errors.wrongType();
  const need = Math.floor(maxbit / 8) + 1;
  const v = e ? viewOf(e, stringOf(e)) : ByteView.of("");
  if (need > v.length) {
    if (need > ctx.engine.valueMax) throw Errors.stringTooLong();
    v.grow(need);
  }
  return { key, e, v };
}

/** Writes the view back as the key's string (TTL kept) when anything changed or grew. */
function save(ctx: Ctx, w: Writable): void {
  if (!w.v.pending) return;
  const s = w.v.commit();
  let e = w.e;
  if (e) ctx.store.replace(e, "string", s, w.v.length, true);
  else e = ctx.store.create(w.key, "string", s, w.v.length);
  keepView(e, w.v);
}

function setbit(ctx: Ctx, argv: readonly string[]): Reply {
  const offset = bitOffset(argv[2]!);
  const on = parseStrictInt(argv[3]!);
  if (on === undefined || (on !== 0n && on !== 1n)) throw Errors.bitValue();
  const w = openForBits(ctx, argv[1]!, offset);
  const byte = offset >>> 3;
  const mask = 1 << (7 - (offset & 7));
  const old = w.v.bytes[byte]!;
  w.v.set(byte, on ? old | mask : old & ~mask);
  save(ctx, w);
  return old & mask ? R.ONE : R.ZERO;
}

function getbit(ctx: Ctx, argv: readonly string[]): Reply {
  const offset = bitOffset(argv[2]!);
  const e = readEntry(ctx, argv[1]!);
  if (!e) return R.ZERO;
  const v = bytesOf(e);
  return v.get(offset >>> 3) & (1 << (7 - (offset & 7))) ? R.ONE : R.ZERO;
}

/** BIT or BYTE (strcasecmp); anything else is a syntax error. */
function isBitUnit(arg: string): boolean {
  const u = optionName(arg);
  if (u === "bit") return true;
  if (u === "byte") return false;
  throw Errors.syntax();
}

/** Masks of the bits outside a BIT range in its first and last byte (Redis's neg masks). */
function edgeMasks(start: bigint, end: bigint): [number, number] {
  const s = Number(start & 7n);
  const e = Number(end & 7n);
  return [~((1 << (8 - s)) - 1) & 0xff, (1 << (7 - e)) - 1];
}

function bitcount(ctx: Ctx, argv: readonly string[]): Reply {
  const e = readEntry(ctx, argv[1]!);
  if (!e) return R.ZERO;
  const v = bytesOf(e);
  const strlen = BigInt(v.length);
  let start: bigint;
  let end: bigint;
  let firstMask = 0;
  let lastMask = 0;
  if (argv.length === 4 || argv.length === 5) {
    start = parseInt64Arg(argv[2]!);
    end = parseInt64Arg(argv[3]!);
    if (start < 0n && end < 0n && start > end) return R.ZERO;
    const isBit = argv.length === 5 && isBitUnit(argv[4]!);
    const total = isBit ? strlen * 8n : strlen;
    if (start < 0n) start += total;
    if (end < 0n) end += total;
    if (start < 0n) start = 0n;
    if (end < 0n) end = 0n;
    if (end >= total) end = total - 1n;
    if (isBit && start <= end) {
      [firstMask, lastMask] = edgeMasks(start, end);
      start >>= 3n;
      end >>= 3n;
    }
  } else if (argv.length === 2) {
    start = 0n;
    end = strlen - 1n;
  } else {
    throw Errors.syntax();
  }
  if (start > end) return R.ZERO;
  const from = Number(start);
  const to = Number(end);
  let count = popcount(v.bytes, from, to - from + 1);
  // Bits of the edge bytes outside the BIT range were counted: take them off.
  if (firstMask) count -= popcount(Uint8Array.of(v.bytes[from]! & firstMask), 0, 1);
  if (lastMask) count -= popcount(Uint8Array.of(v.bytes[to]! & lastMask), 0, 1);
  return R.int(count);
}

function bitposCmd(ctx: Ctx, argv: readonly string[]): Reply {
  const bitArg = parseInt64Arg(argv[2]!);
  if (bitArg !== 0n && bitArg !== 1n) throw Errors.bitArgument();
  const bit = bitArg === 1n ? 1 : 0;
  const e = readEntry(ctx, argv[1]!);
  if (!e) return R.int(bit ? -1 : 0);
  const v = bytesOf(e);
  const p = v.bytes;
  let start: bigint;
  let end: bigint;
  let endGiven = false;
  let firstMask = 0;
  let lastMask = 0;
  if (argv.length >= 4 && argv.length <= 6) {
    let total = BigInt(v.length);
    start = parseInt64Arg(argv[3]!);
    const isBit = argv.length === 6 && isBitUnit(argv[5]!);
    if (argv.length >= 5) {
      end = parseInt64Arg(argv[4]!);
      endGiven = true;
    } else {
      end = isBit ? total * 8n + 7n : total - 1n;
    }
    if (isBit) total *= 8n;
    if (start < 0n) start += total;
    if (end < 0n) end += total;
    if (start < 0n) start = 0n;
    if (end < 0n) end = 0n;
    if (end >= total) end = total - 1n;
    if (isBit && start <= end) {
      [firstMask, lastMask] = edgeMasks(start, end);
      start >>= 3n;
      end >>= 3n;
    }
  } else if (argv.length === 3) {
    start = 0n;
    end = BigInt(v.length) - 1n;
  } else {
    throw Errors.syntax();
  }
  if (start > end) return R.int(-1);
  // Redis's three steps: the masked first byte, the whole bytes, the masked last byte.
  let from = Number(start);
  const last = Number(end);
  let bytes = last - from + 1;
  let pos: number;
  done: {
    if (firstMask) {
      let c = bit ? p[from]! & ~firstMask : p[from]! | firstMask;
      if (lastMask && bytes === 1) c = bit ? c & ~lastMask : c | lastMask;
      pos = bitpos(Uint8Array.of(c & 0xff), 0, 1, bit);
      if (bytes === 1 || (pos !== -1 && pos !== 8)) break done;
      from++;
      bytes--;
    }
    const whole = bytes - (lastMask ? 1 : 0);
    if (whole > 0) {
      pos = bitpos(p, from, whole, bit);
      if (bytes === whole || (pos !== -1 && pos !== whole * 8)) break done;
      from += whole;
      bytes -= whole;
    }
    const c = bit ? p[last]! & ~lastMask : p[last]! | lastMask;
    pos = bitpos(Uint8Array.of(c & 0xff), 0, 1, bit);
  }
  // With an explicit end, running off the range while looking for a 0 finds nothing.
  if (endGiven && bit === 0 && pos === bytes * 8) return R.int(-1);
  return R.int(pos === -1 ? -1 : pos + from * 8);
}

function bitopCmd(ctx: Ctx, argv: readonly string[]): Reply {
  const name = optionName(argv[1]!);
  if (name !== "and" && name !== "or" && name !== "xor" && name !== "not") throw Errors.syntax();
  const op: BitOp = name;
  if (op === "not" && argv.length !== 4) throw Errors.bitopNotArity();
  const sources: Uint8Array[] = [];
  let maxlen = 0;
  for (let i = 3; i < argv.length; i++) {
    const e = readEntry(ctx, argv[i]!);
    const b = e ? bytesOf(e) : undefined;
    const bytes = b ? b.bytes.subarray(0, b.length) : new Uint8Array(0);
    sources.push(bytes);
    if (bytes.length > maxlen) maxlen = bytes.length;
  }
  const dest = argv[2]!;
  if (maxlen === 0) {
    const d = ctx.store.get(dest);
    if (d) ctx.store.remove(d);
    return R.ZERO;
  }
  const s = fromBytes(bitop(op, sources, maxlen));
  ctx.store.put(dest, "string", s, maxlen);
  return R.int(maxlen);
}

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
      // Only GETs: a read, and a missing key reads as zeros.
      const e = readEntry(ctx, argv[1]!);
      const v = e ? bytesOf(e) : undefined;
      return R.array(ops.map((op) => readField(v, op)));
    }
    if (readOnly) throw Errors.bitfieldReadOnly();
    const w = openForBits(ctx, argv[1]!, maxbit);
    const out = ops.map((op) => (op.kind === "get" ? readField(w.v, op) : writeField(w.v, op)));
    save(ctx, w); // the key is created or grown even when every write failed, as in Redis
    return R.array(out);
  };
}

const BITFIELD_PARAMS =
  "key [GET encoding offset|[OVERFLOW WRAP|SAT|FAIL] SET encoding offset value|INCRBY encoding offset increment [GET encoding offset|[OVERFLOW WRAP|SAT|FAIL] SET encoding offset value|INCRBY encoding offset increment ...]]";

/** Every command of the bitmap group. */
export const bitmapCommands: readonly CommandSpec[] = [
  command("setbit", 4, "w", [1, 1, 1], setbit, {
    doc: {
      summary: "Sets or clears the bit at offset in the string value stored at key",
      group: "bitmap",
      since: "2.2.0",
      params: "key offset value",
    },
  }),
  command("getbit", 3, "r", [1, 1, 1], getbit, {
    doc: {
      summary: "Returns the bit value at offset in the string value stored at key",
      group: "bitmap",
      since: "2.2.0",
      params: "key offset",
    },
  }),
  command("bitcount", -2, "r", [1, 1, 1], bitcount, {
    doc: {
      summary: "Count set bits in a string",
      group: "bitmap",
      since: "2.6.0",
      params: "key [start end [BYTE|BIT]]",
    },
  }),
  command("bitpos", -3, "r", [1, 1, 1], bitposCmd, {
    doc: {
      summary: "Find first bit set or clear in a string",
      group: "bitmap",
      since: "2.8.7",
      params: "key bit [start [end [BYTE|BIT]]]",
    },
  }),
  command("bitop", -4, "w", [2, -1, 1], bitopCmd, {
    doc: {
      summary: "Perform bitwise operations between strings",
      group: "bitmap",
      since: "2.6.0",
      params: "operation destkey key [key ...]",
    },
  }),
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
