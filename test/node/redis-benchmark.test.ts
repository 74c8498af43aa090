// Debian's redis-benchmark 7.0.15 with its default test list through the shim's Redis listener
// (issue 4, spec §10.10): it exits with status 1 at the first error reply, so status 0 and no
// "Error" line mean every default test ran against our replies; its start-up CONFIG GET save /
// appendonly must be answered so that it prints no WARNING.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshNamespace, startTestShim, sharedTestWorker } from "./support/shim-harness.ts";
import type { TestWorker } from "./support/shim-harness.ts";
import type { TestShim } from "./support/shim-harness.ts";
import { redisCli, redisToolsAvailable, runTool } from "./support/redis-cli.ts";

/**
 * Requests per test: the issue's `-n 20000` with FULL=1 (minutes of load, and the bench note's
 * figures); CI runs 2,000, which still sends every default test from all 50 clients (40 requests
 * each) and checks every reply the same way, in a tenth of the time.
 */
const REQUESTS = process.env.FULL ? "20000" : "2000";
/**
 * With -n 20000 the unpipelined default run takes 30 s to 3 minutes on Miniflare (writes are
 * bounded by one storage commit per WebSocket message: ~2,000-5,000 unpipelined writes/s with 50
 * clients), the `-P 16` run 20-35 s; the limits leave room for a slower machine.
 */
const UNPIPELINED_TIMEOUT_MS = 600_000;
const PIPELINED_TIMEOUT_MS = 180_000;

/** The default test list of redis-benchmark 7.0.15, in the order it runs them. */
const DEFAULT_TESTS = [
  "PING_INLINE",
  "PING_MBULK",
  "SET",
  "GET",
  "INCR",
  "LPUSH",
  "RPUSH",
  "LPOP",
  "RPOP",
  "SADD",
  "HSET",
  "SPOP",
  "ZADD",
  "ZPOPMIN",
  "LPUSH (needed to benchmark LRANGE)",
  "LRANGE_100 (first 100 elements)",
  "LRANGE_300 (first 300 elements)",
  "LRANGE_500 (first 500 elements)",
  "LRANGE_600 (first 600 elements)",
  "MSET (10 keys)",
];

/** The final `NAME: N requests per second, p50=…` lines of a -q run (progress lines end in \r). */
function resultLines(stdout: string): string[] {
  return stdout
    .split(/[\r\n]/)
    .map((l) => l.trim())
    .filter((l) => / requests per second/.test(l));
}

describe.skipIf(!redisToolsAvailable())("redis-benchmark through the shim", () => {
  let worker: TestWorker;
  let shim: TestShim;
  let port: number;

  beforeAll(async () => {
    worker = await sharedTestWorker();
    shim = await startTestShim(worker.url.href, {
      namespace: freshNamespace("bench"),
      dialects: ["redis"],
    });
    port = shim.port("redis");
  });
  afterAll(async () => {
    await shim?.close();
    await worker?.dispose();
  });

  it("answers the start-up CONFIG GET save / appendonly with two 2-element arrays", async () => {
    const r = await redisCli(port, ["--no-raw"], "CONFIG GET save\nCONFIG GET appendonly\n");
    expect(r.stdout).toBe('1) "save"\n2) ""\n1) "appendonly"\n2) "no"\n');
  });

  for (const [name, extra, timeoutMs] of [
    ["unpipelined", [], UNPIPELINED_TIMEOUT_MS],
    ["-P 16", ["-P", "16"], PIPELINED_TIMEOUT_MS],
  ] as [string, string[], number][]) {
    it(
      `runs the default test list with -n ${REQUESTS} -q, ${name}, without errors`,
      async () => {
        const started = Date.now();
        const r = await runTool(
          "redis-benchmark",
          ["-h", "127.0.0.1", "-p", String(port), "-n", REQUESTS, "-q", ...extra],
          "",
          timeoutMs,
        );
        const lines = resultLines(r.stdout);
        // For the record (the bench note quotes these figures).
        console.log(
          `redis-benchmark -n ${REQUESTS} -q ${extra.join(" ")} through the shim ` +
            `(${((Date.now() - started) / 1000).toFixed(1)} s):\n${lines.join("\n")}`,
        );
        const output = r.stdout + r.stderr;
        expect(output).not.toMatch(/Error/);
        expect(output).not.toMatch(/WARNING/);
        expect(r.code).toBe(0);
        expect(lines.map((l) => l.slice(0, l.lastIndexOf(": ")))).toEqual(DEFAULT_TESTS);
      },
      timeoutMs + 10_000,
    );
  }
});
