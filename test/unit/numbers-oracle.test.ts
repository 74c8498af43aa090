// Number parsers against redis-server 7.0.15 (spec §15): generated texts, one connection,
// pipelined batches. Skipped when the oracle is not installed.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  parseLexRange,
  parseMemoryValueExact,
  parseRedisFloat,
  parseScore,
  parseScoreRange,
  parseStrictInt,
  type LexBound,
} from "../../src/engine/numbers.ts";
import { compareBytes, fromBytes } from "../../src/engine/bytes.ts";
import { RedisOracle, RespError, oracleAvailable, type RespValue } from "./support/redis-oracle.ts";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

const numberText = fc.oneof(
  // structured decimal / hex / inf texts, with occasional junk around them
  fc
    .tuple(
      fc.constantFrom("", "", "-", "+", " ", "(", "\t"),
      fc.oneof(
        fc
          .tuple(
            fc.stringMatching(/^[0-9]{0,4}$/),
            fc.constantFrom("", ".", "."),
            fc.stringMatching(/^[0-9]{0,4}$/),
          )
          .map((t) => t.join("")),
        fc.stringMatching(/^0[xX][0-9a-fA-F]{0,3}(\.[0-9a-f]{0,2})?$/),
        fc.constantFrom("inf", "INF", "Infinity", "infinit", "nan", "NaN", "nan(1)"),
      ),
      fc.constantFrom(
        "",
        "",
        "e",
        "e1",
        "E-5",
        "e+308",
        "e309",
        "e-320",
        "e-330",
        "e400",
        "e-400",
        "e4932",
        "e-4951",
        "e5000",
        "p3",
        "p-1074",
        "P1024",
        "e99999999999",
      ),
      fc.constantFrom("", "", "", " ", "x", "\0", "\0junk", "_0"),
    )
    .map((t) => t.join("")),
  // anything made of number-ish characters
  fc
    .array(fc.constantFrom(..."0123456789.eE+-xXpPaAfFiInNtTyY( \t\0_"), { maxLength: 8 })
    .map((a) => a.join("")),
);

describe.skipIf(!oracleAvailable())("number parsing against redis-server 7.0.15", () => {
  let redis: RedisOracle;
  beforeAll(async () => {
    redis = await RedisOracle.start();
  });
  afterAll(() => redis?.stop());

  it("parseStrictInt agrees with INCRBY arguments", async () => {
    const texts = [
      ...fc.sample(fc.bigInt({ min: INT64_MIN * 2n, max: INT64_MAX * 2n }).map(String), {
        numRuns: 200,
        seed: SEED,
      }),
      ...fc.sample(
        fc.array(fc.constantFrom(..."0123456789-+ .e"), { maxLength: 6 }).map((a) => a.join("")),
        { numRuns: 300, seed: SEED },
      ),
    ];
    const replies = await redis.batch(
      texts.flatMap((t) => [
        ["DEL", "i"],
        ["INCRBY", "i", t],
      ]),
    );
    texts.forEach((t, i) => {
      const r = replies[2 * i + 1]!;
      const want = r instanceof RespError ? undefined : (r as bigint);
      expect(parseStrictInt(t), JSON.stringify(t)).toBe(want);
    });
  });

  it("parseRedisFloat agrees with INCRBYFLOAT", async () => {
    const texts = [...fc.sample(numberText, { numRuns: 1500, seed: SEED }), ...boundaryFloats()];
    const replies = await redis.batch(
      texts.flatMap((t) => [
        ["DEL", "f"],
        ["INCRBYFLOAT", "f", t],
      ]),
    );
    texts.forEach((t, i) => {
      const r = replies[2 * i + 1]!;
      const ours = parseRedisFloat(t);
      const label = JSON.stringify(t);
      if (r instanceof RespError && r.message === "ERR value is not a valid float") {
        expect(ours, label).toBeUndefined();
      } else if (r instanceof RespError) {
        expect(r.message).toBe("ERR increment would produce NaN or Infinity");
        expect(ours === Infinity || ours === -Infinity, label).toBe(true);
      } else if (/^[+-]?0[xX]/.test(t)) {
        expect(ours, label).toBeUndefined(); // hexadecimal: refused on purpose
      } else {
        const theirs = Number((r as Buffer).toString("latin1"));
        expect(ours, label).toBeDefined();
        if (Number.isFinite(ours!) && Number.isFinite(theirs)) {
          // Redis prints the long double with %.17Lf: 17 decimals, ~18 significant digits.
          expect(Math.abs(theirs - ours!), label).toBeLessThanOrEqual(
            1e-17 + Math.abs(ours!) * 1e-15,
          );
        } else {
          expect(Math.abs(ours!), label).toBe(Infinity); // beyond a double: 1e400
        }
      }
    });
  });

  it("parseScore agrees with ZINCRBY (ZADD's parser)", async () => {
    // ZINCRBY shares ZADD's argument loop, so option words (NX, XX …, compared as C strings,
    // i.e. up to a NUL) are not scores there.
    const texts = [
      ...fc.sample(numberText, { numRuns: 1500, seed: SEED }),
      ...boundaryFloats(),
    ].filter((t) => !/^(nx|xx|gt|lt|ch|incr)$/i.test(t.split("\0")[0]!));
    const replies = await redis.batch(
      texts.flatMap((t) => [
        ["DEL", "z"],
        ["ZINCRBY", "z", t, "m"],
      ]),
    );
    texts.forEach((t, i) => {
      const r = replies[2 * i + 1]!;
      const ours = parseScore(t);
      const label = JSON.stringify(t);
      if (r instanceof RespError) {
        expect(r.message, label).toBe("ERR value is not a valid float");
        expect(ours, label).toBeUndefined();
      } else {
        expect(ours, label).toBeDefined();
        expect(ours! === scoreValue(r), label).toBe(true); // (=== does not tell -0 from 0)
      }
    });
  });

  it("parseScoreRange agrees with ZCOUNT bounds", async () => {
    const scores = [
      -Infinity,
      -1e308,
      -2,
      -1,
      -0.5,
      0,
      5e-324,
      0.5,
      1,
      1.5,
      2,
      16,
      1000,
      1e308,
      Infinity,
    ];
    const zadd: string[] = ["ZADD", "r"];
    scores.forEach((s, i) => zadd.push(String(s).replace("Infinity", "inf"), `m${i}`));
    await redis.batch([["DEL", "r"], zadd]);
    const texts = [
      ...fc.sample(numberText, { numRuns: 1500, seed: SEED }),
      "",
      "(",
      " ",
      "(\0",
      "1\0x",
    ];
    const replies = await redis.batch(
      texts.flatMap((t) => [
        ["ZCOUNT", "r", t, "+inf"],
        ["ZCOUNT", "r", "-inf", t],
      ]),
    );
    texts.forEach((t, i) => {
      const asMin = replies[2 * i]!;
      const asMax = replies[2 * i + 1]!;
      const ours = parseScoreRange(t);
      const label = JSON.stringify(t);
      if (asMin instanceof RespError) {
        expect(asMin.message).toBe("ERR min or max is not a float");
        expect(ours, label).toBeUndefined();
        return;
      }
      expect(ours, label).toBeDefined();
      const { value, exclusive } = ours!;
      const above = scores.filter((x) => (exclusive ? x > value : x >= value)).length;
      const below = scores.filter((x) => (exclusive ? x < value : x <= value)).length;
      expect(BigInt(above), label).toBe(asMin);
      expect(BigInt(below), label).toBe(asMax);
    });
  });

  it("parseLexRange agrees with ZLEXCOUNT bounds", async () => {
    const members = ["", "a", "b", "ab", "\0", "(", "[", "+", "-", "é"].map((m) => Buffer.from(m));
    members.push(Buffer.from([0xff]), Buffer.from([0x2b, 0x00]));
    const zadd: Array<string | Uint8Array> = ["ZADD", "l"];
    for (const m of members) zadd.push("0", m);
    await redis.batch([["DEL", "l"], zadd]);
    const bound = fc
      .tuple(
        fc.constantFrom("(", "[", "+", "-", "", "x", "é"),
        fc.array(fc.constantFrom("a", "b", "\0", "+", "-", "é", "\xff"), { maxLength: 3 }),
      )
      .map(([head, rest]) =>
        Buffer.concat([
          Buffer.from(head),
          ...rest.map((c) => (c === "\xff" ? Buffer.from([0xff]) : Buffer.from(c))),
        ]),
      );
    const texts = fc.sample(bound, { numRuns: 600, seed: SEED });
    const replies = await redis.batch(
      texts.flatMap((t) => [
        ["ZLEXCOUNT", "l", t, "+"],
        ["ZLEXCOUNT", "l", "-", t],
      ]),
    );
    const keys = members.map((m) => fromBytes(m));
    texts.forEach((t, i) => {
      const asMin = replies[2 * i]!;
      const asMax = replies[2 * i + 1]!;
      const ours = parseLexRange(fromBytes(t));
      const label = t.toString("hex");
      if (asMin instanceof RespError) {
        expect(asMin.message).toBe("ERR min or max not valid string range item");
        expect(ours, label).toBeUndefined();
        return;
      }
      expect(ours, label).toBeDefined();
      expect(BigInt(keys.filter((k) => aboveMin(k, ours!)).length), label).toBe(asMin);
      expect(BigInt(keys.filter((k) => belowMax(k, ours!)).length), label).toBe(asMax);
    });
  });

  it("parseMemoryValue agrees with CONFIG SET maxmemory", async () => {
    const text = fc
      .tuple(
        fc.constantFrom("", "", "", "-", "+", " "),
        fc.stringMatching(/^[0-9]{0,22}$/),
        fc.constantFrom(
          "",
          "b",
          "B",
          "k",
          "K",
          "kb",
          "KB",
          "kB",
          "m",
          "mb",
          "Mb",
          "g",
          "gb",
          "GB",
          "t",
          "x",
          "kib",
          " ",
          "\0z",
          "e3",
          "K\u212A",
        ),
      )
      .map((t) => t.join(""));
    const texts = fc.sample(text, { numRuns: 400, seed: SEED });
    const replies = await redis.batch(
      texts.flatMap((t) => [
        ["CONFIG", "SET", "maxmemory", t],
        ["CONFIG", "GET", "maxmemory"],
        ["CONFIG", "SET", "maxmemory", "0"],
      ]),
    );
    texts.forEach((t, i) => {
      const set = replies[3 * i]!;
      const ours = parseMemoryValueExact(t);
      const label = JSON.stringify(t);
      if (set instanceof RespError) {
        expect(set.message).toBe(
          "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value",
        );
        expect(ours, label).toBeUndefined();
      } else {
        const got = (replies[3 * i + 1] as Buffer[])[1]!.toString("latin1");
        expect(ours, label).toBe(BigInt(got));
      }
    });
  });
});

// Texts at the edges of the double and x87 long double ranges.
function boundaryFloats(): string[] {
  const ldblOverflowAt = (1n << 16384n) - (1n << 16319n); // LDBL_MAX + half an ulp
  return [
    ldblOverflowAt.toString(),
    (ldblOverflowAt - 1n).toString(),
    "1.18973149535723176502e4932",
    "1.18973149535723176509e4932",
    "1.8225997659412372e-4951",
    "1.8225997659412373e-4951",
    "1.8225997659412374e-4951",
    "3.6e-4951",
    "1e-4951",
    "2.4703282292062327e-324",
    "2.4703282292062328e-324",
    "1.7976931348623158e308",
    "1.7976931348623159e308",
    "0." + "0".repeat(4000) + "1e-900",
    "0".repeat(5119),
    "0".repeat(5120),
  ];
}

function scoreValue(v: RespValue): number {
  const text = (v as Buffer).toString("latin1");
  if (text === "inf") return Infinity;
  if (text === "-inf") return -Infinity;
  return Number(text);
}

function aboveMin(member: string, b: LexBound): boolean {
  if (b.kind === "min") return true;
  if (b.kind === "max") return false;
  const c = compareBytes(member, b.value);
  return b.exclusive ? c > 0 : c >= 0;
}

function belowMax(member: string, b: LexBound): boolean {
  if (b.kind === "max") return true;
  if (b.kind === "min") return false;
  const c = compareBytes(member, b.value);
  return b.exclusive ? c < 0 : c <= 0;
}
