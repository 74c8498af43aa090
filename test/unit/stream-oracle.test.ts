// Stream commands beside the blocking reads against redis-server 7.0.15, reply for reply in RESP2
// and RESP3: XSETID's checks in Redis's order, XAUTOCLAIM's COUNT (deleted entries use it up),
// XREADGROUP's consumer creation (only when something is served) and non-blocking XREAD.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawRedis, redisAvailable, runBoth, type Argv } from "./support/engine-vs-redis.ts";

const SCRIPTS: Record<string, Argv[]> = {
  xsetid: [
    ["XSETID", "stream", "1-1", "ENTRIESADDED", "-1", "MAXDELETEDID", "0-0"],
    ["XSETID", "stream", "1-1", "MAXDELETEDID", "2-2"],
    ["XSETID", "stream", "1-1", "ENTRIESADDED", "x"],
    ["XSETID", "stream", "1-1", "BOGUS", "1"],
    ["XSETID", "stream", "1-1"],
    ["XADD", "x", "1-0", "a", "b"],
    ["XADD", "x", "2-0", "a", "b"],
    ["XSETID", "x", "1-5"],
    ["XSETID", "x", "5-0", "ENTRIESADDED", "1"],
    ["XSETID", "x", "5-0", "ENTRIESADDED", "9", "MAXDELETEDID", "0-0"],
    ["XINFO", "STREAM", "x"],
    ["XDEL", "x", "1-0", "2-0"],
    ["XSETID", "x", "3-0", "ENTRIESADDED", "0", "MAXDELETEDID", "3-0"],
    ["XINFO", "STREAM", "x"],
  ],
  "xautoclaim count with deleted entries": [
    ["XADD", "x", "1-0", "f", "v"],
    ["XADD", "x", "2-0", "f", "v"],
    ["XADD", "x", "3-0", "f", "v"],
    ["XADD", "x", "4-0", "f", "v"],
    ["XGROUP", "CREATE", "x", "grp", "0"],
    ["XREADGROUP", "GROUP", "grp", "Alice", "STREAMS", "x", ">"],
    ["XDEL", "x", "1-0", "2-0"],
    ["XAUTOCLAIM", "x", "grp", "Bob", "0", "0-0", "COUNT", "1"],
    ["XINFO", "GROUPS", "x"],
    ["XAUTOCLAIM", "x", "grp", "Bob", "0", "2-0", "COUNT", "2"],
    ["XAUTOCLAIM", "x", "grp", "Bob", "0", "0-0", "COUNT", "1", "JUSTID"],
    ["XAUTOCLAIM", "x", "grp", "Carol", "999999", "0-0"],
    ["XINFO", "GROUPS", "x"],
    ["XPENDING", "x", "grp"],
  ],
  "approximate trims by whole nodes of stream-node-max-entries": [
    ["CONFIG", "SET", "stream-node-max-entries", "10"],
    ...Array.from({ length: 100 }, (_, j): Argv => ["XADD", "m", `${j + 1}-0`, "xitem", "v"]),
    ["XADD", "m", "MAXLEN", "~", "55", "LIMIT", "30", "101-0", "xitem", "v"],
    ["XLEN", "m"],
    ["XADD", "m", "MAXLEN", "~", "55", "LIMIT", "30", "102-0", "xitem", "v"],
    ["XLEN", "m"],
    ["XDEL", "m", "41-0", "45-0"],
    ["XTRIM", "m", "MINID", "~", "52-0"],
    ["XTRIM", "m", "MAXLEN", "~", "0", "LIMIT", "15"],
    ["XRANGE", "m", "-", "+", "COUNT", "2"],
    ["XLEN", "m"],
    ["XTRIM", "m", "MAXLEN", "~", "0"],
    ["XLEN", "m"],
    ["CONFIG", "SET", "stream-node-max-entries", "2"],
    ["XADD", "n", "1-0", "f", "v"],
    ["XADD", "n", "2-0", "f", "v"],
    ["XADD", "n", "3-0", "f", "v"],
    ["XTRIM", "n", "MAXLEN", "~", "0", "LIMIT", "1"],
    ["XTRIM", "n", "MAXLEN", "~", "0", "LIMIT", "2"],
    ["XADD", "n", "MAXLEN", "~", "0", "4-0", "f", "v"],
    ["XLEN", "n"],
    ["CONFIG", "SET", "stream-node-max-entries", "100"],
    ...Array.from({ length: 150 }, (_, j): Argv => ["XADD", "o", `${j + 1}-0`, "f", "v"]),
    ["XTRIM", "o", "MAXLEN", "~", "0"],
    ["XLEN", "o"],
  ],
  "xreadgroup creates its consumer only when it serves": [
    ["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"],
    ["XREADGROUP", "GROUP", "g", "newc", "STREAMS", "s", ">"],
    ["XINFO", "GROUPS", "s"],
    ["XREADGROUP", "GROUP", "g", "hist", "STREAMS", "s", "0"],
    ["XINFO", "GROUPS", "s"],
    ["XADD", "s", "1-1", "f", "v"],
    ["XREADGROUP", "GROUP", "g", "newc", "COUNT", "-3", "STREAMS", "s", "s", ">", ">"],
    ["XREADGROUP", "GROUP", "g", "newc", "NOACK", "STREAMS", "s", "0"],
    ["XREADGROUP", "GROUP", "g", "newc", "STREAMS", "s", "nokey", ">", ">"],
    ["SET", "str", "x"],
    ["XREADGROUP", "GROUP", "g", "newc", "STREAMS", "s", "str", ">", ">"],
    ["XREAD", "STREAMS", "s", "str", "0", "0"],
    ["XREAD", "STREAMS", "s", "nokey", "0", "bad"],
    ["XREAD", "COUNT", "0", "STREAMS", "s", "nokey", "0", "0"],
    ["XREAD", "BLOCK", "0", "STREAMS", "s", "0"],
    ["XREAD", "COUNT", "1", "STREAMS", "s"],
    ["XREAD", "COUNT", "1", "STREAMS"],
  ],
};

describe.skipIf(!redisAvailable())("stream commands vs redis-server 7.0.15", () => {
  let redis: RawRedis;
  beforeAll(async () => {
    redis = await RawRedis.start();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  for (const proto of [2, 3] as const) {
    for (const [name, script] of Object.entries(SCRIPTS)) {
      it(`${name} (RESP${proto})`, async () => {
        for (const [cmd, ours, theirs] of await runBoth(redis, script, proto))
          expect(`${cmd} → ${ours}`).toBe(`${cmd} → ${theirs}`);
      });
    }
  }
});
