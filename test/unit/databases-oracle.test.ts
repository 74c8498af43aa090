// The 16 databases (issue 17) beside redis-server 7.0.15, byte for byte: SELECT, MOVE, SWAPDB,
// FLUSHDB/FLUSHALL, DBSIZE, INFO keyspace, and transactions across databases.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineSession, RawRedis, redisAvailable, runBoth } from "./support/engine-vs-redis.ts";

describe.skipIf(!redisAvailable())("databases vs redis-server", () => {
  let redis: RawRedis;
  beforeAll(async () => {
    redis = await RawRedis.start();
  });
  afterAll(() => redis.stop());

  const scripts: Record<string, string[][]> = {
    "SELECT range and arguments": [
      ["SELECT", "16"],
      ["SELECT", "-1"],
      ["SELECT", "abc"],
      ["SELECT", "4294967296"],
      ["SELECT", "2147483648"],
      ["SELECT", " 1"],
      ["SELECT", "15"],
      ["SELECT", "09"],
      ["SELECT", "9"],
      ["SET", "k", "nine"],
      ["DBSIZE"],
      ["SELECT", "0"],
      ["GET", "k"],
      ["DBSIZE"],
      ["SELECT", "9"],
      ["GET", "k"],
    ],
    MOVE: [
      ["SET", "a", "1"],
      ["MOVE", "a", "0"],
      ["MOVE", "a", "16"],
      ["MOVE", "a", "x"],
      ["MOVE", "nokey", "1"],
      ["PEXPIRE", "a", "100000"],
      ["MOVE", "a", "1"],
      ["EXISTS", "a"],
      ["SELECT", "1"],
      ["GET", "a"],
      ["TTL", "a"],
      ["SET", "b", "in1"],
      ["SELECT", "0"],
      ["SET", "b", "in0"],
      ["MOVE", "b", "1"],
      ["GET", "b"],
      ["RPUSH", "l", "x", "y"],
      ["MOVE", "l", "2"],
      ["SELECT", "2"],
      ["LRANGE", "l", "0", "-1"],
      ["TYPE", "l"],
    ],
    SWAPDB: [
      ["SWAPDB", "0", "x"],
      ["SWAPDB", "x", "0"],
      ["SWAPDB", "0", "16"],
      ["SWAPDB", "-1", "0"],
      ["SET", "k", "zero"],
      ["SELECT", "3"],
      ["SET", "k", "three"],
      ["SADD", "s", "m"],
      ["SWAPDB", "0", "3"],
      ["SMEMBERS", "s"],
      ["GET", "k"],
      ["SELECT", "0"],
      ["GET", "k"],
      ["DBSIZE"],
      ["SWAPDB", "0", "0"],
      ["SWAPDB", "0", "7"],
      ["DBSIZE"],
      ["SELECT", "7"],
      ["DBSIZE"],
    ],
    "FLUSHDB per database, FLUSHALL all": [
      ["SET", "a", "1"],
      ["SELECT", "5"],
      ["SET", "a", "5"],
      ["SET", "b", "5"],
      ["FLUSHDB"],
      ["DBSIZE"],
      ["SET", "c", "5"],
      ["SELECT", "0"],
      ["DBSIZE"],
      ["FLUSHALL"],
      ["DBSIZE"],
      ["SELECT", "5"],
      ["DBSIZE"],
    ],
    "INFO keyspace": [
      ["INFO", "keyspace"],
      ["SET", "a", "1"],
      ["SELECT", "9"],
      ["SET", "a", "1"],
      ["SET", "b", "1"],
      ["SELECT", "12"],
      ["HSET", "h", "f", "v"],
      ["INFO", "keyspace"],
      ["CONFIG", "GET", "databases"],
    ],
    "SELECT inside MULTI": [
      ["SET", "k", "0"],
      ["MULTI"],
      ["SELECT", "4"],
      ["SET", "k", "4"],
      ["SELECT", "99"],
      ["GET", "k"],
      ["EXEC"],
      ["GET", "k"],
      ["SELECT", "0"],
      ["GET", "k"],
    ],
    "WATCH keeps its database": [
      ["SET", "w", "0"],
      ["WATCH", "w"],
      ["SELECT", "1"],
      ["SET", "w", "1"],
      ["MULTI"],
      ["PING"],
      ["EXEC"],
      ["SELECT", "0"],
      ["WATCH", "w"],
      ["SELECT", "1"],
      ["MULTI"],
      ["PING"],
      ["SELECT", "0"],
      ["SET", "w", "changed"],
      ["EXEC"],
    ],
    "SWAPDB and MOVE touch watched keys": [
      ["SET", "w", "0"],
      ["WATCH", "w"],
      ["SWAPDB", "0", "1"],
      ["MULTI"],
      ["PING"],
      ["EXEC"],
      ["SELECT", "1"],
      ["WATCH", "w"],
      ["MOVE", "w", "0"],
      ["MULTI"],
      ["PING"],
      ["EXEC"],
      ["WATCH", "nothing"],
      ["SWAPDB", "1", "2"],
      ["MULTI"],
      ["PING"],
      ["EXEC"],
    ],
    "RESET goes back to database 0": [["SELECT", "3"], ["SET", "r", "3"], ["RESET"], ["GET", "r"]],
  };

  for (const [name, script] of Object.entries(scripts)) {
    for (const proto of [2, 3] as const) {
      it(`${name} (RESP${proto})`, async () => {
        for (const [cmd, ours, theirs] of await runBoth(redis, script, proto))
          expect(ours, cmd).toBe(theirs);
      });
    }
  }

  it("an unused database costs nothing until it is written", () => {
    const s = new EngineSession();
    s.command(["SELECT", "11"]);
    s.command(["GET", "x"]);
    expect(s.engine.dbs.all().length).toBe(2);
    expect(s.engine.dbs.usage).toBe(0);
  });
});
