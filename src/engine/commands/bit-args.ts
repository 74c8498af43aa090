// What the bitmap commands share (bitops.c's helpers): the bit offset argument, reading a key's
// bytes through the view cache, and opening a key's string for bit writes and saving it.

import { ByteView, keepView, viewOf } from "../byte-view.ts";
import type { Ctx } from "../command-table.ts";
import type { Entry } from "../entry.ts";
import { Errors } from "../errors.ts";
import { parseStrictInt } from "../numbers.ts";
import { BIT_OFFSET_MAX_BYTES } from "../../limits.ts";
import { isStringLike, stringOf } from "./access.ts";

const BIT_OFFSET_LIMIT = BigInt(BIT_OFFSET_MAX_BYTES) * 8n;

/**
 * Redis `getBitOffsetFromArgument`: a bit offset, or with `bits` (BITFIELD) also `#n` meaning
 * n * bits. Negative, non-integer and past-512MB offsets are "bit offset ... out of range".
 */
export function bitOffset(arg: string, bits = 0): number {
  const hash = bits > 0 && arg.charCodeAt(0) === 0x23; // '#'
  let v = parseStrictInt(hash ? arg.slice(1) : arg);
  if (v === undefined) throw Errors.bitOffset();
  if (hash) v = BigInt.asIntN(64, v * BigInt(bits)); // C's long long multiply wraps
  if (v < 0n || v >= BIT_OFFSET_LIMIT) throw Errors.bitOffset();
  return Number(v);
}

/** The entry of a key read by a bit command: undefined when missing, WRONGTYPE for collections. */
export function readEntry(ctx: Ctx, key: string): Entry | undefined {
  const e = ctx.store.read(key);
  if (e && !isStringLike(e.type)) throw Errors.wrongType();
  return e;
}

/** The bytes of a string-like entry, through the view cache. */
export function bytesOf(e: Entry): ByteView {
  const v = viewOf(e, stringOf(e));
  keepView(e, v);
  return v;
}

/** A key's string opened for writing up to bit `maxbit` (Redis `lookupStringForBitCommand`). */
export interface Writable {
  readonly key: string;
  readonly e: Entry | undefined;
  readonly v: ByteView;
}

export function openForBits(ctx: Ctx, key: string, maxbit: number): Writable {
  const e = ctx.store.get(key);
  if (e && !isStringLike(e.type)) throw Errors.wrongType();
  const need = Math.floor(maxbit / 8) + 1;
  const v = e ? viewOf(e, stringOf(e)) : ByteView.of("");
  if (need > v.length) {
    if (need > ctx.engine.stringMax) throw Errors.stringTooLong();
    v.grow(need);
  }
  return { key, e, v };
}

/**
 * Writes the view back as the key's string (TTL kept) when anything changed or grew; otherwise
 * the command changed nothing (Redis's bit commands leave server.dirty alone then).
 */
export function save(ctx: Ctx, w: Writable): void {
  if (!w.v.pending) {
    ctx.store.unchanged = true;
    return;
  }
  const s = w.v.commit();
  let e = w.e;
  if (e) ctx.store.replace(e, "string", s, w.v.length, true);
  else e = ctx.store.create(w.key, "string", s, w.v.length);
  keepView(e, w.v);
}
