// XREAD and XREADGROUP with BLOCK (issue 16): clients wait for new entries and are served by the
// write that adds them, as redis-server 7.0.15 serves them. Each scenario runs on the engine
// (recording sinks) and, when it is installed, on a real redis-server, byte for byte.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOnEngine, runOnRedis } from "./support/multi-client.ts";
import type { Step } from "./support/multi-client.ts";
import { oracleAvailable } from "./support/redis-oracle.ts";
import { startRedisServer } from "./support/redis-server.ts";
import type { StartedRedis } from "./support/redis-server.ts";

const SCENARIOS: Record<string, Step[]> = {
  "XREAD BLOCK $ is served by an XADD to one of its streams, from that stream only": [
    ["b", "XADD", "s2", "1-1", "old", "x"],
    ["a", "XREAD", "BLOCK", "0", "STREAMS", "s1", "s2", "s3", "$", "$", "$"],
    ["b", "XADD", "s2", "2-1", "new", "y"],
    ["b", "XADD", "s1", "3-1", "later", "z"],
  ],
  "XREAD BLOCK with an old id answers at once": [
    ["b", "XADD", "s2", "1-1", "old", "x"],
    ["a", "XREAD", "BLOCK", "0", "STREAMS", "s1", "s2", "s3", "$", "0-0", "$"],
  ],
  "XREAD BLOCK times out with a null array": [
    ["a", "XREAD", "BLOCK", "100", "STREAMS", "s", "$"],
    { wait: 150 },
    ["b", "XADD", "s", "1-1", "f", "v"],
  ],
  "XREAD BLOCK waits on a missing key; XADD creates it": [
    ["a", "XREAD", "BLOCK", "0", "STREAMS", "nokey", "0"],
    ["b", "XADD", "nokey", "5-5", "f", "v"],
  ],
  "several XADDs in a transaction are delivered together; COUNT caps them": [
    ["a", "XREAD", "BLOCK", "0", "STREAMS", "s", "s", "$", "$"],
    ["c", "XREAD", "COUNT", "2", "BLOCK", "0", "STREAMS", "s", "$"],
    ["b", "MULTI"],
    ["b", "XADD", "s", "1-1", "f", "one"],
    ["b", "XADD", "s", "1-2", "f", "two"],
    ["b", "XADD", "s", "1-3", "f", "three"],
    ["b", "EXEC"],
  ],
  "a transaction writing two waited streams serves the first only": [
    ["a", "XREAD", "BLOCK", "0", "STREAMS", "x", "y", "$", "$"],
    ["b", "MULTI"],
    ["b", "XADD", "y", "1-1", "f", "y"],
    ["b", "XADD", "x", "1-1", "f", "x"],
    ["b", "EXEC"],
  ],
  "XADD then XDEL in a transaction: the top moved, so an empty list is served": [
    ["b", "XADD", "s", "1-1", "f", "v"],
    ["a", "XREAD", "BLOCK", "0", "STREAMS", "s", "$"],
    ["b", "MULTI"],
    ["b", "XADD", "s", "2-1", "f", "v"],
    ["b", "XDEL", "s", "2-1"],
    ["b", "EXEC"],
  ],
  "XADD + DEL, XADD + DEL + LPUSH do not wake XREAD; a later XADD does": [
    ["a", "XREAD", "BLOCK", "0", "STREAMS", "s1", "$"],
    ["b", "MULTI"],
    ["b", "XADD", "s1", "1-1", "old", "x"],
    ["b", "DEL", "s1"],
    ["b", "LPUSH", "s1", "foo"],
    ["b", "EXEC"],
    ["b", "RPUSH", "s1", "bar"],
    ["b", "DEL", "s1"],
    ["b", "XADD", "s1", "2-1", "new", "y"],
  ],
  "XREAD: the key deleted or set to a string keeps the client waiting": [
    ["b", "XADD", "s", "666", "f", "v"],
    ["a", "XREAD", "BLOCK", "0", "STREAMS", "s", "$"],
    ["b", "SET", "s", "val1"],
    ["b", "DEL", "s"],
    ["b", "XADD", "s", "667", "f", "v"],
  ],
  "a stream that ran dry: an id below the top waits for a newer entry": [
    ["b", "XADD", "s", "666", "key", "value"],
    ["b", "XDEL", "s", "666"],
    ["a", "XREAD", "BLOCK", "50", "STREAMS", "s", "665"],
    { wait: 80 },
    ["a", "XREAD", "BLOCK", "0", "STREAMS", "s", "665"],
    ["b", "XADD", "s", "667", "key", "value"],
  ],
  "XREAD BLOCK inside MULTI answers a null array at once": [
    ["a", "MULTI"],
    ["a", "XREAD", "BLOCK", "0", "STREAMS", "s", "$"],
    ["a", "EXEC"],
  ],
  "BLOCK argument errors": [
    ["a", "XREAD", "BLOCK", "-1", "STREAMS", "s", "$"],
    ["a", "XREAD", "BLOCK", "1.5", "STREAMS", "s", "$"],
    ["a", "XREAD", "BLOCK", "007", "STREAMS", "s", "$"],
    ["a", "XREAD", "GROUP", "g", "c", "STREAMS", "s", "$"],
    ["a", "XREAD", "NOACK", "STREAMS", "s", "$"],
    ["a", "XREAD", "STREAMS", "s", ">"],
    ["a", "XREAD", "COUNT", "1", "STREAMS", "s", "t", "$"],
    ["a", "XREADGROUP", "COUNT", "1", "STREAMS", "s", "$"],
    ["a", "XREADGROUP", "GROUP", "g", "c", "BLOCK", "-5", "STREAMS", "s", ">"],
    ["a", "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"],
    ["a", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"],
    ["a", "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$"],
    ["a", "EVAL", "return redis.call('xread','BLOCK','0','STREAMS','s','0')", "0"],
  ],
  "XREADGROUP BLOCK > is served by XADD: PEL, group and consumer follow": [
    ["b", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"],
    ["a", "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">"],
    ["b", "XINFO", "GROUPS", "s"],
    ["b", "XADD", "s", "1-1", "f", "v"],
    ["b", "XPENDING", "s", "g"],
    ["b", "XINFO", "GROUPS", "s"],
  ],
  "XREADGROUP NOACK: served without a pending entry": [
    ["b", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"],
    ["a", "XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "NOACK", "STREAMS", "s", ">"],
    ["b", "XADD", "s", "1-1", "f", "v"],
    ["b", "XPENDING", "s", "g"],
    ["b", "XINFO", "GROUPS", "s"],
  ],
  "two consumers of a group wait; each XADD serves the first still waiting": [
    ["c", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"],
    ["a", "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">"],
    ["b", "XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "STREAMS", "s", ">"],
    ["c", "XADD", "s", "1-1", "f", "1"],
    ["c", "XADD", "s", "1-2", "f", "2"],
    ["c", "XPENDING", "s", "g"],
  ],
  "Blocking XREADGROUP will not reply with an empty array": [
    ["b", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"],
    ["b", "XADD", "s", "666", "f", "v"],
    ["b", "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "10", "STREAMS", "s", ">"],
    ["b", "XADD", "s", "667", "f2", "v2"],
    ["b", "XDEL", "s", "667"],
    ["a", "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "200", "STREAMS", "s", ">"],
    { wait: 250 },
  ],
  "XREADGROUP with a history id ignores BLOCK": [
    ["b", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"],
    ["a", "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", "0"],
  ],
  "XREADGROUP: key deleted answers UNBLOCKED": [
    ["b", "XADD", "s", "666", "f", "v"],
    ["b", "XGROUP", "CREATE", "s", "g", "$"],
    ["a", "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">"],
    ["b", "DEL", "s"],
  ],
  "XREADGROUP: key set to a string answers UNBLOCKED": [
    ["b", "XADD", "s", "666", "f", "v"],
    ["b", "XGROUP", "CREATE", "s", "g", "$"],
    ["a", "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">"],
    ["b", "SET", "s", "val1"],
  ],
  "XREADGROUP: key replaced by a set in a transaction answers UNBLOCKED": [
    ["b", "XADD", "s", "666", "f", "v"],
    ["b", "XGROUP", "CREATE", "s", "g", "$"],
    ["a", "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">"],
    ["b", "MULTI"],
    ["b", "DEL", "s"],
    ["b", "SADD", "s", "e1"],
    ["b", "EXEC"],
  ],
  "XREADGROUP: FLUSHALL answers UNBLOCKED": [
    ["b", "XADD", "s", "666", "f", "v"],
    ["b", "XGROUP", "CREATE", "s", "g", "$"],
    ["a", "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">"],
    ["b", "FLUSHALL"],
  ],
  "XREADGROUP: SWAPDB with a database without the key answers UNBLOCKED": [
    ["b", "SELECT", "9"],
    ["b", "XADD", "s", "666", "f", "v"],
    ["b", "XGROUP", "CREATE", "s", "g", "$"],
    ["b", "SELECT", "4"],
    ["b", "LPUSH", "l", "x"],
    ["a", "SELECT", "9"],
    ["a", "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">"],
    ["b", "SWAPDB", "4", "9"],
  ],
  "XREADGROUP: SWAPDB with a database where the key is a list answers UNBLOCKED": [
    ["b", "SELECT", "4"],
    ["b", "LPUSH", "s", "e1"],
    ["b", "SELECT", "9"],
    ["b", "XADD", "s", "666", "f", "v"],
    ["b", "XGROUP", "CREATE", "s", "g", "$"],
    ["a", "SELECT", "9"],
    ["a", "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">"],
    ["b", "SWAPDB", "4", "9"],
  ],
  "XREADGROUP: XGROUP DESTROY answers NOGROUP": [
    ["b", "CONFIG", "RESETSTAT"],
    ["b", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"],
    ["a", "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">"],
    ["b", "XGROUP", "DESTROY", "s", "g"],
    ["b", "INFO", "errorstats"],
  ],
  "XREADGROUP: DEL + XADD in a transaction answers NOGROUP": [
    ["b", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"],
    ["a", "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">"],
    ["b", "MULTI"],
    ["b", "DEL", "s"],
    ["b", "XADD", "s", "1-1", "f", "v"],
    ["b", "EXEC"],
  ],
  "RENAME of a stream with the group onto the waited key serves its entries": [
    ["b", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"],
    ["a", "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">"],
    ["b", "XGROUP", "CREATE", "s2", "g", "$", "MKSTREAM"],
    ["b", "XADD", "s2", "100", "f1", "v1"],
    ["b", "RENAME", "s2", "s"],
  ],
  "RENAME of a stream without the group onto the waited key answers NOGROUP": [
    ["b", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"],
    ["a", "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">"],
    ["b", "XADD", "s2", "100", "f1", "v1"],
    ["b", "RENAME", "s2", "s"],
  ],
  "stream waiters ignore lists; list waiters ignore streams": [
    ["a", "XREAD", "BLOCK", "0", "STREAMS", "k", "$"],
    ["c", "BLPOP", "k", "0"],
    ["b", "RPUSH", "k", "x"],
    ["b", "XADD", "k2", "1-1", "f", "v"],
    ["b", "DEL", "k"],
    ["b", "XADD", "k", "1-1", "f", "v"],
  ],
};

let redis: StartedRedis | undefined;
beforeAll(async () => {
  if (oracleAvailable()) redis = await startRedisServer(["--maxmemory", "256mb"]);
}, 20_000);
afterAll(() => {
  redis?.sock.destroy();
  redis?.proc.kill();
});

for (const proto of [2, 3] as const) {
  describe(`blocking stream reads, RESP${proto}, against redis-server`, () => {
    for (const [name, steps] of Object.entries(SCENARIOS)) {
      it.skipIf(!oracleAvailable())(name, async () => {
        const ours = runOnEngine(steps, proto);
        const theirs = await runOnRedis(redis!.port, steps, proto, ours.receivers);
        expect(ours.lines).toEqual(theirs);
      });
    }
  });
}
