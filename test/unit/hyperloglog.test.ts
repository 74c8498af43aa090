// HyperLogLog (PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST) against redis-server 7.0.15: the
// value is Redis's own layout, so not only the counts but the stored bytes must be equal after
// every command, across the sparse -> dense switch; values copied with GET/SET in either
// direction keep working; corrupted values get the same answers. Then restarts.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ByteView } from "../../src/engine/byte-view.ts";
import { newHll } from "../../src/engine/hll-layout.ts";
import { SparseIndex, sparseSet } from "../../src/engine/hll-sparse.ts";
import { Harness } from "./support/engine-harness.ts";
import { describeVsRedis, EngineSession, expectSameReplies } from "./support/engine-vs-redis.ts";
import type { Argv } from "./support/engine-vs-redis.ts";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

/** An empty sparse HLL whose cached cardinality is 2^58 + 215 (past a double's exact range). */
function cachedPast53(): Uint8Array {
  const b = newHll();
  b.set([0xd7, 0, 0, 0, 0, 0, 0, 0x04], 8);
  return b;
}

const SCRIPTS: Record<string, Argv[]> = {
  "a cached cardinality past 2^53 is answered exactly": [
    ["SET", "h", cachedPast53()],
    ["PFCOUNT", "h"],
  ],
  "PFADD, PFCOUNT and the cached cardinality": [
    ["PFADD", "h"],
    ["EXISTS", "h"],
    ["GET", "h"],
    ["PFCOUNT", "h"],
    ["PFADD", "h", "a", "b", "c"],
    ["PFADD", "h", "a", "b", "c"],
    ["PFADD", "h", ""],
    ["GET", "h"],
    ["PFCOUNT", "h"],
    ["GET", "h"],
    ["PFADD", "h", "x"],
    ["GETRANGE", "h", "15", "15"],
    ["PFCOUNT", "h", "nokey"],
    ["PFCOUNT", "nokey"],
    ["PFCOUNT", "nokey", "nokey2"],
    ["PFDEBUG", "DECODE", "h"],
    ["PFDEBUG", "ENCODING", "h"],
    ["PFDEBUG", "TODENSE", "h"],
    ["PFDEBUG", "TODENSE", "h"],
    ["PFDEBUG", "DECODE", "h"],
    ["PFDEBUG", "ENCODING", "h"],
    ["PFCOUNT", "h"],
    ["GET", "h"],
    ["PFADD", "h", "y", "z"],
    ["PFCOUNT", "h"],
    ["SET", "t", "x", "EX", "100"],
    ["DEL", "t"],
    ["PFADD", "t", "1"],
    ["EXPIRE", "t", "100"],
    ["PFADD", "t", "2"],
    ["TTL", "t"],
  ],
  "PFMERGE and PFCOUNT of several keys": [
    ["PFADD", "a", "1", "2", "3"],
    ["PFADD", "b", "3", "4", "5"],
    ["PFADD", "c", "5", "6", "7"],
    ["PFMERGE", "d", "a", "b", "c"],
    ["PFCOUNT", "d"],
    ["GET", "d"],
    ["PFCOUNT", "a", "b", "c"],
    ["PFDEBUG", "TODENSE", "b"],
    ["PFMERGE", "e", "a", "b"],
    ["PFDEBUG", "ENCODING", "e"],
    ["GET", "e"],
    ["PFMERGE", "a", "c"],
    ["GET", "a"],
    ["PFMERGE", "only"],
    ["GET", "only"],
    ["PFMERGE", "x", "nokey"],
    ["PFCOUNT", "x"],
  ],
  "type errors and corrupt values": [
    ["SET", "s", "bar"],
    ["PFADD", "s", "1"],
    ["PFCOUNT", "s"],
    ["PFCOUNT", "s", "nokey"],
    ["PFMERGE", "d", "s"],
    ["PFMERGE", "s", "nokey"],
    ["LPUSH", "l", "x"],
    ["PFADD", "l", "1"],
    ["PFCOUNT", "l"],
    ["SET", "n", "123"],
    ["PFCOUNT", "n"],
    ["PFADD", "h", "a", "b", "c"],
    ["APPEND", "h", "hello"],
    ["PFCOUNT", "h"],
    ["PFADD", "h", "d"],
    ["PFCOUNT", "h", "h"],
    ["PFMERGE", "m", "h"],
    ["DEL", "h"],
    ["PFADD", "h", "a", "b", "c"],
    ["SETRANGE", "h", "0", "0123"],
    ["PFCOUNT", "h"],
    ["DEL", "h"],
    ["PFADD", "h", "a"],
    ["SETRANGE", "h", "4", "x"],
    ["PFCOUNT", "h"],
    ["DEL", "h"],
    ["PFADD", "h", "a"],
    ["SETRANGE", "h", "4", "\x00"],
    ["PFCOUNT", "h"],
    ["SET", "short", "HYLL"],
    ["PFCOUNT", "short"],
    ["PFDEBUG", "ENCODING", "nokey"],
    ["PFDEBUG", "FOO", "nokey"],
    ["PFDEBUG", "FOO", "s"],
    ["PFADD", "ok", "1"],
    ["PFDEBUG", "FOO", "ok"],
    ["PFDEBUG", "GETREG"],
    ["PFADD"],
    ["PFCOUNT"],
    ["PFMERGE"],
    ["PFSELFTEST", "x"],
  ],
  "a sparse run past the last register is corrupt, alone and merged": [
    // The sparse header (cached cardinality unset), XZERO over all 16384 registers, one VAL more.
    ["SET", "h", Buffer.from(`48594c4c01000000${"00".repeat(7)}80` + "7fff" + "80", "hex")],
    ["PFCOUNT", "h"],
    ["PFCOUNT", "h", "h"],
    ["PFCOUNT", "h", "nokey"],
    ["PFMERGE", "d", "h"],
    ["EXISTS", "d"],
  ],
};

/** Elements as the Redis suite makes them (Tcl's rand()), and short binary ones. */
const element = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }).map(String),
  fc.uint8Array({ maxLength: 12 }),
  fc.string({ maxLength: 8 }),
);

describeVsRedis("HyperLogLog vs redis-server 7.0.15", SCRIPTS, (oracle) => {
  it("PFSELFTEST passes", () => {
    const s = new EngineSession();
    expect(s.command(["PFSELFTEST"]).toString()).toBe("+OK\r\n");
  });

  it("counts and stored bytes equal Redis's across the sparse -> dense switch", async () => {
    // Batches of random elements up to ~3000 registers: the sparse form passes 3000 bytes
    // (hll-sparse-max-bytes) on the way and turns dense.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(element, { minLength: 1, maxLength: 600, size: "max" }), {
          minLength: 1,
          maxLength: 8,
          size: "max",
        }),
        async (batches) => {
          const script: Argv[] = [];
          for (const b of batches) {
            script.push(["PFADD", "h", ...b], ["PFCOUNT", "h"], ["PFDEBUG", "ENCODING", "h"]);
            script.push(["GET", "h"]);
          }
          await expectSameReplies(oracle.redis, script);
        },
      ),
      { numRuns: 30, seed: SEED, endOnFailure: true },
    );
  });

  it("PFMERGE and multi-key PFCOUNT equal Redis's for sparse and dense mixes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(element, { maxLength: 1500, size: "max" }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.boolean(),
        async (sets, dense) => {
          const script: Argv[] = [];
          sets.forEach((s, i) => {
            script.push(["PFADD", `s${i}`, ...s]);
            if (dense && i === 0) script.push(["PFDEBUG", "TODENSE", `s${i}`]);
          });
          const names = sets.map((_, i) => `s${i}`);
          script.push(["PFCOUNT", ...names, "nokey"], ["PFMERGE", "d", ...names]);
          script.push(["GET", "d"], ["PFCOUNT", "d"], ["PFMERGE", "s0", ...names], ["GET", "s0"]);
          await expectSameReplies(oracle.redis, script);
        },
      ),
      { numRuns: 25, seed: SEED, endOnFailure: true },
    );
  });

  it("a value copied from Redis (GET -> SET) keeps working here, and back", async () => {
    for (const n of [3, 300, 2500, 20000]) {
      await oracle.redis.command(["DEL", "h", "back"]);
      const items = Array.from({ length: n }, (_, i) => `item:${i}`);
      await oracle.redis.command(["PFADD", "h", ...items]);
      const theirs = await oracle.redis.command(["GET", "h"]);
      const value = theirs.subarray(theirs.indexOf("\r\n") + 2, theirs.length - 2);
      const ours = new EngineSession();
      expect(ours.command(["SET", "h", new Uint8Array(value)]).toString()).toBe("+OK\r\n");
      for (const argv of [
        ["PFCOUNT", "h"],
        ["PFADD", "h", "more", "and more", ...items.slice(0, 10)],
        ["PFCOUNT", "h"],
        ["GET", "h"],
      ] as Argv[]) {
        expect(ours.command(argv).toString("latin1"), `${n}: ${argv[0]}`).toBe(
          (await oracle.redis.command(argv)).toString("latin1"),
        );
      }
      // And our value back into Redis.
      const mine = ours.command(["GET", "h"]);
      const mv = mine.subarray(mine.indexOf("\r\n") + 2, mine.length - 2);
      await oracle.redis.command(["SET", "back", new Uint8Array(mv)]);
      expect((await oracle.redis.command(["PFCOUNT", "back"])).toString()).toBe(
        ours.command(["PFCOUNT", "h"]).toString(),
      );
    }
  });

  // Corrupt sparse values, PFADDed to, then counted alone and together and merged (a multi-key
  // PFCOUNT of a value with a run past the last register answered a count here, INVALIDOBJ there).
  it("randomly corrupted values get Redis's answers", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3000 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 5,
        }),
        async (n, corruptions) => {
          const items = Array.from({ length: n }, (_, i) => `e${i}`);
          const script: Argv[] = [["PFADD", "h", ...items]];
          // Positions are taken modulo the length Redis reports for this value.
          await oracle.redis.command(["FLUSHALL"]);
          await oracle.redis.command(["PFADD", "h", ...items]);
          const len = Number((await oracle.redis.command(["STRLEN", "h"])).toString().slice(1, -2));
          for (const [p, b] of corruptions) {
            script.push(["SETRANGE", "h", String(p % len), new Uint8Array([b])]);
          }
          script.push(["PFCOUNT", "h"], ["PFADD", "h", "x", "y"], ["PFCOUNT", "h", "h"]);
          script.push(["PFMERGE", "d", "h"], ["GET", "h"], ["GET", "d"]);
          await expectSameReplies(oracle.redis, script);
        },
      ),
      { numRuns: 40, seed: SEED, endOnFailure: true },
    );
  });
});

describe("HyperLogLog: sparse edits", () => {
  it("the checkpoint index finds the same opcodes as a scan from the start", () => {
    // Register runs close together (merges, splits of VAL runs) and far apart (XZERO splits).
    const reg = fc.oneof(fc.integer({ min: 0, max: 16383 }), fc.integer({ min: 100, max: 160 }));
    const step = fc.tuple(reg, fc.integer({ min: 1, max: 32 }));
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 100, maxLength: 1500, size: "max" }),
        fc.integer({ min: 40, max: 3000 }),
        (steps, max) => {
          const plain = ByteView.fromBytes(newHll());
          const indexed = ByteView.fromBytes(newHll());
          const ix = new SparseIndex();
          for (const [r, c] of steps) {
            if (plain.bytes[4] !== 1) break; // promoted to dense: the sparse path is done
            expect(sparseSet(indexed, r, c, max, ix)).toBe(sparseSet(plain, r, c, max));
            expect(indexed.bytes.subarray(0, indexed.length)).toEqual(
              plain.bytes.subarray(0, plain.length),
            );
          }
        },
      ),
      { numRuns: 60, seed: SEED, endOnFailure: true },
    );
  });
});

describe("HyperLogLog: restarts", () => {
  it("HLL values, sparse and dense, survive a restart", () => {
    const h = new Harness({ persist: true });
    const items = Array.from({ length: 3000 }, (_, i) => `x${i}`);
    h.run("redis", "PFADD", "sparse", "a", "b");
    h.run("redis", "PFADD", "dense", ...items);
    h.run("redis", "PFCOUNT", "dense");
    const before = ["sparse", "dense"].map((k) => h.run("redis", "GET", k));
    h.restart();
    expect(["sparse", "dense"].map((k) => h.run("redis", "GET", k))).toEqual(before);
    expect(h.run("redis", "PFCOUNT", "sparse")).toEqual({ k: "int", v: 2 });
    expect(h.run("redis", "PFDEBUG", "ENCODING", "dense")).toEqual({ k: "status", v: "dense" });
  });
});
