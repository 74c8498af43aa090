// `blink-edge dev` while its runtime restarts (issue 13 item 8): an HTTP client gets 503 with
// Retry-After from our own relay (src/node/dev-proxy.ts), never a refused connection, a stack
// trace or a local path, and the same URL answers again once Miniflare has restarted workerd.

import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { DEV_RETRY_AFTER_S, startDevProxy } from "../../src/node/dev-proxy.ts";
import { sleep, startTestWorker } from "./support/shim-harness.ts";

/** Pids of every process below `root`, from /proc. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
};

/** One request to the Worker: status, Retry-After and body, or the connection error's code. */
async function ping(url: string): Promise<{ status: number; retry: string | null; body: string }> {
  try {
    const res = await fetch(`${url}/`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '["PING"]',
      signal: AbortSignal.timeout(5000),
    });
    return { status: res.status, retry: res.headers.get("retry-after"), body: await res.text() };
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause;
    return { status: 0, retry: null, body: cause?.code ?? String(e) };
  }
}

/** Checks a 503 answer: ours, with no stack trace and no local path. */
function expectOurs503(a: { status: number; retry: string | null; body: string }): void {
  expect(a.status).toBe(503);
  expect(a.retry).toBe(String(DEV_RETRY_AFTER_S));
  expect(a.body).toMatch(/^ERR the local runtime is restarting/);
  expect(a.body).not.toMatch(/\bat \S+ \(|\/work\/|\/tmp\/|node_modules|\.ts:\d+/);
}

describe("blink-edge dev while the runtime is away", () => {
  it("the relay answers 503 with Retry-After when nothing listens behind it", async () => {
    // A port that refuses: bound, then closed.
    const s = createServer().listen(0, "127.0.0.1");
    await new Promise((r) => s.once("listening", r));
    const dead = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    const proxy = await startDevProxy("127.0.0.1", 0, dead);
    try {
      expectOurs503(await ping(`http://127.0.0.1:${proxy.port}`));
    } finally {
      await proxy.close();
    }
  });

  it("kill -9 of workerd behind the relay (as `blink-edge dev` runs it): 503 + Retry-After until it is back, then 200", async () => {
    const worker = await startTestWorker();
    const proxy = await startDevProxy("127.0.0.1", 0, Number(worker.url.port));
    const url = `http://127.0.0.1:${proxy.port}`;
    try {
      expect(await ping(url)).toEqual({ status: 200, retry: null, body: '{"result":"PONG"}' });
      const workerd = descendants(process.pid).filter((p) => cmdline(p).includes("workerd"));
      expect(workerd.length).toBeGreaterThan(0);
      for (const p of workerd) process.kill(p, "SIGKILL");
      // Every answer until the runtime is back is our 503; none is a refused connection.
      const seen: { status: number; retry: string | null; body: string }[] = [];
      const deadline = Date.now() + 30_000;
      for (;;) {
        const a = await ping(url);
        seen.push(a);
        if (a.status === 200 || Date.now() > deadline) break;
        await sleep(20);
      }
      expect(seen.at(-1)!.status).toBe(200);
      const down = seen.filter((a) => a.status !== 200);
      expect(down.length).toBeGreaterThan(0);
      for (const a of down) expectOurs503(a);
    } finally {
      await proxy.close();
      await worker.dispose();
    }
  }, 60_000);
});
