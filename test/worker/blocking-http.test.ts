// A blocking command over the Upstash REST door on one object (waiting-runs.ts: the connection
// gets a sink only when a command of it must wait): other requests are served while it waits, and
// it answers when another door's write readies its key, or as a timeout.

import { describe, expect, it } from "vitest";
import { upstash } from "../worker-sharded/support.ts";
import { Ws, resp } from "./support/client.ts";

describe("blocking over REST on one object", () => {
  it("lets others through, is woken by a WebSocket's RPUSH, times out like Redis", async () => {
    const pending = upstash("bh1", "/", ["BLPOP", "q", "3"]);
    await new Promise((r) => setTimeout(r, 100));
    expect((await upstash("bh1", "/", ["SET", "x", "1"])).text).toBe('{"result":"OK"}');
    const ws = await Ws.open("/db/bh1/resp");
    expect(await ws.request(resp("RPUSH", "q", "a", "b"))).toBe(":2\r\n");
    ws.close();
    expect((await pending).text).toBe('{"result":["q","a"]}');
    expect((await upstash("bh1", "/", ["BLPOP", "none", "0.05"])).text).toBe('{"result":null}');
  }, 20_000);

  it("runs a pipeline's commands before and after the one that waits, in order", async () => {
    const pending = upstash("bh2", "/pipeline", [
      ["SET", "x", "1"],
      ["BLPOP", "q", "3"],
      ["GET", "x"],
    ]);
    await new Promise((r) => setTimeout(r, 100));
    expect((await upstash("bh2", "/", ["RPUSH", "q", "a"])).text).toBe('{"result":1}');
    expect((await pending).text).toBe('[{"result":"OK"},{"result":["q","a"]},{"result":"1"}]');
  }, 20_000);
});
