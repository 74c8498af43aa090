// Keys really spread over the shards (issue 7), hash tags keep keys together, and each shard
// holds only its own keys.

import { describe, expect, it } from "vitest";
import { shardOfKey } from "../../src/worker/shard-map.ts";
import { blinkHttp } from "../worker/support/client.ts";
import { SHARDS, keysPerShard, onShard, upstash } from "./support.ts";

/** Fewest and most keys a shard may get out of 10k over 16 (625 expected; ±6 standard deviations). */
const MIN_PER_SHARD = 480;
const MAX_PER_SHARD = 770;

describe("distribution", () => {
  it("spreads 10k keys over all 16 shards evenly, each key on the shard of its slot", async () => {
    const ns = "spread";
    // 1,000 lines per request: the per-request command limit (README, Limits).
    for (let from = 0; from < 10_000; from += 1000) {
      const lines = Array.from({ length: 1000 }, (_, i) => `SET user:${from + i} v${from + i}\n`);
      expect(await blinkHttp(lines.join(""), `/db/${ns}/blink`)).toBe("OK\n".repeat(1000));
    }
    const counts = await keysPerShard(ns);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10_000);
    for (const c of counts) {
      expect(c).toBeGreaterThanOrEqual(MIN_PER_SHARD);
      expect(c).toBeLessThanOrEqual(MAX_PER_SHARD);
    }
    console.log(
      `[distribution] 10k keys over 16 shards: min ${Math.min(...counts)}, max ${Math.max(...counts)}`,
    );
    for (const shard of [0, 7, 15]) {
      const keys = await onShard(ns, shard, (e) => [...e.store.map.keys()]);
      for (const k of keys) expect(shardOfKey(k, SHARDS)).toBe(shard);
    }
    expect(await upstash(ns, "/", ["DBSIZE"])).toMatchObject({
      status: 200,
      text: '{"result":10000}',
    });
  });

  it("keeps keys with one hash tag on one shard", async () => {
    const ns = "tags";
    const cmds = Array.from({ length: 200 }, (_, i) => ["SET", `{user:42}:field${i}`, "x"]);
    expect((await upstash(ns, "/pipeline", cmds)).status).toBe(200);
    const counts = await keysPerShard(ns);
    expect(counts.filter((c) => c > 0)).toEqual([200]);
    expect(counts.indexOf(200)).toBe(shardOfKey("user:42", SHARDS));
  });
});
