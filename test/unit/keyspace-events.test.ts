// Keyspace notifications (issue 16): for each script, the messages a `__key*__:*` subscriber
// receives from our engine and from redis-server 7.0.15 (notify-keyspace-events KEA unless
// told) are the same, in the same order.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/engine/commands/index.ts";
import { newConn } from "../../src/engine/conn-state.ts";
import { Engine } from "../../src/engine/engine.ts";
import { encodeResp } from "../../src/protocols/resp/resp-encode.ts";
import { redisAvailable } from "./support/engine-vs-redis.ts";
import { KeyspaceOracle, engineEvents } from "./support/keyspace-oracle.ts";
import type { Step } from "./support/keyspace-oracle.ts";

/** DUMP of the string "hello" by redis-server 7.0.15 (bytes as latin1 characters). */
const DUMPED = "\x00\x05hello\n\x00cr\xdfve4 \n";

/** Scripts by name; a name ending in "[flags]" runs with those flags instead of KEA. */
export const SCRIPTS: Record<string, Step[]> = {
  "strings: set family": [
    ["SET", "a", "1"],
    ["SET", "a", "2", "EX", "100"],
    ["SET", "a", "3", "KEEPTTL"],
    ["SET", "a", "4", "NX"],
    ["SET", "b", "1", "XX"],
    ["SET", "a", "5", "GET"],
    ["SETNX", "a", "x"],
    ["SETNX", "c", "x"],
    ["SETEX", "d", "100", "v"],
    ["PSETEX", "e", "100000", "v"],
    ["GETSET", "a", "6"],
    ["MSET", "m1", "1", "m2", "2"],
    ["MSETNX", "m3", "1", "m4", "2"],
    ["MSETNX", "m3", "1", "m5", "2"],
    ["SET", "a", "7", "PXAT", "1"],
    ["@sleep", "5"],
    ["GET", "a"],
  ],
  "strings: counters, append, setrange, getdel, getex": [
    ["INCR", "n"],
    ["INCRBY", "n", "5"],
    ["DECR", "n"],
    ["DECRBY", "n", "2"],
    ["INCRBYFLOAT", "f", "1.5"],
    ["INCR", "bad"],
    ["SET", "s", "x"],
    ["INCR", "s"],
    ["APPEND", "s", "yz"],
    ["APPEND", "new", "yz"],
    ["SETRANGE", "s", "1", "QQ"],
    ["SETRANGE", "sr", "2", "x"],
    ["SETRANGE", "sr2", "0", ""],
    ["SETRANGE", "s", "0", ""],
    ["GETDEL", "s"],
    ["GETDEL", "s"],
    ["SET", "g", "v"],
    ["GETEX", "g"],
    ["GETEX", "g", "EX", "100"],
    ["GETEX", "g", "PERSIST"],
    ["GETEX", "g", "PERSIST"],
    ["GETEX", "g", "PXAT", "1"],
    ["GETEX", "nokey", "EX", "10"],
  ],
  "bitmaps and hyperloglog": [
    ["SETBIT", "b", "7", "1"],
    ["SETBIT", "b", "7", "1"],
    ["BITFIELD", "bf", "SET", "u8", "0", "255"],
    ["BITFIELD", "bf", "GET", "u8", "0"],
    ["BITFIELD", "bf", "INCRBY", "u8", "0", "1"],
    ["BITOP", "OR", "dest", "b", "bf"],
    ["BITOP", "AND", "dest", "none1", "none2"],
    ["PFADD", "h", "a", "b"],
    ["PFADD", "h", "a"],
    ["PFADD", "h2"],
    ["PFADD", "h2"],
    ["PFMERGE", "h3", "h", "h2"],
    ["PFCOUNT", "h", "h2"],
  ],
  "generic: del, unlink, expire, persist, rename, copy, move": [
    ["SET", "a", "1"],
    ["SET", "b", "1"],
    ["DEL", "a", "b", "c"],
    ["SET", "a", "1"],
    ["UNLINK", "a", "zz"],
    ["SET", "k", "v"],
    ["EXPIRE", "k", "100"],
    ["EXPIRE", "k", "100", "NX"],
    ["PEXPIRE", "k", "100000", "XX"],
    ["EXPIREAT", "k", "99999999999"],
    ["PEXPIREAT", "k", "99999999999999"],
    ["PERSIST", "k"],
    ["PERSIST", "k"],
    ["EXPIRE", "nokey", "10"],
    ["RENAME", "k", "k2"],
    ["SET", "k3", "v"],
    ["RENAME", "k2", "k3"],
    ["RENAMENX", "k3", "k4"],
    ["SET", "k5", "v"],
    ["RENAMENX", "k4", "k5"],
    ["RENAME", "k4", "k4"],
    ["COPY", "k4", "c1"],
    ["COPY", "k4", "c1"],
    ["COPY", "k4", "c1", "REPLACE"],
    ["COPY", "k4", "c2", "DB", "3"],
    ["MOVE", "c1", "2"],
    ["EXPIRE", "k5", "0"],
    ["PEXPIREAT", "k4", "1"],
    ["SET", "t", "v"],
    ["EXPIRE", "t", "-1"],
  ],
  "generic: other databases": [
    ["SELECT", "5"],
    ["SET", "a", "1"],
    ["RPUSH", "l", "x"],
    ["DEL", "a"],
    ["MOVE", "l", "0"],
  ],
  "generic: dump and restore": [
    ["SET", "a", "hello"],
    ["RESTORE", "r", "0", DUMPED],
    ["RESTORE", "r", "0", DUMPED, "REPLACE"],
    ["RESTORE", "r2", "100000", DUMPED],
  ],
  "lists: push, pop, insert, set, trim, rem, move": [
    ["LPUSH", "l", "a", "b"],
    ["RPUSH", "l", "c"],
    ["LPUSHX", "l", "d"],
    ["RPUSHX", "l", "e"],
    ["LPUSHX", "nol", "d"],
    ["LINSERT", "l", "BEFORE", "a", "x"],
    ["LINSERT", "l", "AFTER", "nothere", "x"],
    ["LSET", "l", "0", "y"],
    ["LPOP", "l"],
    ["RPOP", "l", "2"],
    ["LREM", "l", "0", "x"],
    ["LREM", "l", "0", "nothere"],
    ["LTRIM", "l", "0", "0"],
    ["RPUSH", "src", "1", "2", "3"],
    ["LMOVE", "src", "dst", "LEFT", "RIGHT"],
    ["RPOPLPUSH", "src", "dst"],
    ["LMOVE", "src", "src", "LEFT", "RIGHT"],
    ["LMOVE", "src", "dst", "RIGHT", "LEFT"],
    ["LMPOP", "2", "none", "dst", "LEFT", "COUNT", "2"],
    ["LMPOP", "1", "dst", "RIGHT", "COUNT", "5"],
    ["RPUSH", "t", "a"],
    ["LTRIM", "t", "1", "0"],
    ["RPUSH", "r", "a", "a"],
    ["LREM", "r", "0", "a"],
    ["RPUSH", "p", "a"],
    ["LPOP", "p"],
    ["BLPOP", "none", "p2", "0.01"],
    ["RPUSH", "p2", "a", "b"],
    ["BRPOP", "p2", "0.01"],
    ["BLMOVE", "p2", "p3", "LEFT", "LEFT", "0.01"],
    ["BLMPOP", "0.01", "1", "p3", "LEFT"],
    ["RPUSH", "p4", "a"],
    ["BRPOPLPUSH", "p4", "p4", "0.01"],
  ],
  "sets: add, remove, pop, move, stores": [
    ["SADD", "s", "a", "b", "c"],
    ["SADD", "s", "a"],
    ["SREM", "s", "a", "zz"],
    ["SREM", "s", "zz"],
    ["SMOVE", "s", "t", "b"],
    ["SMOVE", "s", "t", "nothere"],
    ["SMOVE", "t", "t", "b"],
    ["SADD", "s", "x"],
    ["SPOP", "s"],
    ["SPOP", "s", "0"],
    ["SPOP", "s", "5"],
    ["SADD", "p", "1", "2", "3"],
    ["SPOP", "p", "1"],
    ["SMOVE", "t", "u", "b"],
    ["SADD", "a1", "1", "2"],
    ["SADD", "a2", "2", "3"],
    ["SINTERSTORE", "d", "a1", "a2"],
    ["SUNIONSTORE", "d", "a1", "a2"],
    ["SDIFFSTORE", "d", "a1", "a2"],
    ["SINTERSTORE", "d", "a1", "none"],
    ["SUNIONSTORE", "d2", "none"],
    ["SREM", "a1", "1", "2"],
  ],
  "hashes: set, incr, del": [
    ["HSET", "h", "a", "1", "b", "2"],
    ["HSET", "h", "a", "1"],
    ["HMSET", "h", "c", "3"],
    ["HSETNX", "h", "a", "9"],
    ["HSETNX", "h", "d", "4"],
    ["HINCRBY", "h", "n", "2"],
    ["HINCRBYFLOAT", "h", "f", "1.5"],
    ["HDEL", "h", "zz"],
    ["HDEL", "h", "a", "b"],
    ["HDEL", "h", "c", "d", "n", "f"],
  ],
  "sorted sets: add, incr, rem, pop, stores": [
    ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
    ["ZADD", "z", "1", "a"],
    ["ZADD", "z", "INCR", "5", "a"],
    ["ZADD", "z", "NX", "5", "a"],
    ["ZADD", "z", "GT", "CH", "10", "b"],
    ["ZINCRBY", "z", "2", "c"],
    ["ZREM", "z", "zz"],
    ["ZREM", "z", "a"],
    ["ZADD", "z", "4", "d", "5", "e", "6", "f"],
    ["ZREMRANGEBYSCORE", "z", "100", "200"],
    ["ZREMRANGEBYSCORE", "z", "0", "4"],
    ["ZREMRANGEBYRANK", "z", "0", "0"],
    ["ZADD", "lx", "0", "a", "0", "b"],
    ["ZREMRANGEBYLEX", "lx", "[a", "[a"],
    ["ZREMRANGEBYLEX", "lx", "-", "+"],
    ["ZPOPMIN", "z"],
    ["ZPOPMAX", "z", "10"],
    ["ZPOPMIN", "z"],
    ["ZADD", "z", "1", "a", "2", "b"],
    ["ZMPOP", "1", "z", "MIN"],
    ["BZPOPMIN", "z", "0.01"],
    ["ZADD", "z", "1", "a", "2", "b"],
    ["BZPOPMAX", "z", "0.01"],
    ["BZMPOP", "0.01", "1", "z", "MAX", "COUNT", "3"],
    ["ZADD", "z1", "1", "a", "2", "b"],
    ["ZADD", "z2", "1", "b"],
    ["ZUNIONSTORE", "d", "2", "z1", "z2"],
    ["ZINTERSTORE", "d", "2", "z1", "z2"],
    ["ZDIFFSTORE", "d", "2", "z1", "z2"],
    ["ZINTERSTORE", "d", "2", "z1", "none"],
    ["ZRANGESTORE", "r", "z1", "0", "-1"],
    ["ZRANGESTORE", "r", "z1", "5", "6"],
    ["ZRANGESTORE", "r2", "none", "0", "-1"],
  ],
  "geo: add and stores": [
    ["GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
    ["GEOADD", "g", "13.361389", "38.115556", "Palermo"],
    ["GEOSEARCHSTORE", "gs", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"],
    ["GEOSEARCHSTORE", "gs", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "m", "ASC"],
    ["GEORADIUS", "g", "15", "37", "200", "km", "STORE", "gr"],
    ["GEORADIUSBYMEMBER", "g", "Palermo", "200", "km", "STOREDIST", "gd"],
    ["GEORADIUS", "g", "15", "37", "1", "m", "STORE", "gr"],
  ],
  "sort store": [
    ["RPUSH", "l", "3", "1", "2"],
    ["SORT", "l", "STORE", "out"],
    ["SORT", "none", "STORE", "out"],
    ["SORT", "none", "STORE", "out"],
  ],
  "streams: xadd, xtrim, xdel, groups": [
    ["XADD", "s", "1-1", "f", "v"],
    ["XADD", "s", "2-1", "f", "v"],
    ["XADD", "s", "MAXLEN", "1", "3-1", "f", "v"],
    ["XADD", "s", "MAXLEN", "5", "4-1", "f", "v"],
    ["XADD", "none", "NOMKSTREAM", "*", "f", "v"],
    ["XTRIM", "s", "MAXLEN", "1"],
    ["XTRIM", "s", "MAXLEN", "1"],
    ["XDEL", "s", "4-1"],
    ["XDEL", "s", "9-9"],
    ["XADD", "s", "5-1", "f", "v"],
    ["XGROUP", "CREATE", "s", "g", "0"],
    ["XGROUP", "CREATE", "ms", "g", "$", "MKSTREAM"],
    ["XGROUP", "CREATECONSUMER", "s", "g", "c1"],
    ["XGROUP", "CREATECONSUMER", "s", "g", "c1"],
    ["XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">"],
    ["XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">"],
    ["XCLAIM", "s", "g", "c3", "0", "5-1"],
    ["XAUTOCLAIM", "s", "g", "c4", "0", "0"],
    ["XACK", "s", "g", "5-1"],
    ["XGROUP", "SETID", "s", "g", "0"],
    ["XGROUP", "DELCONSUMER", "s", "g", "c1"],
    ["XGROUP", "DESTROY", "s", "g"],
    ["XGROUP", "DESTROY", "s", "g"],
    ["XSETID", "s", "99-0"],
  ],
  "transactions and scripts": [
    ["MULTI"],
    ["SET", "a", "1"],
    ["INCR", "a"],
    ["EXEC"],
    ["EVAL", "redis.call('set', KEYS[1], 'x'); redis.call('del', KEYS[1])", "1", "k"],
  ],
  "edge cases: counts of zero, no-ops and errors send nothing": [
    ["RPUSH", "l", "a"],
    ["LPOP", "l", "0"],
    ["RPOP", "nol", "2"],
    ["SADD", "s", "a"],
    ["SPOP", "s", "0"],
    ["ZADD", "z", "1", "a"],
    ["ZPOPMIN", "z", "0"],
    ["ZADD", "z", "XX", "1", "b"],
    ["ZADD", "z", "NX", "5", "a"],
    ["ZADD", "z", "GT", "0", "a"],
    ["ZINCRBY", "z", "0", "a"],
    ["ZREM", "z", "nothere"],
    ["ZREMRANGEBYRANK", "z", "5", "6"],
    ["HSET", "h", "f", "v"],
    ["HINCRBY", "h", "f", "1"],
    ["INCR", "l"],
    ["SET", "k", "v", "NX", "GET"],
    ["SET", "k", "w", "XX", "GET"],
    ["LSET", "l", "9", "x"],
    ["LINSERT", "nol", "BEFORE", "a", "b"],
    ["SMOVE", "nos", "s", "a"],
    ["RENAME", "nokey", "x"],
    ["PERSIST", "k"],
    ["EXPIRE", "k", "100", "XX"],
    ["EXPIRE", "k", "100", "GT"],
    ["SETRANGE", "k", "0", ""],
    ["APPEND", "k", ""],
    ["GETDEL", "nokey"],
    ["MOVE", "k", "0"],
    ["COPY", "nokey", "x"],
    ["XDEL", "nos", "1-1"],
    ["XTRIM", "nos", "MAXLEN", "0"],
    ["BITOP", "NOT", "d", "nokey"],
    ["SORT", "nokey", "STORE", "d"],
    ["PFADD", "p", "a"],
    ["PFADD", "p", "a"],
    ["PFMERGE", "p"],
  ],
  "transactions: errors inside EXEC, DISCARD, scripts that fail half way": [
    ["MULTI"],
    ["SET", "a", "1"],
    ["LPUSH", "a", "x"],
    ["INCR", "b"],
    ["EXEC"],
    ["MULTI"],
    ["SET", "c", "1"],
    ["DISCARD"],
    ["EVAL", "redis.call('set', KEYS[1], 'x'); return redis.call('lpush', KEYS[1], 'y')", "1", "k"],
    [
      "FUNCTION",
      "LOAD",
      "#!lua name=ks\nredis.register_function('f', function(k) return redis.call('incr', k[1]) end)",
    ],
    ["FCALL", "f", "1", "n"],
  ],
  flush: [["SET", "a", "1"], ["FLUSHDB"], ["SET", "a", "1"], ["FLUSHALL"]],
  "expired, lazily and by the purge": [
    ["SET", "a", "1", "PX", "5"],
    ["@sleep", "50"],
    ["GET", "a"],
    ["SET", "b", "1", "PX", "5"],
    ["@sleep", "50"],
    ["GET", "b"],
    ["SET", "c", "1", "PX", "5"],
    ["@sleep", "300"],
  ],
  "new keys [KEAn]": [
    ["SET", "a", "1"],
    ["SET", "a", "2"],
    ["RPUSH", "l", "x"],
    ["RENAME", "a", "b"],
    ["SET", "c", "1"],
    ["RENAME", "b", "c"],
    ["COPY", "c", "d"],
    ["SADD", "s", "m"],
    ["SUNIONSTORE", "s2", "s"],
    ["ZADD", "z", "1", "a"],
    ["HSET", "h", "f", "v"],
    ["XADD", "x", "1-1", "f", "v"],
    ["PFADD", "p", "a"],
    ["SETBIT", "bits", "1", "1"],
    ["LMOVE", "l", "l2", "LEFT", "LEFT"],
    ["MOVE", "l2", "1"],
  ],
  "key misses [KEAm]": [
    ["GET", "nokey"],
    ["SET", "a", "1"],
    ["GET", "a"],
    ["MGET", "a", "b", "c"],
    ["EXISTS", "x", "a"],
    ["TYPE", "x"],
    ["TTL", "x"],
    ["PEXPIRETIME", "x"],
    ["LRANGE", "nolist", "0", "-1"],
    ["INCR", "n"],
  ],
  "classes filter [Kl]": [
    ["SET", "a", "1"],
    ["RPUSH", "l", "x"],
    ["DEL", "l"],
  ],
  "classes filter [Eg$]": [
    ["SET", "a", "1"],
    ["RPUSH", "l", "x"],
    ["DEL", "l", "a"],
  ],
};

describe.skipIf(!redisAvailable())("keyspace notifications vs redis-server", () => {
  let redis: KeyspaceOracle;
  beforeAll(async () => {
    redis = await KeyspaceOracle.start();
  });
  afterAll(() => redis.stop());

  for (const [name, steps] of Object.entries(SCRIPTS)) {
    const flags = /\[(.+)\]$/.exec(name)?.[1] ?? "KEA";
    it(name, async () => {
      const theirs = await redis.events(steps, flags);
      expect(engineEvents(steps, flags)).toEqual(theirs);
    });
  }
});

/** Events a `__key*__:*` subscriber sees per command, as "channel message" lines, event only. */
function eventsOf(steps: Step[], flags = "KEA"): string[] {
  return engineEvents(steps, flags, 1_000_000).filter((l) => l.startsWith("__keyspace@"));
}

// Redis 7.4 / 8.0 commands and module (RedisJSON) events: redis-server 7.0.15 has none of them,
// so the expectations come from Redis's t_hash.c and RedisJSON's commands.rs.
describe("keyspace notifications beyond redis-server 7.0.15", () => {
  const ks = (key: string, event: string) => `__keyspace@0__:${key} ${event}`;

  it("hash field expiry: hexpire, hpersist, hdel for a past time, hexpired by the purge", () => {
    expect(
      eventsOf([
        ["HSET", "h", "a", "1", "b", "2", "c", "3"],
        ["HEXPIRE", "h", "100", "FIELDS", "1", "a"],
        ["HEXPIRE", "h", "100", "NX", "FIELDS", "1", "a"],
        ["HPERSIST", "h", "FIELDS", "2", "a", "b"],
        ["HPERSIST", "h", "FIELDS", "1", "a"],
        ["HPEXPIREAT", "h", "1", "FIELDS", "1", "a"],
        ["HPEXPIRE", "h", "10", "FIELDS", "2", "b", "c"],
        ["@sleep", "20"],
        ["HSET", "g", "x", "1"],
        ["HPEXPIRE", "g", "10", "FIELDS", "1", "x"],
        ["HSET", "g", "y", "1"],
        ["@sleep", "20"],
        ["HSET", "p", "x", "1"],
        ["HPEXPIREAT", "p", "1", "FIELDS", "1", "x"],
      ]),
    ).toEqual([
      ks("h", "hset"),
      ks("h", "hexpire"),
      ks("h", "hpersist"),
      ks("h", "hdel"),
      ks("h", "hexpire"),
      ks("h", "hexpired"),
      ks("h", "del"),
      ks("g", "hset"),
      ks("g", "hexpire"),
      ks("g", "hset"),
      ks("g", "hexpired"),
      ks("p", "hset"),
      ks("p", "hdel"),
      ks("p", "del"),
    ]);
  });

  it("HGETEX, HSETEX, HGETDEL as Redis 8.0", () => {
    expect(
      eventsOf([
        ["HSETEX", "h", "EX", "100", "FIELDS", "2", "a", "1", "b", "2"],
        ["HSETEX", "h", "KEEPTTL", "FIELDS", "1", "a", "3"],
        ["HSETEX", "h", "FNX", "FIELDS", "1", "a", "3"],
        ["HGETEX", "h", "PERSIST", "FIELDS", "1", "a"],
        ["HGETEX", "h", "PERSIST", "FIELDS", "1", "a"],
        ["HGETEX", "h", "PX", "100000", "FIELDS", "1", "a"],
        ["HGETEX", "h", "FIELDS", "1", "a"],
        ["HGETEX", "h", "PXAT", "1", "FIELDS", "1", "a"],
        ["HGETDEL", "h", "FIELDS", "2", "b", "zz"],
        ["HSETEX", "q", "PXAT", "1", "FIELDS", "1", "a", "1"],
      ]),
    ).toEqual([
      ks("h", "hset"),
      ks("h", "hexpire"),
      ks("h", "hset"),
      ks("h", "hpersist"),
      ks("h", "hexpire"),
      ks("h", "hdel"),
      ks("h", "hdel"),
      ks("h", "del"),
      ks("q", "hset"),
      ks("q", "hdel"),
      ks("q", "del"),
    ]);
  });

  it("JSON commands send RedisJSON's module events (class d), only when something changed", () => {
    const steps: Step[] = [
      ["JSON.SET", "j", "$", '{"a":1,"b":[1,2],"s":"x","t":true}'],
      ["JSON.SET", "j", "$.a", "2", "NX"],
      ["JSON.NUMINCRBY", "j", "$.a", "1"],
      ["JSON.NUMMULTBY", "j", "$.a", "2"],
      ["JSON.STRAPPEND", "j", "$.s", '"y"'],
      ["JSON.TOGGLE", "j", "$.t"],
      ["JSON.ARRAPPEND", "j", "$.b", "3"],
      ["JSON.ARRINSERT", "j", "$.b", "0", "0"],
      ["JSON.ARRPOP", "j", "$.b"],
      ["JSON.ARRTRIM", "j", "$.b", "0", "0"],
      ["JSON.MERGE", "j", "$", '{"m":1}'],
      ["JSON.MSET", "j", "$.a", "5", "k", "$", "1"],
      ["JSON.CLEAR", "j", "$.b"],
      ["JSON.DEL", "j", "$.nothere"],
      ["JSON.FORGET", "j", "$.a"],
      ["JSON.DEL", "k"],
    ];
    expect(eventsOf(steps)).toEqual(
      [
        "json.set",
        "json.numincrby",
        "json.nummultby",
        "json.strappend",
        "json.toggle",
        "json.arrappend",
        "json.arrinsert",
        "json.arrpop",
        "json.arrtrim",
        "json.merge",
        "json.mset",
      ]
        .map((e) => ks("j", e))
        .concat([ks("k", "json.mset"), ks("j", "json.clear"), ks("j", "json.del")])
        .concat([ks("k", "json.del")]),
    );
    // Class d off: nothing from the module commands, the generic ones still publish.
    expect(eventsOf([...steps, ["DEL", "j"]], "Kg")).toEqual([ks("j", "del")]);
  });
});

describe("keyspace notifications in the engine", () => {
  function setup(config: { maxmemory?: number } = {}) {
    const engine = new Engine(COMMANDS, "t", { ...config, policy: "allkeys-lru" });
    const got: string[] = [];
    const sub = newConn(engine.nextClientId++, { authed: true, readonly: false });
    engine.attach(sub, {
      deliver: (rs) => got.push(new TextDecoder().decode(encodeResp(rs, 3))),
    });
    const c = newConn(engine.nextClientId++, { authed: true, readonly: false });
    const run = (...argv: string[]) => engine.run("redis", c, [{ argv }], 1000);
    engine.run("redis", sub, [{ argv: ["PSUBSCRIBE", "__keyspace@*"] }], 1000);
    got.length = 0;
    return { engine, got, run };
  }

  it("off by default, on and off with CONFIG SET; the mask follows loaded parameters too", () => {
    const { engine, got, run } = setup();
    run("SET", "a", "1");
    expect(engine.notifyMask).toBe(0);
    expect(got).toEqual([]);
    run("CONFIG", "SET", "notify-keyspace-events", "K$");
    run("SET", "a", "1");
    run("DEL", "a"); // class g is off
    expect(got).toEqual([
      ">4\r\n$8\r\npmessage\r\n$12\r\n__keyspace@*\r\n$16\r\n__keyspace@0__:a\r\n$3\r\nset\r\n",
    ]);
    run("CONFIG", "SET", "notify-keyspace-events", "");
    expect(engine.notifyMask).toBe(0);
    // What persistence does when an object loads: the parameter map is filled directly.
    engine.params.set("notify-keyspace-events", "AKE");
    expect(engine.notifyMask).not.toBe(0);
    engine.params.delete("notify-keyspace-events");
    expect(engine.notifyMask).toBe(0);
  });

  it("writes through the other dialects notify Redis subscribers too", () => {
    const { engine, got, run } = setup();
    run("CONFIG", "SET", "notify-keyspace-events", "KA");
    const other = newConn(engine.nextClientId++, { authed: true, readonly: false });
    engine.run("blink", other, [{ argv: ["SET", "b", "v"] }, { argv: ["DEL", "b"] }], 1000);
    engine.run("lightredis", other, [{ argv: ["SADD", "s", "m"] }], 1000);
    const events = got.map((t) => t.split("\r\n")[8]);
    expect(events).toEqual(["set", "del", "sadd"]);
  });

  it("evicted comes before the evicting command's own event; a refused write sends nothing", () => {
    const { got, run } = setup({ maxmemory: 2000 });
    run("CONFIG", "SET", "notify-keyspace-events", "KA");
    run("SET", "a", "x".repeat(800));
    run("SET", "b", "x".repeat(800));
    got.length = 0;
    run("SET", "c", "x".repeat(800));
    const text = got.join("");
    expect(text.indexOf("__keyspace@0__:a\r\n$7\r\nevicted")).toBeGreaterThan(-1);
    expect(text.indexOf("evicted")).toBeLessThan(text.indexOf("__keyspace@0__:c\r\n$3\r\nset"));
    got.length = 0;
    expect(run("SET", "d", "x".repeat(5000))[0]).toMatchObject({ k: "error" });
    expect(got).toEqual([]);
  });
});
