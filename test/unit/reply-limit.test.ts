// The engine's reply budget (issue 13 item 1, REPLY_MAX_BYTES): a batch runs until its replies
// pass the budget; every later command is answered with the limit error and not run.

import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/engine/commands/index.ts";
import { newConn } from "../../src/engine/conn-state.ts";
import { Engine } from "../../src/engine/engine.ts";
import { Errors } from "../../src/engine/errors.ts";
import { R, replyBytes } from "../../src/engine/reply.ts";

const argv = (line: string) => ({ argv: line.split(" ") });

/** An engine and a connection, with `big` holding 1000 bytes. */
function withBig() {
  const e = new Engine(COMMANDS, "ns");
  const conn = newConn(1, { authed: true, readonly: false });
  e.run("redis", conn, [argv(`SET big ${"x".repeat(1000)}`)], 0);
  return { e, conn };
}

describe("reply budget", () => {
  it("runs until the replies pass the budget, then refuses without running", () => {
    const { e, conn } = withBig();
    const out = e.run(
      "redis",
      conn,
      [argv("GET big"), argv("GET big"), argv("SET after 1"), argv("GET big")],
      0,
      1500,
    );
    expect(out.slice(0, 2)).toEqual([R.bulk("x".repeat(1000)), R.bulk("x".repeat(1000))]);
    expect(out.slice(2)).toEqual([R.error(Errors.replyLimit()), R.error(Errors.replyLimit())]);
    expect(e.run("redis", conn, [argv("EXISTS after")], 0)).toEqual([R.ZERO]);
  });

  it("a refused MULTI opens no transaction", () => {
    const { e, conn } = withBig();
    const out = e.run(
      "redis",
      conn,
      [argv("GET big"), argv("MULTI"), argv("SET a 1"), argv("EXEC")],
      0,
      500,
    );
    expect(out[1]).toEqual(R.error(Errors.replyLimit()));
    // MULTI itself was refused: no transaction is open afterwards.
    expect(conn.multi).toBeFalsy();
  });

  it("counts nested replies", () => {
    expect(replyBytes(R.array([R.bulk("abc"), R.array([R.bulk("de")])]))).toBe(8 + 11 + 8 + 10);
  });
});
