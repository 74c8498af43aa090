// fast-check helper: byte inputs with a few random flips, insertions and deletions.

import fc from "fast-check";
import { joinBytes } from "../../../src/engine/bytes.ts";

const MAX_EDITS = 4;

/** `base` inputs with up to MAX_EDITS byte edits applied. */
export function mutated(base: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const edit = fc.tuple(
    fc.nat(),
    fc.constantFrom("flip", "insert", "delete"),
    fc.integer({ min: 0, max: 255 }),
  );
  return fc.tuple(base, fc.array(edit, { maxLength: MAX_EDITS })).map(([bytes, edits]) => {
    const a = Array.from(bytes);
    for (const [at, op, v] of edits) {
      if (op === "insert") a.splice(at % (a.length + 1), 0, v);
      else if (a.length > 0) {
        if (op === "flip") a[at % a.length] = v;
        else a.splice(at % a.length, 1);
      }
    }
    return Uint8Array.from(a);
  });
}

/** Feeds `bytes` to `parse` in chunks of the given sizes, as a TCP reader would, and collects what it returns. */
export function feedInChunks<T>(
  bytes: Uint8Array,
  sizes: number[],
  parse: (
    buf: Uint8Array,
    start: number,
    end: number,
  ) => { items: T[]; consumed: number; error?: string },
): { items: T[]; consumed: number; error?: string } {
  const items: T[] = [];
  let start = 0;
  let end = 0;
  let i = 0;
  while (end < bytes.length) {
    end = Math.min(bytes.length, end + Math.max(1, sizes[i++ % Math.max(1, sizes.length)] ?? 1));
    const r = parse(bytes, start, end);
    items.push(...r.items);
    start += r.consumed;
    if (r.error !== undefined) return { items, consumed: start, error: r.error };
  }
  return { items, consumed: start };
}

/** A test string written one char per byte ("\xff" is the byte 0xff) as its bytes. */
export function b(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Byte arrays joined. */
export const cat = (...parts: Uint8Array[]): Uint8Array => joinBytes(parts);
