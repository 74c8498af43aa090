import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  parseInt64Arg,
  parseIntArg,
  parseLexRange,
  parseMemoryValue,
  parseMemoryValueExact,
  parseRedisFloat,
  parseScore,
  parseScoreRange,
  parseStrictInt,
} from "../../src/engine/numbers.ts";
import { fromBytes } from "../../src/engine/bytes.ts";
import { CommandError } from "../../src/engine/errors.ts";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

describe("strict integers (spec §3.3)", () => {
  it("accepts exactly -?(0|[1-9][0-9]*) within 64 bits, not -0", () => {
    expect(parseStrictInt("0")).toBe(0n);
    expect(parseStrictInt("-7")).toBe(-7n);
    expect(parseStrictInt("9223372036854775807")).toBe(INT64_MAX);
    expect(parseStrictInt("-9223372036854775808")).toBe(INT64_MIN);
    for (const bad of [
      "010",
      "+1",
      " 1",
      "1 ",
      "-0",
      "99999999999999999999",
      "",
      "-",
      "1.0",
      "1e3",
    ]) {
      expect(parseStrictInt(bad), bad).toBeUndefined();
    }
    expect(parseStrictInt("9223372036854775808")).toBeUndefined();
    expect(parseStrictInt("-9223372036854775809")).toBeUndefined();
    expect(parseStrictInt(fromBytes(Uint8Array.of(0x31, 0xff)))).toBeUndefined();
  });

  it("round-trips every 64-bit value's decimal text", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (v) => {
        expect(parseStrictInt(v.toString())).toBe(v);
        expect(parseInt64Arg(v.toString())).toBe(v);
        expect(parseIntArg(v.toString())).toBe(Number(v));
      }),
      { seed: SEED },
    );
  });

  it("throws the canonical error", () => {
    expect(() => parseIntArg("x")).toThrow(CommandError);
    expect(() => parseIntArg("x")).toThrow("ERR value is not an integer or out of range");
    expect(() => parseInt64Arg("-0")).toThrow("ERR value is not an integer or out of range");
    expect(parseIntArg("-12")).toBe(-12);
  });
});

describe("parseRedisFloat (string2ld)", () => {
  // Expectations from redis-server 7.0.15 (INCRBYFLOAT on a missing key).
  const ok: Array<[string, number]> = [
    ["1e3", 1000],
    ["inf", Infinity],
    ["+inf", Infinity],
    ["-inf", -Infinity],
    ["infinity", Infinity],
    ["INF", Infinity],
    ["-Infinity", -Infinity],
    ["1.", 1],
    [".5", 0.5],
    ["+1.5", 1.5],
    ["00012", 12],
    ["1e400", Infinity], // a finite long double in Redis; beyond a double here
    ["1e-400", 0],
  ];
  for (const [s, v] of ok)
    it(`accepts ${JSON.stringify(s)}`, () => expect(parseRedisFloat(s)).toBe(v));
  it("keeps -0", () => expect(Object.is(parseRedisFloat("-0"), -0)).toBe(true));
  const bad = [
    " 1",
    "1 ",
    "nan",
    "-nan",
    "NaN",
    "5e",
    "1_000",
    "1e5000",
    "1e-5000",
    ".",
    "-",
    "",
    "1e+",
    "infinit",
  ];
  for (const s of bad)
    it(`refuses ${JSON.stringify(s)}`, () => expect(parseRedisFloat(s)).toBeUndefined());
  it("refuses hexadecimal (spec §10.11 item 5)", () => {
    expect(parseRedisFloat("0x10")).toBeUndefined();
    expect(parseRedisFloat("0x1p3")).toBeUndefined();
  });
  it("refuses texts of 5120 bytes or more (MAX_LONG_DOUBLE_CHARS)", () => {
    expect(parseRedisFloat("0".repeat(5118) + "1")).toBe(1);
    expect(parseRedisFloat("0".repeat(5119) + "1")).toBeUndefined();
  });
});

describe("parseScore (string2d)", () => {
  const ok: Array<[string, number]> = [
    ["1e3", 1000],
    ["0x10", 16],
    ["0x1.8p1", 3],
    ["0x.8", 0.5],
    ["0x1.", 1],
    ["inf", Infinity],
    ["-inf", -Infinity],
    ["infinity", Infinity],
    ["1.", 1],
    [".5", 0.5],
    ["2e-320", 2e-320],
    ["3e-324", 5e-324],
    ["0x1p-1074", 5e-324],
    ["0x1.8p-1075", 5e-324],
    ["2.4703282292062328e-324", 5e-324],
    ["0x1.fffffffffffff7p1023", 1.7976931348623157e308],
    ["1.7976931348623158e308", 1.7976931348623157e308],
    ["0e99999999999", 0],
    ["0x0p99999999", 0],
  ];
  for (const [s, v] of ok) it(`accepts ${JSON.stringify(s)}`, () => expect(parseScore(s)).toBe(v));
  const bad = ["(1", "nan", " 1", "1 ", "", "1e400", "1e-400", "1e-324", "0x1p-1075", "0x1p1024"];
  const bad2 = [
    "0x1.fffffffffffff8p1023",
    "2.4703282292062327e-324",
    "1.7976931348623159e308",
    "0x",
    "0x.",
  ];
  for (const s of [...bad, ...bad2, "-.e1", "nan(123)", "1\0"]) {
    it(`refuses ${JSON.stringify(s)}`, () => expect(parseScore(s)).toBeUndefined());
  }
});

describe("parseScoreRange (zslParseRange)", () => {
  const cases: Array<[string, number, boolean]> = [
    ["(1", 1, true],
    ["1", 1, false],
    ["(", 0, true],
    ["", 0, false],
    [" 1", 1, false],
    ["( 1", 1, true],
    [" \t\n\v\f\r1", 1, false],
    ["+inf", Infinity, false],
    ["(-inf", -Infinity, true],
    ["1e400", Infinity, false],
    ["1e-400", 0, false],
    ["0x1", 1, false],
    ["1\0zz", 1, false],
    ["(1\0", 1, true],
    ["\0", 0, false],
    ["(\0x", 0, true],
  ];
  for (const [s, value, exclusive] of cases) {
    it(`${JSON.stringify(s)} -> ${exclusive ? "(" : ""}${value}`, () =>
      expect(parseScoreRange(s)).toEqual({ value, exclusive }));
  }
  for (const s of ["1 ", "nan", "(nan", "((1", "abc", "+", "-", " ", "( "]) {
    it(`refuses ${JSON.stringify(s)}`, () => expect(parseScoreRange(s)).toBeUndefined());
  }
});

describe("parseLexRange (zslParseLexRangeItem)", () => {
  it("reads -, +, ( and [", () => {
    expect(parseLexRange("-")).toEqual({ kind: "min" });
    expect(parseLexRange("+")).toEqual({ kind: "max" });
    expect(parseLexRange("-\0")).toEqual({ kind: "min" });
    expect(parseLexRange("+\0x")).toEqual({ kind: "max" });
    expect(parseLexRange("[a")).toEqual({ kind: "value", value: "a", exclusive: false });
    expect(parseLexRange("(")).toEqual({ kind: "value", value: "", exclusive: true });
    expect(parseLexRange("(é")).toEqual({ kind: "value", value: "é", exclusive: true });
    for (const s of ["", "a", "+x", "-a", "é"]) expect(parseLexRange(s), s).toBeUndefined();
  });
  it("keeps the rest of a binary bound canonical", () => {
    const bound = parseLexRange(fromBytes(Uint8Array.of(0x28, 0xc3, 0xa9)));
    expect(bound).toEqual({ kind: "value", value: "é", exclusive: true });
    const raw = fromBytes(Uint8Array.of(0x5b, 0xff));
    expect(parseLexRange(raw)).toEqual({
      kind: "value",
      value: fromBytes(Uint8Array.of(0xff)),
      exclusive: false,
    });
    expect(parseLexRange(fromBytes(Uint8Array.of(0x2b, 0x00, 0xff)))).toEqual({ kind: "max" });
  });
});

describe("parseMemoryValue (memtoull)", () => {
  const ok: Array<[string, bigint]> = [
    ["", 0n],
    ["kb", 0n],
    ["1kb", 1024n],
    ["1KB", 1024n],
    ["1k", 1000n],
    ["1b", 1n],
    ["1B", 1n],
    ["007", 7n],
    ["1gb", 1073741824n],
    ["2Mb", 2097152n],
    ["3m", 3000000n],
    ["1\0zz", 1n],
    ["99999999999999999999", 18446744073709551615n],
    ["99999999999999999999gb", 18446744072635809792n],
    ["17179869184gb", 0n],
  ];
  for (const [s, v] of ok)
    it(`${JSON.stringify(s)} -> ${v}`, () => expect(parseMemoryValueExact(s)).toBe(v));
  for (const s of ["-1", "+1", "1 ", " 1", "1e3", "1.5", "1kib", "x", "1t", "1K\u212A"]) {
    it(`refuses ${JSON.stringify(s)}`, () => expect(parseMemoryValue(s)).toBeUndefined());
  }
  it("refuses 128 digits or more", () => {
    expect(parseMemoryValueExact("0".repeat(126) + "1")).toBe(1n);
    expect(parseMemoryValueExact("0".repeat(127) + "1")).toBeUndefined();
  });
  it("gives numbers", () => expect(parseMemoryValue("1mb")).toBe(1048576));
});
