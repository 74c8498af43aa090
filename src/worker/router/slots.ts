// Redis Cluster's key → slot function (CRC16/XMODEM of the key, or of its `{hash tag}`, modulo
// 16384), on the engine's byte strings (src/engine/bytes.ts) without encoding ASCII keys.

import { isBinary } from "../../engine/bytes.ts";
import type { ShardKeys } from "../../engine/engine-host.ts";

/** Slots of the key space, as in Redis Cluster. */
export const SLOT_COUNT = 16384;
const SLOT_MASK = SLOT_COUNT - 1;
/** CRC16/XMODEM polynomial (x^16 + x^12 + x^5 + 1), the one Redis Cluster uses. */
const CRC16_POLY = 0x1021;

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let j = 0; j < 8; j++)
      c = c & 0x8000 ? ((c << 1) ^ CRC16_POLY) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

const encoder = new TextEncoder();

const step = (crc: number, byte: number) =>
  ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]!;

/** CRC16/XMODEM of bytes (Redis `crc16`): "123456789" → 0x31C3. */
export function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) crc = step(crc, b);
  return crc;
}

/** CRC16 of the bytes of `s[from, to)`, a range of a byte string (binary form: one char per byte). */
function crcOfRange(s: string, binary: boolean, from: number, to: number): number {
  let crc = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (binary || c < 0x80) {
      crc = step(crc, c);
      continue;
    }
    // Non-ASCII text: encode the rest of the range. `to` never splits a surrogate pair: it is
    // the end of the key or the index of a `}`.
    for (const b of encoder.encode(s.slice(i, to))) crc = step(crc, b);
    return crc;
  }
  return crc;
}

/**
 * The slot of a key (Redis `keyHashSlot`): if the key has a `{` followed later by a `}` with at
 * least one byte between them, only the bytes between the first `{` and the first `}` after it
 * are hashed; otherwise the whole key. `{` and `}` are ASCII, so they are found in the JS string:
 * UTF-8 never encodes other characters with those bytes.
 */
export function hashSlot(key: string): number {
  const binary = isBinary(key);
  const start = binary ? 1 : 0;
  const open = key.indexOf("{", start);
  if (open >= 0) {
    const close = key.indexOf("}", open + 1);
    if (close > open + 1) return crcOfRange(key, binary, open + 1, close) & SLOT_MASK;
  }
  return crcOfRange(key, binary, start, key.length) & SLOT_MASK;
}

/** The shard holding a slot: `shards` contiguous slot ranges, like Redis Cluster's nodes. */
export function shardOfSlot(slot: number, shards: number): number {
  return Math.floor((slot * shards) / SLOT_COUNT);
}

/** The shard holding a key. */
export function shardOfKey(key: string, shards: number): number {
  return shards === 1 ? 0 : shardOfSlot(hashSlot(key), shards);
}

/** Shard `shard` of `shards` as a script's key checks see it; null for a namespace of one. */
export function shardKeysOf(shard: number, shards: number): ShardKeys | null {
  if (shards <= 1) return null;
  return { slot: hashSlot, local: (slot) => shardOfSlot(slot, shards) === shard };
}
