// Faults with nothing lost (issue 5, spec §13.1): concurrent writers through the shim (Blink and
// Redis over TCP) and over HTTP (Blink, Light-Redis, Upstash) while (1) the local Worker is
// disposed and started again on the same port and state folder at random moments, (2) every
// Durable Object is aborted (crash) or evicted (WebSockets hibernate) at random moments, and
// (3) the shim is closed and started again on the same ports. Writers reconnect and go on; at
// the end every acknowledged write is read back: lost must be 0.
//
// FAULT_SECONDS (default 10) sets the writing time of each scenario.

import { describe, expect, it } from "vitest";
import { faultRig } from "./support/fault-rig.ts";
import type { Shims } from "./support/fault-rig.ts";
import { FAULT_ROUTES } from "./support/fault-routes.ts";
import { AckLog, runWriter, verify } from "./support/fault-writers.ts";
import type { Verdict, WriteDoor, WriteTarget } from "./support/fault-writers.ts";
import { sleep } from "./support/shim-harness.ts";

const SECONDS = Number(process.env.FAULT_SECONDS ?? 10);
/** Writers per door and scenario. */
const WRITERS_PER_DOOR = 2;
const ALL_DOORS: WriteDoor[] = [
  "blink-tcp",
  "redis-tcp",
  "blink-http",
  "lightredis-http",
  "upstash-http",
];
/** After the last fault, writers keep going this long so that each reconnects once more. */
const TAIL_MS = 1500;
/** Longest a scenario may take: writing, start-ups, read-back. */
const SCENARIO_TIMEOUT_MS = (SECONDS + 50) * 1000;

const rig = faultRig();

const rand = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

interface Scenario {
  name: string;
  doors: WriteDoor[];
  /** Runs faults until `until` (ms since epoch); returns a description of what was done. */
  faults(until: number): Promise<string>;
}

/** Writers on every door in two namespaces while `faults` runs; then the read-back. */
async function drive(
  origin: () => string,
  shims: Shims,
  namespaces: string[],
  scenario: Scenario,
): Promise<Verdict> {
  const log = new AckLog();
  const faultsUntil = Date.now() + SECONDS * 1000;
  const writersUntil = faultsUntil + TAIL_MS;
  const writers: Promise<void>[] = [];
  let n = 0;
  for (const door of scenario.doors) {
    for (let i = 0; i < WRITERS_PER_DOOR; i++) {
      const namespace = namespaces[n++ % namespaces.length]!;
      const target: WriteTarget = {
        namespace,
        origin,
        tcpPort: (d) => shims.port(namespace, d),
      };
      writers.push(runWriter(door, target, `${door}-${i}`, writersUntil, log));
    }
  }
  const done = await scenario.faults(faultsUntil);
  await Promise.all(writers);
  const verdict = await verify(origin(), log);
  const doors = [...log.perDoor].map(([d, c]) => `${d} ${c}`).join(", ");
  console.log(
    `faults: ${scenario.name}: ${done}; acknowledged ${verdict.acknowledged}, found ${verdict.found}, ` +
      `lost ${verdict.lost} (${verdict.keys} keys; ${doors}; ${log.unacknowledged} unacknowledged ` +
      `attempts, ${log.reconnects} reconnects)`,
  );
  for (const m of verdict.missing.slice(0, 20)) console.log(`faults: lost ${m}`);
  return verdict;
}

function expectNothingLost(v: Verdict, doors: WriteDoor[]): void {
  expect(v.missing).toEqual([]);
  expect(v.lost).toBe(0);
  expect(v.found).toBe(v.acknowledged);
  expect(v.acknowledged).toBeGreaterThan(doors.length * WRITERS_PER_DOOR * 10);
}

describe("acknowledged writes survive faults", () => {
  it(
    "Worker restarts (dispose and start again on the same port and state folder)",
    async () => {
      const worker = await rig.restartableWorker("fr", 2);
      const { origin, namespaces, shims } = worker;
      const verdict = await drive(() => origin, shims, namespaces, {
        name: "Worker restarts",
        doors: ALL_DOORS,
        async faults(until) {
          let restarts = 0;
          let downMs = 0;
          while (Date.now() < until) {
            await sleep(rand(500, 2500));
            const t0 = Date.now();
            await worker.stop();
            await sleep(rand(0, 300));
            await worker.start();
            downMs += Date.now() - t0;
            restarts++;
          }
          return `${restarts} restarts (${Math.round(downMs / restarts)} ms down on average)`;
        },
      });
      expectNothingLost(verdict, ALL_DOORS);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "Durable Objects aborted or evicted at random moments",
    async () => {
      const { origin, namespaces, shims } = await rig.faultWorker("fe", 2);
      const verdict = await drive(() => origin, shims, namespaces, {
        name: "objects aborted/evicted",
        doors: ALL_DOORS,
        async faults(until) {
          let aborts = 0;
          let evictions = 0;
          while (Date.now() < until) {
            await sleep(rand(200, 1200));
            const abort = Math.random() < 0.5;
            const res = await fetch(`${origin}${abort ? FAULT_ROUTES.abort : FAULT_ROUTES.evict}`);
            expect(await res.text()).toBe("ok\n");
            if (abort) aborts++;
            else evictions++;
          }
          return `${aborts} aborts, ${evictions} evictions`;
        },
      });
      expectNothingLost(verdict, ALL_DOORS);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "the shim killed and started again on the same ports",
    async () => {
      const { origin, namespaces, shims } = await rig.worker("fs", 2);
      const doors: WriteDoor[] = ["blink-tcp", "redis-tcp"];
      const verdict = await drive(() => origin, shims, namespaces, {
        name: "shim restarts",
        doors,
        async faults(until) {
          while (Date.now() < until) {
            await sleep(rand(300, 1500));
            await shims.restartAll(rand(0, 300));
          }
          return `${shims.restarts} shim restarts`;
        },
      });
      expectNothingLost(verdict, doors);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it("the read-back notices a missing or stale write (the check is not vacuous)", async () => {
    const { origin, namespaces, shims } = await rig.worker("fv", 1, false);
    const ns = namespaces[0]!;
    const log = new AckLog();
    const target: WriteTarget = {
      namespace: ns,
      origin: () => origin,
      tcpPort: (d) => shims.port(ns, d),
    };
    await runWriter("redis-tcp", target, "v", Date.now() + 300, log);
    expect((await verify(origin, log)).lost).toBe(0);
    const [unique] = log.unique.keys();
    const [counter] = log.counters.keys();
    const upstash = (cmd: string[]) =>
      fetch(`${origin}/db/${ns}/`, {
        method: "POST",
        body: JSON.stringify(cmd),
        headers: { "content-type": "application/json" },
      }).then((r) => r.text());
    expect(await upstash(["DEL", unique!])).toBe('{"result":1}');
    expect(await upstash(["SET", counter!, "0"])).toBe('{"result":"OK"}');
    const v = await verify(origin, log);
    expect(v.missing).toHaveLength(2);
    expect(v.lost).toBe(1 + log.counters.get(counter!)!.writes);
  });
});
