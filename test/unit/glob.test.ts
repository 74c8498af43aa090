import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { compileGlob, globMatch, isMatchAll } from "../../src/engine/glob.ts";
import { concat, fromBytes, toBytes } from "../../src/engine/bytes.ts";
import { RedisOracle, RespError, oracleAvailable, type RespValue } from "./support/redis-oracle.ts";

const b = (...bytes: number[]) => fromBytes(new Uint8Array(bytes));
const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

describe("globMatch (Redis 7.0.15 stringmatchlen)", () => {
  // Expectations checked against redis-server 7.0.15 (KEYS) and its compiled stringmatchlen.
  const cases: Array<[pattern: string, subject: string, expected: boolean, nocase?: boolean]> = [
    ["*", "", true], // the exact pattern `*` is match-all, as KEYS/SCAN treat it
    ["**", "", false], // otherwise the empty subject matches only the empty pattern
    ["", "", true],
    ["", "a", false],
    ["a*", "a", true],
    ["*a", "ba", true],
    ["h?llo", "hello", true],
    ["h?llo", "hllo", false],
    ["h*llo", "heeeello", true],
    ["h[ae]llo", "hallo", true],
    ["h[ae]llo", "hillo", false],
    ["h[^e]llo", "hallo", true],
    ["h[^e]llo", "hello", false],
    ["h[a-b]llo", "hbllo", true],
    ["[z-a]", "m", true], // reversed ranges are swapped
    ["[a-]", "^", true], // unclosed: range a..']' swapped to ']'..'a'
    ["[a-", "a", true], // `[a-` at the end: `a`, then `-` as literals
    ["[", "[", false], // an unclosed `[` with nothing in it matches nothing
    ["[abc", "b", true],
    ["[]", "]", false],
    ["[]]", "]", false], // `[]` is an empty class, then a literal `]`
    ["[\\]]", "]", true],
    ["[\\", "\\", true], // a trailing backslash inside a class is literal
    ["a\\", "a\\", true], // a trailing backslash is literal
    ["\\*", "*", true],
    ["\\*", "a", false],
    ["\\a", "a", true],
    ["?", "é", false], // `?` is one byte; é is two
    ["??", "é", true],
    ["[^a]", "é", false], // the class consumes one byte, leaving one
    ["[^a]?", "é", true],
    ["HELLO", "hello", true, true],
    ["[A-Z]", "q", true, true],
    ["[Z-a]", "_", false, true], // swapped to Z..a, then lowered to z..a: empty
    ["[Z-a]", "_", true, false],
    ["[\\A]", "a", false, true], // an escape in a class compares exactly, even nocase
    ["*a*a*a*a*a*b", "a".repeat(40), false],
  ];
  for (const [pattern, subject, expected, nocase] of cases) {
    it(`${JSON.stringify(pattern)} ~ ${JSON.stringify(subject)}${nocase ? " (nocase)" : ""} -> ${expected}`, () => {
      expect(globMatch(pattern, subject, nocase)).toBe(expected);
      expect(compileGlob(pattern, nocase)(subject)).toBe(expected);
    });
  }

  it("compares signed chars in ranges (x86-64 C), and glibc tolower when nocase", () => {
    expect(globMatch(b(0x5b, 0x61, 0x2d, 0xff, 0x5d), b(0xff))).toBe(true); // [a-\xff] = -1..97
    expect(globMatch(b(0x5b, 0x61, 0x2d, 0xff, 0x5d), b(0x00))).toBe(true);
    expect(globMatch(b(0x5b, 0x61, 0x2d, 0xff, 0x5d), b(0x62))).toBe(false);
    expect(globMatch(b(0x5b, 0x61, 0x2d, 0xfe, 0x5d), b(0x80))).toBe(false);
    // nocase: [{-\xa9] swaps to -87..123, then tolower makes it 169..123: nothing matches
    expect(globMatch(b(0x5b, 0x7b, 0x2d, 0xa9, 0x5d), b(0x5d), true)).toBe(false);
    expect(globMatch(b(0x5b, 0x7b, 0x2d, 0xa9, 0x5d), b(0x5d), false)).toBe(true);
  });

  it("handles NUL bytes in the pattern and subject", () => {
    expect(globMatch("a\0*", "a\0bc")).toBe(true);
    expect(globMatch("[\0]", "\0")).toBe(true);
    expect(globMatch("?", "\0")).toBe(true);
  });

  it("isMatchAll is exactly `*`", () => {
    expect(isMatchAll("*")).toBe(true);
    expect(isMatchAll("**")).toBe(false);
    expect(isMatchAll("")).toBe(false);
  });

  it("stays linear on backtracking patterns", () => {
    const start = performance.now();
    expect(globMatch("*a".repeat(2000) + "*b", "a".repeat(20000))).toBe(false);
    expect(globMatch("*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(50000))).toBe(false);
    expect(globMatch("*?".repeat(5000), "x".repeat(10000))).toBe(true);
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it("fast paths agree with the general matcher", () => {
    // Literal and `literal*` patterns take shortcuts; a leading `[a]` forces the general path
    // with the same meaning on subjects that start with "a".
    const alphabet = fc.constantFrom("a", "b", "é", "\0", "\u{1F600}");
    const text = fc.array(alphabet, { maxLength: 5 }).map((a) => a.join(""));
    const bin = fc.uint8Array({ maxLength: 5 }).map((u) => fromBytes(u));
    fc.assert(
      // A literal has no glob special (random bytes can produce `?`, `*`, `[` or `\`).
      fc.property(
        fc.oneof(text, bin).filter((l) => !/[*?[\\]/.test(l)),
        fc.oneof(text, bin),
        fc.boolean(),
        (lit, subject, star) => {
          const pattern = star ? concat(lit, "*") : lit;
          const fast = compileGlob(pattern)(subject);
          expect(fast).toBe(star ? startsWithBytes(subject, lit) : subject === lit);
          expect(compileGlob(concat("[a]", pattern))(concat("a", subject))).toBe(fast);
        },
      ),
      { seed: SEED },
    );
  });
});

function startsWithBytes(s: string, prefix: string): boolean {
  const a = Buffer.from(toBytes(s));
  const p = Buffer.from(toBytes(prefix));
  return a.length >= p.length && a.subarray(0, p.length).equals(p);
}

// Bytes that exercise every branch: specials, letters around the case boundary and range
// ends, NUL, and bytes >= 0x80 (signed chars, UTF-8 lead/continuation bytes).
const PATTERN_BYTES = [
  0x2a, 0x2a, 0x3f, 0x5b, 0x5b, 0x5d, 0x5c, 0x5e, 0x2d, 0x2d, 0x61, 0x62, 0x41, 0x5a, 0x7a, 0x00,
  0xff, 0x80, 0xc3, 0xa9, 0x60, 0x7b,
];
const SUBJECT_BYTES = [
  0x61, 0x62, 0x41, 0x5a, 0x7a, 0x00, 0xff, 0x80, 0xc3, 0xa9, 0x2d, 0x5d, 0x5b, 0x5c, 0x2a, 0x5e,
  0x60, 0x7b,
];
const bytesFrom = (alphabet: number[], maxLength: number) =>
  fc.array(fc.constantFrom(...alphabet), { maxLength }).map((a) => Uint8Array.from(a));

// A pattern made from a subject by swapping some bytes for wildcards, so matches are common.
const derivedPattern = (subject: Uint8Array) =>
  fc
    .array(fc.constantFrom("keep", "keep", "?", "*", "class", "range", "drop", "escape"), {
      minLength: subject.length,
      maxLength: subject.length,
    })
    .map((ops) => {
      const out: number[] = [];
      ops.forEach((op, i) => {
        const c = subject[i]!;
        if (op === "keep") out.push(c);
        else if (op === "?") out.push(0x3f);
        else if (op === "*") out.push(0x2a);
        else if (op === "class") out.push(0x5b, c, 0x5d);
        else if (op === "range") out.push(0x5b, c, 0x2d, 0x61, 0x5d);
        else if (op === "escape") out.push(0x5c, c);
      });
      return Uint8Array.from(out);
    });

describe.skipIf(!oracleAvailable())("globMatch against redis-server 7.0.15", () => {
  let redis: RedisOracle;
  beforeAll(async () => {
    redis = await RedisOracle.start();
  });
  afterAll(() => redis?.stop());

  it("agrees with KEYS on generated patterns and keys", async () => {
    const BATCHES = 6;
    let matched = 0;
    for (let batch = 0; batch < BATCHES; batch++) {
      const seed = SEED + batch;
      const subjects = dedupe(fc.sample(bytesFrom(SUBJECT_BYTES, 7), { numRuns: 300, seed }));
      subjects.push(new Uint8Array(0));
      const random = fc.sample(bytesFrom(PATTERN_BYTES, 9), { numRuns: 300, seed });
      const derived = fc.sample(
        fc.constantFrom(...subjects).chain((s) => derivedPattern(s)),
        { numRuns: 300, seed },
      );
      const patterns = [...random, ...derived];
      const mset: Array<string | Uint8Array> = ["MSET"];
      for (const s of subjects) mset.push(s, "v");
      const replies = await redis.batch([["FLUSHALL"], mset, ...patterns.map((p) => ["KEYS", p])]);
      const keys = subjects.map((s) => fromBytes(s));
      patterns.forEach((p, i) => {
        const got = new Set(bulkList(replies[i + 2]!).map((k) => fromBytes(k)));
        const pattern = fromBytes(p);
        const matcher = compileGlob(pattern);
        const want = new Set(keys.filter((k) => matcher(k)));
        expect(sorted(want), `pattern ${hex(p)} (seed ${seed})`).toEqual(sorted(got));
        matched += got.size;
      });
    }
    expect(matched).toBeGreaterThan(1000); // the derived patterns make matches common
  });

  it("agrees with CONFIG GET (nocase) on generated patterns", async () => {
    const all = bulkList(await redis.call("CONFIG", "GET", "*"));
    const names = all.filter((_, i) => i % 2 === 0).map((n) => n.toString("latin1"));
    const nameBytes = [...new Set(names.join(""))].map((c) => c.charCodeAt(0));
    // No NUL (CONFIG GET reads a C string) and at least one of `[*?` (else it is a lookup).
    const alphabet = [
      ...nameBytes,
      0x2a,
      0x3f,
      0x5b,
      0x5d,
      0x5c,
      0x5e,
      0x2d,
      0x41,
      0x4d,
      0x5a,
      0xff,
      0x80,
    ];
    const pattern = bytesFrom(alphabet, 10).filter((p) =>
      p.some((c) => c === 0x2a || c === 0x3f || c === 0x5b),
    );
    const patterns = fc.sample(pattern, { numRuns: 600, seed: SEED });
    const replies = await redis.batch(patterns.map((p) => ["CONFIG", "GET", p]));
    let matched = 0;
    patterns.forEach((p, i) => {
      const got = bulkList(replies[i]!)
        .filter((_, j) => j % 2 === 0)
        .map((n) => n.toString("latin1"));
      const want = names.filter((n) => globMatch(fromBytes(p), n, true));
      expect(sorted(new Set(want)), `pattern ${hex(p)}`).toEqual(sorted(new Set(got)));
      matched += got.length;
    });
    expect(matched).toBeGreaterThan(100);
  });
});

function dedupe(list: Uint8Array[]): Uint8Array[] {
  const seen = new Map<string, Uint8Array>();
  for (const u of list) seen.set(hex(u), u);
  return [...seen.values()];
}

function bulkList(v: RespValue): Buffer[] {
  if (v instanceof RespError) throw new Error(v.message);
  if (!Array.isArray(v)) throw new Error(`expected an array, got ${String(v)}`);
  return v as Buffer[];
}

function sorted(set: Set<string>): string[] {
  return [...set].map((s) => JSON.stringify(s)).sort();
}

function hex(u: Uint8Array): string {
  return Buffer.from(u).toString("hex");
}
