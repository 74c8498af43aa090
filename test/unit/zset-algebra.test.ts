// ZUNION/ZINTER/ZDIFF (+STORE), ZINTERCARD, ZRANGESTORE, the lex family, ZMPOP, LMPOP and
// SINTERCARD against redis-server 7.0.15, byte for byte in RESP2 and RESP3: a fixed script of
// options and errors, then random inputs (fast-check) for the algebra.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { COMMANDS } from "../../src/engine/commands/index.ts";
import { keyPositions } from "../../src/engine/command-table.ts";
import { expectSurvivesRestart } from "./support/engine-harness.ts";
import { describeVsRedis, expectSameReplies, unordered } from "./support/engine-vs-redis.ts";
import type { Step, Argv } from "./support/engine-vs-redis.ts";

const SCRIPT: Step[] = [
  ["ZADD", "a", "1", "x", "2", "y", "3", "z"],
  ["ZADD", "b", "10", "y", "20", "z", "30", "w"],
  ["ZADD", "inf", "inf", "x", "-inf", "y"],
  ["SADD", "s", "x", "w", "v"],
  ["SET", "str", "v"],
  ["RPUSH", "l", "1", "2", "3", "4"],
  // the algebra: options, scores, errors in Redis's order
  ["ZUNION", "2", "a", "b"],
  ["ZUNION", "2", "a", "b", "WITHSCORES"],
  ["ZUNION", "3", "a", "b", "s", "WITHSCORES"],
  ["ZUNION", "2", "a", "b", "WEIGHTS", "2", "0.5", "WITHSCORES"],
  ["ZUNION", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES"],
  ["ZUNION", "2", "a", "b", "aggregate", "max", "withscores", "withscores"],
  ["ZUNION", "2", "a", "inf", "WITHSCORES"],
  ["ZUNION", "2", "inf", "inf", "WITHSCORES"],
  ["ZUNION", "2", "inf", "a", "WEIGHTS", "0", "1", "WITHSCORES"],
  ["ZUNION", "2", "inf", "a", "WEIGHTS", "-1", "1", "AGGREGATE", "MIN", "WITHSCORES"],
  ["ZINTER", "2", "a", "b", "WITHSCORES"],
  ["ZINTER", "2", "a", "inf", "WEIGHTS", "1", "-1", "WITHSCORES"],
  ["ZINTER", "2", "a", "s", "WITHSCORES"],
  ["ZINTER", "2", "a", "a", "WITHSCORES"],
  ["ZINTER", "2", "a", "nokey", "WITHSCORES"],
  ["ZINTER", "3", "a", "b", "s", "AGGREGATE", "MAX", "WITHSCORES"],
  ["ZDIFF", "2", "a", "b", "WITHSCORES"],
  ["ZDIFF", "2", "a", "a"],
  ["ZDIFF", "3", "a", "nokey", "s", "WITHSCORES"],
  ["ZDIFF", "1", "s", "WITHSCORES"],
  ["ZDIFF", "2", "a", "b", "WEIGHTS", "1", "1"],
  ["ZDIFF", "2", "a", "b", "AGGREGATE", "SUM"],
  ["ZINTERCARD", "2", "a", "b"],
  ["ZINTERCARD", "2", "a", "b", "LIMIT", "1"],
  ["ZINTERCARD", "2", "a", "b", "LIMIT", "0"],
  ["ZINTERCARD", "2", "a", "b", "LIMIT", "-1"],
  ["ZINTERCARD", "2", "a", "b", "LIMIT", "x"],
  ["ZINTERCARD", "2", "a", "b", "WITHSCORES"],
  ["ZINTERCARD", "2", "a", "b", "WEIGHTS", "1", "2"],
  ["ZINTERCARD", "0", "a"],
  ["ZUNION", "0", "a"],
  ["ZUNION", "-1", "a"],
  ["ZUNION", "x", "a"],
  ["ZUNION", "3", "a", "b"],
  ["ZUNION", "1", "a", "WEIGHTS", "x"],
  ["ZUNION", "1", "a", "WEIGHTS", "nan"],
  ["ZUNION", "1", "a", "WEIGHTS", "1", "2"],
  ["ZUNION", "2", "a", "b", "WEIGHTS", "1"],
  ["ZUNION", "1", "a", "AGGREGATE", "avg"],
  ["ZUNION", "1", "a", "AGGREGATE"],
  ["ZUNION", "1", "a", "LIMIT", "1"],
  ["ZUNION", "2", "str", "a", "garbage"],
  ["ZUNION", "2", "a", "l"],
  ["ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2"],
  ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
  ["ZUNIONSTORE", "d", "1", "a", "WITHSCORES"],
  ["ZUNIONSTORE", "d", "0", "a"],
  ["EXPIRE", "d", "100"],
  ["ZINTERSTORE", "d", "2", "a", "b"],
  ["TTL", "d"],
  ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
  ["ZINTERSTORE", "d", "2", "a", "nokey"],
  ["EXISTS", "d"],
  ["ZDIFFSTORE", "str", "2", "a", "b"],
  ["TYPE", "str"],
  ["ZRANGE", "str", "0", "-1", "WITHSCORES"],
  ["ZDIFFSTORE", "a2", "1", "a"],
  ["ZUNIONSTORE", "a2", "2", "a2", "b", "AGGREGATE", "MAX"],
  ["ZRANGE", "a2", "0", "-1", "WITHSCORES"],
  ["ZUNIONSTORE", "s2", "1", "s"],
  ["ZRANGE", "s2", "0", "-1", "WITHSCORES"],
  // ZRANGESTORE
  ["ZRANGESTORE", "r", "a", "0", "1"],
  ["ZRANGE", "r", "0", "-1", "WITHSCORES"],
  ["ZRANGESTORE", "r", "b", "(10", "+inf", "BYSCORE", "LIMIT", "0", "1"],
  ["ZRANGE", "r", "0", "-1", "WITHSCORES"],
  ["ZRANGESTORE", "r", "b", "+inf", "-inf", "BYSCORE", "REV"],
  ["ZRANGESTORE", "r", "a", "0", "-1", "WITHSCORES"],
  ["ZRANGESTORE", "r", "a", "0", "-1", "LIMIT", "0", "1"],
  ["ZRANGESTORE", "r", "nokey", "0", "-1"],
  ["EXISTS", "r"],
  ["ZRANGESTORE", "r", "str", "0", "-1"],
  ["ZRANGESTORE", "r", "s", "0", "-1"],
  ["ZRANGESTORE", "r", "a", "x", "-1"],
  ["ZRANGESTORE", "r", "a", "5", "1"],
  // the lex family
  ["ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "f"],
  ["ZLEXCOUNT", "lex", "-", "+"],
  ["ZLEXCOUNT", "lex", "[b", "(e"],
  ["ZLEXCOUNT", "lex", "(b", "[b"],
  ["ZLEXCOUNT", "lex", "b", "[c"],
  ["ZLEXCOUNT", "nokey", "-", "+"],
  ["ZLEXCOUNT", "str", "-", "+"],
  ["ZREVRANGEBYLEX", "lex", "+", "-"],
  ["ZREVRANGEBYLEX", "lex", "[e", "(b", "LIMIT", "1", "2"],
  ["ZREVRANGEBYLEX", "lex", "-", "+"],
  ["ZREVRANGEBYLEX", "lex", "+", "x"],
  ["ZRANGESTORE", "r", "lex", "[b", "[d", "BYLEX"],
  ["ZRANGE", "r", "0", "-1", "WITHSCORES"],
  ["ZRANGESTORE", "r", "lex", "[d", "[b", "BYLEX", "REV", "LIMIT", "1", "5"],
  ["ZRANGE", "r", "0", "-1"],
  ["ZREMRANGEBYLEX", "lex", "[b", "(d"],
  ["ZRANGE", "lex", "0", "-1"],
  ["ZREMRANGEBYLEX", "lex", "x", "(d"],
  ["ZREMRANGEBYLEX", "nokey", "-", "+"],
  ["ZREMRANGEBYLEX", "lex", "-", "+"],
  ["EXISTS", "lex"],
  // ZMPOP and LMPOP
  ["ZMPOP", "2", "nokey", "a", "MIN"],
  ["ZMPOP", "2", "nokey", "b", "MAX", "COUNT", "2"],
  ["ZMPOP", "1", "b", "max", "count", "10"],
  ["ZMPOP", "1", "nokey", "MIN"],
  ["ZMPOP", "1", "str", "MIN"],
  ["ZMPOP", "0", "a", "MIN"],
  ["ZMPOP", "x", "a", "MIN"],
  ["ZMPOP", "2", "a", "MIN"],
  ["ZMPOP", "1", "a", "MIDDLE"],
  ["ZMPOP", "1", "a", "MIN", "COUNT", "0"],
  ["ZMPOP", "1", "a", "MIN", "COUNT", "-1"],
  ["ZMPOP", "1", "a", "MIN", "COUNT", "1", "COUNT", "1"],
  ["ZMPOP", "1", "a", "MIN", "COUNT"],
  ["LMPOP", "2", "nokey", "l", "LEFT"],
  ["LMPOP", "1", "l", "RIGHT", "COUNT", "2"],
  ["LMPOP", "1", "l", "left", "count", "9"],
  ["LMPOP", "1", "l", "LEFT"],
  ["LMPOP", "1", "str", "LEFT"],
  ["LMPOP", "1", "l", "UP"],
  ["LMPOP", "0", "l", "LEFT"],
  ["LMPOP", "1", "l", "LEFT", "COUNT", "0"],
  // SINTERCARD
  ["SADD", "s2", "x", "w", "q"],
  ["SINTERCARD", "2", "s", "s2"],
  ["SINTERCARD", "2", "s", "s2", "LIMIT", "1"],
  ["SINTERCARD", "2", "s", "s2", "LIMIT", "0"],
  ["SINTERCARD", "2", "s", "nokey"],
  ["SINTERCARD", "2", "s", "str"],
  ["SINTERCARD", "3", "s", "s2"],
  ["SINTERCARD", "0", "s"],
  ["SINTERCARD", "1", "s", "LIMIT", "-1"],
  ["SINTERCARD", "1", "s", "LIMIT"],
  ["SINTERCARD", "1", "str", "LIMIT", "x"],
  unordered("SMEMBERS", "s"),
];

describeVsRedis(
  "zset algebra and friends vs redis-server 7.0.15",
  { "matches Redis": SCRIPT },
  (oracle) => {
    it("matches Redis on random inputs to the algebra", async () => {
      const member = fc.constantFrom("a", "b", "c", "d", "e", "f", "");
      const score = fc.oneof(
        fc.constantFrom("0", "1", "-1", "2.5", "inf", "-inf", "1e300", "-0.1"),
        fc.double({ noNaN: true }).map(String),
      );
      const key = fc.constantFrom("k1", "k2", "k3", "s1", "missing");
      const setup = fc.array(
        fc.oneof(
          fc
            .tuple(fc.constantFrom("k1", "k2", "k3"), score, member)
            .map(([k, s, m]): Argv => ["ZADD", k, s, m]),
          fc.tuple(member).map(([m]): Argv => ["SADD", "s1", m]),
        ),
        { maxLength: 20 },
      );
      const weight = fc.constantFrom("1", "2", "0", "-1", "0.5", "inf", "-inf");
      const op = fc
        .tuple(
          fc.constantFrom("ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"),
          fc.array(key, { minLength: 1, maxLength: 4 }),
          fc.option(fc.constantFrom("SUM", "MIN", "MAX"), { nil: undefined }),
          fc.boolean(),
        )
        .chain(([name, keys, agg, withWeights]) =>
          fc.array(weight, { minLength: keys.length, maxLength: keys.length }).map((ws) => {
            const store = name.endsWith("STORE");
            const argv: string[] = [name, ...(store ? ["dst"] : []), String(keys.length), ...keys];
            const algebraic = !name.startsWith("ZDIFF");
            if (algebraic && withWeights) argv.push("WEIGHTS", ...ws);
            if (algebraic && agg) argv.push("AGGREGATE", agg);
            if (!store) argv.push("WITHSCORES");
            const steps: Argv[] = [argv];
            if (store) steps.push(["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
            return steps;
          }),
        );
      const card = fc
        .tuple(fc.array(key, { minLength: 1, maxLength: 3 }), fc.nat(3))
        .map(([keys, limit]): Argv => [
          "ZINTERCARD",
          String(keys.length),
          ...keys,
          "LIMIT",
          String(limit),
        ]);
      await fc.assert(
        fc.asyncProperty(
          setup,
          fc.array(
            fc.oneof(
              op,
              card.map((c) => [c]),
            ),
            { minLength: 1, maxLength: 6 },
          ),
          async (pre, ops) => {
            const script = [...pre, ...ops.flat()];
            await expectSameReplies(oracle.redis, script, 3);
          },
        ),
        { numRuns: 150 },
      );
    });
  },
);

describe("key positions of the numkeys commands", () => {
  it("names every key for the sharded router", () => {
    const pos = (...argv: string[]) => keyPositions(COMMANDS.lookup("redis", argv[0]!)!, argv);
    expect(pos("zunionstore", "d", "2", "a", "b", "WEIGHTS", "1", "2")).toEqual([1, 3, 4]);
    expect(pos("zinter", "2", "a", "b", "WITHSCORES")).toEqual([2, 3]);
    expect(pos("zintercard", "1", "a", "LIMIT", "3")).toEqual([2]);
    expect(pos("zrangestore", "d", "s", "0", "-1")).toEqual([1, 2]);
    expect(pos("zmpop", "2", "a", "b", "MIN")).toEqual([2, 3]);
    expect(pos("lmpop", "1", "l", "LEFT")).toEqual([2]);
    expect(pos("sintercard", "2", "a", "b")).toEqual([2, 3]);
  });
});

describe("stored results persist", () => {
  it("ZUNIONSTORE, ZRANGESTORE, ZMPOP and LMPOP survive a restart", () => {
    expectSurvivesRestart([
      ["ZADD", "a", "1", "x", "2", "y"],
      ["SADD", "s", "y", "z"],
      ["SET", "d", "old"],
      ["ZUNIONSTORE", "d", "2", "a", "s"],
      ["ZRANGESTORE", "r", "d", "0", "1"],
      ["ZMPOP", "1", "a", "MIN"],
      ["RPUSH", "l", "1", "2", "3"],
      ["LMPOP", "1", "l", "RIGHT", "COUNT", "2"],
      ["ZDIFFSTORE", "r", "1", "nokey"],
    ]);
  });
});
