// The shim's multiplexed socket as a hostile client meets it (issue 13 item 2): no contexts
// without a token on a secured Worker, at most MUX_MAX_CONTEXTS per socket, a protocol close code
// for a malformed message, and the runtime's memory bounded through a flood.

import WebSocket from "ws";
import { afterAll, describe, expect, it } from "vitest";
import { CLOSE_POLICY, CLOSE_PROTOCOL } from "../../src/limits.ts";
import { MUX_DIALECTS, MUX_OP, MuxWriter } from "../../src/protocols/mux.ts";
import { workerdRss } from "../../bench/lib/workerd-memory.ts";
import {
  exchange,
  freshNamespace,
  startTestShim,
  startTestWorker,
} from "./support/shim-harness.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const f of cleanups.reverse()) await f();
});

function muxUrl(base: URL, namespace: string): string {
  return `${base.href.replace(/^http/, "ws").replace(/\/$/, "")}/db/${namespace}/mux`;
}

/** Opens a raw mux socket: resolves with it, or with the HTTP status that refused it. */
function openMux(url: string, token?: string): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      perMessageDeflate: false,
    });
    ws.on("open", () => resolve(ws));
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("error", reject);
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}

describe("/mux on a secured Worker", () => {
  it("refuses an upgrade without a token (401); a shim without a token falls back and its clients AUTH", async () => {
    const w = await startTestWorker({ AUTH_TOKEN: "s3cret" });
    cleanups.push(() => w.dispose());
    const ns = freshNamespace();
    expect(await openMux(muxUrl(w.url, ns))).toBe(401);
    const ok = await openMux(muxUrl(w.url, ns), "s3cret");
    expect(ok).toBeInstanceOf(WebSocket);
    (ok as WebSocket).close();

    const s = await startTestShim(w.url.href, { namespace: ns, dialects: ["redis"] });
    cleanups.push(() => s.close());
    const out = await exchange(
      s.port("redis"),
      "GET a\r\nAUTH s3cret\r\nSET a 1\r\nGET a\r\nQUIT\r\n",
    );
    expect(out.toString()).toBe(
      "-NOAUTH Authentication required.\r\n+OK\r\n+OK\r\n$1\r\n1\r\n+OK\r\n",
    );
  });
});

describe("/mux bounds", () => {
  it("up to 300,000 OPEN frames (it closes after the 2nd 10,000): closed 1008 at the context cap, workerd grows < 64 MB", async () => {
    const w = await startTestWorker();
    cleanups.push(() => w.dispose());
    const url = muxUrl(w.url, freshNamespace());
    // Warm the object up so its start is not counted.
    const warm = (await openMux(url)) as WebSocket;
    warm.close();
    await closed(warm);
    const before = workerdRss();
    expect(before).toBeGreaterThan(0);
    const ws = (await openMux(url)) as WebSocket;
    const end = closed(ws);
    const redis = Uint8Array.of(MUX_DIALECTS.indexOf("redis"));
    // 30 messages of 10,000 frames, each sent once the previous one is answered (every message
    // gets one reply message) or until the object closes the socket.
    let sent = 0;
    for (let m = 0; m < 30 && ws.readyState === WebSocket.OPEN; m++) {
      const out = new MuxWriter();
      for (let i = 0; i < 10_000; i++) out.frame(m * 10_000 + i + 1, MUX_OP.OPEN, redis);
      const answered = new Promise((resolve) => ws.once("message", resolve));
      ws.send(out.take());
      sent += 10_000;
      await Promise.race([answered, end]);
    }
    const { code, reason } = await end;
    const grown = workerdRss() - before;
    // The figure docs/reliability.md quotes, printed on every run.
    console.log(
      `mux flood: ${sent} OPEN frames sent, socket closed ${code}, workerd RSS +${(grown / 1048576).toFixed(1)} MB`,
    );
    expect(code).toBe(CLOSE_POLICY);
    expect(reason).toMatch(/more than 10000 connections/);
    expect(grown).toBeLessThan(64 * 1024 * 1024);
  });

  it("a malformed message closes the socket 1002", async () => {
    const w = await startTestWorker();
    cleanups.push(() => w.dispose());
    const ws = (await openMux(muxUrl(w.url, freshNamespace()))) as WebSocket;
    const end = closed(ws);
    ws.send(Uint8Array.of(1, 0, 0, 0, 2, 99, 0, 0, 0, 1));
    expect((await end).code).toBe(CLOSE_PROTOCOL);
  });
});
