// Random picks (src/engine/sampling.ts): SRANDMEMBER, SPOP, ZRANDMEMBER, HRANDFIELD and
// RANDOMKEY are uniform — a chi-square test bounds each one's bias — and HRANDFIELD's
// deterministic replies and errors match redis-server 7.0.15.

import { describe, expect, it } from "vitest";
import { describeVsRedis, EngineSession, unordered } from "./support/engine-vs-redis.ts";
import type { Step } from "./support/engine-vs-redis.ts";

/** Categories of every chi-square test below. */
const K = 10;
/** Draws per test: 200 expected per category. */
const DRAWS = 2000;
/**
 * Chi-square bound for K - 1 = 9 degrees of freedom at p = 1e-6 (a fair sampler fails once in
 * a million runs; the old "always the first member" fails with a statistic near 18000).
 */
const CHI2_BOUND = 45.6;

function chiSquare(counts: Map<string, number>, categories: readonly string[], draws: number) {
  let total = 0;
  for (const n of counts.values()) total += n;
  expect(total).toBe(draws);
  const expected = draws / categories.length;
  let chi = 0;
  for (const c of categories) chi += ((counts.get(c) ?? 0) - expected) ** 2 / expected;
  return chi;
}

/** The bulk strings of a RESP2 reply (a bulk or a flat array of bulks). */
function bulksOf(b: Buffer): string[] {
  const lines = b.toString("latin1").split("\r\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length - 1; i++) if (lines[i]!.startsWith("$")) out.push(lines[++i]!);
  return out;
}

const names = Array.from({ length: K }, (_, i) => `m${i}`);

/** Counts how often each name comes out of `draw` over `n` calls. */
function tally(n: number, draw: () => string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) for (const m of draw()) counts.set(m, (counts.get(m) ?? 0) + 1);
  expect([...counts.keys()].every((m) => names.includes(m))).toBe(true);
  return counts;
}

describe("uniform random picks", () => {
  it("200 SRANDMEMBER calls over 100 members return at least 50 distinct members", () => {
    const s = new EngineSession();
    s.command(["SADD", "k", ...Array.from({ length: 100 }, (_, i) => `m${i}`)]);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(bulksOf(s.command(["SRANDMEMBER", "k"]))[0]!);
    expect(seen.size).toBeGreaterThanOrEqual(50);
  });

  it("SRANDMEMBER (with and without a count) is uniform, also after removals", () => {
    const s = new EngineSession();
    s.command(["SADD", "k", "gone1", ...names, "gone2"]);
    s.command(["SRANDMEMBER", "k"]); // the set becomes samplable before the removals
    s.command(["SREM", "k", "gone1", "gone2"]);
    const one = tally(DRAWS, () => bulksOf(s.command(["SRANDMEMBER", "k"])));
    expect(chiSquare(one, names, DRAWS)).toBeLessThan(CHI2_BOUND);
    const neg = tally(DRAWS / 4, () => bulksOf(s.command(["SRANDMEMBER", "k", "-4"])));
    expect(chiSquare(neg, names, DRAWS)).toBeLessThan(CHI2_BOUND);
    const pos = tally(DRAWS / 2, () => bulksOf(s.command(["SRANDMEMBER", "k", "2"])));
    expect(chiSquare(pos, names, DRAWS)).toBeLessThan(CHI2_BOUND);
  });

  it("SPOP is uniform (with and without a count)", () => {
    const s = new EngineSession();
    const one = tally(DRAWS, () => {
      s.command(["DEL", "k"]);
      s.command(["SADD", "k", ...names]);
      return bulksOf(s.command(["SPOP", "k"]));
    });
    expect(chiSquare(one, names, DRAWS)).toBeLessThan(CHI2_BOUND);
    const three = tally(DRAWS / 2, () => {
      s.command(["DEL", "k"]);
      s.command(["SADD", "k", ...names]);
      return bulksOf(s.command(["SPOP", "k", "2"]));
    });
    expect(chiSquare(three, names, DRAWS)).toBeLessThan(CHI2_BOUND);
  });

  it("ZRANDMEMBER is uniform", () => {
    const s = new EngineSession();
    s.command(["ZADD", "z", ...names.flatMap((m, i) => [String(i), m])]);
    const one = tally(DRAWS, () => bulksOf(s.command(["ZRANDMEMBER", "z"])));
    expect(chiSquare(one, names, DRAWS)).toBeLessThan(CHI2_BOUND);
    const neg = tally(DRAWS / 5, () => bulksOf(s.command(["ZRANDMEMBER", "z", "-5"])));
    expect(chiSquare(neg, names, DRAWS)).toBeLessThan(CHI2_BOUND);
  });

  it("HRANDFIELD is uniform, also after removals", () => {
    const s = new EngineSession();
    s.command(["HSET", "h", "gone", "x", ...names.flatMap((m) => [m, "v"])]);
    s.command(["HRANDFIELD", "h"]);
    s.command(["HDEL", "h", "gone"]);
    const one = tally(DRAWS, () => bulksOf(s.command(["HRANDFIELD", "h"])));
    expect(chiSquare(one, names, DRAWS)).toBeLessThan(CHI2_BOUND);
    const neg = tally(DRAWS / 4, () => bulksOf(s.command(["HRANDFIELD", "h", "-4"])));
    expect(chiSquare(neg, names, DRAWS)).toBeLessThan(CHI2_BOUND);
    const pos = tally(DRAWS / 2, () => bulksOf(s.command(["HRANDFIELD", "h", "2"])));
    expect(chiSquare(pos, names, DRAWS)).toBeLessThan(CHI2_BOUND);
  });

  it("RANDOMKEY is uniform, also with deleted keys between live ones", () => {
    const s = new EngineSession();
    for (const m of names) {
      s.command(["SET", m, "v"]);
      // runs of deleted keys after some keys made the old pick favour the key after them
      if (m === "m3" || m === "m7") for (let i = 0; i < 5; i++) s.command(["SET", `${m}x${i}`, ""]);
    }
    s.command([
      "DEL",
      ...["m3", "m7"].flatMap((m) => Array.from({ length: 5 }, (_, i) => `${m}x${i}`)),
    ]);
    const counts = tally(DRAWS, () => bulksOf(s.command(["RANDOMKEY"])));
    expect(chiSquare(counts, names, DRAWS)).toBeLessThan(CHI2_BOUND);
  });
});

const HRANDFIELD_SCRIPT: Step[] = [
  ["HSET", "h", "a", "1", "b", "2", "c", "3"],
  ["SET", "str", "v"],
  unordered("HRANDFIELD", "h", "3"),
  unordered("HRANDFIELD", "h", "10"),
  ["HRANDFIELD", "h", "0"],
  ["HRANDFIELD", "h", "0", "WITHVALUES"],
  ["HRANDFIELD", "nokey"],
  ["HRANDFIELD", "nokey", "3"],
  ["HRANDFIELD", "nokey", "-3", "WITHVALUES"],
  ["HRANDFIELD", "str"],
  ["HRANDFIELD", "str", "0"],
  ["HRANDFIELD", "h", "x"],
  ["HRANDFIELD", "h", "1", "WITHSCORES"],
  ["HRANDFIELD", "h", "1", "WITHVALUES", "x"],
  ["HRANDFIELD", "h", "-9223372036854775808"],
  ["HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"],
  ["HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"],
  ["HSET", "one", "f", "v"],
  ["HRANDFIELD", "one", "-3", "WITHVALUES"],
  ["HRANDFIELD", "one", "1", "withvalues"],
  ["HRANDFIELD", "one"],
  ["SADD", "s", "only"],
  ["SRANDMEMBER", "s", "-3"],
  ["SPOP", "s", "1"],
  ["EXISTS", "s"],
];

describeVsRedis("HRANDFIELD vs redis-server 7.0.15", {
  "matches Redis where the reply is determined": HRANDFIELD_SCRIPT,
});
