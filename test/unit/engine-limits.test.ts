// Usage accounting, the memory limit and strict LRU eviction (spec §3.7-3.8), including
// Blink-Store's own engine tests and benchmark check (originals.md §1.6-1.7).

import { describe, expect, it } from "vitest";
import { encodeBlinkReply } from "../../src/protocols/blink.ts";
import { Harness } from "./support/engine-harness.ts";

const blink = (h: Harness, line: string) => encodeBlinkReply(h.run("blink", ...line.split(" ")));

describe("usage (Blink-Store's engine tests)", () => {
  it("counts key bytes + value bytes", () => {
    const h = new Harness();
    blink(h, "SET a xx");
    expect(blink(h, "USAGE")).toBe("USAGE 3\n");
    blink(h, "SET ab y");
    expect(blink(h, "USAGE")).toBe("USAGE 6\n");
    blink(h, "DEL a");
    expect(blink(h, "USAGE")).toBe("USAGE 3\n");
    const k = new Harness();
    blink(k, "SET k aaa");
    blink(k, "SET k bb");
    expect(blink(k, "USAGE")).toBe("USAGE 3\n");
    const u = new Harness();
    blink(u, "SET user alice");
    expect(blink(u, "USAGE")).toBe("USAGE 9\n");
  });
});

describe("memory limit", () => {
  it("evicts the least recently used key under allkeys-lru, and GET hits refresh", () => {
    const h = new Harness({ config: { maxmemory: 10, policy: "allkeys-lru" } });
    blink(h, "SET a 111"); // 4
    blink(h, "SET b 222"); // 8
    blink(h, "GET a"); // a is now the most recent
    blink(h, "SET c 333"); // 12 > 10: evict b
    expect(blink(h, "GET b")).toBe("NOT_FOUND\n");
    expect(blink(h, "GET a")).toBe("VALUE MTEx\n");
    expect(blink(h, "USAGE")).toBe("USAGE 8\n");
    expect(h.engine.store.stats.evicted).toBe(1);
  });

  it("refuses an entry larger than the limit without evicting anything", () => {
    const h = new Harness({ config: { maxmemory: 10, policy: "allkeys-lru" } });
    blink(h, "SET a 1");
    expect(blink(h, "SET big 0123456789")).toBe(
      "ERROR storage is at capacity and eviction failed\n",
    );
    expect(blink(h, "GET a")).toBe("VALUE MQ==\n");
    expect(blink(h, "GET big")).toBe("NOT_FOUND\n");
  });

  it("noeviction refuses and changes nothing", () => {
    const h = new Harness({ config: { maxmemory: 6, policy: "noeviction" } });
    blink(h, "SET a 11");
    expect(blink(h, "SET b 22")).toBe("OK\n");
    expect(blink(h, "SET c 33")).toBe("ERROR storage is at capacity and eviction failed\n");
    expect(blink(h, "SET a 1")).toBe("OK\n"); // shrinking is always allowed
    expect(blink(h, "USAGE")).toBe("USAGE 5\n");
  });

  it("a refused write is rolled back in storage too", () => {
    const h = new Harness({ persist: true, config: { maxmemory: 10 } });
    blink(h, "SET a 1");
    blink(h, "SET big 0123456789");
    h.restart();
    expect(blink(h, "GET big")).toBe("NOT_FOUND\n");
    expect(blink(h, "USAGE")).toBe("USAGE 2\n");
  });

  it("passes Blink-Store's benchmark.py check: 4000 x 1 KiB under 2 MiB", () => {
    const h = new Harness({ persist: true, config: { maxmemory: 2097152, policy: "allkeys-lru" } });
    const v = "x".repeat(1024);
    for (let i = 1; i <= 4000; i++) expect(blink(h, `SET memtest_${i} ${v}`)).toBe("OK\n");
    const usage = Number(blink(h, "USAGE").slice(6));
    expect(usage).toBeLessThanOrEqual(2097152);
    const early = [1, 2, 3, 10, 50, 100].filter(
      (i) => blink(h, `GET memtest_${i}`) === "NOT_FOUND\n",
    );
    expect(early.length).toBeGreaterThanOrEqual(3);
    for (let i = 3996; i <= 4000; i++) expect(blink(h, `GET memtest_${i}`)).not.toBe("NOT_FOUND\n");
    h.restart();
    expect(Number(blink(h, "USAGE").slice(6))).toBe(usage);
  });

  it("lowering maxmemory with CONFIG SET evicts at once under allkeys-lru", () => {
    const h = new Harness({ config: { policy: "allkeys-lru" } });
    for (const k of ["a", "b", "c", "d"]) blink(h, `SET ${k} 123`);
    expect(h.run("redis", "CONFIG", "SET", "maxmemory", "8")).toEqual({ k: "status", v: "OK" });
    expect(blink(h, "USAGE")).toBe("USAGE 8\n");
    expect(blink(h, "GET a")).toBe("NOT_FOUND\n");
    expect(blink(h, "GET d")).toBe("VALUE MTIz\n");
  });
});
