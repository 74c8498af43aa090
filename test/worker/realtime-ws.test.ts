// Pub/sub and blocking on the hibernatable WebSocket door `/resp` (issue 16): a subscriber gets
// what HTTP publishes, in RESP2 and RESP3; its subscriptions survive hibernation (the object
// forgets its memory and reads them back from socket_subs when it wakes); an object restart
// closes the socket, as a Redis restart closes the connection, and the client resubscribes; a
// BLPOP on the socket is woken by an RPUSH over HTTP.

import { env } from "cloudflare:workers";
import { abortAllDurableObjects, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Ws, resp } from "./support/client.ts";
import { post } from "./support/upstash.ts";

const stub = (ns: string) => env.NAMESPACE.getByName(ns);

/** A command over the REST door; its result. */
async function rest(ns: string, ...argv: string[]): Promise<unknown> {
  const a = await post(`/db/${ns}/`, argv);
  const body = JSON.parse(a.text) as { result?: unknown; error?: string };
  if (body.error !== undefined) throw new Error(body.error);
  return body.result;
}

/** Reads messages until what came (concatenated) holds `text`; returns it all. */
async function readUntil(ws: Ws, text: string): Promise<string> {
  let got = "";
  while (!got.includes(text)) {
    const m = await ws.next();
    if (m === null) throw new Error(`closed before ${JSON.stringify(text)}; read ${got}`);
    got += m;
  }
  return got;
}

/** A RESP2 message push. */
function message(ch: string, msg: string): string {
  return `*3\r\n$7\r\nmessage\r\n$${ch.length}\r\n${ch}\r\n$${msg.length}\r\n${msg}\r\n`;
}

/** socket_subs rows of an object, by client id. */
function subRows(ns: string): Promise<number> {
  return runInDurableObject(
    stub(ns),
    (_i, state) =>
      state.storage.sql.exec("SELECT count(*) AS n FROM socket_subs").one().n as number,
  );
}

describe("a subscriber on WebSocket /resp", () => {
  it("gets messages published over HTTP (channels and patterns, RESP2)", async () => {
    const ns = "rt-ws-1";
    const ws = await Ws.open(`/db/${ns}/resp`);
    ws.ws.send(resp("SUBSCRIBE", "news"));
    ws.ws.send(resp("PSUBSCRIBE", "n*"));
    expect(await readUntil(ws, ":2\r\n")).toBe(
      "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n*3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:2\r\n",
    );
    expect(await rest(ns, "PUBLISH", "news", "hello")).toBe(2);
    expect(await readUntil(ws, "pmessage")).toContain(message("news", "hello"));
    expect(await rest(ns, "PUBLISH", "nothing-here", "x")).toBe(1);
    expect(await readUntil(ws, "\r\nx\r\n")).toBe(
      "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$12\r\nnothing-here\r\n$1\r\nx\r\n",
    );
    expect(await rest(ns, "PUBSUB", "NUMSUB", "news")).toEqual(["news", 1]);
    // Subscribed mode in RESP2: PING answers as a push, other commands are refused.
    ws.ws.send("PING\r\n");
    ws.ws.send("GET k\r\n");
    expect(await readUntil(ws, "context")).toMatch(
      /^\*2\r\n\$4\r\npong\r\n\$0\r\n\r\n-ERR Can't execute 'get': only \(P\|S\)SUBSCRIBE/,
    );
    ws.close();
  });

  it("gets > push frames in RESP3 and runs other commands on the same socket", async () => {
    const ns = "rt-ws-2";
    const ws = await Ws.open(`/db/${ns}/resp`);
    await ws.request("HELLO 3\r\n");
    ws.ws.send(resp("SUBSCRIBE", "c"));
    expect(await readUntil(ws, ":1\r\n")).toBe(">3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n");
    expect(await rest(ns, "PUBLISH", "c", "m")).toBe(1);
    expect(await readUntil(ws, "\r\nm\r\n")).toBe(">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
    expect(await ws.request("GET nothing\r\n")).toBe("_\r\n");
    ws.close();
  });
});

describe("subscriptions across hibernation and restarts", () => {
  it("survive hibernation: the woken object reads them back and delivers", async () => {
    const ns = "rt-ws-hib";
    const ws = await Ws.open(`/db/${ns}/resp`);
    ws.ws.send(resp("SUBSCRIBE", "a", "b"));
    ws.ws.send(resp("PSUBSCRIBE", "p:*"));
    await readUntil(ws, ":3\r\n");
    expect(await subRows(ns)).toBe(3);
    // A mark in the object's memory tells whether eviction really dropped it.
    await runInDurableObject(stub(ns), (i) => void ((i as unknown as { mark: number }).mark = 1));
    await evictDurableObject(stub(ns));
    const mark = await runInDurableObject(
      stub(ns),
      (i) => (i as unknown as { mark?: number }).mark,
    );
    expect(mark).toBeUndefined();
    expect(await rest(ns, "PUBSUB", "NUMSUB", "a", "b")).toEqual(["a", 1, "b", 1]);
    expect(await rest(ns, "PUBLISH", "b", "after-sleep")).toBe(1);
    expect(await readUntil(ws, "after-sleep")).toBe(message("b", "after-sleep"));
    expect(await rest(ns, "PUBLISH", "p:x", "pat")).toBe(1);
    expect(await readUntil(ws, "pat\r\n")).toContain("pmessage");
    // The socket's own context came back too: its counts go on from 3.
    ws.ws.send(resp("UNSUBSCRIBE", "a"));
    expect(await readUntil(ws, ":2\r\n")).toBe("*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:2\r\n");
    expect(await subRows(ns)).toBe(2);
    // Hibernating again after the change: the rows say what the socket has now.
    await evictDurableObject(stub(ns));
    expect(await rest(ns, "PUBLISH", "a", "gone")).toBe(0);
    expect(await rest(ns, "PUBLISH", "b", "still")).toBe(1);
    expect(await readUntil(ws, "still")).toBe(message("b", "still"));
    ws.close();
    await ws.waitClose();
    await new Promise((r) => setTimeout(r, 50));
    expect(await subRows(ns)).toBe(0);
  });

  it("a restart closes the subscriber's socket cleanly; it reconnects, resubscribes and receives", async () => {
    const ns = "rt-ws-abort";
    const ws = await Ws.open(`/db/${ns}/resp`);
    ws.ws.send(resp("SUBSCRIBE", "jobs"));
    await readUntil(ws, ":1\r\n");
    await abortAllDurableObjects();
    const closed = await ws.waitClose();
    expect(closed.code).toBeGreaterThanOrEqual(1000);
    // Nobody listens now: the old socket's rows were dropped when the object came back.
    expect(await rest(ns, "PUBLISH", "jobs", "lost")).toBe(0);
    expect(await subRows(ns)).toBe(0);
    const again = await Ws.open(`/db/${ns}/resp`);
    again.ws.send(resp("SUBSCRIBE", "jobs"));
    await readUntil(again, ":1\r\n");
    expect(await rest(ns, "PUBLISH", "jobs", "found")).toBe(1);
    expect(await readUntil(again, "found")).toBe(message("jobs", "found"));
    again.close();
  });

  it("many subscriptions on one socket are saved by what changed, not rewritten whole", async () => {
    const ns = "rt-ws-many";
    const ws = await Ws.open(`/db/${ns}/resp`);
    const PER_MESSAGE = 500;
    const MESSAGES = 40;
    const t0 = Date.now();
    for (let m = 0; m < MESSAGES; m++) {
      const names = Array.from({ length: PER_MESSAGE }, (_, j) => `ch:${m * PER_MESSAGE + j}`);
      ws.ws.send(resp("SUBSCRIBE", ...names));
    }
    await readUntil(ws, `:${PER_MESSAGE * MESSAGES}\r\n`);
    const ms = Date.now() - t0;
    console.log(
      `realtime-ws: ${PER_MESSAGE * MESSAGES} subscriptions in ${MESSAGES} messages: ${ms} ms`,
    );
    expect(await subRows(ns)).toBe(PER_MESSAGE * MESSAGES);
    await evictDurableObject(stub(ns));
    expect(await rest(ns, "PUBLISH", "ch:12345", "one")).toBe(1);
    expect(await readUntil(ws, "one\r\n")).toBe(message("ch:12345", "one"));
    ws.close();
  }, 60_000);
});

describe("a blocked client on WebSocket /resp", () => {
  it("BLPOP is woken by an RPUSH over HTTP; the element is popped once", async () => {
    const ns = "rt-ws-bl";
    const ws = await Ws.open(`/db/${ns}/resp`);
    ws.ws.send(resp("BLPOP", "q", "5"));
    await new Promise((r) => setTimeout(r, 50));
    expect(await rest(ns, "RPUSH", "q", "job", "next")).toBe(2);
    expect(await readUntil(ws, "job\r\n")).toBe("*2\r\n$1\r\nq\r\n$3\r\njob\r\n");
    expect(await rest(ns, "LRANGE", "q", "0", "-1")).toEqual(["next"]);
    ws.close();
  });
});
