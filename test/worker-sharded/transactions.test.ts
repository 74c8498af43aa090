// CROSSSLOT and transactions on a sharded namespace (spec §10.8 + Redis Cluster): multi-key
// commands and MULTI/EXEC (WebSocket, HTTP pipelines, Upstash /multi-exec, Light-Redis generic
// form) run when their keys share a shard and are refused otherwise, with nothing applied.

import { describe, expect, it } from "vitest";
import { shardOfKey } from "../../src/worker/shard-map.ts";
import { Ws, lr, resp } from "../worker/support/client.ts";
import { SHARDS, redisWs, upstash } from "./support.ts";

const CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot";

/** Two keys on different shards. */
function apart(): [string, string] {
  for (let i = 1; ; i++)
    if (shardOfKey(`a${i}`, SHARDS) !== shardOfKey("a0", SHARDS)) return ["a0", `a${i}`];
}
const [A, B] = apart();

describe("CROSSSLOT", () => {
  it("refuses multi-key commands across shards on every door; hash tags make them work", async () => {
    expect(
      await redisWs(
        "xs1",
        ["SET", A, "1"],
        ["RENAME", A, B],
        ["RENAME", `{t}${A}`, `{t}${B}`],
        ["SET", `{t}${A}`, "2"],
        ["RENAME", `{t}${A}`, `{t}${B}`],
        ["GET", `{t}${B}`],
      ),
    ).toBe(`+OK\r\n-${CROSSSLOT}\r\n-ERR no such key\r\n+OK\r\n+OK\r\n$1\r\n2\r\n`);
    expect(await upstash("xs1", "/", ["SMOVE", A, B, "m"])).toEqual(
      expect.objectContaining({ status: 400, text: `{"error":"${CROSSSLOT}"}` }),
    );
    expect(await lr({ cmd: "rename", key: A, value: B }, "/db/xs1")).toMatchObject({
      status: 400,
      text: `"${CROSSSLOT}"\n`,
    });
  });
});

describe("transactions", () => {
  it("runs MULTI … EXEC in one request when the keys share a shard", async () => {
    expect(
      await redisWs(
        "tx1",
        ["MULTI"],
        ["SET", "{acct:1}:balance", "10"],
        ["INCRBY", "{acct:1}:balance", "5"],
        ["RPUSH", "{acct:1}:log", "+5"],
        ["EXEC"],
      ),
    ).toBe("+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n:15\r\n:1\r\n");
  });

  it("refuses a transaction across shards: CROSSSLOT when queued, EXECABORT, nothing applied", async () => {
    expect(
      await redisWs("tx2", ["MULTI"], ["SET", A, "1"], ["SET", B, "2"], ["EXEC"], ["EXISTS", A, B]),
    ).toBe(
      `+OK\r\n+QUEUED\r\n-${CROSSSLOT}\r\n-EXECABORT Transaction discarded because of previous errors.\r\n:0\r\n`,
    );
  });

  it("keeps MULTI and WATCH across messages; another connection's write aborts EXEC", async () => {
    const ws = await Ws.open("/db/tx3/resp");
    expect(await ws.request(resp("WATCH", "{w}k"))).toBe("+OK\r\n");
    expect(await ws.request(resp("MULTI"))).toBe("+OK\r\n");
    expect(await ws.request(resp("INCR", "{w}k"))).toBe("+QUEUED\r\n");
    expect(await ws.request(resp("EXEC"))).toBe("*1\r\n:1\r\n");
    expect(await ws.request(resp("WATCH", "{w}k") + resp("MULTI") + resp("INCR", "{w}k"))).toBe(
      "+OK\r\n+OK\r\n+QUEUED\r\n",
    );
    expect(await redisWs("tx3", ["SET", "{w}k", "100"])).toBe("+OK\r\n");
    expect(await ws.request(resp("EXEC"))).toBe("*-1\r\n");
    expect(await ws.request(resp("WATCH", A, B))).toBe(`-${CROSSSLOT}\r\n`);
    ws.close();
  });

  it("answers /multi-exec atomically on one shard, and 400 CROSSSLOT with nothing applied across shards", async () => {
    const ok = await upstash("tx4", "/multi-exec", [
      ["SET", "{u}a", "1"],
      ["INCR", "{u}a"],
      ["GET", "{u}a"],
    ]);
    expect(ok).toMatchObject({
      status: 200,
      text: '[{"result":"OK"},{"result":2},{"result":"2"}]',
    });
    const bad = await upstash("tx4", "/multi-exec", [
      ["SET", A, "1"],
      ["SET", B, "2"],
    ]);
    expect(bad).toMatchObject({ status: 400, text: `{"error":"${CROSSSLOT}"}` });
    expect(await upstash("tx4", "/", ["EXISTS", A, B])).toMatchObject({ text: '{"result":0}' });
  });

  it("gives every WebSocket a distinct CLIENT ID", async () => {
    const ids = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const ws = await Ws.open("/db/tx5/resp");
        const r = await ws.request(resp("CLIENT", "ID"));
        ws.close();
        return r;
      }),
    );
    expect(new Set(ids).size).toBe(5);
    for (const r of ids) expect(r).toMatch(/^:\d+\r\n$/);
  });
});
