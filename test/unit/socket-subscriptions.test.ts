// The rows of a hibernatable socket's subscriptions (src/worker/socket-subscriptions.ts) are
// written by what changed: one more channel for a subscriber of thousands is one statement.

import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/engine/commands/index.ts";
import { newConn } from "../../src/engine/conn-state.ts";
import { Engine } from "../../src/engine/engine.ts";
import { noSavedSubscriptions, saveSubscriptions } from "../../src/worker/socket-subscriptions.ts";

/** A stand-in for SqlStorage that records each statement and keeps the rows in a set. */
function fakeSql() {
  const rows = new Set<string>();
  const log: string[] = [];
  const sql = {
    exec(q: string, ...args: unknown[]) {
      log.push(q.split(" ")[0]!);
      const key = args.slice(0, 3).join("|");
      if (q.startsWith("INSERT")) rows.add(key);
      else if (q.startsWith("DELETE")) rows.delete(key);
      return { raw: () => [][Symbol.iterator]() };
    },
  };
  return { sql: sql as unknown as SqlStorage, rows, log };
}

describe("socket_subs rows", () => {
  it("are written by what changed, not rewritten whole", () => {
    const engine = new Engine(COMMANDS, "ns");
    const conn = newConn(7, { authed: true, readonly: false });
    engine.attach(conn, { deliver: () => {} });
    const { sql, rows, log } = fakeSql();
    const saved = noSavedSubscriptions();
    const names = Array.from({ length: 1000 }, (_, i) => `c${i}`);
    engine.run("redis", conn, [{ argv: ["SUBSCRIBE", ...names] }], 0);
    engine.run("redis", conn, [{ argv: ["PSUBSCRIBE", "p*"] }], 0);
    saveSubscriptions(sql, conn, saved);
    expect(rows.size).toBe(1001);
    log.length = 0;
    engine.run("redis", conn, [{ argv: ["SUBSCRIBE", "one-more"] }], 0);
    engine.run("redis", conn, [{ argv: ["UNSUBSCRIBE", "c5"] }], 0);
    saveSubscriptions(sql, conn, saved);
    expect(log.sort()).toEqual(["DELETE", "INSERT"]);
    expect(rows.has("7|channels|one-more")).toBe(true);
    expect(rows.has("7|channels|c5")).toBe(false);
    expect(rows.size).toBe(1001);
    log.length = 0;
    engine.run("redis", conn, [{ argv: ["RESET"] }], 0);
    saveSubscriptions(sql, conn, saved);
    expect(rows.size).toBe(0);
    expect(log).toHaveLength(1001);
  });
});
