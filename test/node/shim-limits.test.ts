// The shim's own limits (issue 5): SHIM_MAX_CONNECTIONS (one more connection gets the dialect's
// error line and is closed; no upstream is opened for it) and SHIM_IDLE_TIMEOUT_MS (off by
// default as in the originals; `--idle-timeout` closes connections that send and await nothing).

import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CLOSE_NORMAL, SHIM_IDLE_TIMEOUT_MS, SHIM_MAX_CONNECTIONS } from "../../src/limits.ts";
import { parseIdleTimeout } from "../../src/node/commands/shim.ts";
import { startShim } from "../../src/node/shim/index.ts";
import type { DialectName, Shim, ShimOptions } from "../../src/node/shim/index.ts";
import type { ShimDialect } from "../../src/node/shim/dialects.ts";
import type {
  UpstreamConnector,
  UpstreamEvents,
  UpstreamLink,
} from "../../src/node/shim/upstream.ts";
import { TcpClient, freshNamespace, sleep, sharedTestWorker } from "./support/shim-harness.ts";
import type { TestWorker } from "./support/shim-harness.ts";

const BIN = join(import.meta.dirname, "../../bin/blink-edge.mjs");
const LOOPBACK = "127.0.0.1";
const IDLE_MS = 200;

/** An upstream that opens at once and answers only when told. */
class HeldLink implements UpstreamLink {
  readonly events: UpstreamEvents;
  sent = 0;
  closedWith: number | undefined;
  backlog = 0;
  constructor(events: UpstreamEvents) {
    this.events = events;
    queueMicrotask(() => events.open());
  }
  send(): void {
    this.sent++;
  }
  close(code: number): void {
    this.closedWith ??= code;
  }
}

class HeldConnector implements UpstreamConnector {
  links: HeldLink[] = [];
  connect(_dialect: ShimDialect, events: UpstreamEvents): UpstreamLink {
    const l = new HeldLink(events);
    this.links.push(l);
    return l;
  }
}

const shims: Shim[] = [];
afterEach(async () => {
  for (const s of shims.splice(0)) await s.close();
});

let worker: TestWorker;
beforeAll(async () => {
  worker = await sharedTestWorker();
});
afterAll(async () => {
  await worker?.dispose();
});

async function fakeShim(opts: Partial<ShimOptions>) {
  const connector = new HeldConnector();
  const logs: string[] = [];
  const listen: ShimOptions["listen"] = {};
  for (const d of ["blink", "gevent", "redis"] as const) listen[d] = { host: LOOPBACK, port: 0 };
  const shim = await startShim({
    url: "http://127.0.0.1:9",
    listen,
    connector,
    log: (l) => logs.push(l),
    ...opts,
  });
  shims.push(shim);
  const port = (d: DialectName) => shim.listeners.find((l) => l.dialect === d)!.address.port;
  return { shim, connector, logs, port };
}

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error("condition not met in time");
    await sleep(5);
  }
}

describe("SHIM_MAX_CONNECTIONS", () => {
  it("is 10000 by default", () => {
    expect(SHIM_MAX_CONNECTIONS).toBe(10000);
  });

  it("counts all listeners together; one more gets the dialect's error line, FIN, no upstream", async () => {
    const { shim, connector, logs, port } = await fakeShim({ maxConnections: 3 });
    const held = [
      await TcpClient.open(port("blink")),
      await TcpClient.open(port("gevent")),
      await TcpClient.open(port("redis")),
    ];
    await waitFor(() => shim.stats().length === 3);
    const refusals: [DialectName, string][] = [
      ["blink", "ERROR too many connections\n"],
      ["gevent", "-ERR max number of clients reached\r\n"],
      ["redis", "-ERR max number of clients reached\r\n"],
    ];
    for (const [d, line] of refusals) {
      const c = await TcpClient.open(port(d));
      c.write(d === "blink" ? "GET a\n" : "*1\r\n$4\r\nPING\r\n");
      expect((await c.readToEnd()).toString()).toBe(line);
      c.destroy();
    }
    expect(connector.links).toHaveLength(3);
    expect(shim.stats()).toHaveLength(3);
    expect(logs.filter((l) => l.startsWith("connection limit reached"))).toEqual([
      "connection limit reached (3 open); refusing new connections",
    ]);

    held[0]!.destroy();
    await waitFor(() => shim.stats().length === 2);
    const again = await TcpClient.open(port("redis"));
    await waitFor(() => connector.links.length === 4);
    expect(shim.stats()).toHaveLength(3);
    expect(logs.at(-1)).toBe("connection count below the limit again (2 open)");
    again.destroy();
    for (const c of held) c.destroy();
  });

  describe("against the Worker", () => {
    it("connections within the limit work; the next is refused; a freed slot is reused", async () => {
      const shim = await startShim({
        url: `${worker.url.origin}/db/${freshNamespace("lim")}`,
        listen: { blink: { host: LOOPBACK, port: 0 }, redis: { host: LOOPBACK, port: 0 } },
        maxConnections: 2,
        log: () => {},
      });
      shims.push(shim);
      const port = (d: DialectName) => shim.listeners.find((l) => l.dialect === d)!.address.port;
      const a = await TcpClient.open(port("blink"));
      const b = await TcpClient.open(port("redis"));
      a.write("SET k v\n");
      b.write("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
      expect((await a.readBytes(3)).toString()).toBe("OK\n");
      await b.readUntil("\r\n");
      const c = await TcpClient.open(port("redis"));
      c.write("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
      expect((await c.readToEnd()).toString()).toBe("-ERR max number of clients reached\r\n");
      a.end();
      await a.readToEnd();
      await waitFor(() => shim.stats().length === 1);
      const d = await TcpClient.open(port("redis"));
      d.write("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
      expect((await d.readBytes(7)).toString()).toBe("$1\r\nv\r\n");
      for (const x of [b, c, d]) x.destroy();
    });
  });
});

describe("SHIM_IDLE_TIMEOUT_MS", () => {
  it("is 0 (never) by default: a silent connection stays open", async () => {
    expect(SHIM_IDLE_TIMEOUT_MS).toBe(0);
    const { shim, port } = await fakeShim({});
    const c = await TcpClient.open(port("blink"));
    await sleep(IDLE_MS * 3);
    expect(c.ended || c.closed).toBe(false);
    expect(shim.stats()).toHaveLength(1);
    c.destroy();
  });

  it("closes a connection idle for the timeout with a FIN and no bytes; logs one line", async () => {
    const { connector, logs, port } = await fakeShim({ idleTimeoutMs: IDLE_MS });
    const c = await TcpClient.open(port("redis"));
    const t0 = Date.now();
    expect((await c.readToEnd()).length).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(IDLE_MS - 20);
    expect(connector.links[0]!.closedWith).toBe(CLOSE_NORMAL);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^redis 127\.0\.0\.1:\d+: idle for 200 ms; closed$/);
    c.destroy();
  });

  it("client bytes and replies re-arm it; waiting for the Worker is not idleness", async () => {
    const { connector, port } = await fakeShim({ idleTimeoutMs: IDLE_MS });
    const c = await TcpClient.open(port("blink"));
    await waitFor(() => connector.links.length === 1);
    const link = connector.links[0]!;
    // Active: a command every IDLE_MS / 2, each answered, for 3 × IDLE_MS.
    for (let i = 0; i < 6; i++) {
      c.write(`GET k${i}\n`);
      await waitFor(() => link.sent === i + 1);
      link.events.message(Buffer.from("NOT_FOUND\n"));
      await sleep(IDLE_MS / 2);
    }
    expect(c.ended || c.closed).toBe(false);
    // Waiting: a command whose reply takes 3 × IDLE_MS.
    c.write("GET slow\n");
    await waitFor(() => link.sent === 7);
    await sleep(IDLE_MS * 3);
    expect(c.ended || c.closed).toBe(false);
    link.events.message(Buffer.from("VALUE eA==\n"));
    const all = (await c.readToEnd()).toString();
    expect(all).toBe("NOT_FOUND\n".repeat(6) + "VALUE eA==\n");
  });

  it("--idle-timeout takes seconds (as Redis's timeout) or milliseconds", () => {
    expect(parseIdleTimeout("300")).toBe(300_000);
    expect(parseIdleTimeout("0.5")).toBe(500);
    expect(parseIdleTimeout("250ms")).toBe(250);
    expect(parseIdleTimeout("2s")).toBe(2000);
    expect(parseIdleTimeout("0")).toBe(0);
    for (const bad of ["", "-1", "abc", "1e3", "5m"])
      expect(() => parseIdleTimeout(bad)).toThrow(/--idle-timeout: expected seconds/);
  });

  it("`blink-edge shim --idle-timeout 300ms` closes an idle connection; a bad value exits 2", async () => {
    const bad = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [BIN, "shim", "--idle-timeout", "soon"]);
      let stderr = "";
      p.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      p.on("exit", (code) => resolve({ code, stderr }));
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--idle-timeout: expected seconds");

    const child = spawn(process.execPath, [
      BIN,
      "shim",
      "--url",
      `${worker.url.origin}/db/${freshNamespace("idle")}`,
      "--idle-timeout",
      "300ms",
      "--blink",
      "0",
      "--gevent",
      "off",
      "--redis",
      "off",
    ]);
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => {
          out += d;
          const m = /blink on 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.on("exit", (code) => reject(new Error(`shim exited ${code}`)));
      });
      const c = await TcpClient.open(port);
      c.write("SET a b\n");
      expect((await c.readBytes(3)).toString()).toBe("OK\n");
      const answered = Date.now();
      expect((await c.readToEnd()).toString()).toBe("OK\n");
      expect(Date.now() - answered).toBeGreaterThanOrEqual(250);
      c.destroy();
    } finally {
      child.kill("SIGTERM");
    }
  });
});
