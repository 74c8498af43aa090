// The 16 databases across a restart (issue 17): every database's writes, MOVE, SWAPDB, FLUSHDB
// and FLUSHALL survive a reload from SQLite; database 0 stays in the original tables.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeResp } from "../../src/protocols/resp/resp-encode.ts";
import { Harness } from "./support/engine-harness.ts";

/** Runs a command line in the harness's connection and returns the RESP2 reply text. */
function run(h: Harness, ...argv: string[]): string {
  return new TextDecoder().decode(encodeResp([h.run("redis", ...argv)], 2));
}

/** Every database's keys with their type and contents, as DUMP-like text. */
function state(h: Harness): string[] {
  const out: string[] = [];
  const saved = h.conn.db;
  for (let db = 0; db < 16; db++) {
    h.conn.db = db;
    const keys = h.engine.dbs.peek(db) ? [...h.engine.dbs.peek(db)!.map.keys()].sort() : [];
    for (const k of keys) {
      const t = run(h, "TYPE", k);
      const v =
        t === "+string\r\n"
          ? run(h, "GET", k)
          : t === "+list\r\n"
            ? run(h, "LRANGE", k, "0", "-1")
            : t === "+hash\r\n"
              ? run(h, "HGETALL", k)
              : t === "+set\r\n"
                ? run(h, "SMEMBERS", k)
                : run(h, "ZRANGE", k, "0", "-1", "WITHSCORES");
      out.push(`${db} ${k} ${t.trim()} ${v} ${run(h, "PTTL", k).trim()}`);
    }
  }
  h.conn.db = saved;
  return out;
}

const tables = (h: Harness) =>
  h
    .sql!.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
    .map((r) => (r as { name: string }).name);

describe("databases persist per database", () => {
  it("keeps each database's keys across a restart, database 0 in the original tables", () => {
    const h = new Harness({ persist: true });
    run(h, "SET", "k", "zero");
    run(h, "SELECT", "9");
    run(h, "SET", "k", "nine");
    run(h, "RPUSH", "l", "a", "b");
    run(h, "HSET", "h", "f", "v");
    run(h, "SELECT", "15");
    run(h, "ZADD", "z", "1", "m");
    run(h, "SADD", "s", "x");
    run(h, "PEXPIRE", "s", "100000");
    const before = state(h);
    h.restart();
    expect(state(h)).toEqual(before);
    expect(tables(h)).toContain("kv_db9");
    expect(tables(h)).not.toContain("kv_db3");
    const rows = h.sql!.db.prepare("SELECT key, value FROM kv").all();
    expect(rows).toEqual([{ key: "k", value: "zero" }]);
    h.conn.db = 0;
    expect(run(h, "INFO", "keyspace")).toContain("db15:keys=2,expires=1,avg_ttl=");
  });

  it("MOVE, SWAPDB, FLUSHDB and FLUSHALL survive a restart", () => {
    const h = new Harness({ persist: true });
    run(h, "SET", "a", "0");
    run(h, "SADD", "s", "1", "2");
    run(h, "MOVE", "s", "4");
    run(h, "SELECT", "4");
    run(h, "SET", "b", "4");
    run(h, "SWAPDB", "4", "0");
    h.restart();
    h.conn.db = 0;
    expect(run(h, "SMEMBERS", "s")).toBe("*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
    expect(run(h, "GET", "a")).toBe("$-1\r\n");
    run(h, "SELECT", "4");
    expect(run(h, "GET", "a")).toBe("$1\r\n0\r\n");
    run(h, "FLUSHDB");
    run(h, "SET", "c", "after");
    h.restart();
    h.conn.db = 4;
    expect(run(h, "KEYS", "*")).toBe("*1\r\n$1\r\nc\r\n");
    h.conn.db = 0;
    expect(run(h, "DBSIZE")).toBe(":2\r\n");
    run(h, "FLUSHALL");
    h.restart();
    for (const db of [0, 4]) {
      h.conn.db = db;
      expect(run(h, "DBSIZE")).toBe(":0\r\n");
    }
  });

  it("random commands over random databases reload to the same state", () => {
    const cmd = fc.oneof(
      fc.tuple(fc.constant("SELECT"), fc.integer({ min: 0, max: 15 }).map(String)),
      fc.tuple(fc.constant("SET"), fc.constantFrom("a", "b", "c"), fc.string()),
      fc.tuple(fc.constant("RPUSH"), fc.constantFrom("l", "a"), fc.string()),
      fc.tuple(fc.constant("HSET"), fc.constantFrom("h", "b"), fc.string(), fc.string()),
      fc.tuple(fc.constant("DEL"), fc.constantFrom("a", "b", "l", "h")),
      fc.tuple(
        fc.constant("MOVE"),
        fc.constantFrom("a", "b", "l", "h"),
        fc.constantFrom("0", "3", "9"),
      ),
      fc.tuple(
        fc.constant("SWAPDB"),
        fc.constantFrom("0", "3", "9", "12"),
        fc.constantFrom("0", "3", "9"),
      ),
      fc.tuple(fc.constant("FLUSHDB")),
      fc.tuple(fc.constant("EXPIRE"), fc.constantFrom("a", "l"), fc.constant("1000")),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cmd, { maxLength: 4 }), { maxLength: 12 }), (batches) => {
        const h = new Harness({ persist: true });
        for (const b of batches)
          h.batch(
            "redis",
            b.map((argv) => ({ argv: [...argv] })),
          );
        const before = state(h);
        h.restart();
        expect(state(h)).toEqual(before);
      }),
      { numRuns: 60 },
    );
  });
});

describe("the namespace's limit and settings cover every database", () => {
  it("counts every database's usage against maxmemory, evicting from the others too", () => {
    const h = new Harness({ persist: true, config: { maxmemory: 1000, policy: "allkeys-lru" } });
    for (let i = 0; i < 8; i++) run(h, "SET", `a${i}`, "x".repeat(100));
    run(h, "SELECT", "5");
    for (let i = 0; i < 4; i++) run(h, "SET", `b${i}`, "y".repeat(100));
    expect(h.engine.dbs.usage).toBeLessThanOrEqual(1000);
    expect(h.engine.dbs.peek(5)!.map.size).toBe(4);
    expect(h.engine.dbs.peek(0)!.map.size).toBeLessThan(8);
    run(h, "CONFIG", "SET", "maxmemory-policy", "noeviction");
    expect(run(h, "SET", "big", "z".repeat(400))).toMatch(/^-OOM/);
  });

  it("keeps CONFIG SET parameters across a restart", () => {
    const h = new Harness({ persist: true });
    run(h, "CONFIG", "SET", "hash-max-ziplist-entries", "1k", "notify-keyspace-events", "KEA");
    run(h, "SELECT", "3");
    run(h, "SET", "k", "v");
    h.restart();
    h.conn.db = 0;
    expect(run(h, "CONFIG", "GET", "hash-max-listpack-entries")).toBe(
      "*2\r\n$25\r\nhash-max-listpack-entries\r\n$4\r\n1000\r\n",
    );
    expect(run(h, "CONFIG", "GET", "notify-keyspace-events")).toBe(
      "*2\r\n$22\r\nnotify-keyspace-events\r\n$3\r\nAKE\r\n",
    );
  });
});
