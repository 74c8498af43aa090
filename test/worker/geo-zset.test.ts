// Geo, sorted-set algebra and random picks as a user meets them: through the RESP WebSocket
// door and the Upstash REST door, and across an eviction of the object.

import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Ws, resp } from "./support/client.ts";
import { freshNs, post, sb } from "./support/upstash.ts";

const PALERMO = ["13.361389", "38.115556", "Palermo"];
const CATANIA = ["15.087269", "37.502669", "Catania"];

describe("geo and zset algebra through the doors", () => {
  it("answers as redis-server and keeps the results across an eviction", async () => {
    const ws = await Ws.open("/db/geozset1/resp");
    expect(await ws.request(resp("GEOADD", "Sicily", ...PALERMO, ...CATANIA))).toBe(":2\r\n");
    expect(await ws.request(resp("GEODIST", "Sicily", "Palermo", "Catania", "km"))).toBe(
      "$8\r\n166.2742\r\n",
    );
    expect(
      await ws.request(
        resp(
          "GEOSEARCHSTORE",
          "near",
          "Sicily",
          "FROMLONLAT",
          "15",
          "37",
          "BYRADIUS",
          "200",
          "km",
          "STOREDIST",
        ),
      ),
    ).toBe(":2\r\n");
    expect(await ws.request(resp("ZADD", "a", "1", "x", "2", "y"))).toBe(":2\r\n");
    expect(await ws.request(resp("SADD", "s", "y", "z"))).toBe(":2\r\n");
    expect(await ws.request(resp("ZUNIONSTORE", "u", "2", "a", "s", "WEIGHTS", "1", "10"))).toBe(
      ":3\r\n",
    );
    const popped = await ws.request(resp("SPOP", "s"));
    expect(["$1\r\ny\r\n", "$1\r\nz\r\n"]).toContain(popped);
    await evictDurableObject(env.NAMESPACE.getByName("geozset1"));
    expect(await ws.request(resp("GEOPOS", "Sicily", "Palermo"))).toBe(
      "*1\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n",
    );
    expect(await ws.request(resp("ZRANGE", "near", "0", "-1", "WITHSCORES"))).toBe(
      "*4\r\n$7\r\nCatania\r\n$18\r\n56.441257870158204\r\n$7\r\nPalermo\r\n$18\r\n190.44242984775784\r\n",
    );
    expect(await ws.request(resp("ZRANGE", "u", "0", "-1", "WITHSCORES"))).toBe(
      "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\nz\r\n$2\r\n10\r\n$1\r\ny\r\n$2\r\n12\r\n",
    );
    expect(await ws.request(resp("SCARD", "s"))).toBe(":1\r\n");
    ws.close();
  });

  it("GEOPOS prints coordinates as Redis does over Upstash REST", async () => {
    const b = freshNs("geozset-upstash");
    await post(`${b}/`, ["geoadd", "g", ...PALERMO]);
    expect(sb(await post(`${b}/`, ["geopos", "g", "Palermo", "nobody"]))).toEqual([
      200,
      '{"result":[["13.36138933897018433","38.11555639549629859"],null]}',
    ]);
  });
});
