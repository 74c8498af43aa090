// Hash commands (spec §10.6 "Hashes") against redis-server 7.0.15, in RESP2 and RESP3. Hashes
// here stay small (<= 128 fields, values <= 64 bytes), which Redis keeps as listpacks in
// insertion order — our order — so replies compare byte for byte, HSCAN included. Where the
// spec deviates (HINCRBYFLOAT doubles and shortest text, spec §10.11 item 5; big hashes' order),
// our replies are asserted directly.

import { describe, expect, it } from "vitest";
import { Harness, dump, expectSurvivesRestart } from "./support/engine-harness.ts";
import { describeVsRedis, EngineSession } from "./support/engine-vs-redis.ts";
import type { Step } from "./support/engine-vs-redis.ts";

const BIN_F = new Uint8Array([0xff, 0x00, 0x80]);
const BIN_V = new Uint8Array([0xc3, 0x28, 0x0d, 0x0a]);

const SCRIPT: Step[] = [
  // HSET / HMSET / HSETNX / HGET / HMGET
  ["HSET", "h", "f1", "v1", "f2", "v2"],
  ["HSET", "h", "f1", "v1", "f2"],
  ["HSET", "h", "f1"],
  ["HSET", "h"],
  ["HMSET", "h", "f1"],
  ["HMSET", "h", "f1", "v", "f2"],
  ["HSET", "h", "f3", "v3", "f1", "new", "f3", "again"],
  ["HSET", "h", "f2", "v2"],
  ["HGETALL", "h"],
  ["HMSET", "h", "f4", "v4", "f2", "w2"],
  ["HMSET", "h2", "a", "1"],
  ["HGETALL", "h"],
  ["HSET", "h", "", ""],
  ["HGET", "h", ""],
  ["HGET", "h", "f1"],
  ["HGET", "h", "zz"],
  ["HGET", "nokey", "f"],
  ["HGET", "h"],
  ["HMGET", "h", "f1", "zz", "f2", "f1"],
  ["HMGET", "nokey", "a", "b"],
  ["HMGET", "h"],
  ["HSETNX", "h", "f1", "x"],
  ["HSETNX", "h", "f9", "x"],
  ["HSETNX", "h3", "f", "x"],
  ["HSETNX", "h", "f9"],
  ["HGETALL", "h3"],
  ["HSET", "bin", BIN_F, BIN_V, "x", BIN_V],
  ["HGET", "bin", BIN_F],
  ["HGETALL", "bin"],
  ["HSTRLEN", "bin", "x"],
  ["HSTRLEN", "h", "f1"],
  ["HSTRLEN", "h", "zz"],
  ["HSTRLEN", "nokey", "f"],
  ["HSET", "utf", "ключ", "значение"],
  ["HSTRLEN", "utf", "ключ"],
  // HDEL / HEXISTS / HLEN / HKEYS / HVALS / HGETALL
  ["HDEL", "h", "f9", "zz", "f9"],
  ["HDEL", "nokey", "a"],
  ["HDEL", "h"],
  ["HEXISTS", "h", "f1"],
  ["HEXISTS", "h", "zz"],
  ["HEXISTS", "nokey", "f1"],
  ["HLEN", "h"],
  ["HLEN", "nokey"],
  ["HKEYS", "h"],
  ["HVALS", "h"],
  ["HKEYS", "nokey"],
  ["HVALS", "nokey"],
  ["HGETALL", "nokey"],
  ["HDEL", "h", "f1"],
  ["HSET", "h", "f1", "back"],
  ["HGETALL", "h"],
  ["HDEL", "h3", "f"],
  ["EXISTS", "h3"],
  ["HDEL", "h", "f1", "f2", "f3", "f4", "", "zz"],
  ["EXISTS", "h"],
  // WRONGTYPE
  ["SET", "str", "v"],
  ["SADD", "set", "m"],
  ["HSET", "str", "f", "v"],
  ["HMSET", "set", "f", "v"],
  ["HSETNX", "str", "f", "v"],
  ["HGET", "str", "f"],
  ["HMGET", "str", "f"],
  ["HDEL", "str", "f"],
  ["HEXISTS", "str", "f"],
  ["HLEN", "str"],
  ["HSTRLEN", "str", "f"],
  ["HKEYS", "str"],
  ["HVALS", "set"],
  ["HGETALL", "str"],
  ["HINCRBY", "str", "f", "1"],
  ["HINCRBY", "str", "f", "x"],
  ["HINCRBYFLOAT", "str", "f", "1"],
  ["HINCRBYFLOAT", "str", "f", "x"],
  ["HINCRBYFLOAT", "str", "f", "inf"],
  ["HSCAN", "str", "0"],
  ["HSCAN", "str", "x"],
  ["HSET", "str", "f"],
  ["INCR", "int"],
  ["HGET", "int", "f"],
  // HINCRBY
  ["HINCRBY", "n", "a", "5"],
  ["HINCRBY", "n", "a", "-7"],
  ["HINCRBY", "n", "a", "abc"],
  ["HINCRBY", "n", "a", "1.5"],
  ["HINCRBY", "n", "a", "010"],
  ["HINCRBY", "n", "a", "-0"],
  ["HINCRBY", "n", "a", "9223372036854775808"],
  ["HINCRBY", "n", "a", "0"],
  ["HSET", "n", "s", "abc", "sp", " 1", "z", "010", "neg0", "-0", "big", "9223372036854775807"],
  ["HINCRBY", "n", "s", "1"],
  ["HINCRBY", "n", "sp", "1"],
  ["HINCRBY", "n", "z", "1"],
  ["HINCRBY", "n", "neg0", "1"],
  ["HINCRBY", "n", "big", "1"],
  ["HINCRBY", "n", "big", "-1"],
  ["HINCRBY", "n", "big", "-9223372036854775807"],
  ["HINCRBY", "n", "big", "-9223372036854775807"],
  ["HINCRBY", "n", "big", "-2"],
  ["HINCRBY", "n", "big", "-9223372036854775808"],
  ["HINCRBY", "n", "m", "-9223372036854775808"],
  ["HINCRBY", "n", "m", "-1"],
  ["HINCRBY", "n", "m", "9223372036854775807"],
  ["HGETALL", "n"],
  ["HINCRBY", "fresh", "f", "9223372036854775807"],
  ["HINCRBY", "fresh2", "f", "x"],
  ["EXISTS", "fresh2"],
  ["HINCRBY", "n", "a"],
  // HINCRBYFLOAT (values where the long double and the double print alike)
  ["HINCRBYFLOAT", "fl", "a", "10.5"],
  ["HINCRBYFLOAT", "fl", "a", "0.25"],
  ["HINCRBYFLOAT", "fl", "a", "-10.75"],
  ["HINCRBYFLOAT", "fl", "a", "-1"],
  ["HINCRBYFLOAT", "fl", "b", "5.0e3"],
  ["HINCRBYFLOAT", "fl", "c", "1e20"],
  ["HINCRBYFLOAT", "fl", "d", "-.5"],
  ["HINCRBYFLOAT", "fl", "e", "3."],
  ["HINCRBYFLOAT", "fl", "f", "+2"],
  ["HINCRBYFLOAT", "fl", "g", "-0"],
  ["HINCRBYFLOAT", "fl", "b", "abc"],
  ["HINCRBYFLOAT", "fl", "b", ""],
  ["HINCRBYFLOAT", "fl", "b", " 1"],
  ["HINCRBYFLOAT", "fl", "b", "1 "],
  ["HINCRBYFLOAT", "fl", "b", "nan"],
  ["HINCRBYFLOAT", "fl", "b", "inf"],
  ["HINCRBYFLOAT", "fl", "b", "-Infinity"],
  ["HINCRBYFLOAT", "fresh3", "f", "+INF"],
  ["EXISTS", "fresh3"],
  ["HINCRBYFLOAT", "fl", "b", "1e5000"],
  ["HSET", "fl", "s", "abc", "sp", " 1", "i", "inf", "int", "9223372036854775807", "lead", ".5e1"],
  ["HINCRBYFLOAT", "fl", "s", "1"],
  ["HINCRBYFLOAT", "fl", "sp", "1"],
  ["HINCRBYFLOAT", "fl", "i", "1"],
  ["HINCRBYFLOAT", "fl", "lead", "1"],
  ["HINCRBY", "fl", "a", "1"],
  ["HINCRBY", "fl", "lead", "1"],
  ["HGETALL", "fl"],
  ["HINCRBYFLOAT", "fl", "a"],
  // HSCAN (listpack: everything at once, cursor 0, whatever the cursor)
  ["HSET", "sc", "alpha", "1", "beta", "2", "alps", "3", "gamma", "4"],
  ["HSCAN", "sc", "0"],
  ["HSCAN", "sc", "7"],
  ["HSCAN", "sc", "-1"],
  ["HSCAN", "sc", ""],
  ["HSCAN", "sc", "0", "MATCH", "al*"],
  ["HSCAN", "sc", "0", "match", "*a", "COUNT", "1"],
  ["HSCAN", "sc", "0", "MATCH", "nothing"],
  ["HSCAN", "sc", "0", "MATCH", "1"],
  ["HSCAN", "sc", "0", "COUNT", "0"],
  ["HSCAN", "sc", "0", "COUNT", "abc"],
  ["HSCAN", "sc", "0", "COUNT"],
  ["HSCAN", "sc", "0", "TYPE", "hash"],
  ["HSCAN", "sc", "0", "NOVALUES"],
  ["HSCAN", "sc", "abc"],
  ["HSCAN", "sc", " 1"],
  ["HSCAN", "sc", "18446744073709551616"],
  ["HSCAN", "nokey", "0", "BAD"],
  ["HSCAN", "nokey", "x"],
  ["HSCAN", "bin", "0", "MATCH", "?\x00?"],
  ["HSCAN", "sc"],
  // arity
  ["HGETALL"],
  ["HKEYS", "a", "b"],
  ["HSETNX", "a", "b"],
  ["HEXISTS", "a"],
  ["HSTRLEN", "a"],
  ["HINCRBYFLOAT", "a", "b"],
];

describeVsRedis("hash commands vs redis-server 7.0.15", { "matches Redis": SCRIPT });

/** A fresh engine; `run` returns the raw reply as latin1 text. */
function session(proto: 2 | 3 = 2): { run: (...argv: string[]) => string } {
  const s = new EngineSession();
  if (proto === 3) s.command(["HELLO", "3"]);
  return { run: (...argv) => s.command(argv).toString("latin1") };
}

describe("hash deviations and order (spec §10.11 items 4-5)", () => {
  it("HINCRBYFLOAT adds doubles and prints the shortest round-trip decimal", () => {
    const s = session();
    expect(s.run("HINCRBYFLOAT", "h", "f", "0.1")).toBe("$3\r\n0.1\r\n");
    expect(s.run("HINCRBYFLOAT", "h", "f", "0.2")).toBe("$19\r\n0.30000000000000004\r\n");
    expect(s.run("HGET", "h", "f")).toBe("$19\r\n0.30000000000000004\r\n");
    expect(s.run("HINCRBYFLOAT", "h", "g", "1e308")).toBe(`$309\r\n1${"0".repeat(308)}\r\n`);
    // Redis's long double holds 2e308; a double does not.
    expect(s.run("HINCRBYFLOAT", "h", "g", "1e308")).toBe(
      "-ERR increment would produce NaN or Infinity\r\n",
    );
    expect(s.run("HINCRBYFLOAT", "h", "x", "1.5e-7")).toBe("$10\r\n0.00000015\r\n");
    expect(s.run("HINCRBYFLOAT", "h", "y", "-0")).toBe("$1\r\n0\r\n");
    // Redis: 9223372036854775808 (long double); the double's shortest digits, in fixed notation.
    s.run("HSET", "h", "int", "9223372036854775807");
    expect(s.run("HINCRBYFLOAT", "h", "int", "1")).toBe("$19\r\n9223372036854776000\r\n");
  });

  it("HINCRBYFLOAT refuses hexadecimal and treats an overflowing literal as an infinite result", () => {
    const s = session();
    expect(s.run("HINCRBYFLOAT", "h", "f", "0x10")).toBe("-ERR value is not a valid float\r\n");
    s.run("HSET", "h", "hex", "0x10");
    expect(s.run("HINCRBYFLOAT", "h", "hex", "1")).toBe("-ERR hash value is not a float\r\n");
    expect(s.run("HINCRBYFLOAT", "h", "f", "1e400")).toBe(
      "-ERR increment would produce NaN or Infinity\r\n",
    );
    expect(s.run("HINCRBYFLOAT", "none", "f", "1e400")).toBe(
      "-ERR increment would produce NaN or Infinity\r\n",
    );
    expect(s.run("EXISTS", "none")).toBe(":0\r\n");
    s.run("SET", "str", "x");
    expect(s.run("HINCRBYFLOAT", "str", "f", "1e400")).toMatch(/^-WRONGTYPE /);
  });

  it("keeps insertion order beyond Redis's listpack sizes", () => {
    const s = session(3);
    const fields = Array.from({ length: 200 }, (_, i) => `field:${(i * 7919) % 1000}`);
    for (const f of fields) s.run("HSET", "big", f, "v".repeat(100));
    s.run("HDEL", "big", fields[5]!);
    s.run("HSET", "big", fields[5]!, "again", fields[0]!, "updated");
    const expected = [...fields.slice(0, 5), ...fields.slice(6), fields[5]!];
    const keys = s
      .run("HKEYS", "big")
      .split("\r\n")
      .filter((_, i) => i > 0 && i % 2 === 0);
    expect(keys).toEqual(expected);
    const scan = s.run("HSCAN", "big", "0", "COUNT", "10");
    expect(scan.startsWith("*2\r\n$1\r\n0\r\n*400\r\n$7\r\nfield:0\r\n$7\r\nupdated\r\n")).toBe(
      true,
    );
    expect(s.run("HGETALL", "big").startsWith("%200\r\n$7\r\nfield:0\r\n$7\r\nupdated\r\n")).toBe(
      true,
    );
  });
});

describe("hash writes: persistence and rollback", () => {
  const STEPS: string[][] = [
    ["HSET", "h", "a", "1", "b", "2", "c", "3"],
    ["HSET", "h", "a", "10"],
    ["HDEL", "h", "b"],
    ["HSET", "h", "b", "again"],
    ["HINCRBY", "h", "a", "5"],
    ["HINCRBYFLOAT", "h", "f", "1.5"],
    ["HSETNX", "h", "g", "x"],
    ["HMSET", "m", "k", "v"],
    ["HDEL", "m", "k"],
    ["HINCRBY", "m", "n", "1"],
    ["HSET", "h", "c", "3"],
  ];

  it("survives a restart with field order, command by command and as one batch", () => {
    expectSurvivesRestart(STEPS);
  });

  it("changes nothing when refused for memory", () => {
    const h = new Harness({ persist: true, config: { maxmemory: 10, policy: "noeviction" } });
    h.run("redis", "HSET", "h", "f", "1", "g", "2");
    const before = dump(h.engine);
    for (const argv of [
      ["HSET", "h", "x", "1", "f", "1234567890"],
      ["HMSET", "h2", "abcdef", "ghijklmnop"],
      ["HINCRBYFLOAT", "h", "f", "0.123456789"],
      ["HINCRBY", "h", "g", "123456789012"],
      ["HSETNX", "h", "fieldname", "value"],
    ]) {
      expect(h.run("redis", ...argv), argv.join(" ")).toMatchObject({ k: "error", code: "OOM" });
      expect(dump(h.engine)).toEqual(before);
    }
  });
});
