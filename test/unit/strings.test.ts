// Redis string commands (spec §10.6 "Strings", §3.5, §10.7) against redis-server 7.0.15, in
// RESP2 and RESP3, plus direct checks of the documented deviations (spec §10.11 item 5, the
// VALUE_MAX_BYTES limit) and of int/json values, which only other doors can create.

import { describe, expect, it } from "vitest";
import { describeVsRedis, EngineSession } from "./support/engine-vs-redis.ts";
import type { Argv } from "./support/engine-vs-redis.ts";
import { MEMORY_LIMIT_BYTES, PROTO_MAX_BULK_LEN, VALUE_MAX_BYTES } from "../../src/limits.ts";
import { Engine } from "../../src/engine/engine.ts";
import { COMMANDS } from "../../src/engine/commands/index.ts";
import { newConn } from "../../src/engine/conn-state.ts";
import { encodeResp } from "../../src/protocols/resp/resp-encode.ts";

const bytes = (...b: number[]) => new Uint8Array(b);
const I64_MAX = "9223372036854775807";
const I64_MIN = "-9223372036854775808";

// Relative times only where the reply cannot depend on a few milliseconds of drift (TTL in
// seconds rounds; PTTL is checked with a controlled clock below).
const SCRIPTS: Record<string, Argv[]> = {
  "SET options and errors": [
    ["GET", "k"],
    ["SET", "k", "v"],
    ["GET", "k"],
    ["SET", "k", "v2", "NX"],
    ["SET", "k", "v3", "XX"],
    ["GET", "k"],
    ["SET", "new", "x", "XX"],
    ["EXISTS", "new"],
    ["SET", "k", "v", "NX", "XX"],
    ["SET", "k", "v", "XX", "NX"],
    ["SET", "k", "v", "NX", "NX"],
    ["SET", "k", "v", "xx", "xx"],
    ["SET", "k", "v4", "GET"],
    ["SET", "k", "v5", "NX", "GET"],
    ["SET", "k2", "a", "NX", "GET"],
    ["GET", "k2"],
    ["SET", "k3", "a", "XX", "GET"],
    ["SET", "k", "v6", "get", "get"],
    ["SET", "k", "v", "EX", "10"],
    ["TTL", "k"],
    ["SET", "k", "v", "KEEPTTL"],
    ["TTL", "k"],
    ["SET", "k", "v"],
    ["TTL", "k"],
    ["SET", "k", "v", "PX", "20000"],
    ["TTL", "k"],
    ["SET", "k", "v", "ex", "10", "ex", "30"],
    ["TTL", "k"],
    ["SET", "k", "v", "EX", "10", "PX", "100"],
    ["SET", "k", "v", "EX", "10", "EXAT", "100"],
    ["SET", "k", "v", "PXAT", "10", "PX", "100"],
    ["SET", "k", "v", "KEEPTTL", "EX", "10"],
    ["SET", "k", "v", "EX", "10", "KEEPTTL"],
    ["SET", "k", "v", "EX"],
    ["SET", "k", "v", "PERSIST"],
    ["SET", "k", "v", "foo"],
    ["SET", "k", "v", "GET", "EX"],
    ["SET", "k", "v", "EX", "0"],
    ["SET", "k", "v", "EX", "-1"],
    ["SET", "k", "v", "PX", "0"],
    ["SET", "k", "v", "EXAT", "0"],
    ["SET", "k", "v", "PXAT", "-5"],
    ["SET", "k", "v", "EX", "abc"],
    ["SET", "k", "v", "EX", "1.5"],
    ["SET", "k", "v", "EX", I64_MAX],
    ["SET", "k", "v", "EX", "9223372036854775"],
    ["SET", "k", "v", "EX", "9223372036854776"],
    ["SET", "k", "v", "PX", I64_MAX],
    ["SET", "k", "v", "PX", "9223372036854775808"],
    ["SET", "k", "v", "EX", "0", "NX"],
    ["SET", "k", "v", "PXAT", I64_MAX],
    ["PEXPIRETIME", "k"],
    ["EXPIRETIME", "k"],
    ["TTL", "k"],
    ["SET", "k", "v", "EXAT", "9223372036854775"],
    ["EXPIRETIME", "k"],
    ["SET", "k", "v", "EXAT", "9223372036854776"],
    ["SET", "k", "old"],
    ["SET", "k", "v", "EXAT", "1", "GET"],
    ["GET", "k"],
    ["EXISTS", "k"],
    ["SET", "k", "v", "PXAT", "1"],
    ["EXISTS", "k"],
    ["SET", "k", "v", "EXAT", "4000000000"],
    ["EXPIRETIME", "k"],
    ["SET", "k", "v", "PXAT", "4000000000123"],
    ["PEXPIRETIME", "k"],
    ["EXPIRETIME", "k"],
    ["SET", "k", "v", bytes(0x6e, 0x78, 0x00, 0x41)],
    ["SET", "k", "v", bytes(0x6e, 0x78, 0x41)],
    ["SET", "k", "v", bytes(0x6b, 0x65, 0x65, 0x70, 0x74, 0x74, 0x6c, 0x00, 0xff)],
    ["SET", "k", "v", "\u212Aeepttl"],
    ["SET", "k", "v", "eX", "5", "Get"],
    ["SET", "k"],
    ["set", "", ""],
    ["GET", ""],
    ["SET", bytes(0xff, 0x00), bytes(0xc3)],
    ["GET", bytes(0xff, 0x00)],
    ["GET", "k", "x"],
    ["GET"],
  ],
  "SET on other types, SETNX, SETEX, PSETEX, GETSET, GETDEL": [
    ["SADD", "s", "m"],
    ["HSET", "h", "f", "v"],
    ["SET", "s", "v", "GET"],
    ["TYPE", "s"],
    ["SET", "s", "v", "NX", "GET"],
    ["SET", "s", "v", "EX", "0", "GET"],
    ["SET", "s", "v", "XX"],
    ["TYPE", "s"],
    ["SET", "h", "v", "NX"],
    ["TYPE", "h"],
    ["SETNX", "a", "1"],
    ["SETNX", "a", "2"],
    ["GET", "a"],
    ["SETNX", "h", "2"],
    ["SETNX", "a"],
    ["SETEX", "b", "100", "v"],
    ["TTL", "b"],
    ["GET", "b"],
    ["SETEX", "b", "0", "v"],
    ["SETEX", "b", "-3", "v"],
    ["SETEX", "b", "x", "v"],
    ["SETEX", "b", I64_MAX, "v"],
    ["SETEX", "h", "10", "v"],
    ["TYPE", "h"],
    ["TTL", "h"],
    ["PSETEX", "c", "100000", "w"],
    ["TTL", "c"],
    ["PSETEX", "c", "0", "w"],
    ["PSETEX", "c", I64_MAX, "w"],
    ["PSETEX", "c", "1"],
    ["SET", "g", "old", "EX", "100"],
    ["GETSET", "g", "new"],
    ["TTL", "g"],
    ["GETSET", "missing", "x"],
    ["GET", "missing"],
    ["GETSET", "s", "x"],
    ["GETSET", "g"],
    ["GETDEL", "g"],
    ["GETDEL", "g"],
    ["EXISTS", "g"],
    ["GETDEL", "s"],
    ["TYPE", "s"],
    ["GETDEL", "g", "x"],
  ],
  GETEX: [
    ["GETEX", "k"],
    ["GETEX", "k", "EX", "0"],
    ["GETEX", "k", "EX", "abc"],
    ["GETEX", "k", "NX"],
    ["SET", "k", "v"],
    ["GETEX", "k"],
    ["GETEX", "k", "EX", "100"],
    ["TTL", "k"],
    ["GETEX", "k", "PX", "50000"],
    ["TTL", "k"],
    ["GETEX", "k", "PERSIST"],
    ["TTL", "k"],
    ["GETEX", "k", "persist", "persist"],
    ["GETEX", "k", "EXAT", "4000000000"],
    ["EXPIRETIME", "k"],
    ["GETEX", "k", "PXAT", "4000000000500"],
    ["PEXPIRETIME", "k"],
    ["GETEX", "k", "EX", "0"],
    ["GETEX", "k", "PX", "-1"],
    ["GETEX", "k", "EX", "abc"],
    ["GETEX", "k", "EX", I64_MAX],
    ["GETEX", "k", "EX"],
    ["GETEX", "k", "NX"],
    ["GETEX", "k", "GET"],
    ["GETEX", "k", "KEEPTTL"],
    ["GETEX", "k", "PERSIST", "EX", "10"],
    ["GETEX", "k", "EX", "10", "PERSIST"],
    ["GETEX", "k", "EX", "10", "PX", "10"],
    ["GETEX", "k", "EX", "10", "EX", "20"],
    ["TTL", "k"],
    ["GETEX", "k", "EXAT", "1"],
    ["EXISTS", "k"],
    ["GETEX", "k", "EXAT", "1"],
    ["SADD", "s", "m"],
    ["GETEX", "s"],
    ["GETEX", "s", "EX", "abc"],
    ["GETEX", "s", "FOO"],
    ["GETEX"],
  ],
  "MGET MSET MSETNX": [
    ["MSET", "a", "1", "b", "2"],
    ["SADD", "s", "m"],
    ["MGET", "a", "b", "s", "missing", "a"],
    ["MSET", "a", "1", "b"],
    ["MSET", "a"],
    ["MSET", "a", "1", "a", "2"],
    ["GET", "a"],
    ["SET", "t", "v", "EX", "100"],
    ["MSET", "t", "w"],
    ["TTL", "t"],
    ["MSET", "s", "now-a-string"],
    ["TYPE", "s"],
    ["MSETNX", "a", "9", "c", "3"],
    ["EXISTS", "c"],
    ["MSETNX", "c", "3", "d", "4"],
    ["MGET", "c", "d"],
    ["MSETNX", "e", "1", "f"],
    ["MSETNX", "e"],
    ["MSETNX", "e", "1", "e", "2"],
    ["GET", "e"],
    ["MGET"],
    ["mget", "a"],
  ],
  "INCR DECR INCRBY DECRBY": [
    ["INCR", "n"],
    ["INCR", "n"],
    ["INCRBY", "n", "10"],
    ["INCRBY", "n", "-20"],
    ["DECR", "n"],
    ["DECRBY", "n", "5"],
    ["DECRBY", "n", "-5"],
    ["GET", "n"],
    ["TYPE", "n"],
    ["STRLEN", "n"],
    ["INCRBY", "n", "abc"],
    ["INCRBY", "n", "1.5"],
    ["INCRBY", "n", " 1"],
    ["INCRBY", "n", "+1"],
    ["INCRBY", "n", "010"],
    ["INCRBY", "n", "-0"],
    ["INCRBY", "n", "9223372036854775808"],
    ["INCRBY", "n", ""],
    ["SET", "s", "abc"],
    ["INCR", "s"],
    ["SET", "s", " 1"],
    ["INCR", "s"],
    ["SET", "s", "010"],
    ["INCR", "s"],
    ["SET", "s", "-0"],
    ["INCR", "s"],
    ["SET", "s", ""],
    ["INCR", "s"],
    ["SET", "s", "1.0"],
    ["INCR", "s"],
    ["SET", "m", I64_MAX],
    ["INCR", "m"],
    ["INCRBY", "m", "0"],
    ["DECRBY", "m", "-1"],
    ["DECR", "m"],
    ["SET", "m", I64_MIN],
    ["DECR", "m"],
    ["INCRBY", "m", "-1"],
    ["INCRBY", "m", I64_MAX],
    ["SET", "m", "1"],
    ["DECRBY", "m", I64_MIN],
    ["DECRBY", "m", I64_MAX],
    ["DECRBY", "m", "2"],
    ["INCRBY", "m", I64_MIN],
    ["SET", "m", "5", "EX", "100"],
    ["INCR", "m"],
    ["TTL", "m"],
    ["SADD", "set", "x"],
    ["INCR", "set"],
    ["INCRBY", "set", "abc"],
    ["DECRBY", "set", I64_MIN],
    ["INCR"],
    ["INCRBY", "n"],
    ["DECR", "n", "1"],
  ],
  INCRBYFLOAT: [
    ["INCRBYFLOAT", "f", "1.5"],
    ["INCRBYFLOAT", "f", "1"],
    ["INCRBYFLOAT", "f", "-2.5"],
    ["INCRBYFLOAT", "f", "10.5"],
    ["INCRBYFLOAT", "f", "5.0e3"],
    ["INCRBYFLOAT", "f", "-5010.5"],
    ["INCRBYFLOAT", "f", "-0"],
    ["INCRBYFLOAT", "f", ".5"],
    ["INCRBYFLOAT", "f", "5."],
    ["GET", "f"],
    ["TYPE", "f"],
    ["INCRBYFLOAT", "f", "abc"],
    ["INCRBYFLOAT", "f", ""],
    ["INCRBYFLOAT", "f", " 1"],
    ["INCRBYFLOAT", "f", "1 "],
    ["INCRBYFLOAT", "f", "nan"],
    ["INCRBYFLOAT", "f", "inf"],
    ["INCRBYFLOAT", "f", "-infinity"],
    ["INCRBYFLOAT", "f", "1e-5000"],
    ["SET", "f", "abc"],
    ["INCRBYFLOAT", "f", "1"],
    ["SET", "f", "inf"],
    ["INCRBYFLOAT", "f", "1"],
    ["SET", "f", "3"],
    ["INCRBYFLOAT", "f", "0.25"],
    ["SET", "f", "1e2"],
    ["INCRBYFLOAT", "f", "1"],
    ["INCR", "i"],
    ["INCRBYFLOAT", "i", "1.5"],
    ["TYPE", "i"],
    ["INCR", "i"],
    ["SET", "t", "1", "EX", "100"],
    ["INCRBYFLOAT", "t", "1"],
    ["TTL", "t"],
    ["SADD", "s", "x"],
    ["INCRBYFLOAT", "s", "1"],
    ["INCRBYFLOAT", "s", "abc"],
    ["INCRBYFLOAT", "f"],
  ],
  "APPEND STRLEN": [
    ["APPEND", "a", "ab"],
    ["APPEND", "a", "cd"],
    ["APPEND", "a", ""],
    ["GET", "a"],
    ["APPEND", "e", ""],
    ["EXISTS", "e"],
    ["STRLEN", "e"],
    ["APPEND", "u", "é"],
    ["STRLEN", "u"],
    ["APPEND", "u", bytes(0xff, 0x00)],
    ["GET", "u"],
    ["STRLEN", "u"],
    ["INCR", "n"],
    ["APPEND", "n", "0"],
    ["INCR", "n"],
    ["APPEND", "n", "x"],
    ["TYPE", "n"],
    ["SET", "t", "v", "EX", "100"],
    ["APPEND", "t", "w"],
    ["TTL", "t"],
    ["SADD", "s", "m"],
    ["APPEND", "s", "x"],
    ["STRLEN", "s"],
    ["STRLEN", "missing"],
    ["INCRBY", "big", "-1234"],
    ["STRLEN", "big"],
    ["STRLEN"],
    ["APPEND", "a"],
  ],
  "GETRANGE SETRANGE": [
    ["SET", "s", "Hello World"],
    ["GETRANGE", "s", "0", "4"],
    ["GETRANGE", "s", "-5", "-1"],
    ["GETRANGE", "s", "5", "2"],
    ["GETRANGE", "s", "-1", "-5"],
    ["GETRANGE", "s", "0", "-100"],
    ["GETRANGE", "s", "-100", "-1"],
    ["GETRANGE", "s", "-100", "2"],
    ["GETRANGE", "s", "100", "200"],
    ["GETRANGE", "s", "0", "0"],
    ["GETRANGE", "s", "10", "10"],
    ["GETRANGE", "s", "11", "11"],
    ["GETRANGE", "s", I64_MIN, I64_MAX],
    ["GETRANGE", "s", I64_MAX, I64_MIN],
    ["GETRANGE", "s", "-9007199254740993", "-9007199254740994"],
    ["GETRANGE", "s", "-9007199254740994", "-9007199254740993"],
    ["GETRANGE", "s", "a", "1"],
    ["GETRANGE", "s", "0", "1.0"],
    ["GETRANGE", "missing", "0", "-1"],
    ["GETRANGE", "missing", "x", "-1"],
    ["SET", "e", ""],
    ["GETRANGE", "e", "0", "-1"],
    ["SET", "u", "é"],
    ["GETRANGE", "u", "0", "0"],
    ["GETRANGE", "u", "1", "1"],
    ["INCRBY", "n", "-12345"],
    ["GETRANGE", "n", "1", "3"],
    ["SADD", "set", "m"],
    ["GETRANGE", "set", "0", "1"],
    ["GETRANGE", "set", "x", "1"],
    ["SETRANGE", "s", "6", "Redis"],
    ["GET", "s"],
    ["SETRANGE", "s", "0", ""],
    ["SETRANGE", "s", "20", "!"],
    ["GET", "s"],
    ["SETRANGE", "new", "3", "abc"],
    ["GET", "new"],
    ["SETRANGE", "empty", "5", ""],
    ["EXISTS", "empty"],
    ["SETRANGE", "empty", "0", ""],
    ["SETRANGE", "s", "-1", "x"],
    ["SETRANGE", "s", "x", "x"],
    ["SETRANGE", "missing", "-1", ""],
    ["SETRANGE", "set", "0", "x"],
    ["SETRANGE", "set", "0", ""],
    ["SETRANGE", "set", "-1", "x"],
    ["SETRANGE", "n", "0", ""],
    ["TYPE", "n"],
    ["SETRANGE", "n", "0", "9"],
    ["GET", "n"],
    ["SETRANGE", "u", "1", bytes(0xa9, 0xff)],
    ["GET", "u"],
    ["SET", "t", "v", "EX", "100"],
    ["SETRANGE", "t", "1", "w"],
    ["TTL", "t"],
    ["SETRANGE", "s", "0"],
    ["GETRANGE", "s", "0"],
  ],
};

describeVsRedis("string commands vs redis-server 7.0.15", SCRIPTS, () => {});

/** Runs commands on a fresh engine session, returning the raw replies as latin1 text. */
function session(now = 1_700_000_000_000): {
  s: EngineSession;
  run: (...argv: (string | Uint8Array)[]) => string;
} {
  const s = new EngineSession();
  s.now = now;
  return { s, run: (...argv) => s.command(argv).toString("latin1") };
}

describe("string commands: deviations and other doors' types", () => {
  it("INCRBYFLOAT prints the shortest round-trip double (spec §3.3, §10.11 item 5)", () => {
    const { run } = session();
    expect(run("SET", "f", "1000")).toBe("+OK\r\n");
    expect(run("INCRBYFLOAT", "f", "1.6")).toBe("$6\r\n1001.6\r\n"); // Redis: 1001.59999999999999998
    expect(run("INCRBYFLOAT", "z", "0.1")).toBe("$3\r\n0.1\r\n");
    expect(run("INCRBYFLOAT", "z", "0.2")).toBe("$19\r\n0.30000000000000004\r\n");
    expect(run("INCRBYFLOAT", "big", "1e21")).toBe("$22\r\n1000000000000000000000\r\n");
    expect(run("INCRBYFLOAT", "tiny", "1e-7")).toBe("$9\r\n0.0000001\r\n");
    expect(run("INCRBYFLOAT", "neg", "-0.0")).toBe("$1\r\n0\r\n");
    // Hexadecimal input is refused; values beyond a double overflow to the NaN/Infinity error.
    expect(run("INCRBYFLOAT", "h", "0x10")).toBe("-ERR value is not a valid float\r\n");
    expect(run("INCRBYFLOAT", "o", "1e308")).toBe("$309\r\n1" + "0".repeat(308) + "\r\n");
    expect(run("INCRBYFLOAT", "o", "1e308")).toBe(
      "-ERR increment would produce NaN or Infinity\r\n",
    );
  });

  it("SET, APPEND and SETRANGE results are limited to proto-max-bulk-len, with Redis's error", () => {
    const { s, run } = session();
    expect(s.engine.stringMax).toBe(PROTO_MAX_BULK_LEN);
    expect(run("CONFIG", "SET", "proto-max-bulk-len", "1mb")).toBe("+OK\r\n");
    expect(run("CONFIG", "GET", "proto-max-bulk-len")).toBe(
      "*2\r\n$18\r\nproto-max-bulk-len\r\n$7\r\n1048576\r\n",
    );
    const max = 1048576;
    const tooLong = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
    expect(run("SETRANGE", "k", String(max - 1), "x")).toBe(`:${max}\r\n`);
    expect(run("SETRANGE", "k", String(max - 1), "xy")).toBe(tooLong);
    expect(run("SETRANGE", "n", String(max), "x")).toBe(tooLong);
    expect(run("EXISTS", "n")).toBe(":0\r\n");
    expect(run("SETRANGE", "n", I64_MAX, "x")).toBe(tooLong);
    expect(run("APPEND", "k", "z")).toBe(tooLong);
    expect(run("SET", "n", "v".repeat(max + 1))).toBe(tooLong);
    expect(run("SETBIT", "n", String(max * 8), "1")).toBe(tooLong);
    expect(run("STRLEN", "k")).toBe(`:${max}\r\n`);
    expect(run("APPEND", "k", "")).toBe(`:${max}\r\n`);
    // Above PROTO_MAX_BULK_LEN the setting round-trips but acts as PROTO_MAX_BULK_LEN.
    expect(run("CONFIG", "SET", "proto-max-bulk-len", "512mb")).toBe("+OK\r\n");
    expect(s.engine.stringMax).toBe(PROTO_MAX_BULK_LEN);
    expect(run("SETRANGE", "n", String(512 * 1024 * 1024 - 4), "world")).toBe(tooLong);
    // A string or a member may pass VALUE_MAX_BYTES on the Redis door (up to proto-max-bulk-len);
    // a JSON document may not (it is stored whole in one row).
    expect(run("SET", "big", "v".repeat(VALUE_MAX_BYTES + 1))).toBe("+OK\r\n");
    expect(run("SADD", "set", "v".repeat(VALUE_MAX_BYTES + 1))).toBe(":1\r\n");
    expect(run("SADD", "set", "v".repeat(PROTO_MAX_BULK_LEN + 1))).toBe(tooLong);
    expect(run("JSON.SET", "doc", "$", `"${"v".repeat(VALUE_MAX_BYTES)}"`)).toBe(
      `-ERR value too large (max ${VALUE_MAX_BYTES} bytes)\r\n`,
    );
  });

  it("int and json values read as their texts and keep or change type as spec §3.5 says", () => {
    const { s, run } = session();
    const conn = s.conn;
    const gevent = (
      argv: string[],
      typed: { type: "int"; v: bigint } | { type: "json"; text: string },
    ) => s.engine.run("gevent", conn, [{ argv, typed: [undefined, undefined, typed] }], s.now);
    gevent(["SET", "i", "42"], { type: "int", v: 42n });
    gevent(["SET", "j", "x"], { type: "json", text: '{"a":[1,2]}' });
    expect(run("GET", "i")).toBe("$2\r\n42\r\n");
    expect(run("GET", "j")).toBe('$11\r\n{"a":[1,2]}\r\n');
    expect(run("STRLEN", "j")).toBe(":11\r\n");
    expect(run("GETRANGE", "j", "1", "3")).toBe('$3\r\n"a"\r\n');
    expect(run("MGET", "i", "j")).toBe('*2\r\n$2\r\n42\r\n$11\r\n{"a":[1,2]}\r\n');
    expect(run("TYPE", "j")).toBe("+string\r\n");
    expect(run("INCR", "j")).toBe("-ERR value is not an integer or out of range\r\n");
    expect(run("INCRBYFLOAT", "j", "1")).toBe("-ERR value is not a valid float\r\n");
    expect(run("INCR", "i")).toBe(":43\r\n");
    expect(s.engine.store.get("i")!.type).toBe("int");
    expect(run("INCRBYFLOAT", "i", "0.5")).toBe("$4\r\n43.5\r\n");
    expect(s.engine.store.get("i")!.type).toBe("string");
    expect(run("SETRANGE", "j", "0", "")).toBe(":11\r\n");
    expect(s.engine.store.get("j")!.type).toBe("json");
    expect(run("APPEND", "j", "!")).toBe(":12\r\n");
    expect(s.engine.store.get("j")!.type).toBe("string");
    gevent(["SET", "j", "x"], { type: "json", text: "[1]" });
    expect(run("GETSET", "j", "v")).toBe("$3\r\n[1]\r\n");
    gevent(["SET", "j", "x"], { type: "json", text: "[1]" });
    expect(run("SET", "j", "v", "GET")).toBe("$3\r\n[1]\r\n");
    gevent(["SET", "j", "x"], { type: "json", text: "[1]" });
    expect(run("GETEX", "j", "EX", "10")).toBe("$3\r\n[1]\r\n");
    expect(run("GETDEL", "j")).toBe("$3\r\n[1]\r\n");
    expect(run("INCRBY", "k", "7")).toBe(":7\r\n");
    const e = s.engine.store.get("k")!;
    expect([e.type, e.value, e.size]).toEqual(["int", 7n, 1]);
  });

  it("expiry options use the batch clock; a due time deletes at once", () => {
    const now = 1_700_000_000_000;
    const { s, run } = session(now);
    expect(run("SET", "k", "v", "PX", "1500")).toBe("+OK\r\n");
    expect(run("PTTL", "k")).toBe(":1500\r\n");
    expect(run("TTL", "k")).toBe(":2\r\n"); // (1500 + 500) / 1000
    expect(run("PEXPIRETIME", "k")).toBe(`:${now + 1500}\r\n`);
    expect(run("SETEX", "a", "3", "v")).toBe("+OK\r\n");
    expect(run("PTTL", "a")).toBe(":3000\r\n");
    expect(run("PSETEX", "b", "1", "v")).toBe("+OK\r\n");
    s.now = now + 1;
    expect(run("GET", "b")).toBe("$-1\r\n");
    expect(run("SET", "c", "v", "PXAT", String(now + 1))).toBe("+OK\r\n"); // due now: deleted
    expect(run("EXISTS", "c")).toBe(":0\r\n");
    expect(run("SET", "c", "v", "PXAT", String(now + 2))).toBe("+OK\r\n");
    expect(run("PTTL", "c")).toBe(":1\r\n");
    expect(run("GETEX", "c", "PXAT", String(now))).toBe("$1\r\nv\r\n");
    expect(run("EXISTS", "c")).toBe(":0\r\n");
    expect(s.engine.store.ttlCount).toBe(2); // k and a
    s.now = now + 1500;
    expect(run("EXISTS", "k")).toBe(":0\r\n");
    expect(run("EXISTS", "a")).toBe(":1\r\n");
    expect(s.engine.store.ttlCount).toBe(1);
  });

  it("overwrites keep the creation position; the counters keep the TTL", () => {
    const { s, run } = session();
    run("MSET", "a", "1", "b", "2", "c", "3");
    run("SET", "a", "x", "EX", "100");
    run("INCR", "b");
    run("APPEND", "c", "z");
    expect(run("KEYS", "*")).toBe("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
    expect(run("INCRBYFLOAT", "a", "1")).toBe("-ERR value is not a valid float\r\n");
    run("SET", "a", "1.5", "KEEPTTL");
    expect(run("INCRBYFLOAT", "a", "1")).toBe("$3\r\n2.5\r\n");
    expect(run("TTL", "a")).toBe(":100\r\n");
    expect(run("KEYS", "*")).toBe("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
    // usage = key bytes + payload bytes (spec §3.7): a "2.5", b int 3, c "3z"
    expect(s.engine.store.usage).toBe(1 + 3 + 1 + 1 + 1 + 2);
  });
});

describe("big strings under the memory guard", () => {
  it("a write past MEMORY_LIMIT_BYTES answers OOM and stores nothing, up to proto-max-bulk-len values", () => {
    const engine = new Engine(COMMANDS, "ns", { maxmemory: MEMORY_LIMIT_BYTES });
    const conn = newConn(1, { authed: true, readonly: false });
    const run = (...argv: string[]) =>
      Buffer.from(encodeResp(engine.run("redis", conn, [{ argv }], Date.now()), 2)).toString();
    const v = "v".repeat(PROTO_MAX_BULK_LEN);
    expect(run("SET", "a", v)).toBe("+OK\r\n");
    expect(run("SET", "b", v)).toMatch(/^-OOM /);
    expect(run("EXISTS", "b")).toBe(":0\r\n");
    expect(run("SETRANGE", "c", String(PROTO_MAX_BULK_LEN - 1), "x")).toMatch(/^-OOM /);
    expect(run("EXISTS", "c")).toBe(":0\r\n");
    expect(run("SET", "b", "v".repeat(20_000_000))).toBe("+OK\r\n");
    expect(run("SET", "c", "v".repeat(20_000_000))).toMatch(/^-OOM /);
    expect(run("EXISTS", "c")).toBe(":0\r\n");
    expect(run("STRLEN", "a")).toBe(`:${PROTO_MAX_BULK_LEN}\r\n`);
  });
});
