// Redis bitmap commands (bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and
// BITFIELD_RO, on string values written by any door (an int or json value reads as its text and
// becomes a plain string once a bit is written). Argument checks come in Redis's order, so the
// same bad command line gets the same error.

import { fromBytes } from "../bytes.ts";
import { bitop, bitpos, popcount } from "../bitops.ts";
import type { BitOp } from "../bitops.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { parseInt64Arg, parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { bitOffset, bytesOf, openForBits, readEntry, save } from "./bit-args.ts";
import { bitfieldCommands } from "./bitfield.ts";
import { optionName } from "./redis-args.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";

function setbit(ctx: Ctx, argv: readonly string[]): Reply {
  const offset = bitOffset(argv[2]!);
  const on = parseStrictInt(argv[3]!);
  if (on === undefined || (on !== 0n && on !== 1n)) throw Errors.bitValue();
  const w = openForBits(ctx, argv[1]!, offset);
  const byte = offset >>> 3;
  const mask = 1 << (7 - (offset & 7));
  const old = w.v.bytes[byte]!;
  w.v.set(byte, on ? old | mask : old & ~mask);
  // Redis notifies only when the key was created or grown or the bit flipped.
  const changed = w.v.pending;
  save(ctx, w);
  if (changed) notifyKeyspaceEvent(ctx, Notify.STRING, "setbit", argv[1]!);
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

const BIT_OPS = new Set(["and", "or", "xor", "not", "diff", "diff1", "andor", "one"]);

function bitopCmd(ctx: Ctx, argv: readonly string[]): Reply {
  const name = optionName(argv[1]!);
  if (!BIT_OPS.has(name)) throw Errors.syntax();
  const op = name as BitOp;
  if (op === "not" && argv.length !== 4) throw Errors.bitopNotArity();
  if ((op === "diff" || op === "diff1" || op === "andor") && argv.length < 5)
    throw Errors.bitopTwoSources(op.toUpperCase());
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
    if (d) {
      ctx.store.remove(d);
      notifyKeyspaceEvent(ctx, Notify.GENERIC, "del", dest);
    }
    return R.ZERO;
  }
  const s = fromBytes(bitop(op, sources, maxlen));
  ctx.store.put(dest, "string", s, maxlen);
  notifyKeyspaceEvent(ctx, Notify.STRING, "set", dest);
  return R.int(maxlen);
}

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
      params: "AND|OR|XOR|NOT|DIFF|DIFF1|ANDOR|ONE destkey key [key ...]",
    },
  }),
  ...bitfieldCommands,
];
