// Sorted-set commands (spec §10.12) against redis-server 7.0.15, byte for byte in RESP2 and
// RESP3. ZSCAN walks insertion order (spec §10.9) and ZRANDMEMBER is random, so those are
// checked by their properties; the rest also runs as a random model check against Redis.
// Then the SortedSet structure on its own, persistence and rollback.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SortedSet } from "../../src/engine/sorted-set.ts";
import { Harness, dump, expectSurvivesRestart } from "./support/engine-harness.ts";
import {
  EngineSession,
  expectSameReplies,
  redisAvailable,
  replyLength,
  useRedis,
} from "./support/engine-vs-redis.ts";
import type { Argv } from "./support/engine-vs-redis.ts";

const BIN = new Uint8Array([0xff, 0x00, 0x80]);
const BIN2 = new Uint8Array([0xc3, 0x28]);
const I64_MAX = "9223372036854775807";
const I64_MIN = "-9223372036854775808";

const SCRIPT: Argv[] = [
  // ZADD options and errors
  ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
  ["ZADD", "z", "1", "a"],
  ["ZADD", "z", "CH", "1", "a", "5", "b", "0", "new"],
  ["ZADD", "z", "NX", "9", "a", "4", "d"],
  ["ZADD", "z", "XX", "9", "a", "4", "zz"],
  ["ZADD", "z", "XX", "CH", "8", "a", "4", "zz"],
  ["ZADD", "z", "GT", "CH", "1", "a", "10", "b", "7", "e"],
  ["ZADD", "z", "LT", "CH", "100", "a", "1", "b"],
  ["ZADD", "z", "XX", "GT", "CH", "50", "a"],
  ["ZADD", "z", "NX", "XX", "1", "a"],
  ["ZADD", "z", "NX", "GT", "1", "a"],
  ["ZADD", "z", "NX", "LT", "1", "a"],
  ["ZADD", "z", "GT", "LT", "1", "a"],
  ["ZADD", "z", "INCR", "1", "a", "2", "b"],
  ["ZADD", "z", "1"],
  ["ZADD", "z", "1", "a", "2"],
  ["ZADD", "z", "NX"],
  ["ZADD", "z", "x", "a"],
  ["ZADD", "z", "1", "a", "nan", "b"],
  ["ZADD", "z", "1 ", "a"],
  ["ZADD", "z", "", "a"],
  ["ZADD", "z", "1e400", "a"],
  ["ZADD", "z", "WHAT", "1", "a"],
  ["ZADD", "str", "1", "a"],
  ["ZADD", "str", "x", "a"],
  ["ZADD", "str", "NX", "XX", "1", "a"],
  ["ZADD", "z", "INCR", "2.5", "a"],
  ["ZADD", "z", "INCR", "NX", "2.5", "a"],
  ["ZADD", "z", "INCR", "NX", "2.5", "fresh"],
  ["ZADD", "z", "INCR", "XX", "1", "absent"],
  ["ZADD", "z", "INCR", "GT", "-1", "a"],
  ["ZADD", "z", "INCR", "LT", "-1", "a"],
  ["ZADD", "z", "INCR", "LT", "0", "a"],
  ["ZADD", "nokey", "XX", "1", "a"],
  ["ZADD", "nokey", "XX", "INCR", "1", "a"],
  ["EXISTS", "nokey"],
  ["ZADD", "z", "nx", "ch", "incr", "0", "lower"],
  ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
  // scores: text forms, infinities, precision, -0
  [
    "ZADD",
    "s",
    "0.1",
    "a",
    "-0",
    "b",
    "1e20",
    "c",
    "+inf",
    "d",
    "-inf",
    "e",
    "0x10",
    "f",
    "1.5e-5",
    "g",
  ],
  [
    "ZADD",
    "s",
    "123456789012345678",
    "h",
    ".5",
    "i",
    "5.",
    "j",
    "-1.7976931348623157e308",
    "k",
    "4.9e-324",
    "l",
  ],
  ["ZADD", "s", "INF", "m", "-Infinity", "n", "3.0000000000000004", "o", "1E2", "p"],
  ["ZRANGE", "s", "0", "-1", "WITHSCORES"],
  ["ZSCORE", "s", "a"],
  ["ZSCORE", "s", "b"],
  ["ZSCORE", "s", "l"],
  ["ZMSCORE", "s", "a", "zz", "d", "e"],
  ["ZMSCORE", "nokey", "a", "b"],
  ["ZMSCORE", "str", "a"],
  ["ZSCORE", "nokey", "a"],
  ["ZSCORE", "s", "zz"],
  ["ZSCORE", "str", "a"],
  ["ZADD", "s", "1e-400", "q"],
  ["ZADD", "s", "0e-400", "q"],
  ["ZSCORE", "s", "q"],
  // ZINCRBY
  ["ZINCRBY", "s", "1", "a"],
  ["ZINCRBY", "s", "-0.1", "a"],
  ["ZINCRBY", "s", "1", "d"],
  ["ZINCRBY", "s", "-inf", "d"],
  ["ZINCRBY", "s", "inf", "e"],
  ["ZINCRBY", "s", "1e308", "k"],
  ["ZINCRBY", "s", "-1e308", "k"],
  ["ZINCRBY", "s", "-1e308", "k"],
  ["ZINCRBY", "s", "x", "a"],
  ["ZINCRBY", "s", "nx", "a"],
  ["ZINCRBY", "s", "incr", "a"],
  ["ZINCRBY", "newz", "-0", "m"],
  ["ZSCORE", "newz", "m"],
  ["ZINCRBY", "str", "1", "a"],
  ["ZINCRBY", "s", "1"],
  // ZCARD / ZREM / ZRANK / ZREVRANK
  ["ZCARD", "s"],
  ["ZCARD", "nokey"],
  ["ZCARD", "str"],
  ["ZRANK", "s", "e"],
  ["ZRANK", "s", "d"],
  ["ZREVRANK", "s", "d"],
  ["ZREVRANK", "s", "e"],
  ["ZRANK", "s", "zz"],
  ["ZRANK", "nokey", "a"],
  ["ZRANK", "str", "a"],
  ["ZREVRANK", "nokey", "a"],
  ["ZREM", "s", "a", "zz", "a", "b"],
  ["ZREM", "nokey", "a"],
  ["ZREM", "str", "a"],
  ["ZREM", "newz", "m", "m", "x"],
  ["EXISTS", "newz"],
  ["ZCARD", "s"],
  // binary members, byte order among equal scores
  [
    "ZADD",
    "b",
    "0",
    BIN,
    "0",
    BIN2,
    "0",
    "",
    "0",
    "é",
    "0",
    "z",
    "0",
    "\u{1F600}",
    "0",
    "\uFFFD",
    "0",
    "A",
  ],
  ["ZRANGE", "b", "0", "-1"],
  ["ZRANK", "b", BIN],
  ["ZSCORE", "b", BIN2],
  ["ZRANGEBYLEX", "b", "-", "+"],
  ["ZRANGEBYLEX", "b", "[z", "+"],
  ["ZRANGEBYLEX", "b", "(", "[z"],
  // ZRANGE by rank
  ["ZADD", "r", "1", "one", "2", "two", "3", "three", "4", "four", "5", "five"],
  ["ZRANGE", "r", "0", "-1"],
  ["ZRANGE", "r", "1", "2", "WITHSCORES"],
  ["ZRANGE", "r", "-2", "-1", "withscores"],
  ["ZRANGE", "r", "3", "1"],
  ["ZRANGE", "r", "-100", "100"],
  ["ZRANGE", "r", "5", "10"],
  ["ZRANGE", "r", I64_MIN, I64_MAX],
  ["ZRANGE", "r", "0", "-1", "REV"],
  ["ZRANGE", "r", "0", "1", "REV", "WITHSCORES"],
  ["ZRANGE", "r", "-1", "-1", "REV"],
  ["ZRANGE", "r", "0", "-1", "REV", "REV"],
  ["ZRANGE", "r", "0", "-1", "LIMIT", "0", "1"],
  ["ZRANGE", "r", "0", "-1", "LIMIT", "0", "-1"],
  ["ZRANGE", "r", "0", "-1", "LIMIT", "0"],
  ["ZRANGE", "r", "0", "-1", "LIMIT", "x", "1"],
  ["ZRANGE", "r", "0", "-1", "BOGUS"],
  ["ZRANGE", "r", "x", "1"],
  ["ZRANGE", "r", "0", "1.5"],
  ["ZRANGE", "nokey", "0", "-1"],
  ["ZRANGE", "nokey", "x", "-1"],
  ["ZRANGE", "str", "0", "-1"],
  ["ZREVRANGE", "r", "0", "-1"],
  ["ZREVRANGE", "r", "1", "3", "WITHSCORES"],
  ["ZREVRANGE", "r", "-1", "10"],
  ["ZREVRANGE", "r", "0", "-1", "REV"],
  ["ZREVRANGE", "r", "0", "-1", "BYSCORE"],
  ["ZREVRANGE", "r", "0", "-1", "LIMIT", "0", "1"],
  // BYSCORE
  ["ZRANGE", "r", "2", "4", "BYSCORE"],
  ["ZRANGE", "r", "(2", "(4", "BYSCORE", "WITHSCORES"],
  ["ZRANGE", "r", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2"],
  ["ZRANGE", "r", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "-1"],
  ["ZRANGE", "r", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"],
  ["ZRANGE", "r", "-inf", "+inf", "BYSCORE", "LIMIT", "10", "2"],
  ["ZRANGE", "r", "-inf", "+inf", "BYSCORE", "LIMIT", "4", "0"],
  ["ZRANGE", "r", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2", "WITHSCORES"],
  ["ZRANGE", "r", "(4", "2", "BYSCORE", "REV"],
  ["ZRANGE", "r", "2", "4", "BYSCORE", "REV"],
  ["ZRANGE", "r", "3", "3", "BYSCORE"],
  ["ZRANGE", "r", "(3", "3", "BYSCORE"],
  ["ZRANGE", "r", "3", "(3", "BYSCORE"],
  ["ZRANGE", "r", "x", "3", "BYSCORE"],
  ["ZRANGE", "r", "1", "nan", "BYSCORE"],
  ["ZRANGE", "r", "(", "3", "BYSCORE"],
  ["ZRANGE", "r", "", "3", "BYSCORE"],
  ["ZRANGE", "r", " 1", "3", "BYSCORE"],
  ["ZRANGE", "r", "1\0junk", "3", "BYSCORE"],
  ["ZRANGE", "r", "0x1", "0x3", "BYSCORE"],
  ["ZRANGE", "r", "1e400", "-1e400", "BYSCORE", "REV"],
  ["ZRANGE", "r", "1", "2", "BYSCORE", "BYSCORE"],
  ["ZRANGE", "r", "1", "2", "BYSCORE", "BYLEX"],
  ["ZRANGE", "nokey", "x", "3", "BYSCORE"],
  ["ZRANGE", "nokey", "1", "3", "BYSCORE"],
  ["ZRANGEBYSCORE", "r", "2", "4"],
  ["ZRANGEBYSCORE", "r", "-inf", "+inf", "WITHSCORES", "LIMIT", "1", "3"],
  ["ZRANGEBYSCORE", "r", "-inf", "+inf", "LIMIT", "1"],
  ["ZRANGEBYSCORE", "r", "-inf", "+inf", "REV"],
  ["ZRANGEBYSCORE", "r", "-inf", "+inf", "BYSCORE"],
  ["ZRANGEBYSCORE", "r", "4", "2"],
  ["ZRANGEBYSCORE", "r", "a", "2"],
  ["ZRANGEBYSCORE", "str", "1", "2"],
  ["ZREVRANGEBYSCORE", "r", "4", "2"],
  ["ZREVRANGEBYSCORE", "r", "+inf", "-inf", "WITHSCORES", "LIMIT", "1", "2"],
  ["ZREVRANGEBYSCORE", "r", "2", "4"],
  ["ZREVRANGEBYSCORE", "r", "(5", "(1"],
  // BYLEX
  ["ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "f", "0", "g"],
  ["ZRANGE", "lex", "[b", "(e", "BYLEX"],
  ["ZRANGE", "lex", "-", "+", "BYLEX", "LIMIT", "2", "3"],
  ["ZRANGE", "lex", "+", "-", "BYLEX", "REV", "LIMIT", "1", "2"],
  ["ZRANGE", "lex", "(e", "[b", "BYLEX", "REV"],
  ["ZRANGE", "lex", "[b", "(e", "BYLEX", "REV"],
  ["ZRANGE", "lex", "-", "+", "BYLEX", "WITHSCORES"],
  ["ZRANGE", "lex", "+", "-", "BYLEX"],
  ["ZRANGE", "lex", "-", "-", "BYLEX"],
  ["ZRANGE", "lex", "(a", "(a", "BYLEX"],
  ["ZRANGE", "lex", "[a", "[a", "BYLEX"],
  ["ZRANGE", "lex", "a", "+", "BYLEX"],
  ["ZRANGE", "lex", "-x", "+", "BYLEX"],
  ["ZRANGE", "lex", "-\0x", "+\0", "BYLEX"],
  ["ZRANGE", "lex", "[", "[c", "BYLEX"],
  ["ZRANGE", "nokey", "a", "+", "BYLEX"],
  ["ZRANGEBYLEX", "lex", "[c", "+"],
  ["ZRANGEBYLEX", "lex", "[c", "+", "LIMIT", "1", "1"],
  ["ZRANGEBYLEX", "lex", "[c", "+", "WITHSCORES"],
  ["ZRANGEBYLEX", "lex", "[c", "+", "REV"],
  ["ZRANGEBYLEX", "lex", "c", "+"],
  ["ZRANGEBYLEX", "str", "-", "+"],
  // ZCOUNT
  ["ZCOUNT", "r", "-inf", "+inf"],
  ["ZCOUNT", "r", "2", "4"],
  ["ZCOUNT", "r", "(2", "(4"],
  ["ZCOUNT", "r", "4", "2"],
  ["ZCOUNT", "r", "(3", "3"],
  ["ZCOUNT", "r", "x", "3"],
  ["ZCOUNT", "nokey", "x", "3"],
  ["ZCOUNT", "nokey", "1", "3"],
  ["ZCOUNT", "str", "1", "3"],
  // ZPOPMIN / ZPOPMAX
  ["ZADD", "p", "1", "a", "2", "b", "3", "c", "4", "d"],
  ["ZPOPMIN", "p"],
  ["ZPOPMAX", "p"],
  ["ZPOPMIN", "p", "0"],
  ["ZPOPMIN", "p", "1"],
  ["ZPOPMAX", "p", "5"],
  ["EXISTS", "p"],
  ["ZPOPMIN", "p"],
  ["ZPOPMIN", "p", "2"],
  ["ZPOPMIN", "p", "-1"],
  ["ZPOPMIN", "p", "x"],
  ["ZPOPMIN", "p", "1", "2"],
  ["ZPOPMAX", "str"],
  ["ZPOPMAX", "str", "-1"],
  ["ZADD", "p", "1", "a"],
  ["ZPOPMAX", "p", "1"],
  ["EXISTS", "p"],
  // ZREMRANGEBYRANK / ZREMRANGEBYSCORE
  ["ZADD", "d", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"],
  ["ZREMRANGEBYRANK", "d", "0", "0"],
  ["ZREMRANGEBYRANK", "d", "-1", "-1"],
  ["ZREMRANGEBYRANK", "d", "5", "10"],
  ["ZREMRANGEBYRANK", "d", "2", "1"],
  ["ZREMRANGEBYRANK", "d", "x", "1"],
  ["ZRANGE", "d", "0", "-1"],
  ["ZREMRANGEBYSCORE", "d", "(2", "3"],
  ["ZREMRANGEBYSCORE", "d", "10", "20"],
  ["ZREMRANGEBYSCORE", "d", "x", "20"],
  ["ZRANGE", "d", "0", "-1"],
  ["ZREMRANGEBYSCORE", "d", "-inf", "+inf"],
  ["EXISTS", "d"],
  ["ZADD", "d", "1", "a", "2", "b"],
  ["ZREMRANGEBYRANK", "d", I64_MIN, I64_MAX],
  ["EXISTS", "d"],
  ["ZREMRANGEBYRANK", "nokey", "0", "1"],
  ["ZREMRANGEBYRANK", "nokey", "x", "1"],
  ["ZREMRANGEBYSCORE", "nokey", "x", "1"],
  ["ZREMRANGEBYSCORE", "str", "0", "1"],
  ["ZREMRANGEBYRANK", "str", "0", "1"],
  // ZRANDMEMBER argument checks and the deterministic cases
  ["ZRANDMEMBER", "nokey"],
  ["ZRANDMEMBER", "nokey", "5"],
  ["ZRANDMEMBER", "nokey", "-5", "WITHSCORES"],
  ["ZRANDMEMBER", "r", "0"],
  ["ZRANDMEMBER", "r", "5"],
  ["ZRANDMEMBER", "r", "100", "WITHSCORES"],
  ["ZRANDMEMBER", "r", "x"],
  ["ZRANDMEMBER", "r", I64_MIN],
  ["ZRANDMEMBER", "r", "-9223372036854775807", "withscores"],
  ["ZRANDMEMBER", "r", "4611686018427387904", "withscores"],
  ["ZRANDMEMBER", "nokey", "4611686018427387904", "withscores"],
  ["ZRANDMEMBER", "r", "4611686018427387903", "WITHSCORES"],
  ["ZRANDMEMBER", "r", "1", "BOGUS"],
  ["ZRANDMEMBER", "r", "1", "WITHSCORES", "x"],
  ["ZRANDMEMBER", "str"],
  ["ZRANDMEMBER", "str", "1"],
  ["ZRANDMEMBER", "str", "x"],
  // ZSCAN argument checks (member order is checked separately)
  ["ZSCAN", "nokey", "0"],
  ["ZSCAN", "nokey", "x"],
  ["ZSCAN", "nokey", "0", "COUNT", "0"],
  ["ZSCAN", "r", "x"],
  ["ZSCAN", "r", " 0"],
  ["ZSCAN", "r", "18446744073709551616"],
  ["ZSCAN", "r", "0", "COUNT", "0"],
  ["ZSCAN", "r", "0", "COUNT", "x"],
  ["ZSCAN", "r", "0", "COUNT"],
  ["ZSCAN", "r", "0", "BOGUS", "1"],
  ["ZSCAN", "r", "0", "TYPE", "zset"],
  ["ZSCAN", "str", "0"],
  ["ZSCAN", "str", "x"],
  // arity
  ["ZADD", "z", "1"],
  ["ZINCRBY", "z", "1"],
  ["ZREM", "z"],
  ["ZSCORE", "z"],
  ["ZMSCORE", "z"],
  ["ZCARD"],
  ["ZCOUNT", "z", "1"],
  ["ZRANK", "z"],
  ["ZRANK", "z", "a", "WITHSCORE"],
  ["ZREVRANK", "z"],
  ["ZRANGE", "z", "0"],
  ["ZRANGEBYSCORE", "z", "0"],
  ["ZREVRANGEBYSCORE", "z", "0"],
  ["ZREVRANGE", "z", "0"],
  ["ZRANGEBYLEX", "z", "-"],
  ["ZPOPMIN"],
  ["ZPOPMAX"],
  ["ZREMRANGEBYRANK", "z", "0"],
  ["ZREMRANGEBYSCORE", "z", "0"],
  ["ZRANDMEMBER"],
  ["ZSCAN", "z"],
  ["TYPE", "z"],
];

describe.skipIf(!redisAvailable())("sorted-set commands vs redis-server 7.0.15", () => {
  const oracle = useRedis();

  for (const proto of [2, 3] as const) {
    it(`matches Redis (RESP${proto})`, async () => {
      await expectSameReplies(oracle.redis, SCRIPT, proto);
    });

    it(`matches Redis on a set past the small encoding (RESP${proto})`, async () => {
      const big: string[] = ["ZADD", "big"];
      for (let i = 0; i < 3000; i++) big.push(String((i * 7919) % 1000), `m${i}`);
      const script: Argv[] = [
        big,
        ["ZCARD", "big"],
        ["ZRANGE", "big", "0", "20", "WITHSCORES"],
        ["ZRANGE", "big", "1490", "1510"],
        ["ZRANGE", "big", "0", "9", "REV", "WITHSCORES"],
        ["ZRANGE", "big", "(500", "510", "BYSCORE", "LIMIT", "3", "7", "WITHSCORES"],
        ["ZRANGE", "big", "510", "(500", "BYSCORE", "REV", "LIMIT", "3", "7"],
        ["ZCOUNT", "big", "100", "(200"],
        ["ZRANK", "big", "m1234"],
        ["ZREVRANK", "big", "m1234"],
        ["ZREM", "big", "m1", "m2", "m3"],
        ["ZPOPMIN", "big", "3"],
        ["ZPOPMAX", "big", "2"],
        ["ZREMRANGEBYRANK", "big", "100", "199"],
        ["ZREMRANGEBYSCORE", "big", "300", "400"],
        ["ZCARD", "big"],
        ["ZRANGE", "big", "1000", "1100", "WITHSCORES"],
        ["ZINCRBY", "big", "0.5", "m500"],
        ["ZRANK", "big", "m500"],
        ["ZRANGE", "big", "-5", "-1", "WITHSCORES"],
      ];
      await expectSameReplies(oracle.redis, script, proto);
    });
  }

  it("matches Redis on random sequences of sorted-set commands", async () => {
    const member = fc.constantFrom("a", "b", "c", "d", "");
    const score = fc.constantFrom("0", "1", "-1", "2.5", "(1", "inf", "-inf", "(2.5", "x");
    const idx = fc.integer({ min: -5, max: 5 }).map(String);
    const key = fc.constantFrom("k", "j");
    const flags = fc.subarray(["NX", "XX", "GT", "LT", "CH", "INCR"]);
    const step: fc.Arbitrary<string[]> = fc.oneof(
      fc
        .tuple(key, flags, score, member, score, member)
        .map(([k, f, s1, m1, s2, m2]) => ["ZADD", k, ...f, s1, m1, s2, m2]),
      fc.tuple(key, flags, score, member).map(([k, f, s, m]) => ["ZADD", k, ...f, s, m]),
      fc.tuple(key, score, member).map(([k, s, m]) => ["ZINCRBY", k, s, m]),
      fc.tuple(key, member, member).map(([k, a, b]) => ["ZREM", k, a, b]),
      fc
        .tuple(fc.constantFrom("ZPOPMIN", "ZPOPMAX"), key, fc.constantFrom([], ["0"], ["1"], ["3"]))
        .map(([c, k, n]) => [c, k, ...n]),
      fc.tuple(key, idx, idx).map(([k, a, b]) => ["ZREMRANGEBYRANK", k, a, b]),
      fc.tuple(key, score, score).map(([k, a, b]) => ["ZREMRANGEBYSCORE", k, a, b]),
      fc
        .tuple(
          key,
          score,
          score,
          fc.constantFrom([], ["REV"], ["LIMIT", "1", "2"], ["REV", "LIMIT", "0", "1"]),
        )
        .map(([k, a, b, o]) => ["ZRANGE", k, a, b, "BYSCORE", "WITHSCORES", ...o]),
      fc
        .tuple(key, idx, idx, fc.constantFrom([], ["REV"]))
        .map(([k, a, b, o]) => ["ZRANGE", k, a, b, ...o]),
      fc.tuple(key, score, score).map(([k, a, b]) => ["ZCOUNT", k, a, b]),
      fc.tuple(fc.constantFrom("ZRANK", "ZREVRANK", "ZSCORE"), key, member).map((t) => [...t]),
    );
    for (const proto of [2, 3] as const) {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
          const script: Argv[] = [];
          for (const s of steps)
            script.push(
              s,
              ["ZRANGE", "k", "0", "-1", "WITHSCORES"],
              ["ZRANGE", "j", "0", "-1", "WITHSCORES"],
            );
          await expectSameReplies(oracle.redis, script, proto);
        }),
        { numRuns: 40 },
      );
    }
  });
});

/** The type skeleton of a RESP reply: headers kept, bulk and double payloads blanked. */
function skeleton(buf: Buffer, at = 0): string {
  const nl = buf.indexOf("\r\n", at);
  const type = String.fromCharCode(buf[at]!);
  const head = buf.toString("latin1", at + 1, nl);
  if (type === "$") return Number(head) < 0 ? "$-1 " : "$? ";
  if (type === ",") return ",? ";
  if (!"*~%".includes(type) || Number(head) < 0) return `${type}${head} `;
  let out = `${type}${head}[ `;
  let p = nl + 2;
  for (let i = 0; i < Number(head) * (type === "%" ? 2 : 1); i++) {
    out += skeleton(buf, p);
    p += replyLength(buf, p);
  }
  return out + "] ";
}

/** Every bulk and double payload of a reply, depth first. */
function scalars(buf: Buffer): string[] {
  const items: string[] = [];
  const walk = (at: number): number => {
    const nl = buf.indexOf("\r\n", at);
    const type = String.fromCharCode(buf[at]!);
    const head = buf.toString("latin1", at + 1, nl);
    if (type === "$") {
      items.push(buf.toString("latin1", nl + 2, nl + 2 + Number(head)));
      return nl + 4 + Number(head) - at;
    }
    if (type === ",") {
      items.push(head);
      return nl + 2 - at;
    }
    let p = nl + 2;
    for (let i = 0; i < Number(head); i++) p += walk(p);
    return p - at;
  };
  walk(0);
  return items;
}

/** (member, score text) pairs of a reply holding members with scores, flat or nested. */
function pairs(buf: Buffer): [string, string][] {
  const items = scalars(buf);
  const out: [string, string][] = [];
  for (let i = 0; i < items.length; i += 2) out.push([items[i]!, items[i + 1]!]);
  return out;
}

const bulks = scalars;

describe.skipIf(!redisAvailable())(
  "ZRANDMEMBER and ZSCAN vs redis-server 7.0.15 (by properties)",
  () => {
    const oracle = useRedis();

    it("ZRANDMEMBER replies have Redis's shape, members and scores", async () => {
      const members = fc.uniqueArray(fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h", ""), {
        minLength: 1,
        maxLength: 9,
      });
      const scores = fc.array(fc.constantFrom("0", "1.5", "-2", "0.1", "inf", "1e20"), {
        minLength: 9,
        maxLength: 9,
      });
      await fc.assert(
        fc.asyncProperty(
          members,
          scores,
          fc.integer({ min: -12, max: 12 }),
          fc.boolean(),
          fc.constantFrom(2, 3) as fc.Arbitrary<2 | 3>,
          async (ms, ss, n, withScores, proto) => {
            const zadd: string[] = ["ZADD", "k"];
            ms.forEach((m, i) => zadd.push(ss[i]!, m));
            const script: Argv[] = [
              zadd,
              ["ZRANGE", "k", "0", "-1", "WITHSCORES"],
              ["ZRANDMEMBER", "k", String(n), ...(withScores ? ["WITHSCORES"] : [])],
              ["ZRANDMEMBER", "k"],
            ];
            const s = new EngineSession();
            await oracle.redis.command(["FLUSHALL"]);
            await oracle.redis.command(["HELLO", String(proto)]);
            s.command(["HELLO", String(proto)]);
            const ours = script.map((a) => s.command(a));
            const theirs: Buffer[] = [];
            for (const a of script) theirs.push(await oracle.redis.command(a));
            expect(ours[1]!.toString("latin1")).toBe(theirs[1]!.toString("latin1"));
            expect(skeleton(ours[2]!)).toBe(skeleton(theirs[2]!));
            expect(skeleton(ours[3]!)).toBe(skeleton(theirs[3]!));
            const scoreOf = new Map(pairs(ours[1]!));
            const got = withScores
              ? pairs(ours[2]!)
              : bulks(ours[2]!).map((m) => [m, scoreOf.get(m)!] as [string, string]);
            for (const [m, sc] of got) expect(scoreOf.get(m)).toBe(sc);
            if (n >= 0) {
              expect(got.length).toBe(Math.min(n, ms.length));
              expect(new Set(got.map(([m]) => m)).size).toBe(got.length);
            } else expect(got.length).toBe(-n);
            expect(scoreOf.has(bulks(ours[3]!)[0]!)).toBe(true);
          },
        ),
        { numRuns: 150 },
      );
    });

    it("a full ZSCAN returns Redis's member-score pairs", async () => {
      for (const proto of [2, 3] as const) {
        for (const size of [5, 200]) {
          const zadd: string[] = ["ZADD", "k"];
          for (let i = 0; i < size; i++)
            zadd.push(i % 3 === 0 ? String(i / 7) : String(i * 1e15), `m${(i * 37) % size}`);
          const s = new EngineSession();
          await oracle.redis.command(["FLUSHALL"]);
          await oracle.redis.command(["HELLO", String(proto)]);
          s.command(["HELLO", String(proto)]);
          s.command(zadd);
          await oracle.redis.command(zadd);
          for (const match of [[], ["MATCH", "m1*"]]) {
            const collect = async (
              run: (a: Argv) => Promise<Buffer> | Buffer,
            ): Promise<string[]> => {
              const seen: string[] = [];
              let cursor = "0";
              do {
                const reply = await run(["ZSCAN", "k", cursor, "COUNT", "7", ...match]);
                const [next, ...rest] = bulks(reply);
                cursor = next!;
                for (let i = 0; i < rest.length; i += 2) seen.push(`${rest[i]}=${rest[i + 1]}`);
              } while (cursor !== "0");
              return seen.sort();
            };
            const ours = await collect((a) => s.command(a));
            expect(new Set(ours).size).toBe(ours.length);
            expect(ours).toEqual(await collect((a) => oracle.redis.command(a)));
          }
        }
      }
    });
  },
);

describe("ZRANDMEMBER bound", () => {
  it("refuses a negative count whose reply could not cross a WebSocket message", () => {
    const s = new EngineSession();
    expect(s.command(["ZRANDMEMBER", "k", "-2796203"]).toString()).toBe("*0\r\n");
    s.command(["ZADD", "k", "1", "a"]);
    expect(s.command(["ZRANDMEMBER", "k", "-2796203"]).toString()).toBe(
      "-ERR value is out of range\r\n",
    );
    expect(s.command(["ZRANDMEMBER", "k", "-3", "WITHSCORES"]).toString()).toBe(
      "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n1\r\n",
    );
  });
});

describe("ZSCAN order and cursors (spec §10.9)", () => {
  it("walks insertion order; a re-scored member keeps its place", () => {
    const s = new EngineSession();
    s.command(["ZADD", "k", "3", "c", "1", "a", "2", "b"]);
    s.command(["ZADD", "k", "0", "c"]);
    expect(bulks(s.command(["ZSCAN", "k", "0"]))).toEqual(["0", "c", "0", "a", "1", "b", "2"]);
    const [cursor, ...first] = bulks(s.command(["ZSCAN", "k", "0", "COUNT", "2"]));
    expect(first).toEqual(["c", "0", "a", "1"]);
    expect(bulks(s.command(["ZSCAN", "k", cursor!, "COUNT", "2"]))).toEqual(["0", "b", "2"]);
  });

  it("starts over from a cursor it did not issue, also after a restart", () => {
    const h = new Harness({ persist: true });
    const zadd = ["ZADD", "k"];
    for (let i = 0; i < 50; i++) zadd.push(String(-i), `m${i}`);
    h.run("redis", ...zadd);
    const scan = (cursor: string): [string, string[]] => {
      const r = h.run("redis", "ZSCAN", "k", cursor, "COUNT", "10");
      const [c, items] = (r as unknown as { v: [{ v: string }, { v: { v: string }[] }] }).v;
      return [c.v, items.v.filter((_, i) => i % 2 === 0).map((x) => x.v)];
    };
    const [cursor, page] = scan("0");
    expect(page).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    expect(scan("18446744073709551615")[1]).toEqual(page);
    expect(scan("12345")[1]).toEqual(page);
    h.run(
      "redis",
      "ZREM",
      "k",
      "m0",
      "m1",
      "m2",
      "m3",
      "m4",
      "m5",
      "m6",
      "m7",
      "m8",
      "m9",
      "m10",
      "m11",
    );
    h.restart();
    const seen = new Set<string>();
    let c = cursor;
    do {
      const [next, members] = scan(c);
      for (const m of members) seen.add(m);
      c = next;
    } while (c !== "0");
    for (let i = 12; i < 50; i++) expect(seen.has(`m${i}`), `m${i}`).toBe(true);
  });

  it("returns every member present for the whole iteration, whatever changes between calls", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.array(
          fc.tuple(fc.constantFrom("add", "del", "rescore"), fc.integer({ min: 0, max: 400 })),
          { maxLength: 200 },
        ),
        fc.integer({ min: 1, max: 20 }),
        (size, changes, count) => {
          const s = new EngineSession();
          const zadd = ["ZADD", "k"];
          for (let i = 0; i < size; i++) zadd.push(String(i % 5), `m${i}`);
          s.command(zadd);
          const stable = new Set(Array.from({ length: size }, (_, i) => `m${i}`));
          const seen = new Set<string>();
          let cursor = "0";
          let step = 0;
          do {
            const [next, ...rest] = bulks(
              s.command(["ZSCAN", "k", cursor, "COUNT", String(count)]),
            );
            for (let i = 0; i < rest.length; i += 2) seen.add(rest[i]!);
            cursor = next!;
            for (let j = 0; j < 3 && step < changes.length; j++, step++) {
              const [op, n] = changes[step]!;
              const m = `m${n}`;
              if (op === "add") s.command(["ZADD", "k", "1", `new${n}`]);
              else if (op === "del") {
                s.command(["ZREM", "k", m]);
                stable.delete(m);
              } else s.command(["ZINCRBY", "k", "1", m]);
            }
          } while (cursor !== "0");
          for (const m of stable) expect(seen.has(m), m).toBe(true);
        },
      ),
    );
  });
});

describe("SortedSet (chunked rank order)", () => {
  /** The obviously right model: a sorted array of [member, score]. */
  function model(entries: Map<string, number>): [string, number][] {
    return [...entries].sort((x, y) => SortedSet.compare(x[1], x[0], y[1], y[0]));
  }

  it("agrees with a sorted array through inserts, re-scores and removals across chunk splits", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 2999 }),
            fc.integer({ min: -3, max: 3 }),
            fc.boolean(),
          ),
          { minLength: 1, maxLength: 6000 },
        ),
        (ops) => {
          const z = new SortedSet();
          const m = new Map<string, number>();
          for (const [n, score, del] of ops) {
            const key = `k${n}`;
            if (del && n % 3 === 0) {
              expect(z.delete(key)).toBe(m.delete(key));
            } else {
              z.set(key, score);
              m.set(key, score);
            }
          }
          const want = model(m);
          expect(z.size).toBe(want.length);
          expect(z.slice(0, z.size)).toEqual(want.map(([k]) => k));
          for (let r = 0; r < want.length; r += 97) {
            expect(z.at(r)).toBe(want[r]![0]);
            expect(z.rank(want[r]![0])).toBe(r);
          }
          const ranks = want.map((_, i) => (i * 7919) % want.length).slice(0, 50);
          expect(z.membersAt(ranks)).toEqual(ranks.map((r) => want[r]![0]));
          for (const x of [-4, -1, 0, 2, 4]) {
            expect(z.firstScoreRank(x, false)).toBe(want.filter(([, s]) => s < x).length);
            expect(z.firstScoreRank(x, true)).toBe(want.filter(([, s]) => s <= x).length);
          }
          const visited: [string, number][] = [];
          z.forRange(3, 1500, (k, s) => visited.push([k, s]));
          expect(visited).toEqual(want.slice(3, 1500));
        },
      ),
      { numRuns: 30 },
    );
  });

  it("renumbers when insertion numbers run out; open cursors start over", () => {
    const z = SortedSet.fromEntries([
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
    (z as unknown as { order: { nextSeq: number } }).order.nextSeq = 2 ** 32 - 1;
    z.set("d", 0); // takes the last number
    const page = z.scan(0n, 2);
    expect(page.members).toEqual(["a", "b"]);
    z.delete("b");
    z.set("e", 0); // renumbers: a c d e
    expect(z.scan(page.next, 10).members).toEqual(["a", "c", "d", "e"]);
    const again = z.scan(0n, 3);
    expect(again.members).toEqual(["a", "c", "d"]);
    expect(z.scan(again.next, 3)).toEqual({ members: ["e"], next: 0n });
  });

  it("builds from entries in one sort", () => {
    const entries: [string, number][] = Array.from({ length: 5000 }, (_, i) => [
      `m${i}`,
      (i * 31) % 17,
    ]);
    const z = SortedSet.fromEntries(entries);
    expect(z.slice(0, z.size)).toEqual(model(new Map(entries)).map(([k]) => k));
    expect(z.scan(0n, 3).members).toEqual(["m0", "m1", "m2"]);
    z.set("m0", 100);
    expect(z.at(z.size - 1)).toBe("m0");
  });
});

describe("sorted-set writes: persistence and rollback", () => {
  const STEPS: string[][] = [
    ["ZADD", "a", "1", "x", "2", "y", "3", "z", "4", "w", "-inf", "lo", "inf", "hi"],
    ["ZADD", "a", "INCR", "0.5", "x"],
    ["ZINCRBY", "a", "-1", "y"],
    ["ZREM", "a", "z", "nothing"],
    ["ZPOPMIN", "a"],
    ["ZPOPMAX", "a", "1"],
    ["ZADD", "b", "0", "p", "0", "q", "0", "r"],
    ["ZREMRANGEBYRANK", "b", "0", "0"],
    ["ZREMRANGEBYSCORE", "a", "(1", "1.5"],
    ["ZADD", "c", "5", "only"],
    ["ZPOPMIN", "c"],
    ["ZADD", "b", "GT", "CH", "1", "q", "-1", "r"],
    ["ZREMRANGEBYSCORE", "b", "-inf", "+inf"],
    ["ZADD", "b", "7", "again"],
  ];

  it("survives a restart, command by command and as one batch", () => {
    expectSurvivesRestart(STEPS, { eachStep: true });
  });

  it("changes nothing when refused for memory", () => {
    const h = new Harness({ persist: true, config: { maxmemory: 24, policy: "noeviction" } });
    h.run("redis", "ZADD", "a", "1", "one", "2", "two", "3", "six");
    h.run("redis", "ZADD", "b", "1", "x");
    const before = dump(h.engine);
    for (const argv of [
      ["ZADD", "b", "1", "a-long-member"],
      ["ZADD", "a", "CH", "9", "one", "5", "fourteen", "6", "fifteen"],
      ["ZINCRBY", "new-and-long-key", "1", "m"],
    ]) {
      expect(h.run("redis", ...argv), argv.join(" ")).toMatchObject({ k: "error", code: "OOM" });
      expect(dump(h.engine)).toEqual(before);
    }
    h.restart();
    expect(dump(h.engine)).toEqual(before);
  });

  it("keeps usage equal to the member bytes and fails atomically", () => {
    const s = new EngineSession();
    s.command(["ZADD", "k", "1", "abc", "2", "é"]);
    s.command(["ZINCRBY", "k", "5", "abc"]);
    expect(s.engine.store.usage).toBe(1 + 3 + 2);
    s.command(["ZADD", "k", "inf", "i"]);
    expect(s.command(["ZINCRBY", "k", "-inf", "i"]).toString()).toBe(
      "-ERR resulting score is not a number (NaN)\r\n",
    );
    expect(s.command(["ZSCORE", "k", "i"]).toString()).toBe("$3\r\ninf\r\n");
    expect(s.command(["ZADD", "k", "1", "new", "x", "new2"]).toString()).toBe(
      "-ERR value is not a valid float\r\n",
    );
    expect(s.command(["ZCARD", "k"]).toString()).toBe(":3\r\n");
  });
});
