// SORT in a sharded namespace (issue 17): the sorted key and STORE's destination route by their
// keys like any command; BY with a `*` pattern and GET are refused as Redis Cluster refuses them,
// since the keys they name may live on other shards.

import { describe, expect, it } from "vitest";
import { Ws, resp } from "../worker/support/client.ts";

describe("SORT on a sharded namespace", () => {
  it("sorts, stores within a hash tag, and refuses BY/GET patterns", async () => {
    const ws = await Ws.open("/db/sharded-sort/resp");
    expect(await ws.request(resp("RPUSH", "{t}l", "3", "1", "2"))).toBe(":3\r\n");
    expect(await ws.request(resp("SORT", "{t}l"))).toBe("*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
    expect(await ws.request(resp("SORT", "{t}l", "BY", "nosort", "STORE", "{t}d"))).toBe(":3\r\n");
    expect(await ws.request(resp("SORT", "{t}l", "BY", "w_*"))).toBe(
      "-ERR BY option of SORT denied in Cluster mode.\r\n",
    );
    expect(await ws.request(resp("SORT", "{t}l", "GET", "#"))).toBe(
      "-ERR GET option of SORT denied in Cluster mode.\r\n",
    );
    expect(
      (await ws.request(resp("SORT", "{t}l", "STORE", "other")))!.startsWith("-CROSSSLOT"),
    ).toBe(true);
    ws.close();
  });
});
