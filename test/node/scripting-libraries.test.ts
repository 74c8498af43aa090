// Libraries that ship Lua, unchanged, against one locally started Worker and one shim (issue 15):
// @upstash/ratelimit over the Upstash REST door (all three algorithms: limit, getRemaining,
// resetUsedTokens; it sends EVALSHA and falls back to EVAL on NOSCRIPT); through the shim, ioredis
// defineCommand (EVALSHA, then EVAL after NOSCRIPT), BullMQ (Queue, Worker, QueueEvents,
// FlowProducer: EVALSHA of scripts using cmsgpack, BZPOPMIN, XREAD BLOCK) and redlock.

import { ExecutionError, Lock, Redlock, ResourceLockedError } from "@sesamecare-oss/redlock";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis as UpstashRedis } from "@upstash/redis";
import { FlowProducer, Queue, QueueEvents, Worker } from "bullmq";
import type { Job } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freshNamespace, sharedTestWorker, sleep, startTestShim } from "./support/shim-harness.ts";
import type { TestShim, TestWorker } from "./support/shim-harness.ts";

/** A namespace spread over 4 objects (the shared Worker's NAMESPACE_SHARDS), for BullMQ with a hash-tagged prefix. */
const SHARDED = "bullmq-sharded";
let worker: TestWorker;
/** One shim (Redis dialect, multiplexed) on one namespace for every library below. */
let shim: TestShim;
beforeAll(async () => {
  worker = await sharedTestWorker();
  shim = await startTestShim(worker.url.href, {
    namespace: freshNamespace("lua"),
    dialects: ["redis"],
  });
});
afterAll(async () => {
  await shim?.close();
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

describe("BullMQ through the shim", () => {
  it("a Queue and a Worker run jobs to completion: plain, delayed, prioritized, retried, failed, a flow", async () => {
    const warn = vi.spyOn(console, "warn");
    // BullMQ's required setting: its blocking connections must not give up on a command.
    const connection = { host: "127.0.0.1", port: shim.port("redis"), maxRetriesPerRequest: null };
    const errors: Error[] = [];
    const queue = new Queue("jobs", { connection });
    const events = new QueueEvents("jobs", { connection });
    const flows = new FlowProducer({ connection });
    queue.on("error", (err) => errors.push(err));
    events.on("error", (err) => errors.push(err));
    flows.on("error", (err) => errors.push(err));
    await events.waitUntilReady();
    const processed: string[] = [];
    const worker = new Worker(
      "jobs",
      async (job: Job<{ x: number }>) => {
        processed.push(job.name);
        if (job.name === "flaky" && job.attemptsMade < 1) throw new Error("flaky once");
        if (job.name === "doomed") throw new Error("always fails");
        return job.data.x * 2;
      },
      { connection, concurrency: 2 },
    );
    worker.on("error", (err) => errors.push(err));
    try {
      const plain = await queue.add("plain", { x: 1 });
      const delayed = await queue.add("delayed", { x: 2 }, { delay: 500 });
      expect(await delayed.getState()).toBe("delayed");
      const prioritized = await queue.add("prioritized", { x: 3 }, { priority: 5 });
      const flaky = await queue.add("flaky", { x: 4 }, { attempts: 3, backoff: 100 });
      const doomed = await queue.add("doomed", { x: 5 }, { attempts: 2 });
      const flow = await flows.add({
        name: "parent",
        queueName: "jobs",
        data: { x: 10 },
        children: [{ name: "child", queueName: "jobs", data: { x: 1 } }],
      });
      expect(await plain.waitUntilFinished(events, 10_000)).toBe(2);
      expect(await prioritized.waitUntilFinished(events, 10_000)).toBe(6);
      expect(await flaky.waitUntilFinished(events, 10_000)).toBe(8);
      expect(await flow.job.waitUntilFinished(events, 10_000)).toBe(20);
      await expect(doomed.waitUntilFinished(events, 10_000)).rejects.toThrow("always fails");
      expect(await delayed.waitUntilFinished(events, 10_000)).toBe(4);

      const done = (await queue.getJob(delayed.id!))!;
      expect(done.processedOn! - done.timestamp).toBeGreaterThanOrEqual(500);
      expect((await queue.getJob(flaky.id!))!.attemptsMade).toBe(2);
      const failed = (await queue.getJob(doomed.id!))!;
      expect([failed.attemptsMade, failed.failedReason]).toEqual([2, "always fails"]);
      expect(await queue.getJobCounts("completed", "failed", "wait", "delayed", "active")).toEqual({
        completed: 6,
        failed: 1,
        wait: 0,
        delayed: 0,
        active: 0,
      });
      expect(processed.filter((n) => n === "flaky")).toHaveLength(2);
      expect(processed.filter((n) => n === "doomed")).toHaveLength(2);
      // INFO says redis_version 7.0.15 and maxmemory_policy noeviction: BullMQ has no complaint.
      expect(warn.mock.calls.flat().join(" ")).not.toContain("Eviction policy");
      expect(errors).toEqual([]);
    } finally {
      warn.mockRestore();
      await worker.close();
      await Promise.all([flows.close(), events.close()]);
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it("runs on a sharded namespace with a hash-tagged prefix, as on Redis Cluster", async () => {
    const sharded = await startTestShim(worker.url.href, {
      namespace: SHARDED,
      dialects: ["redis"],
    });
    const connection = {
      host: "127.0.0.1",
      port: sharded.port("redis"),
      maxRetriesPerRequest: null,
    };
    const opts = { connection, prefix: "{bq}" };
    const queue = new Queue("sharded", opts);
    const results = new Map<string, number>();
    const jobWorker = new Worker(
      "sharded",
      async (job: Job<{ x: number }>) => {
        if (job.attemptsMade < 1 && job.name === "flaky") throw new Error("once");
        return job.data.x * 2;
      },
      opts,
    );
    jobWorker.on("completed", (job, value: number) => results.set(job.name, value));
    // QueueEvents waits in XREAD BLOCK on its stream's shard.
    const events = new QueueEvents("sharded", opts);
    try {
      await events.waitUntilReady();
      const plain = await queue.add("plain", { x: 1 });
      expect(await plain.waitUntilFinished(events, 10_000)).toBe(2);
      await queue.add("delayed", { x: 2 }, { delay: 200 });
      await queue.add("prioritized", { x: 3 }, { priority: 2 });
      await queue.add("flaky", { x: 4 }, { attempts: 2 });
      for (let t = Date.now(); results.size < 4 && Date.now() - t < 10_000;) await sleep(50);
      expect(Object.fromEntries(results)).toEqual({
        plain: 2,
        delayed: 4,
        prioritized: 6,
        flaky: 8,
      });
      // Closing it ends its blocked XREAD at once: the shim ends a connection that waits at EOF
      // (the sharded Worker tells it, TAG.waiting); without that, close took 2,008 ms.
      const t = performance.now();
      await events.close();
      expect(performance.now() - t).toBeLessThan(1500);
    } finally {
      await jobWorker.close();
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await sharded.close();
    }
  });
});

describe("redlock (@sesamecare-oss/redlock) through the shim", () => {
  it("acquires, extends and releases; a second locker waits its turn; locks expire", async () => {
    const port = shim.port("redis");
    const [c1, c2] = [
      new Redis({ port, host: "127.0.0.1" }),
      new Redis({ port, host: "127.0.0.1", protocol: 3 }),
    ];
    const first = new Redlock([c1], { retryCount: 0 });
    const second = new Redlock([c2], { retryCount: 0 });
    try {
      const lock = await first.acquire(["lock:a"], 2000);
      expect(await c2.get("lock:a")).toBe(lock.value);
      expect(await c2.pttl("lock:a")).toBeGreaterThan(1000);
      await expect(second.acquire(["lock:a"], 1000)).rejects.toThrow(ExecutionError);
      // releasing with another value removes nothing
      const stranger = new Lock(second, ["lock:a"], "not-the-owner", [], Date.now() + 1000, {});
      await expect(second.release(stranger)).rejects.toThrow();
      expect(await c2.get("lock:a")).toBe(lock.value);

      const extended = await lock.extend(10_000);
      expect(await c2.pttl("lock:a")).toBeGreaterThan(5000);
      await extended.release();
      expect(await c2.exists("lock:a")).toBe(0);
      const taken = await second.acquire(["lock:a"], 200);
      await sleep(300);
      // expired by PX: free again without a release
      await (await first.acquire(["lock:a"], 1000)).release();
      await expect(taken.release()).rejects.toThrow();
    } finally {
      c1.disconnect();
      c2.disconnect();
    }
  });

  it("two lockers contending for one resource never overlap", async () => {
    const port = shim.port("redis");
    const clients = [0, 1].map(() => new Redis({ port, host: "127.0.0.1" }));
    const settings = { retryCount: 200, retryDelay: 10, retryJitter: 10 };
    const lockers = clients.map((c) => new Redlock([c], settings));
    // each refused attempt (the other holds the lock) is reported as a ResourceLockedError
    let refused = 0;
    for (const l of lockers)
      l.on("error", (e: Error) => (refused += e instanceof ResourceLockedError ? 1 : 0));
    let inside = 0;
    let overlaps = 0;
    const ROUNDS = 6;
    try {
      await Promise.all(
        lockers.map(async (redlock, i) => {
          const c = clients[i]!;
          for (let n = 0; n < ROUNDS; n++) {
            await redlock.using(["lock:counter"], 2000, async () => {
              if (inside++ > 0) overlaps++;
              // a non-atomic read-modify-write that only the lock protects
              const v = Number((await c.get("counter")) ?? 0);
              await sleep(2);
              await c.set("counter", v + 1);
              inside--;
            });
          }
        }),
      );
      expect(overlaps).toBe(0);
      expect(refused).toBeGreaterThan(0);
      expect(await clients[0]!.get("counter")).toBe(String(2 * ROUNDS));
    } finally {
      for (const c of clients) c.disconnect();
    }
  });
});
