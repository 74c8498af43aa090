// Redis key commands (spec §10.6 "Keys", §3.6, §10.7, §10.9) against redis-server 7.0.15 in
// RESP2 and RESP3, plus direct checks of what is ours by design: creation order for KEYS and
// SCAN (spec §10.11 item 4), the SCAN cursor, RENAME's new creation number (spec §3.1),
// recency (spec §3.8) and TTL arithmetic on a controlled clock.

import { describe, expect, it } from "vitest";
import { describeVsRedis, EngineSession, replyLength } from "./support/engine-vs-redis.ts";
import type { Argv } from "./support/engine-vs-redis.ts";

const bytes = (...b: number[]) => new Uint8Array(b);
const I64_MAX = "9223372036854775807";
const I64_MIN = "-9223372036854775808";
const FAR_S = "4000000000"; // 2096, in seconds
const FAR_MS = "4000000000123";

const SCRIPTS: Record<string, Argv[]> = {
  "DEL UNLINK EXISTS TOUCH TYPE RANDOMKEY": [
    ["RANDOMKEY"],
    ["MSET", "a", "1", "b", "2", "c", "3"],
    ["EXISTS", "a", "a", "missing", "b"],
    ["TOUCH", "a", "a", "missing"],
    ["DEL", "a", "a", "missing"],
    ["EXISTS", "a"],
    ["UNLINK", "b", "c", "b"],
    ["DEL", "nothing"],
    ["RANDOMKEY"],
    ["SET", "only", "v"],
    ["RANDOMKEY"],
    ["INCR", "n"],
    ["SADD", "s", "m"],
    ["HSET", "h", "f", "v"],
    ["TYPE", "only"],
    ["TYPE", "n"],
    ["TYPE", "s"],
    ["TYPE", "h"],
    ["TYPE", "missing"],
    ["DEL", "s", "h", "n"],
    ["EXISTS", "s", "h", "n", "only"],
    ["SET", bytes(0xff), "v"],
    ["EXISTS", bytes(0xff)],
    ["TYPE", bytes(0xff)],
    ["DEL", bytes(0xff)],
    ["DEL"],
    ["EXISTS"],
    ["TOUCH"],
    ["TYPE"],
    ["TYPE", "a", "b"],
    ["RANDOMKEY", "x"],
  ],
  "RENAME RENAMENX": [
    ["RENAME", "missing", "x"],
    ["RENAME", "missing", "missing"],
    ["RENAMENX", "missing", "x"],
    ["RENAMENX", "missing", "missing"],
    ["SET", "a", "1", "EX", "100"],
    ["RENAME", "a", "a"],
    ["RENAMENX", "a", "a"],
    ["TTL", "a"],
    ["RENAME", "a", "b"],
    ["EXISTS", "a"],
    ["GET", "b"],
    ["TTL", "b"],
    ["SADD", "s", "m1", "m2"],
    ["RENAME", "s", "b"],
    ["TYPE", "b"],
    ["TTL", "b"],
    ["SCARD", "b"],
    ["SISMEMBER", "b", "m2"],
    ["SET", "c", "3"],
    ["RENAMENX", "c", "b"],
    ["RENAMENX", "c", "d"],
    ["GET", "d"],
    ["HSET", "h", "f", "v"],
    ["RENAME", "d", "h"],
    ["TYPE", "h"],
    ["INCR", "n"],
    ["RENAME", "n", bytes(0xfe, 0x00)],
    ["INCR", bytes(0xfe, 0x00)],
    ["RENAME", "n"],
    ["RENAMENX", "n", "x", "y"],
  ],
  "EXPIRE family": [
    ["EXPIRE", "missing", "100"],
    ["PEXPIRE", "missing", "100"],
    ["EXPIREAT", "missing", FAR_S],
    ["TTL", "missing"],
    ["PTTL", "missing"],
    ["EXPIRETIME", "missing"],
    ["PEXPIRETIME", "missing"],
    ["PERSIST", "missing"],
    ["SET", "k", "v"],
    ["TTL", "k"],
    ["PTTL", "k"],
    ["EXPIRETIME", "k"],
    ["PEXPIRETIME", "k"],
    ["PERSIST", "k"],
    ["EXPIRE", "k", "100"],
    ["TTL", "k"],
    ["PERSIST", "k"],
    ["TTL", "k"],
    ["PEXPIRE", "k", "100000"],
    ["TTL", "k"],
    ["EXPIREAT", "k", FAR_S],
    ["EXPIRETIME", "k"],
    ["PEXPIRETIME", "k"],
    ["PEXPIREAT", "k", FAR_MS],
    ["PEXPIRETIME", "k"],
    ["EXPIRETIME", "k"],
    ["PEXPIREAT", "k", "4000000000499"],
    ["EXPIRETIME", "k"],
    ["PEXPIREAT", "k", "4000000000500"],
    ["EXPIRETIME", "k"],
    ["EXPIRE", "k", "0"],
    ["EXISTS", "k"],
    ["SET", "k", "v"],
    ["PEXPIRE", "k", "-1"],
    ["EXISTS", "k"],
    ["SET", "k", "v"],
    ["EXPIREAT", "k", "1"],
    ["EXISTS", "k"],
    ["SET", "k", "v"],
    ["PEXPIREAT", "k", "0"],
    ["EXISTS", "k"],
    ["SET", "k", "v"],
    ["PEXPIRE", "k", I64_MIN],
    ["EXISTS", "k"],
    ["SET", "k", "v"],
    ["EXPIRE", "k", "-9223372036854775"],
    ["EXISTS", "k"],
    ["SET", "k", "v"],
    ["EXPIRE", "k", "-9223372036854776"],
    ["EXPIRE", "k", "9223372036854775"],
    ["EXPIRE", "k", "9223372036854"],
    ["EXPIRE", "k", I64_MAX],
    ["EXPIRE", "missing", I64_MAX],
    ["PEXPIRE", "k", I64_MAX],
    ["EXPIREAT", "k", "9223372036854776"],
    ["EXPIREAT", "k", "9223372036854775"],
    ["EXPIRETIME", "k"],
    ["PEXPIREAT", "k", I64_MAX],
    ["PEXPIRETIME", "k"],
    ["EXPIRETIME", "k"],
    ["PEXPIREAT", "k", "9223372036854775808"],
    ["EXPIRE", "k", "abc"],
    ["EXPIRE", "k", "1.5"],
    ["EXPIRE", "k", ""],
    ["EXPIRE", "k"],
    ["TTL"],
    ["PERSIST", "k", "x"],
  ],
  "EXPIRE options": [
    ["SET", "k", "v"],
    ["EXPIRE", "k", "100", "XX"],
    ["EXPIRE", "k", "100", "GT"],
    ["TTL", "k"],
    ["EXPIRE", "k", "100", "LT"],
    ["TTL", "k"],
    ["EXPIRE", "k", "200", "NX"],
    ["EXPIRE", "k", "200", "XX"],
    ["TTL", "k"],
    ["EXPIRE", "k", "100", "GT"],
    ["EXPIRE", "k", "150", "GT"],
    ["EXPIRE", "k", "300", "gt"],
    ["TTL", "k"],
    ["EXPIRE", "k", "400", "LT"],
    ["EXPIRE", "k", "350", "LT"],
    ["EXPIRE", "k", "250", "lt", "XX"],
    ["TTL", "k"],
    ["EXPIRE", "k", "-1", "GT"],
    ["EXPIRE", "k", "-1", "LT"],
    ["EXISTS", "k"],
    ["SET", "k", "v"],
    ["PERSIST", "k"],
    ["EXPIRE", "k", "-1", "GT"],
    ["EXPIRE", "k", "-1", "XX"],
    ["EXISTS", "k"],
    ["EXPIRE", "k", "100", "NX", "NX"],
    ["EXPIRE", "k", "100", "NX", "XX"],
    ["EXPIRE", "k", "100", "NX", "GT"],
    ["EXPIRE", "k", "100", "LT", "NX"],
    ["EXPIRE", "k", "100", "GT", "LT"],
    ["EXPIRE", "k", "100", "XX", "GT", "LT"],
    ["EXPIRE", "k", "100", "NX", "GT", "LT"],
    ["EXPIRE", "k", "100", "FOO"],
    ["EXPIRE", "k", "100", "NX", "FOO"],
    ["EXPIRE", "k", "abc", "FOO"],
    ["EXPIRE", "k", "abc", "NX", "XX"],
    ["EXPIRE", "k", "abc", "GT", "LT"],
    ["EXPIRE", "missing", I64_MAX, "NX"],
    ["EXPIRE", "missing", "100", "BAR"],
    ["EXPIRE", "k", "100", bytes(0x66, 0x6f, 0x0a, 0x00, 0x6f)],
    ["EXPIRE", "k", "100", bytes(0x66, 0x0d, 0x0a, 0x6f, 0x0a, 0x0d)],
    ["EXPIRE", "k", "100", bytes(0xff, 0xfe, 0x0a)],
    ["EXPIRE", "k", "100", "\r\n"],
    ["EXPIRE", "k", "100", ""],
    ["EXPIRE", "k", "100", bytes(0x78, 0x78, 0x00, 0x7a)],
    ["TTL", "k"],
    ["PEXPIRE", "k", "100", "FOO"],
    ["EXPIREAT", "k", FAR_S, "GT"],
    ["PEXPIREAT", "k", FAR_MS, "GT"],
    ["PEXPIRETIME", "k"],
    ["PEXPIREAT", "k", FAR_MS, "LT"],
    ["PEXPIREAT", "k", I64_MAX, "GT"],
    ["EXPIRETIME", "k"],
  ],
  "KEYS with one match": [
    ["KEYS", "*"],
    ["MSET", "hello", "1", "hallo", "2", "h*llo", "3", "x", "4", "é", "5"],
    ["KEYS", "x"],
    ["KEYS", "hel*"],
    ["KEYS", "h\\*llo"],
    ["KEYS", "[x]"],
    ["KEYS", "??"],
    ["KEYS", "?"],
    ["KEYS", "nomatch*"],
    ["KEYS", ""],
    ["SET", "", "empty"],
    ["KEYS", ""],
    ["KEYS", "h[^ae]llo"],
    ["KEYS"],
    ["KEYS", "a", "b"],
  ],
  "lists and sorted sets through the key commands": [
    ["RPUSH", "l", "a", "b", "c"],
    ["ZADD", "z", "1", "x", "2", "y"],
    ["TYPE", "l"],
    ["TYPE", "z"],
    ["SCAN", "0", "TYPE", "list"],
    ["SCAN", "0", "TYPE", "ZSET"],
    ["EXPIRE", "l", "100"],
    ["RENAME", "l", "l2"],
    ["TTL", "l2"],
    ["LRANGE", "l2", "0", "-1"],
    ["RENAME", "z", "l2"],
    ["TYPE", "l2"],
    ["TTL", "l2"],
    ["ZRANGE", "l2", "0", "-1", "WITHSCORES"],
    ["RPUSH", "l", "v"],
    ["GET", "l"],
    ["MGET", "l", "l2"],
    ["APPEND", "l2", "x"],
    ["SET", "l", "str", "GET"],
    ["SET", "l", "str"],
    ["TYPE", "l"],
    ["DEL", "l", "l2"],
  ],
  "SCAN arguments": [
    ["SCAN", "0"],
    ["SCAN", ""],
    ["SCAN", "-1"],
    ["SCAN", "+0"],
    ["SCAN", "-0"],
    ["SCAN", "18446744073709551615"],
    ["SCAN", "18446744073709551616"],
    ["SCAN", "-18446744073709551616"],
    ["SCAN", "abc"],
    ["SCAN", " 0"],
    ["SCAN", "0 "],
    ["SCAN", "+"],
    ["SCAN", "1.0"],
    ["SCAN", "0x1"],
    ["SCAN", bytes(0x30, 0x00, 0x61)],
    ["SCAN", bytes(0x00)],
    ["SCAN", "abc", "COUNT", "0"],
    ["SCAN", "0", "COUNT", "0"],
    ["SCAN", "0", "COUNT", "-1"],
    ["SCAN", "0", "COUNT", "abc"],
    ["SCAN", "0", "COUNT", "1"],
    ["SCAN", "0", "COUNT", I64_MAX],
    ["SCAN", "0", "COUNT", "9223372036854775808"],
    ["SCAN", "0", "COUNT"],
    ["SCAN", "0", "MATCH"],
    ["SCAN", "0", "TYPE"],
    ["SCAN", "0", "FOO", "bar"],
    ["SCAN", "0", "COUNT", "0", "FOO"],
    ["SCAN", "0", "FOO", "COUNT", "0"],
    ["SCAN", "0", "match", "*", "count", "5", "type", "string"],
    ["SET", "k", "v"],
    ["SCAN", "0"],
    ["SCAN", "0", "TYPE", "STRING"],
    ["SCAN", "0", "TYPE", "hash"],
    ["SCAN", "0", "TYPE", "nosuchtype"],
    ["SCAN", "0", "TYPE", bytes(0x73, 0x74, 0x72, 0x69, 0x6e, 0x67, 0x00, 0x78)],
    ["SCAN", "0", "MATCH", "k"],
    ["SCAN", "0", "MATCH", "x*"],
    ["SCAN", "0", "MATCH", "x*", "MATCH", "*"],
    ["SCAN", "0", "COUNT", "1", "COUNT", "0"],
    ["SCAN"],
  ],
};

/** The reply with the elements of its (nested) arrays sorted: for Redis's unspecified orders. */
function sortedReply(buf: Buffer): Buffer {
  const nl = buf.indexOf("\r\n");
  if (buf[0] !== 0x2a || Number(buf.toString("latin1", 1, nl)) <= 0) return buf;
  const children: Buffer[] = [];
  for (let p = nl + 2; p < buf.length; p += replyLength(buf, p))
    children.push(sortedReply(buf.subarray(p, p + replyLength(buf, p))));
  if (children.every((c) => c[0] !== 0x2a)) children.sort(Buffer.compare);
  return Buffer.concat([buf.subarray(0, nl + 2), ...children]);
}

/** Every key a full SCAN iteration returns (with extra arguments), sorted. */
async function scanAll(
  run: (argv: Argv) => Promise<Buffer> | Buffer,
  extra: string[],
): Promise<string[]> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const r = (await run(["SCAN", cursor, ...extra])).toString("latin1");
    const m = /^\*2\r\n\$\d+\r\n(\d+)\r\n\*(\d+)\r\n/.exec(r)!;
    cursor = m[1]!;
    const items = r
      .slice(m[0].length)
      .split("\r\n")
      .filter((_, i) => i % 2 === 1);
    out.push(...items.slice(0, Number(m[2])));
  } while (cursor !== "0");
  return out.sort();
}

describeVsRedis("key commands vs redis-server 7.0.15", SCRIPTS, (oracle) => {
  for (const proto of [2, 3] as const) {
    it(`KEYS and full SCAN iterations return the same keys (RESP${proto})`, async () => {
      await oracle.redis.command(["FLUSHALL"]);
      await oracle.redis.command(["HELLO", String(proto)]);
      const ours = new EngineSession();
      ours.command(["HELLO", String(proto)]);
      const setup: Argv[] = [];
      for (let i = 0; i < 60; i++) setup.push(["SET", `key:${i}`, "v"]);
      for (let i = 0; i < 15; i++) setup.push(["SADD", `set:${i}`, "m"]);
      setup.push(
        ["HSET", "h", "f", "v"],
        ["INCR", "n"],
        ["SET", bytes(0xff, 0x2a), "bin"],
        ["DEL", "key:7", "set:3"],
      );
      for (const argv of setup)
        expect(ours.command(argv).toString("latin1")).toBe(
          (await oracle.redis.command(argv)).toString("latin1"),
        );
      for (const pattern of [
        "*",
        "key:*",
        "key:1?",
        "*:[0-3]",
        "set:*",
        "h",
        "nomatch",
        "*\xff*",
      ]) {
        const a = sortedReply(ours.command(["KEYS", pattern]));
        const b = sortedReply(await oracle.redis.command(["KEYS", pattern]));
        expect(a.toString("latin1"), pattern).toBe(b.toString("latin1"));
      }
      for (const extra of [
        [],
        ["COUNT", "7"],
        ["COUNT", "1000"],
        ["MATCH", "key:1*"],
        ["TYPE", "set"],
        ["TYPE", "String", "COUNT", "3"],
        ["MATCH", "*", "TYPE", "hash"],
      ]) {
        const a = await scanAll((argv) => ours.command(argv), extra);
        const b = await scanAll((argv) => oracle.redis.command(argv), extra);
        expect(a, extra.join(" ")).toEqual(b);
      }
    });
  }
});

/** A fresh engine session on a controlled clock; replies as latin1 text. */
function session(now = 1_700_000_000_000) {
  const s = new EngineSession();
  s.now = now;
  return { s, run: (...argv: (string | Uint8Array)[]) => s.command(argv).toString("latin1") };
}

const arr = (...items: string[]) =>
  `*${items.length}\r\n` + items.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join("");

describe("key commands: creation order, cursor, recency, clock", () => {
  it("KEYS lists keys in creation order; overwrites keep their place, re-creation moves to the end", () => {
    const { run } = session();
    run("MSET", "c", "1", "a", "2", "b", "3");
    expect(run("KEYS", "*")).toBe(arr("c", "a", "b"));
    run("SET", "c", "x");
    run("SADD", "s", "m");
    expect(run("KEYS", "*")).toBe(arr("c", "a", "b", "s"));
    run("DEL", "a");
    run("SET", "a", "again");
    expect(run("KEYS", "*")).toBe(arr("c", "b", "s", "a"));
    expect(run("KEYS", "[ab]")).toBe(arr("b", "a"));
  });

  it("RENAME gives the destination a new creation number and keeps the TTL (spec §3.1)", () => {
    const { s, run } = session();
    run("MSET", "a", "1", "b", "2", "c", "3");
    run("PEXPIRE", "a", "5000");
    expect(run("RENAME", "a", "z")).toBe("+OK\r\n");
    expect(run("KEYS", "*")).toBe(arr("b", "c", "z"));
    expect(run("PTTL", "z")).toBe(":5000\r\n");
    expect(run("RENAME", "b", "c")).toBe("+OK\r\n");
    expect(run("KEYS", "*")).toBe(arr("z", "c"));
    expect(run("GET", "c")).toBe("$1\r\n2\r\n");
    expect(run("RENAME", "c", "c")).toBe("+OK\r\n");
    expect(run("KEYS", "*")).toBe(arr("z", "c"));
    expect(s.engine.store.usage).toBe(4);
    expect(s.engine.store.ttlCount).toBe(1);
    s.now += 5000;
    expect(run("EXISTS", "z")).toBe(":0\r\n");
    expect(s.engine.store.ttlCount).toBe(0);
  });

  it("RENAME moves a collection with its members", () => {
    const { s, run } = session();
    run("SADD", "s", "x", "y");
    run("SET", "t", "old");
    run("RENAME", "s", "t");
    expect(run("SMEMBERS", "t")).toBe(arr("x", "y"));
    expect(run("SADD", "t", "z")).toBe(":1\r\n");
    expect(run("EXISTS", "s")).toBe(":0\r\n");
    expect(s.engine.store.usage).toBe(1 + 3);
  });

  it("SCAN's cursor is the creation number of the next key; COUNT counts keys visited", () => {
    const { run } = session();
    for (let i = 1; i <= 15; i++) run("SET", `k${i}`, "v");
    expect(run("SCAN", "0")).toBe(
      `*2\r\n$2\r\n11\r\n` + arr(...Array.from({ length: 10 }, (_, i) => `k${i + 1}`)),
    );
    expect(run("SCAN", "11")).toBe(`*2\r\n$1\r\n0\r\n` + arr("k11", "k12", "k13", "k14", "k15"));
    expect(run("SCAN", "0", "MATCH", "k1*", "COUNT", "5")).toBe(`*2\r\n$1\r\n6\r\n` + arr("k1"));
    expect(run("SCAN", "6", "MATCH", "k1*", "COUNT", "5")).toBe(`*2\r\n$2\r\n11\r\n` + arr("k10"));
    // A key deleted mid-iteration is skipped; a cursor past the end finishes.
    run("DEL", "k11");
    expect(run("SCAN", "11", "COUNT", "2")).toBe(`*2\r\n$2\r\n14\r\n` + arr("k12", "k13"));
    expect(run("SCAN", "1000")).toBe(`*2\r\n$1\r\n0\r\n*0\r\n`);
    expect(run("SCAN", "18446744073709551615")).toBe(`*2\r\n$1\r\n0\r\n*0\r\n`);
    expect(run("SCAN", "0", "TYPE", "set")).toBe(`*2\r\n$2\r\n12\r\n*0\r\n`); // k11 is gone
  });

  it("SCAN returns every key that lives through the iteration exactly once", () => {
    const { run } = session();
    for (let i = 0; i < 50; i++) run("SET", `k${i}`, "v");
    const seen: string[] = [];
    let cursor = "0";
    let step = 0;
    do {
      const r = run("SCAN", cursor, "COUNT", "4");
      cursor = /^\*2\r\n\$\d+\r\n(\d+)\r\n/.exec(r)![1]!;
      seen.push(...[...r.matchAll(/\$\d+\r\n(k\d+|n\d+)\r\n/g)].map((m) => m[1]!));
      run("SET", `n${step}`, "v"); // created during the iteration
      run("DEL", `k${49 - step}`); // deleted during the iteration
      step++;
    } while (cursor !== "0");
    const survivors = seen.filter((k) => k.startsWith("k") && Number(k.slice(1)) < 49 - step + 1);
    expect(new Set(survivors).size).toBe(survivors.length);
    for (let i = 0; i < 49 - step + 1; i++) expect(survivors).toContain(`k${i}`);
  });

  it("TOUCH refreshes recency; EXISTS, TYPE, TTL, EXPIRE and PERSIST do not (spec §3.8)", () => {
    const { s, run } = session();
    run("MSET", "a", "1", "b", "2", "c", "3");
    expect(run("TOUCH", "a", "missing")).toBe(":1\r\n");
    for (const cmd of [
      ["EXISTS", "b"],
      ["TYPE", "b"],
      ["TTL", "b"],
      ["EXPIRE", "b", "100"],
      ["PERSIST", "b"],
      ["PEXPIRETIME", "b"],
    ]) {
      run(...cmd);
    }
    const store = s.engine.store;
    store.evict(store.usage - 1, new Set(), "allkeys-lru");
    expect(run("KEYS", "*")).toBe(arr("a", "c"));
    store.evict(store.usage - 1, new Set(), "allkeys-lru");
    expect(run("KEYS", "*")).toBe(arr("a"));
  });

  it("the EXPIRE family and PERSIST bump the key's version (WATCH sees them); failed ones do not", () => {
    const { s, run } = session();
    run("SET", "k", "v");
    const store = s.engine.store;
    const version = () => store.get("k")!.version;
    let v = version();
    for (const cmd of [
      ["EXPIRE", "k", "100"],
      ["PEXPIREAT", "k", "1800000000000"],
      ["PERSIST", "k"],
      ["GETEX", "k", "EX", "5"],
      ["GETEX", "k", "PERSIST"],
    ]) {
      run(...cmd);
      expect(version(), cmd.join(" ")).toBeGreaterThan(v);
      v = version();
    }
    for (const cmd of [
      ["PERSIST", "k"],
      ["EXPIRE", "k", "100", "XX"],
      ["GETEX", "k"],
      ["TTL", "k"],
    ]) {
      run(...cmd);
      expect(version(), cmd.join(" ")).toBe(v);
    }
  });

  it("GT and LT compare the new absolute time with the current one, strictly", () => {
    const { run } = session();
    run("SET", "k", "v", "EX", "200");
    expect(run("EXPIRE", "k", "200", "GT")).toBe(":0\r\n");
    expect(run("EXPIRE", "k", "200", "LT")).toBe(":0\r\n");
    expect(run("PEXPIRE", "k", "200001", "GT")).toBe(":1\r\n");
    expect(run("PEXPIRE", "k", "200000", "LT")).toBe(":1\r\n");
    expect(run("PTTL", "k")).toBe(":200000\r\n");
  });

  it("TTL rounds (ms + 500) / 1000 and everything follows the batch clock", () => {
    const now = 1_700_000_000_000;
    const { s, run } = session(now);
    run("SET", "k", "v", "PX", "10499");
    expect(run("TTL", "k")).toBe(":10\r\n");
    run("PEXPIRE", "k", "10500");
    expect(run("TTL", "k")).toBe(":11\r\n");
    expect(run("PTTL", "k")).toBe(":10500\r\n");
    run("PEXPIREAT", "k", String(now + 1499));
    expect(run("EXPIRETIME", "k")).toBe(`:${Math.floor((now + 1499 + 500) / 1000)}\r\n`);
    expect(run("PEXPIRE", "k", "1")).toBe(":1\r\n");
    expect(run("PTTL", "k")).toBe(":1\r\n");
    expect(run("EXPIREAT", "k", String(now / 1000))).toBe(":1\r\n"); // due now: deleted
    expect(run("EXISTS", "k")).toBe(":0\r\n");
    run("SET", "k", "v");
    expect(run("PEXPIREAT", "k", String(now + 1))).toBe(":1\r\n");
    s.now = now + 1;
    expect(run("TTL", "k")).toBe(":-2\r\n");
    run("SET", "big", "v");
    run("PEXPIREAT", "big", I64_MAX);
    expect(run("PTTL", "big")).toBe(`:${BigInt(I64_MAX) - BigInt(now + 1)}\r\n`);
    expect(run("TTL", "big")).toBe(`:${(BigInt(I64_MAX) - BigInt(now + 1) + 500n) / 1000n}\r\n`);
  });

  it("OBJECT ENCODING answers the encoding Redis would use (issue 17)", () => {
    const { run } = session();
    run("SET", "k", "v");
    expect(run("OBJECT", "ENCODING", "k")).toBe("$6\r\nembstr\r\n");
  });

  it("RANDOMKEY returns live keys only", () => {
    const { run } = session();
    expect(run("RANDOMKEY")).toBe("$-1\r\n");
    for (let i = 0; i < 20; i++) run("SET", `k${i}`, "v");
    run("DEL", ...Array.from({ length: 19 }, (_, i) => `k${i}`));
    for (let i = 0; i < 20; i++) expect(run("RANDOMKEY")).toBe("$3\r\nk19\r\n");
    run("SET", "a", "v");
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(run("RANDOMKEY"));
    expect(seen).toEqual(new Set(["$3\r\nk19\r\n", "$1\r\na\r\n"]));
  });
});
