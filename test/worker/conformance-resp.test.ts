// gevent and Redis conformance over the RESP WebSocket doors (spec §6.3, §9.5, §10).

import { describe, expect, it } from "vitest";
import { GEVENT_EXCHANGES } from "../conformance/gevent-cases.ts";
import { runGeventCases, runRedisCases } from "../conformance/runners.ts";
import { Ws, wsDoor } from "./support/client.ts";

runGeventCases(wsDoor("gevent over WebSocket", "/resp?dialect=gevent"));
runRedisCases(wsDoor("Redis over WebSocket", "/resp"));

describe("gevent over WebSocket", () => {
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
