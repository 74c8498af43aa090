// Real time across faults (issue 16): a subscriber's object restart closes its connection as a
// Redis restart would, and ioredis reconnects and resubscribes on its own; a BLPOP blocked
// through the shim while the object crashes (abort) or the whole runtime is killed (dispose and
// start again on the same state) never loses an element: every acknowledged push is either still
// in the list or was delivered to the client that waited, and none is both.

import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { faultRig } from "./support/fault-rig.ts";
import type { Shims } from "./support/fault-rig.ts";
import { FAULT_ROUTES } from "./support/fault-routes.ts";
import { ioredisClient } from "./support/redis-client-scenarios.ts";
import { sleep } from "./support/shim-harness.ts";

/** Rounds of each fault: each one blocked waiter and one push racing the fault. */
const ROUNDS = Number(process.env.REALTIME_FAULT_ROUNDS ?? 6);
const RECONNECT_MS = 100;
/** The fault strikes this many ms after the push at most. */
const FAULT_SPREAD_MS = 150;

const rig = faultRig();

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
    const { origin, namespaces, shims } = await rig.faultWorker("rtf");
    const ns = namespaces[0]!;
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
    const { origin, namespaces, shims } = await rig.faultWorker("rtb");
    const ns = namespaces[0]!;
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
    const worker = await rig.restartableWorker("rtk");
    const { origin, namespaces, shims } = worker;
    const ns = namespaces[0]!;
    const tally: Tally = { acknowledged: [], delivered: [] };
    const rounds = Math.max(2, Math.ceil(ROUNDS / 2));
    for (let i = 0; i < rounds; i++)
      await round(
        () => origin,
        shims,
        ns,
        i,
        async () => {
          await worker.stop();
          await worker.start();
        },
        tally,
      );
    await check(origin, ns, tally);
  }, 180_000);
});
