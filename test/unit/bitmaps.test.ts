// Bitmap commands (SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO) against
// redis-server 7.0.15, reply for reply in RESP2 and RESP3: scripted edge cases and errors, and
// random command sequences (fast-check). Then what only this engine has: the value limit, int and
// json values from other doors, restarts, and the byte view's canonical strings.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ByteView } from "../../src/engine/byte-view.ts";
import { fromBytes, toBytes } from "../../src/engine/bytes.ts";
import { Harness } from "./support/engine-harness.ts";
import { describeVsRedis, EngineSession, expectSameReplies } from "./support/engine-vs-redis.ts";
import type { Argv } from "./support/engine-vs-redis.ts";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const bytes = (...b: number[]) => new Uint8Array(b);

const SCRIPTS: Record<string, Argv[]> = {
  "SETBIT and GETBIT": [
    ["SETBIT", "b", "7", "1"],
    ["SETBIT", "b", "7", "1"],
    ["SETBIT", "b", "7", "0"],
    ["GET", "b"],
    ["SETBIT", "b", "100", "1"],
    ["STRLEN", "b"],
    ["GETBIT", "b", "100"],
    ["GETBIT", "b", "101"],
    ["GETBIT", "b", "100000"],
    ["GETBIT", "nokey", "0"],
    ["SETBIT", "b", "-1", "1"],
    ["SETBIT", "b", "1.5", "1"],
    ["SETBIT", "b", "4294967296", "1"],
    ["SETBIT", "b", "4294967295", "2"],
    ["SETBIT", "b", "0", "-1"],
    ["SETBIT", "b", "0", "x"],
    ["SETBIT", "b", "+1", "1"],
    ["GETBIT", "b", "4294967296"],
    ["GETBIT", "b", "abc"],
    ["RPUSH", "l", "a"],
    ["SETBIT", "l", "0", "1"],
    ["GETBIT", "l", "0"],
    ["SETBIT", "l", "x", "1"],
    ["SET", "n", "12"],
    ["GETBIT", "n", "2"],
    ["SETBIT", "n", "6", "0"],
    ["GET", "n"],
    ["SETBIT", "u", "0", "1"],
    ["SETBIT", "u", "8", "1"],
    ["GET", "u"],
    ["SET", "t", "x", "EX", "100"],
    ["SETBIT", "t", "0", "1"],
    ["TTL", "t"],
    ["SETBIT"],
    ["GETBIT", "b"],
  ],
  "BITCOUNT ranges": [
    ["SET", "s", "foobar"],
    ["BITCOUNT", "s"],
    ["BITCOUNT", "s", "0", "0"],
    ["BITCOUNT", "s", "1", "1"],
    ["BITCOUNT", "s", "1", "1", "BYTE"],
    ["BITCOUNT", "s", "5", "30", "BIT"],
    ["BITCOUNT", "s", "5", "30", "bit"],
    ["BITCOUNT", "s", "-3", "-1", "BIT"],
    ["BITCOUNT", "s", "-1", "-3"],
    ["BITCOUNT", "s", "-1", "-3", "nonsense"],
    ["BITCOUNT", "s", "0", "1000"],
    ["BITCOUNT", "s", "-1000", "1"],
    ["BITCOUNT", "s", "0", "4294967296"],
    ["BITCOUNT", "s", "0", "-1", "BIT", "x"],
    ["BITCOUNT", "s", "0"],
    ["BITCOUNT", "s", "a", "1"],
    ["BITCOUNT", "s", "0", "1", "WORD"],
    ["BITCOUNT", "nokey", "0"],
    ["BITCOUNT", "nokey", "a", "b", "c"],
    ["SET", "e", ""],
    ["BITCOUNT", "e"],
    ["BITCOUNT", "e", "0", "-1", "BIT"],
    ["SET", "i", "-1234"],
    ["BITCOUNT", "i"],
    ["HSET", "h", "f", "v"],
    ["BITCOUNT", "h"],
  ],
  BITPOS: [
    ["SET", "s", bytes(0xff, 0xf0, 0x00)],
    ["BITPOS", "s", "0"],
    ["BITPOS", "s", "1"],
    ["BITPOS", "s", "0", "1"],
    ["BITPOS", "s", "1", "2"],
    ["BITPOS", "s", "0", "2", "-1"],
    ["BITPOS", "s", "1", "2", "-1"],
    ["BITPOS", "s", "1", "0", "-1", "BIT"],
    ["BITPOS", "s", "0", "3", "10", "BIT"],
    ["BITPOS", "s", "0", "3", "7", "BIT"],
    ["BITPOS", "s", "1", "7", "15", "bit"],
    ["BITPOS", "s", "1", "13", "-1", "BIT"],
    ["BITPOS", "s", "0", "5", "BIT"],
    ["BITPOS", "s", "0", "0", "0", "BIT"],
    ["BITPOS", "s", "1", "-1", "-2"],
    ["SET", "f", bytes(0xff, 0xff, 0xff)],
    ["BITPOS", "f", "0"],
    ["BITPOS", "f", "0", "0", "-1"],
    ["BITPOS", "f", "0", "1"],
    ["BITPOS", "f", "0", "0", "-1", "BIT"],
    ["BITPOS", "f", "0", "2", "BIT"],
    ["BITPOS", "nokey", "0"],
    ["BITPOS", "nokey", "1"],
    ["BITPOS", "nokey", "2"],
    ["BITPOS", "s", "2"],
    ["BITPOS", "s", "x"],
    ["BITPOS", "s", "1", "x"],
    ["BITPOS", "s", "1", "0", "x"],
    ["BITPOS", "s", "1", "x", "1", "BITS"],
    ["BITPOS", "s", "1", "0", "x", "BITS"],
    ["BITPOS", "s", "1", "0", "1", "BIT", "extra"],
    ["SET", "z", bytes(0, 0, 0)],
    ["BITPOS", "z", "1"],
    ["BITPOS", "z", "0", "1", "-1"],
    ["BITPOS", "z", "1", "1", "-1", "BIT"],
    ["SADD", "set", "x"],
    ["BITPOS", "set", "1"],
  ],
  BITOP: [
    ["SET", "a", "foobar"],
    ["SET", "b", "abcdefghi"],
    ["BITOP", "AND", "d", "a", "b"],
    ["GET", "d"],
    ["BITOP", "or", "d", "a", "b", "nokey"],
    ["GET", "d"],
    ["BITOP", "XOR", "d", "a", "b", "a"],
    ["GET", "d"],
    ["BITOP", "NOT", "d", "a"],
    ["GET", "d"],
    ["BITOP", "NOT", "d", "a", "b"],
    ["BITOP", "NAND", "d", "a"],
    ["SET", "d", "x", "EX", "100"],
    ["BITOP", "AND", "d", "nokey", "nokey2"],
    ["EXISTS", "d"],
    ["SET", "d", "x", "EX", "100"],
    ["BITOP", "AND", "d", "a"],
    ["TTL", "d"],
    ["LPUSH", "l", "x"],
    ["BITOP", "OR", "d", "a", "l"],
    ["BITOP", "OR", "l", "a"],
    ["TYPE", "l"],
    ["SET", "n", "123"],
    ["BITOP", "AND", "d", "n", "a"],
    ["GET", "d"],
    ["BITOP", "AND", "d"],
  ],
  "BITFIELD arithmetic and overflow": [
    ["BITFIELD", "f", "SET", "i8", "0", "-100", "GET", "u4", "0", "GET", "i8", "0"],
    ["BITFIELD", "f", "INCRBY", "i5", "100", "1", "INCRBY", "i5", "100", "20", "GET", "u4", "0"],
    ["BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "u2", "102", "7", "INCRBY", "i8", "#0", "-200"],
    ["BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u2", "102", "7", "GET", "u2", "102"],
    ["BITFIELD", "f", "OVERFLOW", "WRAP", "INCRBY", "u2", "102", "7", "INCRBY", "i3", "#5", "9"],
    ["BITFIELD", "f", "SET", "u63", "0", "-1", "GET", "i64", "0", "GET", "u63", "1"],
    ["BITFIELD", "f", "SET", "i64", "0", "-9223372036854775808", "INCRBY", "i64", "0", "-1"],
    ["BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-1", "INCRBY", "i64", "0", "1"],
    ["BITFIELD", "f", "OVERFLOW", "SAT", "SET", "i64", "0", "9223372036854775807"],
    ["BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "9223372036854775807"],
    ["BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "1", "SET", "u8", "0", "256"],
    ["BITFIELD", "f", "OVERFLOW", "SAT", "SET", "u8", "0", "-1", "SET", "i4", "0", "-9"],
    ["BITFIELD", "f", "SET", "u1", "#3", "1", "GET", "u1", "#3", "GET", "i1", "3"],
    ["GET", "f"],
    ["BITFIELD", "fail", "OVERFLOW", "FAIL", "SET", "u8", "0", "1000"],
    ["EXISTS", "fail"],
    ["GET", "fail"],
    ["BITFIELD", "grow", "OVERFLOW", "FAIL", "SET", "u8", "40", "1000", "SET", "u8", "0", "1"],
    ["GET", "grow"],
    ["BITFIELD", "g", "GET", "u8", "1000000", "GET", "i64", "4294967230"],
    ["EXISTS", "g"],
    ["BITFIELD", "g"],
    ["BITFIELD_RO", "f", "GET", "i8", "0", "GET", "u16", "#1"],
    ["BITFIELD_RO", "f", "SET", "i8", "0", "1"],
    ["BITFIELD_RO", "f", "GET", "x8", "0", "SET", "i8", "0", "1"],
    ["BITFIELD_RO", "nokey", "GET", "i8", "0"],
    ["BITFIELD_RO", "nokey"],
  ],
  "BITFIELD errors": [
    ["BITFIELD", "f", "GET", "u64", "0"],
    ["BITFIELD", "f", "GET", "i65", "0"],
    ["BITFIELD", "f", "GET", "i0", "0"],
    ["BITFIELD", "f", "GET", "I8", "0"],
    ["BITFIELD", "f", "GET", "u08", "0"],
    ["BITFIELD", "f", "GET", "", "0"],
    ["BITFIELD", "f", "GET", "i8", "-1"],
    ["BITFIELD", "f", "GET", "i8", "#-1"],
    ["BITFIELD", "f", "GET", "i8", "#"],
    ["BITFIELD", "f", "GET", "i8", "4294967296"],
    ["BITFIELD", "f", "GET", "i8", "4294967295"],
    ["BITFIELD", "f", "GET", "u32", "#134217728"],
    ["BITFIELD", "f", "GET", "u32", "#134217727"],
    ["BITFIELD", "f", "GET", "i64", "#9223372036854775807"],
    ["BITFIELD", "f", "SET", "i8", "0"],
    ["BITFIELD", "f", "SET", "i8", "0", "1.5"],
    ["BITFIELD", "f", "INCRBY", "i8", "0", "9223372036854775808"],
    ["BITFIELD", "f", "OVERFLOW"],
    ["BITFIELD", "f", "OVERFLOW", "SATURATE", "GET", "i8", "0"],
    ["BITFIELD", "f", "FOO", "i8", "0"],
    ["BITFIELD", "f", "GET", "i8"],
    ["BITFIELD", "f", "GET", "i8", "0", "SET", "u8", "0", "1", "GET"],
    ["SADD", "s", "x"],
    ["BITFIELD", "s", "GET", "i8", "0"],
    ["BITFIELD", "s", "SET", "i8", "0", "1"],
    ["BITFIELD_RO", "s", "GET", "i8", "0"],
    ["BITFIELD"],
  ],
};

describeVsRedis("bitmap commands vs redis-server 7.0.15", SCRIPTS, (oracle) => {
  it("matches Redis on random sequences of bit commands", async () => {
    const key = fc.constantFrom("a", "b", "c");
    const small = fc.integer({ min: -20, max: 20 }).map(String);
    const bit = fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 5000 }));
    const unit = fc.constantFrom("BIT", "BYTE");
    const type = fc
      .tuple(fc.constantFrom("i", "u"), fc.integer({ min: 1, max: 64 }))
      .map(([s, n]) => `${s}${s === "u" && n === 64 ? 63 : n}`);
    const off = fc.oneof(
      fc.integer({ min: 0, max: 300 }).map(String),
      fc.integer({ min: 0, max: 20 }).map((n) => `#${n}`),
    );
    const i64 = fc.oneof(
      fc.integer({ min: -300, max: 300 }).map(String),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
    );
    const field: fc.Arbitrary<string[]> = fc.oneof(
      fc.tuple(fc.constant("GET"), type, off).map((t) => [...t]),
      fc.tuple(fc.constantFrom("SET", "INCRBY"), type, off, i64).map((t) => [...t]),
      fc.tuple(fc.constant("OVERFLOW"), fc.constantFrom("WRAP", "SAT", "FAIL")).map((t) => [...t]),
    );
    const step: fc.Arbitrary<Argv> = fc.oneof(
      fc.tuple(fc.constant("SETBIT"), key, bit.map(String), fc.constantFrom("0", "1")),
      fc.tuple(fc.constant("GETBIT"), key, bit.map(String)),
      fc.tuple(fc.constant("BITCOUNT"), key),
      fc.tuple(fc.constant("BITCOUNT"), key, small, small, unit),
      fc.tuple(fc.constant("BITPOS"), key, fc.constantFrom("0", "1")),
      fc.tuple(fc.constant("BITPOS"), key, fc.constantFrom("0", "1"), small),
      fc.tuple(fc.constant("BITPOS"), key, fc.constantFrom("0", "1"), small, small, unit),
      fc
        .tuple(fc.constant("BITOP"), fc.constantFrom("AND", "OR", "XOR"), key, key, key)
        .map((t) => [...t]),
      fc.tuple(fc.constant("BITOP"), fc.constant("NOT"), key, key).map((t) => [...t]),
      fc
        .tuple(fc.constantFrom("BITFIELD", "BITFIELD_RO"), key, fc.array(field, { maxLength: 4 }))
        .map(([c, k, f]) => [c, k, ...f.flat()]),
      fc.tuple(
        fc.constant("SETRANGE"),
        key,
        fc.integer({ min: 0, max: 40 }).map(String),
        fc.uint8Array({ minLength: 1, maxLength: 4 }),
      ),
      fc.tuple(fc.constant("APPEND"), key, fc.uint8Array({ minLength: 1, maxLength: 4 })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 25, size: "max" }),
        async (steps) => {
          const script: Argv[] = [];
          for (const s of steps) script.push(s, ["GET", "a"], ["GET", "b"]);
          await expectSameReplies(oracle.redis, script);
        },
      ),
      { numRuns: 80, seed: SEED },
    );
  });
});

describe("bitmaps: limits, other doors' values, restarts", () => {
  const run = (s: EngineSession, ...argv: Argv) => s.command(argv).toString("latin1");

  it("an offset past the value limit is refused and stores nothing", () => {
    const s = new EngineSession();
    // The limit is proto-max-bulk-len (Engine.stringMax), lowered here to keep the test small.
    expect(run(s, "CONFIG", "SET", "proto-max-bulk-len", "1mb")).toBe("+OK\r\n");
    const max = s.engine.stringMax;
    expect(max).toBe(1048576);
    expect(run(s, "SETBIT", "k", String(max * 8 - 1), "1")).toBe(":0\r\n");
    expect(run(s, "STRLEN", "k")).toBe(`:${max}\r\n`);
    const tooLong = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
    expect(run(s, "SETBIT", "n", String(max * 8), "1")).toBe(tooLong);
    expect(run(s, "BITFIELD", "n", "SET", "u8", String(max * 8 - 4), "1")).toBe(tooLong);
    expect(run(s, "EXISTS", "n")).toBe(":0\r\n");
    // Past Redis's own 512 MB limit the offset itself is out of range, as in redis-server.
    expect(run(s, "SETBIT", "n", "4294967296", "1")).toBe(
      "-ERR bit offset is not an integer or out of range\r\n",
    );
    // Reads past the end see zeros and grow nothing.
    expect(run(s, "BITFIELD_RO", "k", "GET", "u8", String(max * 8 + 100))).toBe("*1\r\n:0\r\n");
    expect(run(s, "STRLEN", "k")).toBe(`:${max}\r\n`);
  });

  it("int and json values from other doors read as their text; a bit write makes a string", () => {
    const s = new EngineSession();
    const gevent = (
      argv: string[],
      typed: { type: "int"; v: bigint } | { type: "json"; text: string },
    ) => s.engine.run("gevent", s.conn, [{ argv, typed: [undefined, undefined, typed] }], s.now);
    gevent(["SET", "i", "12"], { type: "int", v: 12n });
    gevent(["SET", "j", "x"], { type: "json", text: "[1]" });
    expect(run(s, "BITCOUNT", "i")).toBe(":6\r\n"); // "12" = 0x31 0x32
    expect(run(s, "GETBIT", "i", "2")).toBe(":1\r\n");
    expect(run(s, "BITFIELD_RO", "j", "GET", "u8", "8")).toBe("*1\r\n:49\r\n");
    expect(run(s, "SETBIT", "i", "2", "1")).toBe(":1\r\n"); // no change: stays an int
    expect(s.engine.store.get("i")!.type).toBe("int");
    expect(run(s, "SETBIT", "i", "15", "1")).toBe(":0\r\n");
    expect(run(s, "GET", "i")).toBe("$2\r\n13\r\n");
    expect(s.engine.store.get("i")!.type).toBe("string");
    expect(run(s, "BITOP", "NOT", "d", "j")).toBe(":3\r\n");
    expect(run(s, "PFADD", "i", "x")).toBe(
      "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n",
    );
  });

  it("bit writes survive a restart, command by command and as one batch", () => {
    const steps = [
      ["SETBIT", "b", "9", "1"],
      ["SETBIT", "b", "40000", "1"],
      ["BITFIELD", "b", "SET", "u8", "#1", "255", "INCRBY", "i16", "#100", "-3"],
      ["BITOP", "NOT", "n", "b"],
      ["SETBIT", "n", "0", "0"],
    ];
    for (const batch of [false, true]) {
      const h = new Harness({ persist: true });
      if (batch)
        h.batch(
          "redis",
          steps.map((argv) => ({ argv })),
        );
      else for (const argv of steps) h.run("redis", ...argv);
      const before = [h.run("redis", "GET", "b"), h.run("redis", "GET", "n")];
      h.restart();
      expect([h.run("redis", "GET", "b"), h.run("redis", "GET", "n")]).toEqual(before);
      expect(h.run("redis", "BITCOUNT", "b")).toEqual({ k: "int", v: 1 + 8 + 15 });
    }
  });

  it("a SETBIT on a large value stays fast (the byte view patches instead of rebuilding)", () => {
    const s = new EngineSession();
    const max = s.engine.valueMax;
    run(s, "SETBIT", "big", String(max * 8 - 1), "1");
    const t = performance.now();
    for (let i = 0; i < 2000; i++) run(s, "SETBIT", "big", String((i * 7919) % (max * 8)), "1");
    const perOp = (performance.now() - t) / 2000;
    expect(run(s, "BITCOUNT", "big")).toBe(":2001\r\n");
    expect(perOp).toBeLessThan(2); // a full rebuild of 1 MiB costs several ms per bit
  });
});

describe("ByteView keeps the canonical byte string", () => {
  const edit = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }));
  const check = (start: Uint8Array, edits: [number, number][], grow: number) => {
    const v = ByteView.of(fromBytes(start));
    const model = Array.from(start);
    v.grow(start.length + grow);
    for (let i = 0; i < grow; i++) model.push(0);
    for (const [i, b] of edits) {
      if (model.length === 0) break;
      const at = i % model.length;
      v.set(at, b);
      model[at] = b;
      // Commit now and then, so patches build on patched strings.
      if (b % 5 === 0) expect(v.commit()).toBe(fromBytes(Uint8Array.from(model)));
    }
    const s = v.commit();
    expect(s).toBe(fromBytes(Uint8Array.from(model)));
    expect(toBytes(s)).toEqual(Uint8Array.from(model));
  };

  it("after random byte edits of short strings (UTF-8 text, ASCII, binary)", () => {
    const start = fc.oneof(
      fc.string({ maxLength: 20 }).map((t) => new TextEncoder().encode(t)),
      fc.uint8Array({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(start, fc.array(edit, { maxLength: 30, size: "max" }), fc.nat(10), (s, e, g) =>
        check(s, e, g),
      ),
      { numRuns: 2000, seed: SEED },
    );
  });

  it("after random byte edits of long strings (the leaf tree)", () => {
    const start = fc.oneof(
      fc.constant(new Uint8Array(9000)),
      fc.uint8Array({ minLength: 5000, maxLength: 9000 }),
      fc.constant(new TextEncoder().encode("é".repeat(3000))),
    );
    fc.assert(
      fc.property(start, fc.array(edit, { maxLength: 40, size: "max" }), fc.nat(3000), (s, e, g) =>
        check(s, e, g),
      ),
      { numRuns: 100, seed: SEED },
    );
  });
});
