// Blink-Store's own eviction check (scripts/benchmark.py, originals.md §1.7) through the shim:
// the namespace's limit and Blink-Store's policy (allkeys-lru; the default is Redis's noeviction)
// are set through the Redis door, the check runs over the Blink door.

import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  PYTHON_CLIENTS as CLIENTS,
  TcpClient,
  freshNamespace,
  runPython,
  startTestShim,
  sharedTestWorker,
} from "./support/shim-harness.ts";
import type { TestWorker } from "./support/shim-harness.ts";
import type { TestShim } from "./support/shim-harness.ts";

const LIMIT = 2097152;

let worker: TestWorker;
let shim: TestShim;

beforeAll(async () => {
  worker = await sharedTestWorker();
  shim = await startTestShim(worker.url.href, {
    namespace: freshNamespace("evict"),
    dialects: ["blink", "redis"],
  });
});
afterAll(async () => {
  await shim?.close();
  await worker?.dispose();
});

it("4000 × 1 KiB SETs under a 2 MiB limit: usage ≤ limit, early keys evicted, the last ones present", async () => {
  const redis = await TcpClient.open(shim.port("redis"));
  redis.write(
    `*6\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$9\r\nmaxmemory\r\n$${String(LIMIT).length}\r\n${LIMIT}\r\n` +
      `$16\r\nmaxmemory-policy\r\n$11\r\nallkeys-lru\r\n`,
  );
  expect((await redis.readBytes(5)).toString()).toBe("+OK\r\n");
  redis.destroy();

  const r = await runPython([join(CLIENTS, "eviction_check.py"), String(shim.port("blink"))], {
    timeoutMs: 120_000,
  });
  expect(r.stderr).toBe("");
  const found = JSON.parse(r.stdout) as {
    ok: boolean;
    usage: number;
    evicted: number[];
    present: number[];
  };
  expect(found.usage).toBeLessThanOrEqual(LIMIT);
  expect(found.evicted.length).toBeGreaterThanOrEqual(3);
  expect(found.present).toEqual([3996, 3997, 3998, 3999, 4000]);
  expect(found.ok).toBe(true);
  expect(r.code).toBe(0);
}, 120_000);
