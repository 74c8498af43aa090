// Real time across faults (issue 16): a subscriber's object restart closes its connection as a
// Redis restart would, and ioredis reconnects and resubscribes on its own; a BLPOP blocked
// through the shim while the object crashes (abort) or the whole runtime is killed (dispose and
// start again on the same state) never loses an element: every acknowledged push is either still
// in the list or was delivered to the client that waited, and none is both.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { startLocalWorker } from "../../src/node/local-worker.ts";
import type { LocalWorker } from "../../src/node/local-worker.ts";
import { Shims, freePort, startFaultWorker, startOn } from "./support/fault-rig.ts";
import { FAULT_ROUTES } from "./support/fault-routes.ts";
import { ioredisClient } from "./support/redis-client-scenarios.ts";
import { freshNamespace, sleep } from "./support/shim-harness.ts";

const ANON = { ALLOW_ANONYMOUS: "true" };
/** Rounds of each fault: each one blocked waiter and one push racing the fault. */
const ROUNDS = Number(process.env.REALTIME_FAULT_ROUNDS ?? 6);
const RECONNECT_MS = 100;
/** The fault strikes this many ms after the push at most. */
const FAULT_SPREAD_MS = 150;

const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const f of cleanups.reverse()) await f().catch(() => {});
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function stateDir(): string {
  const d = mkdtempSync(join(tmpdir(), "blink-edge-rt-faults-"));
  dirs.push(d);
  return d;
}

/** A command over REST; its result, or undefined when the request failed (not acknowledged). */
async function rest(origin: string, ns: string, argv: string[]): Promise<unknown> {
  try {
    const res = await fetch(`${origin}/db/${ns}/`, {
      method: "POST",
      body: JSON.stringify(argv),
      headers: { "Content-Type": "application/json" },
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json()) as { result?: unknown; error?: string };
    return body.error === undefined ? body.result : undefined;
  } catch {
    return undefined;
  }
}

/** Retries a read until the restarted Worker answers it. */
async function restUntil(origin: string, ns: string, argv: string[]): Promise<unknown> {
  for (let i = 0; i < 100; i++) {
    const r = await rest(origin, ns, argv);
    if (r !== undefined) return r;
    await sleep(100);
  }
  throw new Error(`no answer to ${argv.join(" ")}`);
}

/** An ioredis connection through the shim, retried while the shim's upstream comes back. */
async function connected(port: number): Promise<Redis> {
  for (let attempt = 0; ; attempt++) {
    const r = ioredisClient(port);
    try {
      await r.connect();
      await r.ping();
      return r;
    } catch (e) {
      r.disconnect();
      if (attempt > 50) throw e;
      await sleep(RECONNECT_MS);
    }
  }
}

interface Tally {
  acknowledged: string[];
  delivered: string[];
}

/**
 * One round: a waiter blocks on `q` through the shim, a push over REST races `fault`; whatever
 * the waiter got and whether the push was acknowledged are recorded.
 */
async function round(
  origin: () => string,
  shims: Shims,
  ns: string,
  i: number,
  fault: () => Promise<void>,
  tally: Tally,
): Promise<void> {
  const waiter = await connected(shims.port(ns, "redis"));
  try {
    const popped = waiter.blpop("q", 0).then(
      (r) => r,
      () => null,
    );
    await sleep(50);
    const element = `e${i}`;
    // The fault strikes before the push, while it is served, or after its reply.
    const offset = -FAULT_SPREAD_MS / 2 + Math.random() * FAULT_SPREAD_MS * 1.5;
    const push = sleep(Math.max(0, -offset)).then(() =>
      rest(origin(), ns, ["RPUSH", "q", element]),
    );
    await sleep(Math.max(0, offset));
    await fault();
    if ((await push) !== undefined) tally.acknowledged.push(element);
    const got = await Promise.race([popped, sleep(3000).then(() => null)]);
    if (got) tally.delivered.push(got[1]);
  } finally {
    waiter.disconnect();
  }
}

/** Every acknowledged element is in the list or was delivered; none was delivered and kept. */
async function check(origin: string, ns: string, tally: Tally): Promise<void> {
  const left = (await restUntil(origin, ns, ["LRANGE", "q", "0", "-1"])) as string[];
  const lost = tally.acknowledged.filter((e) => !left.includes(e) && !tally.delivered.includes(e));
  const twice = tally.delivered.filter((e) => left.includes(e));
  console.log(
    `realtime faults: ${tally.acknowledged.length} pushes acknowledged, ${tally.delivered.length} delivered to the waiter, ${left.length} left in the list, lost ${lost.length}, duplicated ${twice.length}`,
  );
  expect({ lost, twice }).toEqual({ lost: [], twice: [] });
}

describe("real time across faults", () => {
  it("an object crash closes an ioredis subscriber's connection; it reconnects, resubscribes and receives", async () => {
    const port = await freePort();
    const worker = await startOn(() => startFaultWorker(port, stateDir(), ANON));
    cleanups.push(() => worker.dispose());
    const origin = `http://127.0.0.1:${port}`;
    const ns = freshNamespace("rtf");
    const shims = new Shims(origin);
    cleanups.push(() => shims.closeAll());
    await shims.start(ns);
    const sub = ioredisClient(shims.port(ns, "redis"), { retryStrategy: () => RECONNECT_MS });
    await sub.connect();
    const got: string[] = [];
    let closes = 0;
    sub.on("message", (_ch: string, m: string) => got.push(m));
    sub.on("close", () => closes++);
    await sub.subscribe("alerts");
    expect(await rest(origin, ns, ["PUBLISH", "alerts", "before"])).toBe(1);
    const res = await fetch(`${origin}${FAULT_ROUTES.abort}`);
    expect(await res.text()).toBe("ok\n");
    // The client saw its connection close and came back subscribed (ioredis resubscribes).
    const deadline = Date.now() + 15_000;
    while ((await rest(origin, ns, ["PUBLISH", "alerts", "after"])) !== 1) {
      if (Date.now() > deadline) throw new Error("the subscriber never came back");
      await sleep(100);
    }
    while (!got.includes("after") && Date.now() < deadline) await sleep(20);
    expect(closes).toBeGreaterThanOrEqual(1);
    expect(got[0]).toBe("before");
    expect(got).toContain("after");
    sub.disconnect();
  }, 60_000);

  it("a BLPOP blocked across object crashes never loses an element", async () => {
    const port = await freePort();
    const worker = await startOn(() => startFaultWorker(port, stateDir(), ANON));
    cleanups.push(() => worker.dispose());
    const origin = `http://127.0.0.1:${port}`;
    const ns = freshNamespace("rtb");
    const shims = new Shims(origin);
    cleanups.push(() => shims.closeAll());
    await shims.start(ns);
    const tally: Tally = { acknowledged: [], delivered: [] };
    for (let i = 0; i < ROUNDS; i++)
      await round(
        () => origin,
        shims,
        ns,
        i,
        async () => void (await fetch(`${origin}${FAULT_ROUTES.abort}`)).text(),
        tally,
      );
    await check(origin, ns, tally);
    expect(tally.acknowledged.length).toBeGreaterThan(0);
  }, 120_000);

  it("a BLPOP blocked across runtime kills (dispose, start again on the same state) never loses an element", async () => {
    const port = await freePort();
    const persistTo = stateDir();
    const start = () => startLocalWorker({ port, persistTo, vars: ANON });
    let worker: LocalWorker = await startOn(start);
    cleanups.push(() => worker.dispose());
    const origin = `http://127.0.0.1:${port}`;
    const ns = freshNamespace("rtk");
    const shims = new Shims(origin);
    cleanups.push(() => shims.closeAll());
    await shims.start(ns);
    const tally: Tally = { acknowledged: [], delivered: [] };
    const rounds = Math.max(2, Math.ceil(ROUNDS / 2));
    for (let i = 0; i < rounds; i++)
      await round(
        () => origin,
        shims,
        ns,
        i,
        async () => {
          await worker.dispose();
          worker = await startOn(start);
        },
        tally,
      );
    await check(origin, ns, tally);
  }, 180_000);
});
