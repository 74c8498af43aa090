// List commands (spec §10.6 "Lists") against redis-server 7.0.15, byte for byte in RESP2 and
// RESP3; then persistence (one row per position, spec §13.2), rollback under the memory limit,
// and a random model check of the write commands against redis-server.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Harness, dump, expectSurvivesRestart } from "./support/engine-harness.ts";
import { describeVsRedis, EngineSession, expectSameReplies } from "./support/engine-vs-redis.ts";
import type { Argv } from "./support/engine-vs-redis.ts";

const BIN = new Uint8Array([0xff, 0x00, 0x80]);
const BIN2 = new Uint8Array([0xc3, 0x28]);
const I64_MAX = "9223372036854775807";
const I64_MIN = "-9223372036854775808";

const SCRIPT: Argv[] = [
  // LPUSH / RPUSH / LPUSHX / RPUSHX / LLEN
  ["LPUSH", "l", "a", "b", "c"],
  ["RPUSH", "l", "d", "e"],
  ["LPUSH", "l"],
  ["RPUSH"],
  ["LLEN", "l"],
  ["LLEN", "nokey"],
  ["LLEN", "l", "x"],
  ["LPUSHX", "nokey", "a"],
  ["RPUSHX", "nokey", "a", "b"],
  ["EXISTS", "nokey"],
  ["LPUSHX", "l", "x", "y"],
  ["RPUSHX", "l", "z"],
  ["LPUSHX", "l"],
  ["SET", "str", "v"],
  ["LPUSH", "str", "a"],
  ["RPUSHX", "str", "a"],
  ["LLEN", "str"],
  ["RPUSH", "bin", BIN, "", BIN2],
  // LRANGE
  ["LRANGE", "l", "0", "-1"],
  ["LRANGE", "l", "0", "0"],
  ["LRANGE", "l", "-3", "-1"],
  ["LRANGE", "l", "-100", "100"],
  ["LRANGE", "l", "5", "2"],
  ["LRANGE", "l", "9", "20"],
  ["LRANGE", "l", "-1", "-3"],
  ["LRANGE", "l", I64_MIN, I64_MAX],
  ["LRANGE", "l", "1", "x"],
  ["LRANGE", "l", "01", "2"],
  ["LRANGE", "nokey", "0", "-1"],
  ["LRANGE", "nokey", "x", "1"],
  ["LRANGE", "str", "0", "-1"],
  ["LRANGE", "bin", "0", "-1"],
  // LINDEX
  ["LINDEX", "l", "0"],
  ["LINDEX", "l", "-1"],
  ["LINDEX", "l", "-9"],
  ["LINDEX", "l", "-10"],
  ["LINDEX", "l", "8"],
  ["LINDEX", "l", "9"],
  ["LINDEX", "l", "x"],
  ["LINDEX", "nokey", "x"],
  ["LINDEX", "nokey", "0"],
  ["LINDEX", "str", "0"],
  ["LINDEX", "bin", "0"],
  // LSET
  ["LSET", "l", "0", "first"],
  ["LSET", "l", "-1", "last"],
  ["LSET", "l", "9", "x"],
  ["LSET", "l", "-10", "x"],
  ["LSET", "l", "x", "x"],
  ["LSET", "nokey", "0", "x"],
  ["LSET", "nokey", "x", "x"],
  ["LSET", "str", "0", "x"],
  ["LSET", "bin", "1", BIN],
  ["LRANGE", "l", "0", "-1"],
  ["LRANGE", "bin", "0", "-1"],
  // LPOP / RPOP
  ["LPOP", "l"],
  ["RPOP", "l"],
  ["LPOP", "l", "2"],
  ["RPOP", "l", "2"],
  ["LPOP", "l", "0"],
  ["RPOP", "l", "0"],
  ["LPOP", "l", "-1"],
  ["LPOP", "l", "x"],
  ["LPOP", "l", "1", "2"],
  ["RPOP", "l", "1", "2"],
  ["LPOP", "nokey"],
  ["LPOP", "nokey", "1"],
  ["LPOP", "nokey", "0"],
  ["RPOP", "nokey", "-1"],
  ["LPOP", "str"],
  ["RPOP", "str", "1"],
  ["LRANGE", "l", "0", "-1"],
  ["RPOP", "l", "100"],
  ["EXISTS", "l"],
  ["RPUSH", "p", "1"],
  ["LPOP", "p"],
  ["EXISTS", "p"],
  ["RPUSH", "p", "1", "2"],
  ["LPOP", "p", I64_MAX],
  ["EXISTS", "p"],
  // LREM
  ["RPUSH", "r", "a", "b", "a", "c", "a", "b", "a"],
  ["LREM", "r", "1", "a"],
  ["LRANGE", "r", "0", "-1"],
  ["LREM", "r", "-1", "a"],
  ["LRANGE", "r", "0", "-1"],
  ["LREM", "r", "-1", "b"],
  ["LRANGE", "r", "0", "-1"],
  ["LREM", "r", "0", "zz"],
  ["LREM", "r", "0", "a"],
  ["LRANGE", "r", "0", "-1"],
  ["LREM", "r", "x", "a"],
  ["LREM", "nokey", "0", "a"],
  ["LREM", "nokey", "x", "a"],
  ["LREM", "str", "0", "a"],
  ["RPUSH", "r2", "x", "x", "y", "x", "x"],
  ["LREM", "r2", "2", "x"],
  ["LRANGE", "r2", "0", "-1"],
  ["LREM", "r2", "-5", "x"],
  ["LRANGE", "r2", "0", "-1"],
  ["LREM", "r2", "1", "y"],
  ["EXISTS", "r2"],
  // LTRIM
  ["RPUSH", "t", "1", "2", "3", "4", "5", "6", "7"],
  ["LTRIM", "t", "1", "-2"],
  ["LRANGE", "t", "0", "-1"],
  ["LTRIM", "t", "-100", "100"],
  ["LRANGE", "t", "0", "-1"],
  ["LTRIM", "t", "1", "1"],
  ["LRANGE", "t", "0", "-1"],
  ["LTRIM", "t", "x", "1"],
  ["LTRIM", "t", "5", "1"],
  ["EXISTS", "t"],
  ["RPUSH", "t", "1", "2"],
  ["LTRIM", "t", "2", "10"],
  ["EXISTS", "t"],
  ["RPUSH", "t", "1", "2"],
  ["LTRIM", "t", "0", "-3"],
  ["EXISTS", "t"],
  ["LTRIM", "nokey", "0", "1"],
  ["LTRIM", "nokey", "x", "1"],
  ["LTRIM", "str", "0", "1"],
  // LINSERT
  ["RPUSH", "i", "a", "b", "c"],
  ["LINSERT", "i", "BEFORE", "b", "x"],
  ["LINSERT", "i", "after", "b", "y"],
  ["LINSERT", "i", "Before", "a", "first"],
  ["LINSERT", "i", "AFTER", "c", "last"],
  ["LINSERT", "i", "AFTER", "zz", "q"],
  ["LINSERT", "i", "middle", "a", "q"],
  ["LINSERT", "i", "BEFORE\0junk", "a", "nul"],
  ["LRANGE", "i", "0", "-1"],
  ["LINSERT", "nokey", "BEFORE", "a", "x"],
  ["LINSERT", "nokey", "middle", "a", "x"],
  ["LINSERT", "str", "BEFORE", "a", "x"],
  ["LINSERT", "str", "middle", "a", "x"],
  ["LINSERT", "i", "BEFORE", "a"],
  // LPOS
  ["RPUSH", "q", "a", "b", "c", "1", "2", "3", "c", "c"],
  ["LPOS", "q", "c"],
  ["LPOS", "q", "zz"],
  ["LPOS", "q", "c", "RANK", "2"],
  ["LPOS", "q", "c", "RANK", "-1"],
  ["LPOS", "q", "c", "RANK", "-3"],
  ["LPOS", "q", "c", "RANK", "4"],
  ["LPOS", "q", "c", "RANK", "0"],
  ["LPOS", "q", "c", "RANK", "x"],
  ["LPOS", "q", "c", "RANK", I64_MIN],
  ["LPOS", "q", "c", "RANK", I64_MAX],
  ["LPOS", "q", "c", "COUNT", "2"],
  ["LPOS", "q", "c", "COUNT", "0"],
  ["LPOS", "q", "c", "COUNT", "0", "RANK", "-1"],
  ["LPOS", "q", "c", "COUNT", "2", "RANK", "2"],
  ["LPOS", "q", "c", "COUNT", "-1"],
  ["LPOS", "q", "c", "COUNT", "x"],
  ["LPOS", "q", "c", "MAXLEN", "3"],
  ["LPOS", "q", "c", "MAXLEN", "2"],
  ["LPOS", "q", "c", "MAXLEN", "2", "COUNT", "0"],
  ["LPOS", "q", "c", "MAXLEN", "-1"],
  ["LPOS", "q", "c", "MAXLEN", "x"],
  ["LPOS", "q", "c", "RANK", "-1", "MAXLEN", "1"],
  ["LPOS", "q", "c", "rank", "1", "count", "1", "maxlen", "0"],
  ["LPOS", "q", "c", "RANK"],
  ["LPOS", "q", "c", "BOGUS", "1"],
  ["LPOS", "q", "c", "COUNT", "1", "RANK", "0"],
  ["LPOS", "nokey", "c"],
  ["LPOS", "nokey", "c", "COUNT", "1"],
  ["LPOS", "nokey", "c", "RANK", "0"],
  ["LPOS", "str", "c"],
  ["LPOS", "bin", BIN],
  // LMOVE / RPOPLPUSH
  ["RPUSH", "src", "1", "2", "3"],
  ["LMOVE", "src", "dst", "LEFT", "RIGHT"],
  ["LMOVE", "src", "dst", "right", "left"],
  ["LMOVE", "src", "dst", "LEFT", "LEFT"],
  ["LRANGE", "dst", "0", "-1"],
  ["EXISTS", "src"],
  ["LMOVE", "src", "dst", "LEFT", "RIGHT"],
  ["LMOVE", "dst", "dst", "LEFT", "RIGHT"],
  ["LRANGE", "dst", "0", "-1"],
  ["LMOVE", "dst", "dst", "RIGHT", "RIGHT"],
  ["LRANGE", "dst", "0", "-1"],
  ["LMOVE", "dst", "str", "LEFT", "RIGHT"],
  ["LMOVE", "str", "dst", "LEFT", "RIGHT"],
  ["LMOVE", "nokey", "str", "LEFT", "RIGHT"],
  ["LMOVE", "dst", "x", "UP", "RIGHT"],
  ["LMOVE", "nokey", "x", "LEFT", "DOWN"],
  ["LRANGE", "dst", "0", "-1"],
  ["RPUSH", "one", "x"],
  ["LMOVE", "one", "one", "LEFT", "RIGHT"],
  ["LRANGE", "one", "0", "-1"],
  ["RPOPLPUSH", "dst", "dst2"],
  ["RPOPLPUSH", "dst", "dst2"],
  ["RPOPLPUSH", "dst", "dst2"],
  ["RPOPLPUSH", "dst", "dst2"],
  ["LRANGE", "dst2", "0", "-1"],
  ["RPOPLPUSH", "nokey", "dst2"],
  ["RPOPLPUSH", "dst2", "str"],
  ["RPOPLPUSH", "dst2", "dst2"],
  ["LRANGE", "dst2", "0", "-1"],
  ["RPOPLPUSH", "one", "one"],
  ["LRANGE", "one", "0", "-1"],
  // arity
  ["LPUSH", "l"],
  ["LLEN"],
  ["LRANGE", "l", "0"],
  ["LINDEX", "l"],
  ["LSET", "l", "0"],
  ["LREM", "l", "0"],
  ["LTRIM", "l", "0"],
  ["LINSERT", "l", "BEFORE", "a"],
  ["LPOS", "l"],
  ["LMOVE", "a", "b", "LEFT"],
  ["RPOPLPUSH", "a"],
  ["TYPE", "dst2"],
];

describeVsRedis("list commands vs redis-server 7.0.15", { "matches Redis": SCRIPT }, (oracle) => {
  it("matches Redis on random sequences of list writes", async () => {
    const el = fc.constantFrom("a", "b", "c", "");
    const idx = fc.integer({ min: -6, max: 6 }).map(String);
    const side = fc.constantFrom("LEFT", "RIGHT");
    const key = fc.constantFrom("k", "j");
    const step: fc.Arbitrary<string[]> = fc.oneof(
      fc
        .tuple(fc.constantFrom("LPUSH", "RPUSH", "LPUSHX", "RPUSHX"), key, el, el)
        .map((t) => [...t]),
      fc
        .tuple(fc.constantFrom("LPOP", "RPOP"), key, fc.integer({ min: 0, max: 4 }).map(String))
        .map((t) => [...t]),
      fc.tuple(fc.constant("LREM"), key, idx, el).map((t) => [...t]),
      fc.tuple(fc.constant("LTRIM"), key, idx, idx).map((t) => [...t]),
      fc.tuple(fc.constant("LSET"), key, idx, el).map((t) => [...t]),
      fc
        .tuple(fc.constant("LINSERT"), key, fc.constantFrom("BEFORE", "AFTER"), el, el)
        .map((t) => [...t]),
      fc.tuple(fc.constant("LMOVE"), key, key, side, side).map((t) => [...t]),
      fc
        .tuple(
          fc.constant("LPOS"),
          key,
          el,
          fc.constantFrom("RANK", "COUNT", "MAXLEN"),
          fc.integer({ min: -3, max: 3 }).map(String),
        )
        .map((t) => [...t]),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        const script: Argv[] = [];
        for (const s of steps)
          script.push(s, ["LRANGE", "k", "0", "-1"], ["LRANGE", "j", "0", "-1"]);
        await expectSameReplies(oracle.redis, script);
      }),
      { numRuns: 60 },
    );
  });
});

describe("list writes: persistence and rollback", () => {
  const STEPS: string[][] = [
    ["RPUSH", "a", "1", "2", "3", "4", "5", "6"],
    ["LPUSH", "a", "0", "-1"],
    ["LPOP", "a"],
    ["RPOP", "a", "2"],
    ["LSET", "a", "1", "one"],
    ["LINSERT", "a", "BEFORE", "3", "2.5"],
    ["LINSERT", "a", "BEFORE", "0", "head"],
    ["LINSERT", "a", "AFTER", "4", "tail"],
    ["LREM", "a", "1", "head"],
    ["LREM", "a", "0", "2.5"],
    ["LTRIM", "a", "1", "-2"],
    ["RPUSH", "b", "x", "y"],
    ["LMOVE", "a", "b", "LEFT", "RIGHT"],
    ["RPOPLPUSH", "b", "c"],
    ["LMOVE", "c", "c", "LEFT", "RIGHT"],
    ["LPUSH", "a", "z"],
    ["LTRIM", "b", "5", "1"],
    ["EXPIRE", "c", "1000"],
    ["LMOVE", "c", "c", "RIGHT", "LEFT"],
  ];

  it("survives a restart, command by command and as one batch", () => {
    expectSurvivesRestart(STEPS, { eachStep: true });
  });

  it("changes nothing when refused for memory", () => {
    const h = new Harness({ persist: true, config: { maxmemory: 24, policy: "noeviction" } });
    h.run("redis", "RPUSH", "a", "one", "two", "three");
    h.run("redis", "RPUSH", "b", "x");
    const before = dump(h.engine);
    for (const argv of [
      ["RPUSH", "b", "a-long-element"],
      ["LPUSH", "a", "four", "five", "six"],
      ["LINSERT", "a", "BEFORE", "two", "a-long-element"],
      ["LSET", "a", "1", "a-long-element"],
      ["LMOVE", "a", "new-and-long-key", "LEFT", "RIGHT"],
    ]) {
      expect(h.run("redis", ...argv), argv.join(" ")).toMatchObject({ k: "error", code: "OOM" });
      expect(dump(h.engine)).toEqual(before);
    }
    h.restart();
    expect(dump(h.engine)).toEqual(before);
  });

  it("keeps usage equal to the element bytes", () => {
    const s = new EngineSession();
    s.command(["RPUSH", "k", "abc", "é", ""]);
    s.command(["LINSERT", "k", "AFTER", "abc", "xy"]);
    s.command(["LREM", "k", "0", "é"]);
    expect(s.engine.store.usage).toBe(1 + 3 + 2);
  });
});
