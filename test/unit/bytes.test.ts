import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  byteLength,
  compareBytes,
  fromBytes,
  isBinary,
  toBase64,
  toBytes,
} from "../../src/engine/bytes.ts";

describe("byte strings", () => {
  it("round-trips any bytes and keeps one form per byte sequence", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const s = fromBytes(bytes);
        expect(Array.from(toBytes(s))).toEqual(Array.from(bytes));
        expect(byteLength(s)).toBe(bytes.length);
        expect(fromBytes(toBytes(s))).toBe(s);
      }),
    );
  });
  it("counts long texts exactly (the first non-ASCII unit found by a search, then counted)", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 3000 }),
        fc.string({ unit: "grapheme", maxLength: 20 }),
        fc.nat({ max: 1500 }),
        (pre, mid, post) => {
          const s = "a".repeat(pre) + mid + "b".repeat(post);
          expect(byteLength(s)).toBe(new TextEncoder().encode(s).length);
        },
      ),
    );
  });
  it("keeps a leading BOM and marks invalid UTF-8", () => {
    expect(byteLength(fromBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])))).toBe(4);
    expect(isBinary(fromBytes(new Uint8Array([0xff])))).toBe(true);
    expect(isBinary(fromBytes(new Uint8Array([0xc3, 0xa9])))).toBe(false);
  });
  it("orders like memcmp", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
        const expected = Buffer.compare(Buffer.from(a), Buffer.from(b));
        expect(Math.sign(compareBytes(fromBytes(a), fromBytes(b)))).toBe(expected);
      }),
    );
  });
  it("base64 matches Buffer", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (a) => {
        expect(toBase64(fromBytes(a))).toBe(Buffer.from(a).toString("base64"));
      }),
    );
  });
});
