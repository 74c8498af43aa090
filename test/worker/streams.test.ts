// Streams as a user meets them: written over the Redis WebSocket door, the object evicted (a
// restart), read back over the Upstash REST door; a consumer group's pending entries survive too;
// an export carries the stream and an import into another namespace reads the same.

import { env, exports } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, bodyText, post, resp, Ws } from "./support/client.ts";

const rest = async (ns: string, argv: string[]) =>
  (await (await post(`/db/${ns}`, JSON.stringify(argv), "application/json")).json()) as {
    result?: unknown;
    error?: string;
  };

describe("streams through the doors", () => {
  it("XADD over RESP, eviction, XRANGE and XPENDING over REST", async () => {
    const ws = await Ws.open("/db/st1/resp");
    expect(await ws.request(resp("XADD", "events", "1-1", "type", "signup"))).toBe("$3\r\n1-1\r\n");
    await ws.request(resp("XADD", "events", "2-1", "type", "login"));
    await ws.request(resp("XGROUP", "CREATE", "events", "workers", "0"));
    expect(
      await ws.request(
        resp("XREADGROUP", "GROUP", "workers", "w1", "COUNT", "1", "STREAMS", "events", ">"),
      ),
    ).toContain("signup");
    ws.close();
    await evictDurableObject(env.NAMESPACE.getByName("st1"));
    expect(await rest("st1", ["XRANGE", "events", "-", "+"])).toEqual({
      result: [
        ["1-1", ["type", "signup"]],
        ["2-1", ["type", "login"]],
      ],
    });
    expect(await rest("st1", ["XPENDING", "events", "workers"])).toEqual({
      result: [1, "1-1", "1-1", [["w1", "1"]]],
    });
    expect(await rest("st1", ["TYPE", "events"])).toEqual({ result: "stream" });
    expect((await rest("st1", ["XADD", "events", "1-1", "a", "b"])).error).toBe(
      "ERR The ID specified in XADD is equal or smaller than the target stream top item",
    );
  });

  it("an export holds the stream and an import brings it back whole", async () => {
    await rest("st2", ["XADD", "s", "5-0", "k", "v"]);
    await rest("st2", ["XGROUP", "CREATE", "s", "g", "$"]);
    const exported = await bodyText(await exports.default.fetch(`${BASE}/db/st2/_/export?fresh=1`));
    expect(exported).toContain('"type":"stream"');
    const imported = await exports.default.fetch(`${BASE}/db/st3/_/import`, {
      method: "POST",
      body: exported,
    });
    expect([imported.status, await imported.text()]).toEqual([200, expect.any(String)]);
    expect(await rest("st3", ["XRANGE", "s", "-", "+"])).toEqual({ result: [["5-0", ["k", "v"]]] });
    expect(await rest("st3", ["XINFO", "GROUPS", "s"])).toEqual({
      result: [
        [
          "name",
          "g",
          "consumers",
          0,
          "pending",
          0,
          "last-delivered-id",
          "5-0",
          "entries-read",
          null,
          "lag",
          0,
        ],
      ],
    });
  });
});
