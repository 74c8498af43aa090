// A representative part of Redis's own test suite (the TCL tests of Redis 7.0.15 in the workspace's
// shared/redis-tests, run by its run.sh in external-server mode) against the shim's Redis port.
// Each unit must pass at least the tests recorded in docs/redis-suite.md for it, and fail none
// of the ones that stay green here; the full run is `bench/redis-suite.ts`. The units run in two
// lanes at once, each through a shim of its own on a namespace of its own (a Durable Object of
// its own: FLUSHALL, CONFIG SET and pub/sub of one lane never reach the other), as most of a
// unit's time is spent waiting on round trips.

import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshNamespace, startTestShim, sharedTestWorker } from "./support/shim-harness.ts";
import type { TestWorker } from "./support/shim-harness.ts";
import type { TestShim } from "./support/shim-harness.ts";

/** The suite's runner, beside the repository in the workspace (CI lays shared/ there too). */
const RUN_SH = resolve(import.meta.dirname, "../../../shared/redis-tests/run.sh");
/**
 * Units that run in seconds and cover counters, expiry, INFO, QUIT, lists with their blocking
 * pops, pub/sub, client-side caching and streams with their blocking reads: the least each must pass and the most it may fail
 * (expire's timing tests can miss by a few ms on a loaded machine).
 */
const UNITS: Record<string, { min: number; maxFailed: number }> = {
  "unit/type/incr": { min: 23, maxFailed: 0 },
  "unit/info-command": { min: 3, maxFailed: 0 },
  "unit/quit": { min: 3, maxFailed: 0 },
  "unit/expire": { min: 50, maxFailed: 3 },
  // Blocking pops included (BLPOP, BLMOVE, BLMPOP woken by other clients): 220 of 220.
  "unit/type/list": { min: 218, maxFailed: 2 },
  // Pub/sub and keyspace notifications through the multiplexed shim: 29 of 29, as redis-server.
  "unit/pubsub": { min: 29, maxFailed: 0 },
  // Client-side caching (51 against redis-server): the eviction-ordering test fails here, as a
  // write past maxmemory that eviction cannot make room for is refused (OOM) instead of run.
  "unit/tracking": { min: 50, maxFailed: 1 },
  // Streams with XREAD/XREADGROUP BLOCK woken by other clients: 63 of 63 (about 40 s, most of it
  // the XADD/XTRIM volume tests) and 48 of 48 (RESTORE of a Redis 6.2 stream payload included).
  "unit/type/stream": { min: 62, maxFailed: 1 },
  "unit/type/stream-cgroups": { min: 48, maxFailed: 0 },
};
const UNIT_TIMEOUT_S = 240;
/**
 * The lanes, balanced by time: the stream units (about half of the run, most of it the XADD/XTRIM
 * volume tests) against all the others.
 */
const LANES: string[][] = [
  ["unit/type/stream", "unit/type/stream-cgroups"],
  Object.keys(UNITS).filter((u) => !u.startsWith("unit/type/stream")),
];

const runnable = existsSync(RUN_SH) && spawnSync("tclsh", [], { input: "exit\n" }).status === 0;

/** Runs run.sh on the units against a port; its output. */
function runSuite(port: string, units: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const p = spawn("bash", [RUN_SH, port, ...units], {
      env: { ...process.env, UNIT_TIMEOUT: String(UNIT_TIMEOUT_S) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("error", reject);
    p.on("close", () => resolveRun({ stdout, stderr }));
  });
}

describe.skipIf(!runnable)("Redis's own test suite through the shim", () => {
  let worker: TestWorker;
  const shims: TestShim[] = [];
  beforeAll(async () => {
    worker = await sharedTestWorker();
    for (const _ of LANES)
      shims.push(
        await startTestShim(worker.url.href, {
          namespace: freshNamespace("suite"),
          dialects: ["redis"],
        }),
      );
  });
  afterAll(async () => {
    await Promise.all(shims.map((s) => s.close()));
    await worker?.dispose();
  });

  it(
    "passes the recorded tests of each unit",
    async () => {
      expect(LANES.flat().sort()).toEqual(Object.keys(UNITS).sort());
      // Asynchronously: the shims serving the suite run in this process's event loop.
      const runs = await Promise.all(
        LANES.map((units, i) => runSuite(String(shims[i]!.port("redis")), units)),
      );
      const r = {
        stdout: runs.map((x) => x.stdout).join(""),
        stderr: runs.map((x) => x.stderr).join(""),
      };
      console.log(r.stdout.trim()); // the per-unit tables, in the test log
      const got: Record<string, [number, number]> = {};
      for (const m of r.stdout.matchAll(/^UNIT (\S+) (\d+) (\d+)$/gm))
        got[m[1]!] = [Number(m[2]), Number(m[3])];
      for (const [unit, { min, maxFailed }] of Object.entries(UNITS)) {
        const [passed, failed] = got[unit] ?? [0, Infinity];
        expect({ unit, ok: passed >= min && failed <= maxFailed }, r.stdout + r.stderr).toEqual({
          unit,
          ok: true,
        });
      }
    },
    (UNIT_TIMEOUT_S + 60) * Math.max(...LANES.map((l) => l.length)) * 1000,
  );
});
