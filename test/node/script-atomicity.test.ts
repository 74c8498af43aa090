// Scripts are atomic under load and durable once acknowledged (issue 15), on one Worker (the
// fault test's, with a state folder): 50 ioredis clients through the shim and 50 concurrent
// fetchers over the Upstash REST door run a read-modify-write script (GET, +1, SET) and lose no
// update; then script writers through the shim (EVALSHA) and the REST door (EVAL) run while every
// Durable Object is aborted at random moments, and every acknowledged script's two writes are
// read back.
//
// SCRIPT_FAULT_SECONDS (default 3) sets the writing time of the fault scenario.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalWorker } from "../../src/node/local-worker.ts";
import { Shims, freePort, startFaultWorker, startOn } from "./support/fault-rig.ts";
import { FAULT_ROUTES } from "./support/fault-routes.ts";
import { WRITE_SCRIPT, WRITE_SCRIPT_SHA, scriptLogKey } from "./support/fault-scripts.ts";
import { AckLog, runWriter, verify } from "./support/fault-writers.ts";
import type { WriteDoor, WriteTarget } from "./support/fault-writers.ts";
import { freshNamespace, sleep, startTestShim } from "./support/shim-harness.ts";
import type { TestShim } from "./support/shim-harness.ts";

const SECONDS = Number(process.env.SCRIPT_FAULT_SECONDS ?? 3);
const ANON = { ALLOW_ANONYMOUS: "true" };
/** GET, +1, SET: loses updates unless nothing runs between its calls. */
const RMW = `local v = tonumber(redis.call('GET', KEYS[1]) or '0') + 1
redis.call('SET', KEYS[1], v)
return v`;
const CLIENTS = 50;
const SHIM_SCRIPTS = 10_000;
/** Scripts each shim client keeps in flight (pipelined on its connection). */
const IN_FLIGHT = 4;
/** Smaller than the shim's count: an HTTP request per script (the door, not the script) is slow. */
const REST_SCRIPTS = 500;

let worker: LocalWorker;
let origin: string;
const stateDir = mkdtempSync(join(tmpdir(), "blink-edge-script-faults-"));
beforeAll(async () => {
  const port = await freePort();
  worker = await startOn(() => startFaultWorker(port, stateDir, ANON));
  origin = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await worker?.dispose();
  rmSync(stateDir, { recursive: true, force: true });
});

/** One Upstash REST command in namespace `ns`; its `result`. */
async function rest(ns: string, argv: string[]): Promise<unknown> {
  const res = await fetch(`${origin}/db/${ns}/`, {
    method: "POST",
    body: JSON.stringify(argv),
    headers: { "content-type": "application/json" },
  });
  const body = (await res.json()) as { result?: unknown; error?: string };
  if (body.error !== undefined) throw new Error(body.error);
  return body.result;
}

/** Every value 1..n exactly once: each script saw the one before it. */
function expectOneToN(values: number[], n: number): void {
  expect(values).toHaveLength(n);
  const sorted = [...values].sort((a, b) => a - b);
  expect(sorted[0]).toBe(1);
  expect(sorted[n - 1]).toBe(n);
  expect(new Set(sorted).size).toBe(n);
}

describe("a read-modify-write script loses no update", () => {
  let shim: TestShim;
  afterAll(async () => {
    await shim?.close();
  });

  it(`${CLIENTS} ioredis clients through the shim, ${SHIM_SCRIPTS} scripts`, async () => {
    shim = await startTestShim(origin, { namespace: freshNamespace("rmw"), dialects: ["redis"] });
    const clients = Array.from({ length: CLIENTS }, () => {
      const c = new Redis({ port: shim.port("redis"), host: "127.0.0.1" });
      c.defineCommand("rmw", { numberOfKeys: 1, lua: RMW });
      return c as Redis & { rmw(key: string): Promise<number> };
    });
    try {
      const seen: number[] = [];
      const t0 = Date.now();
      await Promise.all(
        clients.flatMap((c) =>
          Array.from({ length: IN_FLIGHT }, async () => {
            for (let i = 0; i < SHIM_SCRIPTS / CLIENTS / IN_FLIGHT; i++)
              seen.push(await c.rmw("n"));
          }),
        ),
      );
      const ms = Date.now() - t0;
      console.log(
        `rmw through the shim: ${SHIM_SCRIPTS} scripts, ${CLIENTS} clients x ${IN_FLIGHT} in flight, ${ms} ms`,
      );
      expect(await clients[0]!.get("n")).toBe(String(SHIM_SCRIPTS));
      expectOneToN(seen, SHIM_SCRIPTS);
    } finally {
      for (const c of clients) c.disconnect();
    }
  });

  it(`${CLIENTS} concurrent fetchers over the REST door, ${REST_SCRIPTS} scripts`, async () => {
    const ns = freshNamespace("rmw");
    const seen: number[] = [];
    let issued = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (issued < REST_SCRIPTS) {
          issued++;
          seen.push((await rest(ns, ["EVAL", RMW, "1", "n"])) as number);
        }
      }),
    );
    const ms = Date.now() - t0;
    console.log(`rmw over REST: ${REST_SCRIPTS} scripts, ${CLIENTS} fetchers, ${ms} ms`);
    expect(await rest(ns, ["GET", "n"])).toBe(String(REST_SCRIPTS));
    expectOneToN(seen, REST_SCRIPTS);
  });
});

/** The fault test's log, plus every acknowledged (writer log key, value) a script appended. */
class ScriptAckLog extends AckLog {
  readonly appended = new Map<string, { namespace: string; values: string[] }>();

  override ack(door: WriteDoor, ns: string, key: string, value: string, counter: boolean): void {
    super.ack(door, ns, key, value, counter);
    const log = scriptLogKey(key);
    const entry = this.appended.get(log) ?? { namespace: ns, values: [] };
    entry.values.push(value);
    this.appended.set(log, entry);
  }
}

describe("acknowledged scripts survive aborted objects", () => {
  it("every acknowledged script's writes are found after random aborts", async () => {
    const doors: WriteDoor[] = ["redis-script-tcp", "upstash-script-http"];
    const WRITERS_PER_DOOR = 3;
    const ns = freshNamespace("sf");
    const shims = new Shims(origin);
    await shims.start(ns);
    try {
      // EVALSHA needs the script in the cache, which is stored and so outlives every abort.
      expect(await rest(ns, ["SCRIPT", "LOAD", WRITE_SCRIPT])).toBe(WRITE_SCRIPT_SHA);
      const log = new ScriptAckLog();
      const faultsUntil = Date.now() + SECONDS * 1000;
      const target: WriteTarget = {
        namespace: ns,
        origin: () => origin,
        tcpPort: (d) => shims.port(ns, d),
      };
      const writers = doors.flatMap((door) =>
        Array.from({ length: WRITERS_PER_DOOR }, (_, i) =>
          runWriter(door, target, `${door}-${i}`, faultsUntil + 1000, log),
        ),
      );
      let aborts = 0;
      while (Date.now() < faultsUntil) {
        await sleep(200 + Math.random() * 600);
        const res = await fetch(`${origin}${FAULT_ROUTES.abort}`);
        expect(await res.text()).toBe("ok\n");
        aborts++;
      }
      await Promise.all(writers);

      const verdict = await verify(origin, log);
      let appended = 0;
      let duplicates = 0;
      const missing: string[] = [];
      for (const [key, { namespace, values }] of log.appended) {
        const stored = (await rest(namespace, ["LRANGE", key, "0", "-1"])) as string[];
        const have = new Set(stored);
        duplicates += stored.length - have.size;
        for (const v of values) {
          if (have.has(v)) appended++;
          else missing.push(`${key}: acknowledged ${v}, not in the log`);
        }
      }
      const perDoor = [...log.perDoor].map(([d, n]) => `${d} ${n}`).join(", ");
      console.log(
        `script faults: ${aborts} aborts; acknowledged ${verdict.acknowledged} (${perDoor}), ` +
          `found ${verdict.found} keys and ${appended} appends, lost ${verdict.lost}; ` +
          `${log.unacknowledged} unacknowledged, ${duplicates} log entries applied twice`,
      );
      expect(verdict.missing).toEqual([]);
      expect(missing).toEqual([]);
      expect(verdict.found).toBe(verdict.acknowledged);
      expect(appended).toBe(verdict.acknowledged);
      expect(aborts).toBeGreaterThan(1);
      for (const door of doors) expect(log.perDoor.get(door) ?? 0).toBeGreaterThan(10);
    } finally {
      await shims.closeAll();
    }
  });
});
