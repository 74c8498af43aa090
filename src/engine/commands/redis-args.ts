// Argument and expiry helpers shared by the Redis key and string families (spec §10.6-10.7):
// option words compared the way Redis's C code compares them, 64-bit time arithmetic, and
// applying an absolute expiry (a time already due deletes the key, spec §3.6).

import { isBinary, sliceBytes } from "../bytes.ts";
import type { Ctx } from "../command-table.ts";
import type { Entry } from "../entry.ts";
import type { Store } from "../store.ts";

export const INT64_MAX = (1n << 63n) - 1n;
export const INT64_MIN = -(1n << 63n);
export const MS_PER_SECOND = 1000n;

/** The bytes of an argument before its first NUL byte: what C string functions see of it. */
export function cString(s: string): string {
  const nul = s.indexOf("\0");
  if (nul < 0) return s;
  // In the binary form char i+1 is byte i, so the NUL found at char `nul` is byte nul-1.
  return isBinary(s) ? sliceBytes(s, 0, nul - 1) : s.slice(0, nul);
}

/** An option word as Redis's `strcasecmp` sees it: up to the first NUL, ASCII lower case. */
export function optionName(s: string): string {
  // Only A-Z fold (C locale): String#toLowerCase would also fold e.g. U+212A KELVIN SIGN to "k".
  return cString(s).replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) | 0x20));
}

/** An entry's expiry in Unix ms as Redis reports it, -1n when it has none. */
export function expiryOf(e: Entry): bigint {
  if (e.expiresAt === 0) return -1n;
  // Expiries are held as doubles: past 2^53 ms they are rounded, and INT64_MAX rounds up to
  // 2^63, which is clamped back so PEXPIREAT k 9223372036854775807 reads back exactly.
  const v = BigInt(e.expiresAt);
  return v > INT64_MAX ? INT64_MAX : v;
}

/**
 * Gives an entry the absolute expiry `at` (Unix ms), or deletes it when `at <= now`: Redis
 * treats such a key as gone at once (spec §10.6), and the store only purges at batch start.
 * Returns false when the key was deleted.
 */
export function applyExpiry(ctx: Ctx, e: Entry, at: bigint): boolean {
  if (at <= BigInt(ctx.now)) {
    ctx.store.remove(e);
    return false;
  }
  ctx.store.setExpiry(e, Number(at));
  return true;
}

/**
 * Records a metadata-only modification (EXPIRE family, PERSIST): the key's version moves, so
 * WATCH sees it and persistence rewrites the row, but recency is left alone (spec §3.8).
 */
export function markModified(store: Store, e: Entry): void {
  store.changes.key(e.key, e.version);
  const before = e.version;
  store.onUndo(() => {
    e.version = before;
  });
  e.version = store.pendingSeq;
}
