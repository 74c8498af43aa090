// The memory limit of a sharded namespace (spec §3.8): every shard holds its share of the
// namespace's maxmemory — of MEMORY_LIMIT_BYTES (64 MiB in this project) until CONFIG SET, then of
// the configured value — so the namespace total always holds; CONFIG GET and INFO report the total.

import { describe, expect, it } from "vitest";
import { keysPerShard, onShard, redisWs, SHARDS, upstash } from "./support.ts";

const TOTAL = 64 * 1024 * 1024;
const result = async (ns: string, cmd: string[]) =>
  JSON.parse((await upstash(ns, "/", cmd)).text).result;

describe("memory limit over shards", () => {
  it("gives each shard its share of MEMORY_LIMIT_BYTES and reports the total", async () => {
    expect(await result("mem1", ["CONFIG", "GET", "maxmemory"])).toEqual([
      "maxmemory",
      String(TOTAL),
    ]);
    for (const shard of [0, 9, 15])
      expect(await onShard("mem1", shard, (e) => e.config.maxmemory)).toBe(TOTAL / SHARDS);
    expect(await result("four", ["CONFIG", "GET", "maxmemory"])).toEqual([
      "maxmemory",
      String(TOTAL),
    ]);
    expect(await onShard("four", 3, (e) => e.config.maxmemory)).toBe(TOTAL / 4);
  });

  it("evicts within each shard's share so the namespace never exceeds its total", async () => {
    const ns = "mem2";
    const limit = 16_000;
    expect(
      await redisWs(
        ns,
        ["CONFIG", "SET", "maxmemory", String(limit), "maxmemory-policy", "allkeys-lru"],
        ["CONFIG", "GET", "maxmemory"],
      ),
    ).toBe(`+OK\r\n*2\r\n$9\r\nmaxmemory\r\n$5\r\n${limit}\r\n`);
    const value = "x".repeat(90);
    for (let round = 0; round < 4; round++) {
      const cmds = Array.from({ length: 100 }, (_, i) => ["SET", `m:${round}:${i}`, value]);
      expect((await upstash(ns, "/pipeline", cmds)).text).not.toContain("error");
      const info = await redisWs(ns, ["INFO", "memory", "stats"]);
      expect(Number(/used_memory:(\d+)/.exec(info)![1])).toBeLessThanOrEqual(limit);
      expect(/maxmemory:(\d+)/.exec(info)![1]).toBe(String(limit));
    }
    const info = await redisWs(ns, ["INFO", "stats"]);
    expect(Number(/evicted_keys:(\d+)/.exec(info)![1])).toBeGreaterThan(0);
    const usages = await Promise.all(
      Array.from({ length: SHARDS }, (_, i) =>
        onShard(ns, i, (e) => [e.store.usage, e.config.maxmemory]),
      ),
    );
    for (const [usage, max] of usages) {
      expect(max).toBe(limit / SHARDS);
      expect(usage).toBeLessThanOrEqual(max!);
    }
    expect((await keysPerShard(ns)).every((n) => n > 0)).toBe(true);
  });

  it("refuses a write its shard has no room for under noeviction (OOM), changing nothing", async () => {
    const ns = "mem3";
    await redisWs(ns, [
      "CONFIG",
      "SET",
      "maxmemory",
      String(16 * 200),
      "maxmemory-policy",
      "noeviction",
    ]);
    const r = await redisWs(
      ns,
      ["SET", "{a}1", "x".repeat(150)],
      ["SET", "{a}2", "x".repeat(150)],
      ["EXISTS", "{a}1", "{a}2"],
    );
    expect(r).toBe("+OK\r\n-OOM command not allowed when used memory > 'maxmemory'.\r\n:1\r\n");
  });
});
