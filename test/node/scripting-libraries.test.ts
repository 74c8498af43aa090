// Libraries that ship Lua, unchanged, against a locally started Worker (issue 15):
// @upstash/ratelimit over the Upstash REST door (all three algorithms: limit, getRemaining,
// resetUsedTokens; it sends EVALSHA and falls back to EVAL on NOSCRIPT), and ioredis
// defineCommand through the shim (EVALSHA, then EVAL after NOSCRIPT).

import { Ratelimit } from "@upstash/ratelimit";
import { Redis as UpstashRedis } from "@upstash/redis";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshNamespace, startTestShim, sharedTestWorker } from "./support/shim-harness.ts";
import type { TestWorker } from "./support/shim-harness.ts";
import type { TestShim } from "./support/shim-harness.ts";

let worker: TestWorker;
beforeAll(async () => {
  worker = await sharedTestWorker();
});
afterAll(async () => {
  await worker?.dispose();
});

function upstash(ns: string): UpstashRedis {
  return new UpstashRedis({
    url: new URL(`/db/${ns}`, worker.url).href,
    token: "anonymous",
    enableTelemetry: false,
  });
}

describe("@upstash/ratelimit over the REST door", () => {
  const algorithms = {
    slidingWindow: () => Ratelimit.slidingWindow(3, "10 s"),
    fixedWindow: () => Ratelimit.fixedWindow(3, "10 s"),
    tokenBucket: () => Ratelimit.tokenBucket(1, "10 s", 3),
  };
  for (const [name, limiter] of Object.entries(algorithms)) {
    it(`${name}: limit, getRemaining, resetUsedTokens`, async () => {
      const ratelimit = new Ratelimit({
        redis: upstash(freshNamespace("rl")),
        limiter: limiter(),
        prefix: `rl-${name}`,
        analytics: false,
        enableProtection: false,
      });
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await ratelimit.limit("user-1"));
      expect(results.map((r) => r.success)).toEqual([true, true, true, false]);
      expect(results[0]!.limit).toBe(3);
      expect(results[0]!.remaining).toBe(2);
      expect(results[2]!.remaining).toBe(0);
      const remaining = await ratelimit.getRemaining("user-1");
      expect(remaining.remaining).toBe(0);
      // another identifier is independent
      expect((await ratelimit.limit("user-2")).success).toBe(true);
      await ratelimit.resetUsedTokens("user-1");
      expect((await ratelimit.getRemaining("user-1")).remaining).toBe(3);
      expect((await ratelimit.limit("user-1")).success).toBe(true);
    });
  }
});

describe("ioredis defineCommand through the shim", () => {
  let shim: TestShim;
  beforeAll(async () => {
    shim = await startTestShim(worker.url.href, {
      namespace: freshNamespace("lua"),
      dialects: ["redis"],
    });
  });
  afterAll(async () => {
    await shim?.close();
  });

  for (const protocol of [2, 3] as const) {
    it(`runs a custom command (RESP${protocol})`, async () => {
      const r = new Redis({
        port: shim.port("redis"),
        host: "127.0.0.1",
        protocol,
        lazyConnect: true,
      });
      await r.connect();
      try {
        r.defineCommand("incrCapped", {
          numberOfKeys: 1,
          lua: `local v = tonumber(redis.call('GET', KEYS[1]) or '0')
if v >= tonumber(ARGV[1]) then return redis.error_reply('CAPPED at ' .. v) end
return redis.call('INCR', KEYS[1])`,
        });
        const rr = r as Redis & { incrCapped(key: string, cap: number): Promise<number> };
        const key = `cap-${protocol}`;
        await r.script("FLUSH");
        expect(await rr.incrCapped(key, 2)).toBe(1);
        expect(await rr.incrCapped(key, 2)).toBe(2);
        await expect(rr.incrCapped(key, 2)).rejects.toThrow("CAPPED at 2");
        const pipe = r.pipeline() as unknown as {
          incrCapped(k: string, cap: number): unknown;
          exec(): Promise<[Error | null, unknown][]>;
        };
        pipe.incrCapped(`${key}-p`, 5);
        pipe.incrCapped(`${key}-p`, 5);
        expect((await pipe.exec()).map(([, v]) => v)).toEqual([1, 2]);
        expect(await r.eval("return {KEYS[1], ARGV[1], 3.5}", 1, "k", "a")).toEqual(["k", "a", 3]);
      } finally {
        r.disconnect();
      }
    });
  }
});
