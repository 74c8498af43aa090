// MULTI/EXEC/DISCARD/WATCH against redis-server 7.0.15 (spec §10.8), byte for byte.

import { expect, it } from "vitest";
import { describeVsRedis, EngineSession } from "./support/engine-vs-redis.ts";

const SCRIPTS: Record<string, string[][]> = {
  "queue, errors at run time, EXEC": [
    ["MULTI"],
    ["SET", "a", "x"],
    ["INCR", "a"],
    ["GET", "a"],
    ["EXEC"],
  ],
  "queueing errors abort EXEC": [["MULTI"], ["SET", "a"], ["NOPE"], ["EXEC"], ["GET", "a"]],
  "EXEC with arguments discards the transaction": [
    ["MULTI"],
    ["SET", "a", "1"],
    ["EXEC", "x"],
    ["EXEC"],
    ["GET", "a"],
  ],
  "EXEC with arguments outside MULTI clears WATCH": [
    ["WATCH", "a"],
    ["EXEC", "x"],
    ["SET", "a", "2"],
    ["MULTI"],
    ["GET", "a"],
    ["EXEC"],
  ],
  "nesting and misplaced commands": [
    ["EXEC"],
    ["DISCARD"],
    ["MULTI"],
    ["MULTI"],
    ["WATCH", "a"],
    ["PING"],
    ["DISCARD"],
    ["DISCARD"],
  ],
  "WATCH aborts on change and clears on EXEC": [
    ["SET", "w", "1"],
    ["WATCH", "w"],
    ["SET", "w", "2"],
    ["MULTI"],
    ["INCR", "w"],
    ["EXEC"],
    ["MULTI"],
    ["INCR", "w"],
    ["EXEC"],
  ],
  "WATCH of a missing key, then created": [
    ["WATCH", "nokey"],
    ["SET", "nokey", "1"],
    ["MULTI"],
    ["PING"],
    ["EXEC"],
  ],
  "UNWATCH and DISCARD": [
    ["WATCH", "u"],
    ["UNWATCH"],
    ["SET", "u", "1"],
    ["MULTI"],
    ["GET", "u"],
    ["EXEC"],
    ["WATCH", "u"],
    ["MULTI"],
    ["DISCARD"],
    ["SET", "u", "2"],
    ["MULTI"],
    ["GET", "u"],
    ["EXEC"],
  ],
  "SAVE is refused inside MULTI": [["MULTI"], ["SAVE"], ["SET", "s", "1"], ["EXEC"]],
};

describeVsRedis("transactions vs redis-server", SCRIPTS, () => {
  it("keeps the engine session usable after an aborted EXEC", () => {
    const s = new EngineSession();
    s.command(["MULTI"]);
    expect(s.command(["EXEC", "x"]).toString()).toMatch(/^-EXECABORT/);
    expect(s.command(["PING"]).toString()).toBe("+PONG\r\n");
  });
});
