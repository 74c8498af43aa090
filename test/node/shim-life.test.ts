// Connection life through the shim (spec §12.2): refused and failed upgrades, a Worker killed
// under load, clients that reset, and a client that stops reading.

import { createServer as createHttpServer } from "node:http";
import type { Server as HttpServer } from "node:http";
import { createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHIM_OUTPUT_MAX_BYTES } from "../../src/limits.ts";
import {
  TcpClient,
  exchange,
  freshNamespace,
  sleep,
  startTestShim,
  sharedTestWorker,
  startTestWorker,
} from "./support/shim-harness.ts";
import type { TestWorker } from "./support/shim-harness.ts";
import type { TestShim } from "./support/shim-harness.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const f of cleanups.reverse()) await f();
});

async function shimFor(
  base: string,
  opts: Parameters<typeof startTestShim>[1] = {},
): Promise<TestShim> {
  const s = await startTestShim(base, opts);
  cleanups.push(() => s.close());
  return s;
}

function listening(server: Server | HttpServer): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
}

describe("upgrade refused or failed (spec §12.2 table)", () => {
  it("connection refused → upstream unavailable, per dialect, one log line each", async () => {
    const dead = createServer();
    const port = await listening(dead);
    await new Promise<void>((r) => dead.close(() => r()));
    const s = await shimFor(`http://127.0.0.1:${port}`);
    expect((await exchange(s.port("blink"), "GET a\n")).toString()).toBe(
      "ERROR upstream unavailable\n",
    );
    expect((await exchange(s.port("gevent"), "")).toString()).toBe("-ERR upstream unavailable\r\n");
    expect((await exchange(s.port("redis"), "PING\r\n")).toString()).toBe(
      "-ERR upstream unavailable\r\n",
    );
    expect(s.logs).toHaveLength(3);
    expect(s.logs[0]).toMatch(/^blink 127\.0\.0\.1:\d+: upstream unavailable \(ECONNREFUSED\)$/);
  });

  it("5xx → upstream unavailable; 401 and 403 → WRONGPASS", async () => {
    let status = 500;
    const http = createHttpServer((_req, res) => {
      res.writeHead(status).end();
    });
    const port = await listening(http);
    cleanups.push(() => new Promise<void>((r) => http.close(() => r())));
    const s = await shimFor(`http://127.0.0.1:${port}`);
    expect((await exchange(s.port("blink"), "")).toString()).toBe("ERROR upstream unavailable\n");
    status = 401;
    expect((await exchange(s.port("blink"), "")).toString()).toBe(
      "ERROR WRONGPASS invalid or missing auth token\n",
    );
    status = 403;
    expect((await exchange(s.port("gevent"), "")).toString()).toBe(
      "-WRONGPASS invalid or missing auth token\r\n",
    );
  });

  it("no upgrade within the timeout → upstream unavailable", async () => {
    const held: Socket[] = [];
    const silent = createServer((sock) => held.push(sock));
    const port = await listening(silent);
    cleanups.push(() => {
      for (const h of held) h.destroy();
      return new Promise<void>((r) => silent.close(() => r()));
    });
    const s = await shimFor(`http://127.0.0.1:${port}`, { upstreamTimeoutMs: 300 });
    const t0 = Date.now();
    expect((await exchange(s.port("blink"), "GET a\n")).toString()).toBe(
      "ERROR upstream unavailable\n",
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  });

  it("a Worker with auth: no token → WRONGPASS line; the shim's token → served", async () => {
    const w = await startTestWorker({ AUTH_TOKEN: "s3cret" });
    cleanups.push(() => w.dispose());
    const anonymous = await shimFor(w.url.href);
    expect((await exchange(anonymous.port("blink"), "GET a\n")).toString()).toBe(
      "ERROR WRONGPASS invalid or missing auth token\n",
    );
    expect((await exchange(anonymous.port("gevent"), "")).toString()).toBe(
      "-WRONGPASS invalid or missing auth token\r\n",
    );
    const wrong = await shimFor(w.url.href, { token: "nope" });
    expect((await exchange(wrong.port("blink"), "GET a\n")).toString()).toBe(
      "ERROR WRONGPASS invalid or missing auth token\n",
    );
    const authed = await shimFor(w.url.href, { token: "s3cret", namespace: freshNamespace() });
    expect((await exchange(authed.port("blink"), "SET a 1\nGET a\nQUIT\n")).toString()).toBe(
      "OK\nVALUE MQ==\n",
    );
    expect(authed.logs.join("\n")).not.toContain("s3cret");
  });
});

describe("the Worker goes away", () => {
  it("killing the Worker under load closes every client connection; the shim stays up and serves after a restart", async () => {
    let w = await startTestWorker();
    const port = Number(w.url.port);
    const s = await shimFor(w.url.href, { namespace: freshNamespace("kill") });
    const clients: TcpClient[] = [];
    let replies = 0;
    for (let i = 0; i < 20; i++) {
      const dialect = i % 2 === 0 ? "blink" : "gevent";
      const c = await TcpClient.open(s.port(dialect));
      clients.push(c);
      // Keep sending until the connection ends.
      const pump = () => {
        if (c.closed || c.ended) return;
        c.write(
          dialect === "blink"
            ? "SET k v\nGET k\n".repeat(20)
            : "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n".repeat(20),
        );
        setTimeout(pump, 2);
      };
      pump();
    }
    await sleep(500);
    replies = clients.reduce((n, c) => n + c.received.length, 0);
    expect(replies).toBeGreaterThan(0);
    await w.dispose();
    await Promise.all(
      clients.map((c) =>
        c.until(() => c.ended || c.closed, 15_000, "close").catch(() => undefined),
      ),
    );
    for (const c of clients) expect(c.ended || c.closed).toBe(true);
    for (const c of clients) c.destroy();
    await waitFor(() => s.shim.stats().length === 0);
    // At most one log line per connection.
    expect(s.logs.length).toBeLessThanOrEqual(clients.length);
    for (const line of s.logs) {
      // Connections whose upgrade had not completed yet see a failed upgrade instead.
      expect(line, s.logs.join("\n")).toMatch(
        /^(blink|gevent) 127\.0\.0\.1:\d+: upstream (closed \(code \d+|unavailable \()/,
      );
    }

    // While the Worker is down, new connections get the unavailable line.
    expect((await exchange(s.port("blink"), "GET k\n")).toString()).toBe(
      "ERROR upstream unavailable\n",
    );

    w = await startTestWorker(undefined, port);
    cleanups.push(() => w.dispose());
    expect(
      (await exchange(s.port("blink"), "SET after restart\nGET after\nQUIT\n")).toString(),
    ).toBe("OK\nVALUE cmVzdGFydA==\n");
  }, 60_000);
});

describe("clients that misbehave", () => {
  let worker: TestWorker;
  let s: TestShim;
  beforeAll(async () => {
    worker = await sharedTestWorker();
    cleanups.push(() => worker.dispose());
    s = await shimFor(worker.url.href, { namespace: freshNamespace("slow") });
  });

  it("a client reset mid-command closes its upstream and disturbs nobody", async () => {
    for (let i = 0; i < 10; i++) {
      const c = await TcpClient.open(s.port(i % 2 ? "blink" : "gevent"));
      c.write(i % 2 ? "SET partial " : "*3\r\n$3\r\nSET\r\n");
      await sleep(5);
      c.socket.resetAndDestroy();
    }
    const c = await TcpClient.open(s.port("blink"));
    c.write("SET k v\n");
    c.socket.destroy(); // one command, then drop the socket
    await waitFor(() => s.shim.stats().length === 0);
    expect((await exchange(s.port("blink"), "GET missing\nQUIT\n")).toString()).toBe("NOT_FOUND\n");
  });

  it("a slow reader: the shim stops reading and forwarding, and keeps its buffers bounded", async () => {
    const value = "x".repeat(1024);
    expect((await exchange(s.port("blink"), `SET big ${value}\nQUIT\n`)).toString()).toBe("OK\n");
    const replyLine = `VALUE ${Buffer.from(value).toString("base64")}\n`;
    const n = 120_000; // ~165 MB of replies if all were forwarded: past SHIM_OUTPUT_MAX_BYTES
    const c = await TcpClient.open(s.port("blink"));
    c.socket.pause(); // reads nothing
    // Trailing whitespace is trimmed (spec §7.2): 64-byte lines make a request larger than the
    // kernel's socket buffers, so holding it back is visible to the client.
    const request = Buffer.from(`GET big${" ".repeat(56)}\n`.repeat(n));
    let written = 0;
    const writeMore = () => {
      while (written < request.length) {
        const chunk = request.subarray(written, written + 65536);
        written += chunk.length;
        if (!c.socket.write(chunk)) return void c.socket.once("drain", writeMore);
      }
    };
    writeMore();
    let inputPeak = 0;
    let outputPeak = 0;
    for (let i = 0; i < 30; i++) {
      await sleep(100);
      for (const st of s.shim.stats()) {
        inputPeak = Math.max(inputPeak, st.inputBytes + st.upstreamBacklog);
        outputPeak = Math.max(outputPeak, st.writeBuffered);
      }
    }
    // Input: one message's worth plus socket buffers. Output: the replies already on their way
    // when the client stopped reading, never past the connection's output limit.
    expect(inputPeak).toBeLessThan(32 * 1024 * 1024);
    expect(outputPeak).toBeLessThanOrEqual(SHIM_OUTPUT_MAX_BYTES);
    expect(written).toBeLessThan(request.length); // the client's writes were held back too

    // Reading again delivers every reply, in order.
    c.socket.resume();
    const total = n * replyLine.length;
    await c.until(() => c.length >= total, 60_000, "all replies");
    expect(c.received.length).toBe(total);
    expect(c.received.subarray(0, replyLine.length).toString()).toBe(replyLine);
    expect(c.received.subarray(total - replyLine.length).toString()).toBe(replyLine);
    c.destroy();
  }, 90_000);
});

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error("condition not met in time");
    await sleep(20);
  }
}
