// The shard router (src/worker/router/) without workerd: a namespace of N engines behind the
// planner (support/shard-sim.ts) against one engine, plus the rules of sharding: splits and merge
// order, fan-outs, CROSSSLOT, transactions, SCAN cursors, INFO/CONFIG merges, failing shards.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BatchItem, Dialect } from "../../src/engine/command.ts";
import { COMMANDS } from "../../src/engine/commands/index.ts";
import { newConn } from "../../src/engine/conn-state.ts";
import { Engine, NULL_HOST } from "../../src/engine/engine.ts";
import { R } from "../../src/engine/reply.ts";
import type { Reply } from "../../src/engine/reply.ts";
import { mergeInfoTexts } from "../../src/worker/router/info-merge.ts";
import { routeOf } from "../../src/worker/router/routes.ts";
import { shardOfKey } from "../../src/worker/router/slots.ts";
import { ShardSim, keysOnDistinctShards } from "./support/shard-sim.ts";

const CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot";
const bulk = (v: string) => R.bulk(v);
const int = (v: number) => R.int(v);
const err = (r: Reply) => (r.k === "error" ? r.v : `(not an error: ${r.k})`);

describe("routes", () => {
  it("classifies every command of every dialect (no keyless command is left unrouted)", () => {
    for (const d of ["redis", "blink", "gevent", "lightredis"] as Dialect[]) {
      for (const name of COMMANDS.names(d)) {
        expect([d, name, routeOf(d, COMMANDS.lookup(d, name)!).kind]).not.toEqual([
          d,
          name,
          "unsupported",
        ]);
      }
    }
  });
});

describe("against one engine", () => {
  // Commands whose replies do not depend on how keys are spread (KEYS is compared as a set).
  const key = fc.constantFrom("a", "b", "c", "d", "e", "{t}x", "{t}y", "n", "é", "\uDFFF\xff");
  const val = fc.constantFrom("1", "22", "x", "", "-5");
  const cmd: fc.Arbitrary<string[]> = fc.oneof(
    fc.tuple(fc.constant("SET"), key, val),
    fc.tuple(fc.constant("GET"), key),
    fc.tuple(fc.constant("INCR"), key),
    fc.tuple(fc.constant("APPEND"), key, val),
    fc.tuple(fc.constant("SADD"), key, val),
    fc.tuple(fc.constant("HSET"), key, val, val),
    fc.tuple(fc.constant("TYPE"), key),
    fc.tuple(fc.constant("EXPIRE"), key, fc.constantFrom("100", "-1")),
    fc.array(key, { minLength: 1, maxLength: 6 }).map((ks) => ["MGET", ...ks]),
    fc
      .array(fc.tuple(key, val), { minLength: 1, maxLength: 4 })
      .map((ps) => ["MSET", ...ps.flat()]),
    fc.array(key, { minLength: 1, maxLength: 5 }).map((ks) => ["DEL", ...ks]),
    fc.array(key, { minLength: 1, maxLength: 5 }).map((ks) => ["EXISTS", ...ks]),
    fc.array(key, { minLength: 1, maxLength: 5 }).map((ks) => ["UNLINK", ...ks]),
    fc.array(key, { minLength: 1, maxLength: 5 }).map((ks) => ["TOUCH", ...ks]),
    fc.constant<string[]>(["DBSIZE"]),
    fc.constant<string[]>(["KEYS", "*"]),
    fc.constant<string[]>(["PING"]),
    fc.constant<string[]>(["FLUSHDB"]),
    fc.constant<string[]>(["MGET"]),
    fc.constant<string[]>(["NOPE", "x"]),
  );

  const normalize = (argv: readonly string[], r: Reply): Reply => {
    if (argv[0] === "KEYS" && r.k === "array") {
      return R.array(
        [...r.v].sort((x, y) => ((x as { v: string }).v < (y as { v: string }).v ? -1 : 1)),
      );
    }
    return r;
  };

  it("gives one engine's replies for pipelines of key, multi-key and fan-out commands", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cmd, { maxLength: 12 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(2, 3, 16),
        async (batches, n) => {
          const sim = new ShardSim(n);
          const one = new Engine(COMMANDS, "sim", {}, NULL_HOST);
          const oneConn = newConn(1, { authed: true, readonly: false });
          const s = sim.session("redis");
          for (const b of batches) {
            const items: BatchItem[] = b.map((argv) => ({ argv }));
            const got = await sim.run(s, items);
            const want = one.run("redis", oneConn, items, sim.now);
            expect(got.map((r, i) => normalize(b[i]!, r))).toEqual(
              want.map((r, i) => normalize(b[i]!, r)),
            );
          }
          expect(sim.keysPerShard().reduce((a, b) => a + b, 0)).toBe(one.store.map.size);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("splits and fan-outs", () => {
  it("sends a pipeline to each shard once, in one round", async () => {
    const sim = new ShardSim(16);
    const lines = Array.from({ length: 16 }, (_, i) => ["SET", `key:${i}`, "v"]);
    await sim.lines("redis", ...lines, ["DBSIZE"], ...lines.map(([, k]) => ["GET", k!]));
    expect(sim.rounds).toBe(1);
    expect(sim.calls).toBe(16);
  });

  it("puts MGET replies back in argument order, repeated keys included", async () => {
    const sim = new ShardSim(16);
    const ks = keysOnDistinctShards(5);
    await sim.lines("redis", ["MSET", ...ks.flatMap((k) => [k, `v-${k}`])]);
    const ask = [ks[3]!, "missing", ks[0]!, ks[3]!, ks[4]!, ks[1]!, ks[2]!];
    const [r] = await sim.lines("redis", ["MGET", ...ask]);
    expect(r).toEqual(R.array(ask.map((k) => (k === "missing" ? R.NIL : bulk(`v-${k}`)))));
    // One MGET part per shard touched.
    expect(sim.log.at(-1)!.items.length).toBe(1);
    expect(new Set(sim.log.slice(-6).map((c) => c.shard)).size).toBe(6);
  });

  it("splits gevent MSET with its typed values, and merges gevent MGET", async () => {
    const sim = new ShardSim(16);
    const ks = keysOnDistinctShards(3);
    const typed = [
      undefined,
      undefined,
      { type: "int" as const, v: 1n },
      undefined,
      { type: "json" as const, text: '{"a":1}' },
      undefined,
      { type: "string" as const, v: "s" },
    ];
    const s = sim.session("gevent");
    const [n] = await sim.run(s, [{ argv: ["MSET", ks[0]!, "", ks[1]!, "", ks[2]!, ""], typed }]);
    expect(n).toEqual(int(3));
    const [got] = await sim.run(s, [{ argv: ["MGET", ks[2]!, ks[0]!, ks[1]!] }]);
    expect(got).toEqual(R.array([bulk("s"), R.int(1n), R.json(new Map([["a", 1n]]))]));
    const [flushed] = await sim.run(s, [{ argv: ["FLUSH"] }]);
    expect(flushed).toEqual(int(3));
  });

  it("sums DEL, EXISTS, TOUCH, DBSIZE and Blink USAGE over shards", async () => {
    const sim = new ShardSim(16);
    const ks = keysOnDistinctShards(4);
    const r = await sim.lines(
      "redis",
      ["MSET", ...ks.flatMap((k) => [k, "xy"])],
      ["EXISTS", ...ks, ks[0]!],
      ["TOUCH", ks[1]!, "no"],
      ["DBSIZE"],
      ["DEL", ks[0]!, ks[1]!, "no"],
      ["DBSIZE"],
    );
    expect(r).toEqual([R.OK, int(5), int(1), int(4), int(2), int(2)]);
    const [usage] = await sim.lines("blink", ["USAGE"]);
    expect(usage).toEqual(R.status(`USAGE ${ks[2]!.length + 2 + (ks[3]!.length + 2)}`));
  });

  it("answers RANDOMKEY with a key of the namespace, nil when empty", async () => {
    const sim = new ShardSim(8);
    expect((await sim.lines("redis", ["RANDOMKEY"]))[0]).toEqual(R.NIL);
    const ks = keysOnDistinctShards(5, 8);
    await sim.lines("redis", ["MSET", ...ks.flatMap((k) => [k, "1"])]);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const [r] = await sim.lines("redis", ["RANDOMKEY"]);
      seen.add((r as { v: string }).v);
    }
    expect([...seen].sort()).toEqual([...ks].sort());
  });

  it("runs connection commands in the Worker without calling any shard", async () => {
    const sim = new ShardSim(16);
    const r = await sim.lines(
      "redis",
      ["PING"],
      ["ECHO", "x"],
      ["SELECT", "0"],
      ["CLIENT", "ID"],
      ["TIME"],
    );
    expect(r.slice(0, 4)).toEqual([R.PONG, bulk("x"), R.OK, int(7)]);
    expect(sim.calls).toBe(0);
  });

  it("stops at QUIT like one engine", async () => {
    const sim = new ShardSim(4);
    const r = await sim.lines("redis", ["SET", "a", "1"], ["QUIT"], ["SET", "b", "2"]);
    expect(r).toEqual([R.OK, R.OK]);
    expect((await sim.lines("redis", ["EXISTS", "a", "b"]))[0]).toEqual(int(1));
  });
});

describe("connection context", () => {
  it("authenticates in the Worker: NOAUTH before AUTH, then commands reach the shards", async () => {
    const sim = new ShardSim(16);
    const host = {
      ...NULL_HOST,
      authEnabled: true,
      authenticate: (t: string) => (t === "secret" ? ("readonly" as const) : null),
    };
    const s = sim.session("redis", newConn(3, { authed: false, readonly: false }), host);
    const r = await sim.run(s, [
      { argv: ["GET", "a"] },
      { argv: ["DBSIZE"] },
      { argv: ["AUTH", "nope"] },
      { argv: ["AUTH", "secret"] },
      { argv: ["GET", "a"] },
      { argv: ["SET", "a", "1"] },
      { argv: ["DBSIZE"] },
    ]);
    expect(r.map((x) => (x.k === "error" ? x.v : x))).toEqual([
      "NOAUTH Authentication required.",
      "NOAUTH Authentication required.",
      "WRONGPASS invalid username-password pair or user is disabled.",
      R.OK,
      R.NIL,
      "NOPERM this user has no permissions to run the 'set' command",
      int(0),
    ]);
    expect(sim.log.every((c) => c.conn.authed && c.conn.readonly)).toBe(true);
  });

  it("runs commands after HELLO 3 in a new round, so shards see RESP3", async () => {
    const sim = new ShardSim(16);
    const s = sim.session("redis");
    await sim.run(s, [
      { argv: ["ZADD", "z", "1", "a"] },
      { argv: ["HELLO", "3"] },
      { argv: ["ZRANGE", "z", "0", "-1", "WITHSCORES"] },
    ]);
    expect(sim.rounds).toBe(2);
    expect(sim.log.map((c) => c.conn.resp)).toEqual([2, 3]);
  });
});

describe("CROSSSLOT", () => {
  const [a, b] = keysOnDistinctShards(2);
  it("refuses multi-key commands across shards, before running anything", async () => {
    const sim = new ShardSim(16);
    const r = await sim.lines(
      "redis",
      ["SET", a!, "1"],
      ["RENAME", a!, b!],
      ["SMOVE", a!, b!, "m"],
      ["MSETNX", a!, "1", b!, "2"],
      ["SINTERSTORE", a!, b!],
      ["LMOVE", a!, b!, "LEFT", "RIGHT"],
      ["GET", a!],
    );
    expect(r.slice(1, 6).map(err)).toEqual(Array(5).fill(CROSSSLOT));
    expect(r[6]).toEqual(bulk("1"));
  });

  it("runs them when hash tags put the keys on one shard", async () => {
    const sim = new ShardSim(16);
    const r = await sim.lines(
      "redis",
      ["SET", "{u1}a", "1"],
      ["RENAME", "{u1}a", "{u1}b"],
      ["MSETNX", "{u1}c", "1", "{u1}d", "2"],
      ["GET", "{u1}b"],
    );
    expect(r).toEqual([R.OK, R.OK, int(1), bulk("1")]);
  });

  it("checks arity, auth and scope before CROSSSLOT (Redis order)", async () => {
    const sim = new ShardSim(16);
    const ro = sim.session("redis", newConn(1, { authed: true, readonly: true }));
    const r = await sim.run(ro, [
      { argv: ["RENAME", a!] },
      { argv: ["RENAME", a!, b!] },
      { argv: ["MSET", a!, "1", b!, "2"] },
    ]);
    expect(r.map(err)).toEqual([
      "ERR wrong number of arguments for 'rename' command",
      "NOPERM this user has no permissions to run the 'rename' command",
      "NOPERM this user has no permissions to run the 'mset' command",
    ]);
    expect(sim.calls).toBe(0);
  });

  it("checks value sizes before splitting, so a split MSET writes nothing on error", async () => {
    const sim = new ShardSim(16);
    const [r] = await sim.lines("redis", ["MSET", a!, "small", b!, "x".repeat(33554433)]);
    expect(err(r!)).toBe("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    expect(sim.keysPerShard().reduce((x, y) => x + y, 0)).toBe(0);
  });
});

describe("transactions", () => {
  it("runs MULTI … EXEC atomically on the keys' shard", async () => {
    const sim = new ShardSim(16);
    const r = await sim.lines(
      "redis",
      ["MULTI"],
      ["SET", "{acct}a", "10"],
      ["INCRBY", "{acct}b", "5"],
      ["PING"],
      ["EXEC"],
    );
    expect(r).toEqual([R.OK, R.QUEUED, R.QUEUED, R.QUEUED, R.array([R.OK, R.int(5n), R.PONG])]);
    expect(sim.calls).toBe(1);
  });

  it("refuses a command for another shard (CROSSSLOT), then EXECABORT: nothing runs", async () => {
    const sim = new ShardSim(16);
    const [a, b] = keysOnDistinctShards(2);
    const r = await sim.lines(
      "redis",
      ["MULTI"],
      ["SET", a!, "1"],
      ["SET", b!, "2"],
      ["DBSIZE"],
      ["EXEC"],
      ["EXISTS", a!, b!],
    );
    expect(r.map((x) => (x.k === "error" ? x.v : x))).toEqual([
      R.OK,
      R.QUEUED,
      CROSSSLOT,
      CROSSSLOT,
      "EXECABORT Transaction discarded because of previous errors.",
      int(0),
    ]);
  });

  it("keeps the queue and WATCH across messages; a write by another connection aborts EXEC", async () => {
    const sim = new ShardSim(16);
    const s = sim.session("redis");
    const other = sim.session("redis", newConn(9, { authed: true, readonly: false }));
    expect(await sim.run(s, [{ argv: ["WATCH", "{w}k"] }])).toEqual([R.OK]);
    expect(await sim.run(s, [{ argv: ["MULTI"] }, { argv: ["INCR", "{w}k"] }])).toEqual([
      R.OK,
      R.QUEUED,
    ]);
    expect(await sim.run(s, [{ argv: ["EXEC"] }])).toEqual([R.array([R.int(1n)])]);
    await sim.run(s, [
      { argv: ["WATCH", "{w}k"] },
      { argv: ["MULTI"] },
      { argv: ["INCR", "{w}k"] },
    ]);
    await sim.run(other, [{ argv: ["SET", "{w}k", "100"] }]);
    expect(await sim.run(s, [{ argv: ["EXEC"] }])).toEqual([R.NILARRAY]);
    expect(s.conn.multi).toBeNull();
    expect(s.conn.watch).toBeNull();
  });

  it("refuses WATCH keys on another shard than the transaction's", async () => {
    const sim = new ShardSim(16);
    const [a, b] = keysOnDistinctShards(2);
    const r = await sim.lines(
      "redis",
      ["WATCH", a!, b!],
      ["WATCH", a!],
      ["WATCH", b!],
      ["MULTI"],
      ["SET", b!, "1"],
      ["EXEC"],
    );
    expect(r.map((x) => (x.k === "error" ? x.v : x))).toEqual([
      CROSSSLOT,
      R.OK,
      CROSSSLOT,
      R.OK,
      CROSSSLOT,
      "EXECABORT Transaction discarded because of previous errors.",
    ]);
  });

  it("answers DISCARD, nested MULTI and EXEC without MULTI from the context", async () => {
    const sim = new ShardSim(4);
    const r = await sim.lines(
      "redis",
      ["EXEC"],
      ["MULTI"],
      ["MULTI"],
      ["SET", "a", "1"],
      ["DISCARD"],
      ["GET", "a"],
    );
    expect(r.map((x) => (x.k === "error" ? x.v : x))).toEqual([
      "ERR EXEC without MULTI",
      R.OK,
      "ERR MULTI calls can not be nested",
      R.QUEUED,
      R.OK,
      R.NIL,
    ]);
  });
});

describe("SCAN over shards", () => {
  it("returns every key exactly once, shard by shard, with any COUNT and MATCH", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(1, 3, 16),
        async (n, count, shards) => {
          const sim = new ShardSim(shards);
          const keys = Array.from({ length: n }, (_, i) => `key:${i}`);
          for (let i = 0; i < n; i += 100)
            await sim.lines("redis", ["MSET", ...keys.slice(i, i + 100).flatMap((k) => [k, "v"])]);
          const got: string[] = [];
          let cursor = "0";
          let calls = 0;
          do {
            const [r] = await sim.lines("redis", [
              "SCAN",
              cursor,
              "COUNT",
              String(count),
              "MATCH",
              "key:*",
            ]);
            const [c, page] = (r as unknown as { v: [{ v: string }, { v: { v: string }[] }] }).v;
            cursor = c.v;
            got.push(...page.v.map((x) => x.v));
            expect(++calls).toBeLessThan(n + shards + 2);
          } while (cursor !== "0");
          expect(got.length).toBe(n);
          expect(new Set(got)).toEqual(new Set(keys));
        },
      ),
      { numRuns: 30 },
    );
  });

  it("refuses an invalid cursor", async () => {
    const sim = new ShardSim(4);
    expect(err((await sim.lines("redis", ["SCAN", "x"]))[0]!)).toBe("ERR invalid cursor");
  });
});

describe("INFO, CONFIG and Light-Redis info", () => {
  it("sums usage and counters, and the keyspace line", async () => {
    const sim = new ShardSim(16);
    const ks = keysOnDistinctShards(3);
    await sim.lines(
      "redis",
      ["SET", ks[0]!, "abc"],
      ["SET", ks[1]!, "de"],
      ["SETEX", ks[2]!, "100", "f"],
    );
    const [info] = await sim.lines("redis", ["INFO", "memory", "keyspace"]);
    const used = ks.reduce((n, k) => n + k.length, 0) + 6;
    const text = (info as { v: string }).v;
    expect(text).toMatch(/^# Memory\r\n/);
    expect(text).toContain(`\r\nused_memory:${used}\r\nused_memory_human:${used}B\r\n`);
    expect(text).toContain(
      "\r\nmaxmemory:0\r\nmaxmemory_human:0B\r\nmaxmemory_policy:noeviction\r\n",
    );
    expect(text).toMatch(/\r\n\r\n# Keyspace\r\ndb0:keys=3,expires=1,avg_ttl=0\r\n$/);
    const [empty] = await new ShardSim(4).lines("redis", ["INFO", "keyspace"]);
    expect((empty as { v: string }).v).toBe("# Keyspace\r\n");
  });

  it("merges INFO fields by their rules", () => {
    const a =
      "# Server\r\nuptime_in_seconds:5\r\n\r\n# Persistence\r\nrdb_last_save_time:100\r\n\r\n# Stats\r\nevicted_keys:2\r\n";
    const b =
      "# Server\r\nuptime_in_seconds:9\r\n\r\n# Persistence\r\nrdb_last_save_time:50\r\n\r\n# Stats\r\nevicted_keys:3\r\n";
    expect(mergeInfoTexts([a, b])).toBe(
      "# Server\r\nuptime_in_seconds:9\r\n\r\n# Persistence\r\nrdb_last_save_time:50\r\n\r\n# Stats\r\nevicted_keys:5\r\n",
    );
  });

  it("gives each shard its share of CONFIG SET maxmemory and reports the total", async () => {
    const sim = new ShardSim(16);
    const r = await sim.lines(
      "redis",
      ["CONFIG", "SET", "maxmemory", "1mb", "maxmemory-policy", "noeviction"],
      ["CONFIG", "GET", "maxmemory", "maxmemory-policy"],
    );
    expect(r[0]).toEqual(R.OK);
    expect(r[1]).toEqual(
      R.map([bulk("maxmemory"), bulk("1048576"), bulk("maxmemory-policy"), bulk("noeviction")]),
    );
    expect(sim.engines.map((e) => e.config.maxmemory)).toEqual(Array(16).fill(65536));
    const bad = await sim.lines("redis", ["CONFIG", "SET", "maxmemory", "lots"]);
    expect(err(bad[0]!)).toContain("argument must be a memory value");
    expect(sim.engines[0]!.config.maxmemory).toBe(65536);
  });

  it("merges Light-Redis info: keys shard by shard, counts summed", async () => {
    const sim = new ShardSim(16);
    const ks = keysOnDistinctShards(3);
    for (const k of ks) await sim.run(sim.session("lightredis"), [{ argv: ["set", k, "v"] }]);
    const [info] = await sim.lines("lightredis", ["info"]);
    const m = (info as { v: Map<string, unknown> }).v;
    expect([...m.keys()]).toEqual([
      "db_file_name",
      "keys",
      "keys_count",
      "last_db_snapshot_write",
      "writable_row",
    ]);
    expect(new Set(m.get("keys") as string[])).toEqual(new Set(ks));
    expect(m.get("keys_count")).toBe(3n);
    expect(m.get("writable_row")).toBe(3n);
  });
});

describe("failures", () => {
  it("rejects the whole batch when one shard fails, never a partial answer", async () => {
    const sim = new ShardSim(16);
    const ks = keysOnDistinctShards(16);
    await sim.lines("redis", ["MSET", ...ks.flatMap((k) => [k, "v"])]);
    sim.failing = shardOfKey(ks[5]!, 16);
    await expect(sim.lines("redis", ["MGET", ...ks])).rejects.toThrow(/failed/);
    await expect(sim.lines("redis", ["DBSIZE"])).rejects.toThrow(/failed/);
    await expect(sim.lines("redis", ["GET", ks[0]!], ["GET", ks[5]!])).rejects.toThrow(/failed/);
    expect(await sim.lines("redis", ["GET", ks[0]!])).toEqual([bulk("v")]);
  });
});
