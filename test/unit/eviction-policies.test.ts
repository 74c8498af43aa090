// Memory limit defaults and Redis's eviction policies (issue 13 items 6-7, spec §3.8): noeviction
// by default as Redis, the Blink-Store behaviour one setting away, the volatile-*, LFU and random
// policies, and INFO's human-readable fields beside redis-server 7.0.15.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesToHuman } from "../../src/engine/memory-text.ts";
import { Engine } from "../../src/engine/engine.ts";
import { COMMANDS } from "../../src/engine/commands/index.ts";
import { encodeBlinkReply } from "../../src/protocols/blink.ts";
import { encodeResp } from "../../src/protocols/resp/resp-encode.ts";
import { EVICTION_POLICIES, EVICTION_POLICY, MEMORY_LIMIT_BYTES } from "../../src/limits.ts";
import { engineSettings } from "../../src/worker/env.ts";
import type { Env } from "../../src/worker/env.ts";
import { limitShare } from "../../src/worker/shard-map.ts";
import type { EvictionPolicy } from "../../src/limits.ts";
import { Harness } from "./support/engine-harness.ts";
import { RedisOracle, oracleAvailable } from "./support/redis-oracle.ts";

const blink = (h: Harness, line: string) => encodeBlinkReply(h.run("blink", ...line.split(" ")));
const redis = (h: Harness, ...argv: string[]) =>
  new TextDecoder().decode(encodeResp([h.run("redis", ...argv)], 2));
const OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
const keys = (h: Harness) => [...h.engine.store.map.keys()].sort();

describe("defaults", () => {
  it("is noeviction, as Redis: a write past maxmemory answers OOM and changes nothing", () => {
    expect(EVICTION_POLICY).toBe("noeviction");
    const h = new Harness({ config: { maxmemory: 10 } });
    expect(redis(h, "CONFIG", "GET", "maxmemory-policy")).toBe(
      "*2\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n",
    );
    expect(redis(h, "SET", "a", "111")).toBe("+OK\r\n");
    expect(redis(h, "SET", "b", "222")).toBe("+OK\r\n");
    expect(redis(h, "SET", "c", "333")).toBe(OOM);
    expect(blink(h, "SET c 333")).toBe("ERROR storage is at capacity and eviction failed\n");
    expect(keys(h)).toEqual(["a", "b"]);
    expect(redis(h, "DEL", "a")).toBe(":1\r\n"); // freeing memory is always allowed
    expect(redis(h, "SET", "c", "333")).toBe("+OK\r\n");
  });

  it("Blink-Store's behaviour is one setting away: allkeys-lru evicts the least recent", () => {
    const h = new Harness({ config: { maxmemory: 10 } });
    expect(redis(h, "CONFIG", "SET", "maxmemory-policy", "allkeys-lru")).toBe("+OK\r\n");
    blink(h, "SET a 111");
    blink(h, "SET b 222");
    blink(h, "GET a");
    expect(blink(h, "SET c 333")).toBe("OK\n");
    expect(keys(h)).toEqual(["a", "c"]);
  });

  it("guards each object: a sharded namespace's default is the guard times its shards", () => {
    const env = {} as Env;
    expect(MEMORY_LIMIT_BYTES).toBe(64 * 1024 * 1024);
    expect(engineSettings(env)).toMatchObject({
      maxmemory: MEMORY_LIMIT_BYTES,
      policy: "noeviction",
    });
    const total = engineSettings(env, 16).maxmemory!;
    for (const shard of [0, 7, 15]) expect(limitShare(total, shard, 16)).toBe(MEMORY_LIMIT_BYTES);
    // A configured MEMORY_LIMIT_BYTES is the namespace's total, shared by its shards.
    const set = { MEMORY_LIMIT_BYTES: "1048576", EVICTION_POLICY: "allkeys-lru" } as Env;
    expect(engineSettings(set, 16)).toMatchObject({ maxmemory: 1048576, policy: "allkeys-lru" });
    expect(() => engineSettings({ EVICTION_POLICY: "lru" } as Env)).toThrow(/EVICTION_POLICY/);
  });

  it("reports maxmemory and its human form in INFO memory", () => {
    const h = new Harness({ config: { maxmemory: 64 * 1024 * 1024 } });
    blink(h, "SET a 111");
    const info = (h.run("redis", "INFO", "memory") as { v: string }).v;
    expect(info).toMatch(/^# Memory\r\nused_memory:4\r\nused_memory_human:4B\r\n/);
    expect(info).toContain(
      "\r\nmaxmemory:67108864\r\nmaxmemory_human:64.00M\r\nmaxmemory_policy:noeviction\r\n",
    );
  });
});

describe("policies", () => {
  const withPolicy = (policy: EvictionPolicy, maxmemory: number) =>
    new Harness({ persist: true, config: { maxmemory, policy } });

  it("volatile-lru evicts only keys with a TTL, least recent first; none left → OOM", () => {
    const h = withPolicy("volatile-lru", 16);
    redis(h, "SET", "p", "111"); // no TTL: never evicted
    redis(h, "SET", "v1", "11", "EX", "100");
    redis(h, "SET", "v2", "22", "EX", "100");
    redis(h, "GET", "v1");
    expect(redis(h, "SET", "n", "333")).toBe("+OK\r\n"); // 4 + 4 + 4 + 4 = 16
    expect(redis(h, "SET", "m", "1")).toBe("+OK\r\n"); // evicts v2, the least recent volatile key
    expect(keys(h)).toEqual(["m", "n", "p", "v1"]);
    expect(redis(h, "SET", "o", "1234")).toBe("+OK\r\n"); // evicts v1
    expect(keys(h)).toEqual(["m", "n", "o", "p"]);
    expect(redis(h, "SET", "q", "1234")).toBe(OOM); // nothing volatile is left
    expect(keys(h)).toEqual(["m", "n", "o", "p"]);
    h.restart();
    expect(keys(h)).toEqual(["m", "n", "o", "p"]);
  });

  it("volatile-ttl evicts the key closest to expiry", () => {
    const h = withPolicy("volatile-ttl", 11); // 3 bytes a key
    redis(h, "SET", "a", "11", "EX", "300");
    redis(h, "SET", "b", "11", "EX", "100");
    redis(h, "SET", "c", "11", "EX", "200");
    expect(redis(h, "SET", "d", "11")).toBe("+OK\r\n");
    expect(keys(h)).toEqual(["a", "c", "d"]);
  });

  it("allkeys-lfu keeps a frequently read key and evicts a cold one", () => {
    const h = withPolicy("allkeys-lfu", 12);
    redis(h, "SET", "hot", "1"); // 4
    for (let i = 0; i < 50; i++) redis(h, "GET", "hot");
    redis(h, "SET", "cold", "1"); // 5
    expect(redis(h, "SET", "new", "123")).toBe("+OK\r\n"); // 6: 15 > 12
    expect(keys(h)).toEqual(["hot", "new"]);
    expect(h.engine.store.stats.evicted).toBe(1);
  });

  it("volatile-lfu ranks only keys with a TTL", () => {
    const h = withPolicy("volatile-lfu", 9); // p 2, hot 4, v 2, w 2
    redis(h, "SET", "p", "1"); // never read, but has no TTL
    redis(h, "SET", "hot", "1", "EX", "100");
    for (let i = 0; i < 50; i++) redis(h, "GET", "hot");
    redis(h, "SET", "v", "1", "EX", "100");
    expect(redis(h, "SET", "w", "1")).toBe("+OK\r\n");
    expect(keys(h)).toEqual(["hot", "p", "w"]);
  });

  it.each(["allkeys-random", "volatile-random"] as const)(
    "%s evicts until the write fits, never the written key",
    (policy) => {
      const h = withPolicy(policy, 200);
      for (let i = 0; i < 40; i++) redis(h, "SET", `k${i}`, "1", "EX", "100");
      expect(redis(h, "SET", "big", "x".repeat(100))).toBe("+OK\r\n");
      expect(h.engine.store.usage).toBeLessThanOrEqual(200);
      expect(h.engine.store.get("big")).toBeDefined();
      expect(h.engine.store.stats.evicted).toBeGreaterThan(0);
    },
  );

  it("lowering maxmemory evicts at once under every evicting policy, never under noeviction", () => {
    for (const policy of EVICTION_POLICIES) {
      const h = withPolicy(policy, 0);
      for (let i = 0; i < 10; i++) redis(h, "SET", `k${i}`, "1", "EX", "100"); // 3 bytes each
      redis(h, "CONFIG", "SET", "maxmemory", "15");
      expect(h.engine.store.usage, policy).toBe(policy === "noeviction" ? 30 : 15);
    }
  });

  it("CONFIG SET maxmemory-policy takes Redis's names and persists them", () => {
    const h = withPolicy("noeviction", 0);
    for (const p of EVICTION_POLICIES) {
      expect(redis(h, "CONFIG", "SET", "maxmemory-policy", p.toUpperCase())).toBe("+OK\r\n");
      expect(h.engine.config.policy).toBe(p);
    }
    redis(h, "CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
    h.restart();
    expect(h.engine.config.policy).toBe("allkeys-lfu");
  });

  it("an engine without settings has no limit and noeviction", () => {
    const e = new Engine(COMMANDS, "x");
    expect(e.config).toEqual({ maxmemory: 0, policy: "noeviction" });
  });
});

describe.skipIf(!oracleAvailable())("against redis-server 7.0.15", () => {
  let oracle: RedisOracle;
  beforeAll(async () => {
    oracle = await RedisOracle.start();
  });
  afterAll(() => oracle?.stop());

  it("maxmemory_human matches for sizes around every unit and rounding tie", async () => {
    const sizes = [0, 1, 1023, 1024, 1025, 1152, 1160, 100000, 1048575, 1048576, 67108864];
    for (let p = 20; p <= 42; p++) sizes.push(2 ** p - 1, 2 ** p + 5 * 2 ** (p - 13));
    for (const n of sizes) {
      await oracle.call("CONFIG", "SET", "maxmemory", String(n));
      const info = String(await oracle.call("INFO", "memory"));
      const theirs = /maxmemory_human:(\S+)/.exec(info)![1];
      expect(bytesToHuman(n), String(n)).toBe(theirs);
    }
    await oracle.call("CONFIG", "SET", "maxmemory", "0");
  });

  it("the policy names and the refusal of a bad one are Redis's", async () => {
    const h = new Harness();
    for (const p of EVICTION_POLICIES) {
      expect(String(await oracle.call("CONFIG", "SET", "maxmemory-policy", p))).toBe("OK");
    }
    const theirs = (await oracle.call("CONFIG", "SET", "maxmemory-policy", "lru")) as {
      message: string;
    };
    expect(redis(h, "CONFIG", "SET", "maxmemory-policy", "lru")).toBe(`-${theirs.message}\r\n`);
    await oracle.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
  });
});
