// gevent and Redis conformance over the RESP WebSocket doors (spec §6.3, §9.5, §10).

import { describe, expect, it } from "vitest";
import {
  GEVENT_EXCHANGES,
  GEVENT_PROTOCOL_ERROR,
  REDIS_EXCHANGES,
} from "../conformance/gevent-cases.ts";
import { Ws } from "./support/client.ts";

const withId = (reply: string, got: string) =>
  reply.replace(":ID\r\n", /:\d+\r\n/.exec(got.slice(reply.indexOf(":ID")))?.[0] ?? ":ID\r\n");

describe("gevent over WebSocket", () => {
  it("runs the §9.5 exchange table, a message per request", async () => {
    const ws = await Ws.open("/db/gev1/resp?dialect=gevent");
    for (const step of GEVENT_EXCHANGES)
      expect([step.request, await ws.request(step.request)]).toEqual([step.request, step.reply]);
    expect(await ws.request(GEVENT_PROTOCOL_ERROR.request)).toBe(GEVENT_PROTOCOL_ERROR.reply);
    expect((await ws.waitClose()).code).toBe(1008);
  });

  it("runs the table as one pipelined message", async () => {
    const ws = await Ws.open("/db/gev2/resp?dialect=gevent");
    const all = GEVENT_EXCHANGES.map((s) => s.request).join("") + GEVENT_PROTOCOL_ERROR.request;
    expect(await ws.request(all)).toBe(
      GEVENT_EXCHANGES.map((s) => s.reply).join("") + GEVENT_PROTOCOL_ERROR.reply,
    );
    expect((await ws.waitClose()).code).toBe(1008);
  });

  it("shows values written by gevent through the other doors (spec §9.5)", async () => {
    const ws = await Ws.open("/db/gev3/resp?dialect=gevent");
    await ws.request(
      GEVENT_EXCHANGES.slice(0, 5)
        .map((s) => s.request)
        .join(""),
    );
    const redis = await Ws.open("/db/gev3/resp");
    expect(await redis.request("GET a\r\n")).toBe("$1\r\n1\r\n");
    const blink = await Ws.open("/db/gev3/blink");
    expect(await blink.request("GET k")).toBe("VALUE eyJ4IjpbMSxudWxsXX0=\n");
  });

  it("an incomplete request in a message is a protocol error", async () => {
    const ws = await Ws.open("/db/gev4/resp?dialect=gevent");
    expect(await ws.request("*2\r\n$3\r\nGET\r\n")).toBe(
      "-ERR Protocol error: incomplete command in message\r\n",
    );
    expect((await ws.waitClose()).code).toBe(1008);
  });
});

describe("Redis over WebSocket", () => {
  it("answers the spec's exchanges", async () => {
    const ws = await Ws.open("/db/red1/resp");
    for (const step of REDIS_EXCHANGES) {
      const got = (await ws.request(step.request))!;
      expect([step.request, got]).toEqual([step.request, withId(step.reply, got)]);
    }
  });

  it("an empty inline line gets an empty reply message; QUIT closes 1000", async () => {
    const ws = await Ws.open("/db/red2/resp");
    expect(await ws.request("\r\n")).toBe("");
    expect(await ws.request("SET a 1\r\nQUIT\r\nGET a\r\n")).toBe("+OK\r\n+OK\r\n");
    expect((await ws.waitClose()).code).toBe(1000);
  });

  it("keeps MULTI state across messages and hibernation", async () => {
    const ws = await Ws.open("/db/red3/resp");
    expect(await ws.request("MULTI\r\n")).toBe("+OK\r\n");
    expect(await ws.request("INCR n\r\n")).toBe("+QUEUED\r\n");
    const { env } = await import("cloudflare:workers");
    const { evictDurableObject } = await import("cloudflare:test");
    await evictDurableObject(env.NAMESPACE.getByName("red3"));
    expect(await ws.request("INCR n\r\nEXEC\r\n")).toBe("+QUEUED\r\n*2\r\n:1\r\n:2\r\n");
  });

  it("speaks RESP3 after HELLO 3", async () => {
    const ws = await Ws.open("/db/red4/resp");
    const hello = (await ws.request("HELLO 3\r\n"))!;
    expect(hello.startsWith("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n")).toBe(true);
    expect(await ws.request("GET nothing\r\n")).toBe("_\r\n");
    expect(await ws.request("HSET h f v\r\nHGETALL h\r\n")).toBe(
      ":1\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n",
    );
  });
});
