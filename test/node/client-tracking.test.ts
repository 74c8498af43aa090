// Client-side caching through the shim's Redis port (issue 16), as a user meets it: node-redis
// 6's own client-side cache (RESP3, CLIENT TRACKING ON) kept fresh by invalidation pushes, beside
// a real redis-server 7.0.15; and a RESP2 client redirecting its invalidations to a subscriber of
// __redis__:invalidate over raw TCP, through the multiplexed and the one-socket-per-connection
// shim.

import { BasicClientSideCache, createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisServer, redisToolsAvailable } from "./support/redis-cli.ts";
import {
  TcpClient,
  freshNamespace,
  startTestShim,
  sharedTestWorker,
} from "./support/shim-harness.ts";
import type { TestWorker } from "./support/shim-harness.ts";
import type { TestShim } from "./support/shim-harness.ts";

const HOST = "127.0.0.1";
const WAIT_MS = 5000;

/** Polls until `ok` holds (an invalidation travels on its own, after the write's reply). */
async function until(ok: () => boolean, what: string): Promise<void> {
  const end = Date.now() + WAIT_MS;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** node-redis with its client-side cache: reads served from the cache until invalidated. */
async function cachingScenario(port: number, k: string): Promise<Record<string, unknown>> {
  const cache = new BasicClientSideCache({ ttl: 0, maxEntries: 0 });
  let invalidations = 0;
  cache.on("invalidate", () => invalidations++);
  const reader = createClient({
    socket: { host: HOST, port, reconnectStrategy: false },
    RESP: 3,
    clientSideCache: cache,
  });
  const writer = createClient({ socket: { host: HOST, port, reconnectStrategy: false } });
  reader.on("error", () => {});
  writer.on("error", () => {});
  await reader.connect();
  await writer.connect();
  try {
    const out: Record<string, unknown> = {};
    await writer.set(k, "v1");
    out.first = await reader.get(k);
    out.cached = await reader.get(k);
    await writer.set(k, "v2");
    await until(() => invalidations >= 1, "the invalidation of the written key");
    out.afterWrite = await reader.get(k);
    await writer.flushAll();
    await until(() => invalidations >= 2, "the invalidation of FLUSHALL");
    out.afterFlush = await reader.get(k);
    const stats = cache.stats();
    out.hits = stats.hitCount;
    out.misses = stats.missCount;
    out.trackingInfo = await reader.sendCommand(["CLIENT", "TRACKINGINFO"]);
    return out;
  } finally {
    reader.destroy();
    writer.destroy();
  }
}

describe.skipIf(!redisToolsAvailable())("CLIENT TRACKING through the shim", () => {
  let worker: TestWorker;
  let redis: RedisServer;
  const shims: Record<string, TestShim> = {};
  beforeAll(async () => {
    worker = await sharedTestWorker();
    redis = await RedisServer.start(["--maxmemory", "256mb"]);
    for (const mux of [true, false])
      shims[mux ? "mux" : "no-mux"] = await startTestShim(worker.url.href, {
        namespace: freshNamespace("tracking"),
        dialects: ["redis"],
        mux,
      });
  }, 60_000);
  afterAll(async () => {
    for (const s of Object.values(shims)) await s.close();
    redis?.stop();
    await worker?.dispose();
  });

  it("node-redis's client-side cache stays fresh, as beside redis-server", async () => {
    const ours = await cachingScenario(shims.mux!.port("redis"), "csc:k");
    const theirs = await cachingScenario(redis.port, "csc:k");
    expect(ours).toEqual(theirs);
    expect(ours).toMatchObject({ first: "v1", cached: "v1", afterWrite: "v2", afterFlush: null });
    expect(ours.hits).toBe(1);
  }, 30_000);

  for (const mode of ["mux", "no-mux"]) {
    it(`RESP2 REDIRECT to a subscriber of __redis__:invalidate (${mode})`, async () => {
      const port = shims[mode]!.port("redis");
      const [sub, tracker, writer] = await Promise.all([
        TcpClient.open(port),
        TcpClient.open(port),
        TcpClient.open(port),
      ]);
      try {
        sub.write("CLIENT ID\r\n");
        const id = /^:(\d+)\r\n/.exec(await sub.readUntil("\r\n"))![1]!;
        sub.write("SUBSCRIBE __redis__:invalidate\r\n");
        await sub.readUntil(":1\r\n");
        tracker.write(`CLIENT TRACKING on REDIRECT ${id}\r\nGET rk\r\n`);
        await tracker.readUntil("+OK\r\n$-1\r\n");
        writer.write("SET rk 1\r\n");
        await writer.readUntil("+OK\r\n");
        const got = await sub.readUntil("$2\r\nrk\r\n");
        expect(
          got.endsWith("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$2\r\nrk\r\n"),
        ).toBe(true);
        tracker.write("CLIENT INFO\r\n");
        expect(await tracker.readUntil("resp=2")).toMatch(new RegExp(`flags=t .* redir=${id} `));
      } finally {
        for (const c of [sub, tracker, writer]) c.socket.destroy();
      }
    }, 30_000);
  }
});
