// One shim connection against a scripted upstream (spec §12.2): buffering before the upgrade,
// in-flight limit, reply order, empty replies, framing errors after earlier replies, half-close,
// upstream close, client reset. No Worker involved.

import { afterEach, describe, expect, it } from "vitest";
import {
  CLOSE_NORMAL,
  REPLY_MAX_BYTES,
  SHIM_INFLIGHT_REPLY_BYTES,
  SHIM_MAX_INFLIGHT_BATCHES,
} from "../../src/limits.ts";
import { startShim } from "../../src/node/shim/index.ts";
import type { Shim } from "../../src/node/shim/index.ts";
import type { ShimDialect } from "../../src/node/shim/dialects.ts";
import type {
  UpstreamConnector,
  UpstreamEvents,
  UpstreamLink,
} from "../../src/node/shim/upstream.ts";
import { TcpClient, sleep } from "./support/shim-harness.ts";

class FakeLink implements UpstreamLink {
  readonly events: UpstreamEvents;
  readonly dialect: string;
  sent: string[] = [];
  closedWith: number | undefined;
  backlog = 0;
  constructor(dialect: ShimDialect, events: UpstreamEvents) {
    this.dialect = dialect.name;
    this.events = events;
  }
  send(batch: Uint8Array): void {
    this.sent.push(Buffer.from(batch).toString("latin1"));
  }
  close(code: number): void {
    this.closedWith ??= code;
  }
  reply(text: string): void {
    this.events.message(Buffer.from(text, "latin1"));
  }
}

class FakeConnector implements UpstreamConnector {
  links: FakeLink[] = [];
  connect(dialect: ShimDialect, events: UpstreamEvents): UpstreamLink {
    const l = new FakeLink(dialect, events);
    this.links.push(l);
    return l;
  }
}

let shim: Shim | undefined;
afterEach(async () => {
  await shim?.close();
  shim = undefined;
});

async function setup(opts: { outputMaxBytes?: number } = {}) {
  const connector = new FakeConnector();
  const logs: string[] = [];
  shim = await startShim({
    url: "http://127.0.0.1:9",
    listen: { blink: { host: "127.0.0.1", port: 0 }, gevent: { host: "127.0.0.1", port: 0 } },
    connector,
    log: (l) => logs.push(l),
    ...opts,
  });
  const port = (d: string) => shim!.listeners.find((l) => l.dialect === d)!.address.port;
  const open = async (d: "blink" | "gevent") => {
    const c = await TcpClient.open(port(d));
    await waitFor(() => connector.links.length > 0 && connector.links.at(-1)!.dialect === d);
    return { c, link: connector.links.at(-1)! };
  };
  return { connector, logs, open };
}

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error("condition not met in time");
    await sleep(5);
  }
}

describe("shim connection", () => {
  it("buffers before the upgrade, then sends in order; replies are written in order", async () => {
    const { open } = await setup();
    const { c, link } = await open("blink");
    c.write("GET a\n");
    await sleep(30);
    c.write("GET b\nGET c\n");
    await sleep(30);
    expect(link.sent).toEqual([]);
    link.events.open();
    // One batch out until the first reply says how large this connection's replies are.
    expect(link.sent).toEqual(["GET a\n"]);
    link.reply("NOT_FOUND\n");
    await waitFor(() => link.sent.length === 2);
    expect(link.sent).toEqual(["GET a\n", "GET b\nGET c\n"]);
    link.reply("NOT_FOUND\nVALUE Yw==\n");
    expect((await c.readBytes(31)).toString()).toBe("NOT_FOUND\nNOT_FOUND\nVALUE Yw==\n");
    c.destroy();
  });

  it("stops reading with SHIM_MAX_INFLIGHT_BATCHES unanswered, resumes as replies come", async () => {
    const { open, connector } = await setup();
    const { c, link } = await open("blink");
    link.events.open();
    // A first small reply: until one comes, a connection's replies are expected to be as large as
    // a batch's may be, and fewer batches go out (SHIM_INFLIGHT_REPLY_BYTES).
    c.write("GET k\n");
    await waitFor(() => link.sent.length === 1);
    link.reply("NOT_FOUND\n");
    const total = SHIM_MAX_INFLIGHT_BATCHES + 36;
    for (let i = 0; i < total; i++) {
      c.write(`GET k${i}\n`);
      await waitFor(
        () =>
          link.sent.length === 1 + Math.min(i + 1, SHIM_MAX_INFLIGHT_BATCHES) ||
          i >= SHIM_MAX_INFLIGHT_BATCHES,
      );
    }
    await sleep(100);
    expect(link.sent.length).toBe(1 + SHIM_MAX_INFLIGHT_BATCHES);
    expect(shim!.stats()[0]!.inflight).toBe(SHIM_MAX_INFLIGHT_BATCHES);
    for (let i = 0; i < SHIM_MAX_INFLIGHT_BATCHES; i++) link.reply("NOT_FOUND\n");
    await waitFor(() => link.sent.join("").split("\n").length - 1 === total + 1);
    expect(link.sent.join("")).toBe(
      "GET k\n" + Array.from({ length: total }, (_, i) => `GET k${i}\n`).join(""),
    );
    expect(connector.links).toHaveLength(1);
    c.destroy();
  });

  it("a connection whose replies are large has one batch out (SHIM_INFLIGHT_REPLY_BYTES)", async () => {
    const { open } = await setup();
    const { c, link } = await open("blink");
    link.events.open();
    for (let i = 0; i < 4; i++) {
      c.write(`GET big${i}\n`);
      await sleep(20);
    }
    // Before any reply: one batch out (it may bring REPLY_MAX_BYTES), the rest held.
    await waitFor(() => link.sent.length === 1);
    await sleep(50);
    expect(link.sent.length).toBe(1);
    // A reply of REPLY_MAX_BYTES: again one out; then a small reply lets the rest go.
    link.reply("x".repeat(REPLY_MAX_BYTES - 1) + "\n");
    await waitFor(() => link.sent.length === 2);
    await sleep(50);
    expect(link.sent.length).toBe(2);
    link.reply("NOT_FOUND\n");
    await waitFor(() => link.sent.join("").split("\n").length - 1 === 4);
    expect(SHIM_INFLIGHT_REPLY_BYTES).toBe(REPLY_MAX_BYTES);
    c.destroy();
  });

  it("writes nothing for an empty reply message", async () => {
    const { open } = await setup();
    const { c, link } = await open("gevent");
    link.events.open();
    c.write("*1\r\n$5\r\nFLUSH\r\n");
    await waitFor(() => link.sent.length === 1);
    link.reply("");
    c.write("*1\r\n$5\r\nFLUSH\r\n");
    await waitFor(() => link.sent.length === 2);
    link.reply(":0\r\n");
    expect((await c.readBytes(4)).toString()).toBe(":0\r\n");
    await sleep(30);
    expect(c.received.toString()).toBe(":0\r\n");
    c.destroy();
  });

  it("answers a framing error only after the replies to earlier commands, then closes upstream and socket", async () => {
    const { open, logs } = await setup();
    const { c, link } = await open("gevent");
    link.events.open();
    c.write("*1\r\n$5\r\nFLUSH\r\nGET a\r\n*1\r\n$5\r\nFLUSH\r\n");
    await waitFor(() => link.sent.length === 1);
    expect(link.sent).toEqual(["*1\r\n$5\r\nFLUSH\r\n"]);
    await sleep(50);
    expect(c.received.length).toBe(0); // the error waits for the earlier reply
    expect(link.closedWith).toBeUndefined();
    link.reply(":3\r\n");
    expect((await c.readToEnd()).toString()).toBe(
      ":3\r\n-ERR Protocol error: unknown type byte 'G'\r\n",
    );
    expect(link.closedWith).toBe(CLOSE_NORMAL);
    expect(logs).toEqual([
      expect.stringMatching(
        /^gevent 127\.0\.0\.1:\d+: protocol error: "ERR Protocol error: unknown type byte 'G'"$/,
      ),
    ]);
  });

  it("half-close: sends the final Blink line, waits for every reply, then closes upstream (1000) and the socket", async () => {
    const { open } = await setup();
    const { c, link } = await open("blink");
    c.write("SET hc v\nGET hc");
    c.end();
    await sleep(30);
    link.events.open();
    expect(link.sent).toEqual(["SET hc v\n"]);
    link.reply("OK\n");
    await waitFor(() => link.sent.length === 2);
    expect(link.sent).toEqual(["SET hc v\n", "GET hc"]);
    await sleep(30);
    expect(c.ended).toBe(false);
    expect(link.closedWith).toBeUndefined();
    link.reply("VALUE dg==\n");
    expect((await c.readToEnd()).toString()).toBe("OK\nVALUE dg==\n");
    expect(link.closedWith).toBe(CLOSE_NORMAL);
  });

  it("half-close: a RESP dialect drops the incomplete command", async () => {
    const { open } = await setup();
    const { c, link } = await open("gevent");
    link.events.open();
    c.write("*1\r\n$5\r\nFLUSH\r\n*1\r\n$5\r\nFLU");
    c.end();
    await waitFor(() => link.sent.length === 1);
    link.reply(":0\r\n");
    expect((await c.readToEnd()).toString()).toBe(":0\r\n");
    expect(link.sent).toEqual(["*1\r\n$5\r\nFLUSH\r\n"]);
  });

  it("upstream closed by the Worker: what came is written, then the socket closes; pending batches are dropped", async () => {
    const { open, logs } = await setup();
    const { c, link } = await open("blink");
    link.events.open();
    c.write("GET a\n");
    await waitFor(() => link.sent.length === 1);
    c.write("GET b\n");
    await sleep(30); // held in the shim until the first reply (SHIM_INFLIGHT_REPLY_BYTES)
    link.reply("NOT_FOUND\n");
    link.events.closed(1006, "");
    expect((await c.readToEnd()).toString()).toBe("NOT_FOUND\n");
    expect(logs).toEqual([
      expect.stringMatching(/^blink 127\.0\.0\.1:\d+: upstream closed \(code 1006\)$/),
    ]);
    c.end(); // the client closes its half too: the connection is gone
    await waitFor(() => shim!.stats().length === 0);
  });

  it("QUIT-style close (1000) is not logged", async () => {
    const { open, logs } = await setup();
    const { c, link } = await open("blink");
    link.events.open();
    c.write("QUIT\n");
    await waitFor(() => link.sent.length === 1);
    link.events.closed(CLOSE_NORMAL, "");
    expect((await c.readToEnd()).toString()).toBe("");
    expect(logs).toEqual([]);
  });

  it("client reset: the upstream is closed with 1000 and the connection forgotten", async () => {
    const { open, logs } = await setup();
    const { c, link } = await open("blink");
    link.events.open();
    c.write("GET a\n");
    await waitFor(() => link.sent.length === 1);
    c.socket.resetAndDestroy();
    await waitFor(() => link.closedWith !== undefined);
    expect(link.closedWith).toBe(CLOSE_NORMAL);
    await waitFor(() => shim!.stats().length === 0);
    link.reply("NOT_FOUND\n"); // a late reply goes nowhere
    expect(logs).toEqual([expect.stringMatching(/client connection error \(ECONNRESET\)$/)]);
  });

  it("while the client reads nothing, none of its further commands is forwarded; reading resumes", async () => {
    const { open } = await setup();
    const { c, link } = await open("blink");
    link.events.open();
    c.socket.pause();
    c.write("GET big\n");
    await waitFor(() => link.sent.length === 1);
    link.reply("x".repeat(8 * 1024 * 1024) + "\n");
    c.write("GET a\n");
    await sleep(200);
    expect(link.sent).toHaveLength(1);
    c.socket.resume();
    await c.until(() => c.length === 8 * 1024 * 1024 + 1);
    await waitFor(() => link.sent.length === 2);
    c.destroy();
  });

  it("past its output limit of unread reply bytes, a connection is closed", async () => {
    const { open, logs } = await setup({ outputMaxBytes: 1024 * 1024 });
    const { c, link } = await open("blink");
    link.events.open();
    c.socket.pause();
    c.write("GET big\n");
    await waitFor(() => link.sent.length === 1);
    link.reply("x".repeat(4 * 1024 * 1024) + "\n");
    await waitFor(() => link.closedWith !== undefined);
    expect(link.closedWith).toBe(CLOSE_NORMAL);
    await waitFor(() => shim!.stats().length === 0);
    expect(logs).toEqual([
      expect.stringMatching(/output limit: \d+ reply bytes unread \(max 1048576\); closed$/),
    ]);
    c.destroy();
  });
});
