// What 1,000 idle subscribers on WebSocket /resp cost (issue 16): each subscribes to a channel
// of its own and one they share, then the object hibernates (evicted, sockets kept); workerd's
// RSS and CPU time are read from /proc before, while they idle and after a publish wakes the
// object. Every subscriber must still get the shared channel's message after the wake.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import WebSocket from "ws";
import { describe, expect, it } from "vitest";
import { faultRig } from "./support/fault-rig.ts";
import { FAULT_ROUTES } from "./support/fault-routes.ts";
import { freshNamespace, sleep } from "./support/shim-harness.ts";

const SUBSCRIBERS = Number(process.env.IDLE_SUBSCRIBERS ?? 1000);
const IDLE_MS = 5000;
const MB = 2 ** 20;
const CLOCK_TICKS = 100;

const rig = faultRig();

/** workerd processes started by this test process (Miniflare's children). */
function workerdPids(): number[] {
  try {
    const out = execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], {
      encoding: "utf8",
    });
    return out
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .filter(([, comm]) => comm === "workerd")
      .map(([pid]) => Number(pid));
  } catch {
    return [];
  }
}

/** RSS (bytes) and CPU time (ms) of a process, from /proc. */
function usage(pid: number): { rss: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rss, cpuMs: (ticks * 1000) / CLOCK_TICKS };
}

/** A raw RESP WebSocket subscriber that counts the messages it gets. */
class Subscriber {
  readonly ws: WebSocket;
  text = "";
  constructor(url: string) {
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    this.ws.on("message", (d: Buffer) => (this.text += d.toString("latin1")));
  }
  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
    });
  }
}

async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe("idle subscribers on WebSocket /resp", () => {
  it(`${SUBSCRIBERS} subscribers hibernate: RSS and CPU of workerd, and all are woken by one publish`, async () => {
    const { origin } = await rig.faultWorker("idle", 0);
    const ns = freshNamespace("idle");
    const rest = async (...argv: string[]) =>
      (
        (await (
          await fetch(`${origin}/db/${ns}/`, {
            method: "POST",
            body: JSON.stringify(argv),
            headers: { "Content-Type": "application/json" },
          })
        ).json()) as { result: unknown }
      ).result;
    expect(await rest("PING")).toBe("PONG");
    const [pid] = workerdPids();
    const measurable = pid !== undefined;
    const before = measurable ? usage(pid) : undefined;

    const subs: Subscriber[] = [];
    rig.defer(async () => subs.forEach((s) => s.ws.terminate()));
    const t0 = Date.now();
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const s = new Subscriber(`${origin.replace("http", "ws")}/db/${ns}/resp`);
      subs.push(s);
      await s.opened();
      s.ws.send(`SUBSCRIBE all own:${i}\r\n`);
    }
    await until(() => subs.every((s) => s.text.includes(":2\r\n")), 60_000, "subscriptions");
    const connectMs = Date.now() - t0;
    const awake = measurable ? usage(pid) : undefined;

    expect(await (await fetch(`${origin}${FAULT_ROUTES.evict}`)).text()).toBe("ok\n");
    await sleep(IDLE_MS);
    const idle = measurable ? usage(pid) : undefined;
    await sleep(IDLE_MS);
    const idle2 = measurable ? usage(pid) : undefined;

    const w0 = Date.now();
    expect(await rest("PUBLISH", "all", "wake-up")).toBe(SUBSCRIBERS);
    await until(() => subs.every((s) => s.text.includes("wake-up")), 30_000, "every subscriber");
    const wakeMs = Date.now() - w0;
    expect(await rest("PUBLISH", `own:${SUBSCRIBERS - 1}`, "mine")).toBe(1);
    const after = measurable ? usage(pid) : undefined;

    const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;
    console.log(
      `realtime idle: ${SUBSCRIBERS} /resp subscribers connected and subscribed in ${connectMs} ms; ` +
        `one publish woke the hibernated object and reached all in ${wakeMs} ms` +
        (measurable
          ? `; workerd RSS ${mb(before!.rss)} before, ${mb(awake!.rss)} with them connected, ` +
            `${mb(idle!.rss)} hibernated, ${mb(after!.rss)} after the wake; ` +
            `CPU while hibernated ${(idle2!.cpuMs - idle!.cpuMs).toFixed(0)} ms in ${IDLE_MS} ms`
          : "; workerd not found, RSS not measured"),
    );
    if (measurable) expect(idle2!.cpuMs - idle!.cpuMs).toBeLessThan(IDLE_MS / 10);
  }, 180_000);
});
