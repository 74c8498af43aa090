// BITOP DIFF, DIFF1, ANDOR and ONE (Redis 8.2): each result bit against its definition on the
// source bits, sources of unequal length read as zero-padded; and the argument rules.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bitop } from "../../src/engine/bitops.ts";
import type { BitOp } from "../../src/engine/bitops.ts";
import { Harness } from "./support/engine-harness.ts";

const bit = (b: Uint8Array, i: number) =>
  i >> 3 < b.length ? (b[i >> 3]! >> (7 - (i & 7))) & 1 : 0;

/** The definition of each operation on one bit position of every source. */
const MODEL: Record<string, (bits: number[]) => number> = {
  diff: ([x, ...ys]) => x! & (ys.some((y) => y) ? 0 : 1),
  diff1: ([x, ...ys]) => (x ? 0 : 1) & (ys.some((y) => y) ? 1 : 0),
  andor: ([x, ...ys]) => x! & (ys.some((y) => y) ? 1 : 0),
  one: (bits) => (bits.filter((b) => b).length === 1 ? 1 : 0),
};

describe("BITOP DIFF, DIFF1, ANDOR, ONE", () => {
  it("every bit as defined", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("diff", "diff1", "andor", "one"),
        fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 2, maxLength: 5 }),
        (op, sources) => {
          const maxlen = Math.max(...sources.map((s) => s.length));
          const out = bitop(op as BitOp, sources, maxlen);
          for (let i = 0; i < maxlen * 8; i++)
            expect(bit(out, i)).toBe(MODEL[op]!(sources.map((s) => bit(s, i))));
        },
      ),
    );
  });

  it("replies and errors through the command", () => {
    const h = new Harness();
    h.run("redis", "SET", "x", "p"); // 0111 0000
    h.run("redis", "SET", "y", "<"); // 0011 1100
    expect(h.run("redis", "BITOP", "DIFF", "d", "x", "y")).toEqual({ k: "int", v: 1 });
    expect(h.run("redis", "GET", "d")).toEqual({ k: "bulk", v: "@" });
    expect(h.run("redis", "BITOP", "diff1", "d", "x", "y")).toEqual({ k: "int", v: 1 });
    expect(h.run("redis", "GET", "d")).toEqual({ k: "bulk", v: "\x0c" });
    expect(h.run("redis", "BITOP", "ONE", "d", "x")).toEqual({ k: "int", v: 1 });
    expect(h.run("redis", "GET", "d")).toEqual({ k: "bulk", v: "p" });
    expect(h.run("redis", "BITOP", "andor", "d", "x")).toMatchObject({
      v: "ERR BITOP ANDOR must be called with at least two source keys.",
    });
  });
});
