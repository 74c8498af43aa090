// DUMP/RESTORE against redis-server 7.0.15: a payload DUMPed by redis-server RESTOREs here to
// the same value, and our DUMP of it RESTOREs on redis-server to the same value again, for every
// type and encoding (listpack, intset, quicklist, hashtable, skiplist, LZF-compressed strings).

import { describe, expect, it } from "vitest";
import { EngineSession, redisAvailable, useRedis } from "./support/engine-vs-redis.ts";
import type { Argv } from "./support/engine-vs-redis.ts";

/** The payload of a raw `$N\r\n…\r\n` reply. */
function bulkOf(raw: Buffer): Buffer {
  const nl = raw.indexOf("\r\n");
  expect(raw[0], raw.toString("latin1")).toBe(0x24);
  const n = Number(raw.toString("latin1", 1, nl));
  return raw.subarray(nl + 2, nl + 2 + n);
}

const range = (n: number, f: (i: number) => string): string[] =>
  Array.from({ length: n }, (_, i) => f(i));
const long = (i: number) => `member-${i}-${"x".repeat(70)}`;

/** name → [commands that build key "k", command that reads key K back]. */
const CASES: Record<string, [Argv[], (k: string) => Argv]> = {
  "short string": [[["SET", "k", "hello"]], (k) => ["GET", k]],
  "integer string": [[["SET", "k", "12345"]], (k) => ["GET", k]],
  "int64 string": [[["SET", "k", "-9223372036854775808"]], (k) => ["GET", k]],
  "compressible long string (LZF)": [[["SET", "k", "abc".repeat(400)]], (k) => ["GET", k]],
  "binary string": [[["SET", "k", Buffer.from([0, 255, 13, 10, 128, 1])]], (k) => ["GET", k]],
  "empty string": [[["SET", "k", ""]], (k) => ["GET", k]],
  "small list": [
    [["RPUSH", "k", "a", "1", "-5000", "70000", "b".repeat(100)]],
    (k) => ["LRANGE", k, "0", "-1"],
  ],
  "long list (several quicklist nodes)": [
    [["RPUSH", "k", ...range(3000, (i) => (i % 3 ? `item${i}` : String(i * 1000)))]],
    (k) => ["LRANGE", k, "0", "-1"],
  ],
  intset: [[["SADD", "k", "1", "-3", "70000", "9223372036854775807"]], (k) => ["SORT", k, "ALPHA"]],
  "hashtable set": [[["SADD", "k", "a", "b", "123"]], (k) => ["SORT", k, "ALPHA"]],
  "large set": [[["SADD", "k", ...range(600, String)]], (k) => ["SORT", k]],
  "listpack hash": [[["HSET", "k", "f1", "v1", "n", "42", "neg", "-7"]], (k) => ["HGETALL", k]],
  "hashtable hash": [
    [["HSET", "k", ...range(300, (i) => (i % 2 ? long(i) : `f${i}`))]],
    (k) => ["SORT", k, "ALPHA"],
  ],
  "listpack zset": [
    [["ZADD", "k", "1", "a", "2.5", "b", "-0.1", "c", "inf", "d", "1e300", "e"]],
    (k) => ["ZRANGE", k, "0", "-1", "WITHSCORES"],
  ],
  "skiplist zset": [
    [["ZADD", "k", ...range(400, (i) => (i % 2 ? long(i) : String(i / 7)))]],
    (k) => ["ZRANGE", k, "0", "-1", "WITHSCORES"],
  ],
};

describe.skipIf(!redisAvailable())("DUMP/RESTORE vs redis-server 7.0.15", () => {
  const oracle = useRedis();

  for (const [name, [build, read]] of Object.entries(CASES)) {
    it(`${name}: redis DUMP → our RESTORE → our DUMP → redis RESTORE`, async () => {
      await oracle.redis.command(["FLUSHALL"]);
      for (const c of build) await oracle.redis.command(c);
      const payload = bulkOf(await oracle.redis.command(["DUMP", "k"]));
      const ours = new EngineSession();
      expect(ours.command(["RESTORE", "k", "0", payload]).toString()).toBe("+OK\r\n");
      const want = (await oracle.redis.command(read("k"))).toString("latin1");
      expect(ours.command(read("k")).toString("latin1")).toBe(want);
      const back = bulkOf(ours.command(["DUMP", "k"]));
      expect((await oracle.redis.command(["RESTORE", "k2", "0", back])).toString()).toBe("+OK\r\n");
      expect((await oracle.redis.command(read("k2"))).toString("latin1")).toBe(want);
      // Same encoding on both sides after the round trip.
      const enc = await oracle.redis.command(["OBJECT", "ENCODING", "k2"]);
      expect(ours.command(["OBJECT", "ENCODING", "k"]).toString()).toBe(enc.toString());
    });
  }

  it("our DUMP equals redis-server's byte for byte (hash-table order aside)", async () => {
    // A hash table's order is Redis's dict order (a per-process random hash seed).
    const unordered = new Set(["hashtable set", "large set", "hashtable hash"]);
    for (const name of Object.keys(CASES).filter((n) => !unordered.has(n))) {
      const [build] = CASES[name]!;
      await oracle.redis.command(["FLUSHALL"]);
      const ours = new EngineSession();
      for (const c of build) {
        await oracle.redis.command(c);
        ours.command(c);
      }
      const theirs = (await oracle.redis.command(["DUMP", "k"])).toString("hex");
      expect(ours.command(["DUMP", "k"]).toString("hex"), name).toBe(theirs);
    }
  });

  it("errors and options as redis-server's", async () => {
    await oracle.redis.command(["FLUSHALL"]);
    const ours = new EngineSession();
    await oracle.redis.command(["SET", "s", "value"]);
    ours.command(["SET", "s", "value"]);
    const good = bulkOf(await oracle.redis.command(["DUMP", "s"]));
    const badCrc = Buffer.from(good);
    badCrc[badCrc.length - 1] ^= 1;
    const newer = Buffer.from(good);
    newer[newer.length - 10] = 11;
    const truncated = Buffer.concat([good.subarray(0, 1), good.subarray(good.length - 10)]);
    // A correct trailer on a body that is not a value.
    const script: Argv[] = [
      ["RESTORE", "s", "0", good],
      ["RESTORE", "n", "0", badCrc],
      ["RESTORE", "n", "0", newer],
      ["RESTORE", "n", "-1", good],
      ["RESTORE", "n", "x", good],
      ["RESTORE", "n", "0", good, "IDLETIME", "-1"],
      ["RESTORE", "n", "0", good, "FREQ", "256"],
      ["RESTORE", "n", "0", good, "IDLETIME", "1", "FREQ", "1"],
      ["RESTORE", "n", "0", good, "BOGUS"],
      ["RESTORE", "n", "0", "short"],
      ["RESTORE", "s", "0", good, "REPLACE"],
      ["RESTORE", "t", "100000", good],
      ["PTTL", "t"],
      ["RESTORE", "a", "1", good, "ABSTTL"],
      ["EXISTS", "a"],
      ["RESTORE", "i", "0", good, "IDLETIME", "1000"],
      ["OBJECT", "IDLETIME", "i"],
      ["DUMP", "nokey"],
      ["RESTORE", "n", "0", truncated],
    ];
    for (const argv of script) {
      const theirs = (await oracle.redis.command(argv)).toString("latin1");
      const mine = ours.command(argv).toString("latin1");
      if (argv[0] === "PTTL") {
        expect(Number(mine.slice(1)), "PTTL").toBeGreaterThan(99000);
        continue;
      }
      if (argv[1] === "IDLETIME") {
        expect(Number(mine.slice(1)), "IDLETIME").toBeGreaterThanOrEqual(999);
        continue;
      }
      expect(mine, argv.map(String).join(" ").slice(0, 60)).toBe(theirs);
    }
  });
});
