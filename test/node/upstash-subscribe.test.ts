// Pub/sub across doors (issue 16): @upstash/redis 1.39.0's subscribe()/psubscribe(), unchanged,
// over the Upstash REST door's Server-Sent Events, receiving what REST, pipelines, multi-exec,
// Light-Redis's generic form, the shim's Redis port (multiplexed and a socket per connection)
// and WebSocket /resp publish;
// RESP subscribers on those doors receiving what REST publishes; unsubscribe ending the stream;
// a subscriber that does not read dropped past PUBSUB_OUTPUT_MAX_BYTES; BLPOP over REST.

import { connect } from "node:net";
import { once } from "node:events";
import { Redis as Upstash } from "@upstash/redis";
import { Redis as IORedis } from "ioredis";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBSUB_OUTPUT_MAX_BYTES } from "../../src/limits.ts";
import { startLocalWorker } from "../../src/node/local-worker.ts";
import type { LocalWorker } from "../../src/node/local-worker.ts";
import { freshNamespace, sleep, startTestShim } from "./support/shim-harness.ts";
import type { TestShim } from "./support/shim-harness.ts";

const TOKEN = "sse-token";
/** Longest a test waits for a message to arrive. */
const ARRIVE_MS = 5000;

let worker: LocalWorker;
const shims: TestShim[] = [];
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  worker = await startLocalWorker({ port: 0, persistTo: false, vars: { AUTH_TOKEN: TOKEN } });
});
afterAll(async () => {
  for (const c of closers) await c();
  await Promise.all(shims.map((s) => s.close()));
  await worker?.dispose();
});

const nsUrl = (ns: string) => new URL(`/db/${ns}`, worker.url).href;
const auth = { Authorization: `Bearer ${TOKEN}` };
const json = { ...auth, "Content-Type": "application/json" };

function upstash(ns: string, automaticDeserialization = true): Upstash {
  return new Upstash({
    url: nsUrl(ns),
    token: TOKEN,
    enableTelemetry: false,
    automaticDeserialization,
  });
}

/** One command over REST (`POST B/`), its `result`. */
async function rest(ns: string, argv: string[]): Promise<unknown> {
  const res = await fetch(nsUrl(ns), { method: "POST", headers: json, body: JSON.stringify(argv) });
  return ((await res.json()) as { result: unknown }).result;
}

/** An ioredis client on a shim's Redis port for the namespace. */
async function ioredis(ns: string, mux: boolean): Promise<IORedis> {
  const s = await startTestShim(worker.url.href, {
    namespace: ns,
    token: TOKEN,
    dialects: ["redis"],
    mux,
  });
  shims.push(s);
  const r = new IORedis({
    port: s.port("redis"),
    host: "127.0.0.1",
    lazyConnect: true,
    maxRetriesPerRequest: 0,
  });
  await r.connect();
  closers.push(() => r.disconnect());
  return r;
}

const bulk = (a: string) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
const resp = (args: string[]) => `*${args.length}\r\n${args.map(bulk).join("")}`;

/** A WebSocket /resp connection: `send` a command, `frames` every message received. */
async function respSocket(ns: string): Promise<{ send(argv: string[]): void; frames: string[] }> {
  const ws = new WebSocket(`${nsUrl(ns).replace(/^http/, "ws")}/resp`, { headers: auth });
  await once(ws, "open");
  const frames: string[] = [];
  ws.on("message", (m: Buffer) => frames.push(m.toString()));
  closers.push(() => ws.close());
  return { send: (argv) => ws.send(resp(argv)), frames };
}

/** Resolves once `check` holds, polling; fails after ARRIVE_MS. */
async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + ARRIVE_MS;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** PUBLISH from every door that takes commands, each with a message naming its door. */
async function publishEverywhere(ns: string, channel: string): Promise<string[]> {
  const sent: string[] = [];
  const r = upstash(ns);
  await r.publish(channel, "rest-sdk");
  sent.push("rest-sdk");
  expect(await rest(ns, ["publish", channel, "rest-json"])).toBeGreaterThan(0);
  sent.push("rest-json");
  const path = await fetch(`${nsUrl(ns)}/publish/${channel}/rest-path`, { headers: auth });
  expect(path.status).toBe(200);
  sent.push("rest-path");
  const lr = await fetch(nsUrl(ns), {
    method: "POST",
    headers: json,
    body: JSON.stringify({ cmd: "publish", key: channel, value: "light-redis" }),
  });
  expect(await lr.text()).toMatch(/^[1-9]\d*\n$/);
  sent.push("light-redis");
  const p = r.pipeline();
  p.publish(channel, "pipeline");
  await p.exec();
  sent.push("pipeline");
  const m = r.multi();
  m.publish(channel, "multi-exec");
  await m.exec();
  sent.push("multi-exec");
  for (const mux of [true, false]) {
    const io = await ioredis(ns, mux);
    const door = mux ? "shim-mux" : "shim-socket";
    expect(await io.publish(channel, door)).toBeGreaterThan(0);
    sent.push(door);
  }
  const ws = await respSocket(ns);
  ws.send(["PUBLISH", channel, "ws-resp"]);
  await until(() => ws.frames.length === 1, "PUBLISH over /resp");
  expect(ws.frames[0]).toMatch(/^:[1-9]/);
  sent.push("ws-resp");
  return sent;
}

describe("@upstash/redis subscribe() over SSE", () => {
  it("receives, in order, what every door publishes; the subscribe event counts 1", async () => {
    const ns = freshNamespace("sse");
    const sub = upstash(ns).subscribe<string>(["news"]);
    const counts: number[] = [];
    const got: { channel: string; message: string }[] = [];
    const errors: unknown[] = [];
    sub.on("subscribe", (n) => counts.push(n));
    sub.on("message", (d) => got.push(d));
    sub.on("error", (e) => errors.push(e));
    await until(() => counts.length === 1, "the subscribe event");
    expect(counts).toEqual([1]);
    const sent = await publishEverywhere(ns, "news");
    await until(() => got.length === sent.length, "every door's message");
    expect(got).toEqual(sent.map((message) => ({ channel: "news", message })));
    expect(errors).toEqual([]);
    await sub.unsubscribe();
  });

  it("JSON messages come back as objects; channel listeners see their channel only", async () => {
    const ns = freshNamespace("sse");
    const r = upstash(ns);
    const sub = r.subscribe<{ n: number; s: string }>(["a", "b"]);
    const onA: unknown[] = [];
    sub.on("message:a", (d) => onA.push(d.message));
    await until(() => sub.getSubscribedChannels().length === 2, "two subscriptions");
    await sleep(300);
    await r.publish("b", { n: 0, s: "b" });
    await r.publish("a", { n: 1, s: 'é😀, "x"' });
    await until(() => onA.length === 1, "channel a's message");
    expect(onA).toEqual([{ n: 1, s: 'é😀, "x"' }]);
    await sub.unsubscribe();
  });

  it("psubscribe() receives pmessage with pattern and channel, from REST and from the shim", async () => {
    const ns = freshNamespace("sse");
    const sub = upstash(ns, false).psubscribe(["user:*"]);
    const got: unknown[] = [];
    const counts: number[] = [];
    sub.on("psubscribe", (n) => counts.push(n));
    sub.on("pmessage", (d) => got.push(d));
    await until(() => counts.length === 1, "the psubscribe event");
    await upstash(ns).publish("user:1", "hello");
    await upstash(ns).publish("other", "not me");
    const io = await ioredis(ns, true);
    await io.publish("user:2", "from resp");
    await until(() => got.length === 2, "two pattern messages");
    expect(got).toEqual([
      { pattern: "user:*", channel: "user:1", message: "hello" },
      { pattern: "user:*", channel: "user:2", message: "from resp" },
    ]);
    await sub.unsubscribe();
  });

  it("unsubscribe() ends the stream: the object drops the connection at its next write", async () => {
    const ns = freshNamespace("sse");
    const sub = upstash(ns).subscribe(["gone"]);
    const counts: number[] = [];
    sub.on("subscribe", (n) => counts.push(n));
    await until(() => counts.length === 1, "the subscribe event");
    expect(await rest(ns, ["pubsub", "numsub", "gone"])).toEqual(["gone", 1]);
    await sub.unsubscribe();
    // Like any HTTP server, the object learns that a client left when it writes to it.
    let receivers = 1;
    for (let i = 0; i < 20 && receivers > 0; i++) {
      receivers = (await rest(ns, ["publish", "gone", "x"])) as number;
      if (receivers > 0) await sleep(50);
    }
    expect(receivers).toBe(0);
    expect(await rest(ns, ["pubsub", "numsub", "gone"])).toEqual(["gone", 0]);
  });
});

describe("the SSE stream on the wire", () => {
  it("GET and POST stream `data:` events; a line break continues the data; errors are JSON", async () => {
    const ns = freshNamespace("sse");
    const ctl = new AbortController();
    const res = await fetch(`${nsUrl(ns)}/subscribe/c1/c2`, { headers: auth, signal: ctl.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = res.body!.getReader();
    let text = "";
    const read = async (until: string) => {
      while (!text.includes(until)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await read("subscribe,c2,2");
    // CLIENT LIST shows the stream's connection as a subscriber.
    expect(await rest(ns, ["client", "list"])).toMatch(/ flags=P .*sub=2 psub=0/);
    await rest(ns, ["publish", "c2", "two\nlines"]);
    await read("lines\n\n");
    expect(text).toBe(
      "data: subscribe,c1,1\n\ndata: subscribe,c2,2\n\ndata: message,c2,two\ndata: lines\n\n",
    );
    ctl.abort();

    const bad = await fetch(`${nsUrl(ns)}/subscribe`, {
      method: "POST",
      headers: auth,
      body: "[]",
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: "ERR wrong number of arguments for 'subscribe' command",
    });
    const anon = await fetch(`${nsUrl(ns)}/subscribe/x`, { method: "POST", body: "[]" });
    expect(anon.status).toBe(401);
    const put = await fetch(`${nsUrl(ns)}/psubscribe/x`, { method: "PUT", headers: auth });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, POST, OPTIONS");
  });

  it(`a subscriber that does not read is dropped once ${PUBSUB_OUTPUT_MAX_BYTES} bytes wait for it`, async () => {
    const ns = freshNamespace("sse");
    const s = connect(worker.url.port ? Number(worker.url.port) : 80, "127.0.0.1");
    s.on("error", () => {});
    s.write(
      `POST /db/${ns}/subscribe/slow HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 0\r\n\r\n`,
    );
    closers.push(() => s.destroy());
    const [head] = (await once(s, "data")) as [Buffer];
    expect(head.toString()).toMatch(/^HTTP\/1\.1 200/);
    // From here on nothing is read.
    s.pause();
    const mib = "x".repeat(1 << 20);
    const batch = JSON.stringify(Array.from({ length: 8 }, () => ["publish", "slow", mib]));
    let sentMiB = 0;
    let delivered = 8;
    // Bounded: the queue's limit plus what the sockets between buffer, with room to spare.
    while (delivered === 8 && sentMiB < (3 * PUBSUB_OUTPUT_MAX_BYTES) / (1 << 20)) {
      const res = await fetch(`${nsUrl(ns)}/pipeline`, {
        method: "POST",
        headers: auth,
        body: batch,
      });
      const out = (await res.json()) as { result: number }[];
      delivered = out.reduce((a, e) => a + e.result, 0);
      sentMiB += 8;
    }
    expect(delivered).toBeLessThan(8);
    expect(sentMiB * (1 << 20)).toBeGreaterThan(PUBSUB_OUTPUT_MAX_BYTES);
    expect(await rest(ns, ["pubsub", "numsub", "slow"])).toEqual(["slow", 0]);
  }, 60_000);
});

describe("PUBLISH over REST reaches RESP subscribers", () => {
  it("ioredis through the shim (multiplexed and a socket each), WebSocket /resp, and SSE", async () => {
    const ns = freshNamespace("sse");
    const got: string[] = [];
    for (const mux of [true, false]) {
      const io = await ioredis(ns, mux);
      io.on("message", (ch: string, m: string) => got.push(`${mux ? "mux" : "socket"}:${ch}:${m}`));
      await io.subscribe("ch");
    }
    const pat = await ioredis(ns, true);
    pat.on("pmessage", (p: string, ch: string, m: string) => got.push(`pattern:${p}:${ch}:${m}`));
    await pat.psubscribe("c*");
    const ws = await respSocket(ns);
    ws.send(["SUBSCRIBE", "ch"]);
    await until(() => ws.frames.length === 1, "the /resp confirmation");
    const sse = upstash(ns).subscribe<string>(["ch"]);
    const counts: number[] = [];
    sse.on("subscribe", (n) => counts.push(n));
    sse.on("message", (d) => got.push(`sse:${d.channel}:${d.message}`));
    await until(() => counts.length === 1, "the SSE confirmation");

    expect(await rest(ns, ["publish", "ch", "hi"])).toBe(5);
    await until(() => got.length === 4 && ws.frames.length === 2, "five deliveries");
    expect(got.sort()).toEqual(["mux:ch:hi", "pattern:c*:ch:hi", "socket:ch:hi", "sse:ch:hi"]);
    expect(ws.frames[1]).toBe("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
    await sse.unsubscribe();
  });
});

describe("BLPOP over REST", () => {
  it("waits its timeout, then answers nil; a push from another request wakes it", async () => {
    const ns = freshNamespace("blpop");
    let t0 = Date.now();
    expect(await rest(ns, ["blpop", "q", "1"])).toBeNull();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);

    t0 = Date.now();
    const waiting = rest(ns, ["blpop", "q", "10"]);
    await sleep(300);
    expect(await rest(ns, ["rpush", "q", "job"])).toBe(1);
    expect(await waiting).toEqual(["q", "job"]);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await rest(ns, ["llen", "q"])).toBe(0);
  });

  it("the @upstash/redis SDK's exec([BLPOP, …]) is woken by an RPUSH through the shim", async () => {
    const ns = freshNamespace("blpop");
    const r = new Upstash({
      url: nsUrl(ns),
      token: TOKEN,
      enableTelemetry: false,
      enableAutoPipelining: false,
    });
    const waiting = r.exec<[string, string]>(["BLPOP", "jobs", 10]);
    await sleep(300);
    const io = await ioredis(ns, true);
    expect(await io.rpush("jobs", "a")).toBe(1);
    expect(await waiting).toEqual(["jobs", "a"]);
  });
});
