// Streams (XADD … XINFO) beside redis-server 7.0.15, reply for reply in RESP2 and RESP3; random
// XADD/XDEL/XTRIM sequences against it; persistence across restarts and rollback under a memory
// limit. Scripts use explicit ids and avoid idle times, so both servers' replies are fixed.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Harness, dump, expectSurvivesRestart } from "./support/engine-harness.ts";
import { describeVsRedis, expectSameReplies } from "./support/engine-vs-redis.ts";
import type { Argv } from "./support/engine-vs-redis.ts";

const SCRIPT: Argv[] = [
  ["XADD", "s", "1-1", "a", "1"],
  ["XADD", "s", "1-1", "a", "1"],
  ["XADD", "s", "1-*", "b", "2"],
  ["XADD", "s", "2", "c", "3", "d", "4"],
  ["XADD", "s", "0-0", "x", "y"],
  ["XADD", "s", "bad", "x", "y"],
  ["XADD", "s", "3-1", "x"],
  ["XADD", "nope", "NOMKSTREAM", "*", "a", "b"],
  ["EXISTS", "nope"],
  ["XLEN", "s"],
  ["TYPE", "s"],
  ["XRANGE", "s", "-", "+"],
  ["XRANGE", "s", "1", "1"],
  ["XRANGE", "s", "(1-1", "+", "COUNT", "1"],
  ["XRANGE", "s", "-", "+", "COUNT", "0"],
  ["XREVRANGE", "s", "+", "-"],
  ["XREVRANGE", "s", "+", "-", "COUNT", "2"],
  ["XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"],
  ["XDEL", "s", "1-2", "9-9"],
  ["XRANGE", "s", "-", "+"],
  ["XADD", "s", "MAXLEN", "2", "5-0", "e", "5"],
  ["XRANGE", "s", "-", "+"],
  ["XADD", "s", "MAXLEN", "-1", "6-0", "e", "5"],
  ["XADD", "s", "MAXLEN", "=", "1", "LIMIT", "5", "6-0", "e", "5"],
  ["XTRIM", "s", "MINID", "5"],
  ["XTRIM", "s", "MAXLEN", "0"],
  ["XLEN", "s"],
  ["XINFO", "STREAM", "s"],
  ["XADD", "t", "1-0", "f", "v"],
  ["XADD", "t", "2-0", "f", "v"],
  ["XADD", "t", "3-0", "f", "v"],
  ["XREAD", "STREAMS", "t", "0"],
  ["XREAD", "COUNT", "1", "STREAMS", "t", "s", "1-0", "0"],
  ["XREAD", "STREAMS", "t", "$"],
  ["XREAD", "STREAMS", "t"],
  ["XGROUP", "CREATE", "t", "g", "0"],
  ["XGROUP", "CREATE", "t", "g", "0"],
  ["XGROUP", "CREATE", "missing", "g", "0"],
  ["XGROUP", "CREATE", "m", "g", "$", "MKSTREAM"],
  ["XLEN", "m"],
  ["XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "t", ">"],
  ["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "t", ">"],
  ["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "t", ">"],
  ["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "t", "0"],
  ["XREADGROUP", "GROUP", "nog", "alice", "STREAMS", "t", ">"],
  ["XPENDING", "t", "g"],
  ["XPENDING", "t", "nog"],
  ["XINFO", "GROUPS", "t"],
  ["XACK", "t", "g", "1-0", "9-9"],
  ["XPENDING", "t", "g"],
  ["XCLAIM", "t", "g", "carol", "0", "2-0", "JUSTID"],
  ["XPENDING", "t", "g"],
  ["XAUTOCLAIM", "t", "g", "dave", "0", "0", "COUNT", "1", "JUSTID"],
  ["XDEL", "t", "3-0"],
  ["XAUTOCLAIM", "t", "g", "dave", "0", "0", "JUSTID"],
  ["XINFO", "GROUPS", "t"],
  ["XGROUP", "CREATECONSUMER", "t", "g", "erin"],
  ["XGROUP", "CREATECONSUMER", "t", "g", "erin"],
  ["XGROUP", "DELCONSUMER", "t", "g", "dave"],
  ["XGROUP", "SETID", "t", "g", "0"],
  ["XGROUP", "SETID", "t", "nog", "0"],
  ["XINFO", "GROUPS", "t"],
  ["XGROUP", "DESTROY", "t", "g"],
  ["XGROUP", "DESTROY", "t", "g"],
  ["XSETID", "t", "1-0"],
  ["XSETID", "t", "100-0"],
  ["XADD", "t", "50-0", "f", "v"],
  ["XINFO", "STREAM", "t"],
  ["SET", "str", "x"],
  ["XADD", "str", "*", "a", "b"],
  ["XRANGE", "str", "-", "+"],
  ["XGROUP", "HELP"],
  ["XGROUP", "FOO"],
  ["XINFO", "STREAM", "missing"],
  ["XINFO", "HELP"],
  ["XINFO", "STREAM", "t", "FULL"],
];

describeVsRedis("stream commands vs redis-server 7.0.15", { "matches Redis": SCRIPT }, (oracle) => {
  it("matches Redis on random sequences of XADD, XDEL and XTRIM", async () => {
    const id = fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 3 }));
    const step: fc.Arbitrary<string[]> = fc.oneof(
      id.map(([ms, seq]) => ["XADD", "s", `${ms}-${seq}`, "f", "v"]),
      fc.integer({ min: 0, max: 6 }).map((ms) => ["XADD", "s", `${ms}-*`, "f", "v"]),
      id.map(([ms, seq]) => ["XDEL", "s", `${ms}-${seq}`]),
      fc
        .tuple(fc.constantFrom("=", ""), fc.integer({ min: 0, max: 4 }))
        .map(([op, n]) => ["XTRIM", "s", "MAXLEN", ...(op ? [op] : []), String(n)]),
      id.map(([ms, seq]) => ["XTRIM", "s", "MINID", `${ms}-${seq}`]),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const script: Argv[] = [];
        for (const s of steps) script.push(s, ["XRANGE", "s", "-", "+"], ["XINFO", "STREAM", "s"]);
        await expectSameReplies(oracle.redis, script);
      }),
      { numRuns: 40 },
    );
  });
});

describe("streams: persistence and rollback", () => {
  const STEPS: string[][] = [
    ["XADD", "s", "1-1", "a", "1"],
    ["XADD", "s", "2-1", "b", "2", "c", "3"],
    ["XADD", "s", "3-1", "d", "é"],
    ["XGROUP", "CREATE", "s", "g", "0"],
    ["XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"],
    ["XACK", "s", "g", "1-1"],
    ["XDEL", "s", "2-1"],
    ["XGROUP", "CREATE", "s", "h", "$"],
    ["XGROUP", "CREATECONSUMER", "s", "h", "bob"],
    ["XADD", "s", "MAXLEN", "2", "4-1", "e", "4"],
    ["XCLAIM", "s", "g", "carol", "0", "2-1", "FORCE"],
    ["XSETID", "s", "9-9"],
    ["XGROUP", "DESTROY", "s", "h"],
    ["XTRIM", "s", "MAXLEN", "0"],
  ];

  it("survives a restart, command by command and as one batch", () => {
    expectSurvivesRestart(STEPS, { eachStep: true });
  });

  it("changes nothing when refused for memory", () => {
    const h = new Harness({ persist: true, config: { maxmemory: 40, policy: "noeviction" } });
    h.run("redis", "XADD", "s", "1-1", "a", "1");
    h.run("redis", "XGROUP", "CREATE", "s", "g", "0");
    const before = dump(h.engine);
    for (const argv of [
      ["XADD", "s", "2-1", "a-long-field-name", "a-long-value-that-does-not-fit"],
      ["XADD", "s", "3-1", "f", "v", "another-field", "another-long-value"],
    ]) {
      expect(h.run("redis", ...argv), argv.join(" ")).toMatchObject({ k: "error", code: "OOM" });
      expect(dump(h.engine)).toEqual(before);
    }
    h.restart();
    expect(dump(h.engine)).toEqual(before);
  });

  it("appends with O(1) row writes however long the stream", () => {
    const h = new Harness({ persist: true });
    for (let i = 1; i <= 2000; i++) h.run("redis", "XADD", "s", `${i}-0`, "f", String(i));
    const before = h.sql!.rowsWritten;
    h.run("redis", "XADD", "s", "2001-0", "f", "x");
    // The key's row, the entry's row and the stream's top-id row.
    expect(h.sql!.rowsWritten - before).toBeLessThanOrEqual(4);
  });
});
