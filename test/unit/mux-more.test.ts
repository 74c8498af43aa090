// A batch that passes its reply budget stops there and its rest runs later (issue 17): the
// engine's Deferral, and the mux session's REPLY_MORE / MORE frames, in order with the
// connection's later DATA frames, while other connections are answered in between.

import { describe, expect, it } from "vitest";
import type { Deferral } from "../../src/engine/batch-loop.ts";
import { newConn } from "../../src/engine/conn-state.ts";
import type { Reply } from "../../src/engine/reply.ts";
import { MUX_DIALECTS, MUX_OP, MuxWriter, readMuxFrames } from "../../src/protocols/mux.ts";
import { MuxSession } from "../../src/worker/mux-door.ts";
import { waitsForPushes } from "../../src/worker/socket-step.ts";
import { Harness } from "./support/engine-harness.ts";

/** A tiny budget, so a few 80-byte values pass it. */
const BUDGET = 100;
const V = "v".repeat(80);
const dec = (b: Uint8Array) => Buffer.from(b).toString("latin1");

function cmd(...args: string[]): Uint8Array {
  return Buffer.from(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join("")}`);
}

function session() {
  const h = new Harness();
  let ids = 1;
  const s = new MuxSession(
    {
      run: (dialect, conn, items, deferral) =>
        h.engine.run(dialect, conn, items, h.now, BUDGET, deferral),
      nextClientId: () => ids++,
      valueMax: 1048576,
      attach: (conn, sink) => h.engine.attach(conn, sink),
      detach: (conn) => h.engine.detach(conn),
      send: () => {},
      waits: (conn) => waitsForPushes(h.engine, conn),
    },
    "full",
    "127.0.0.1:0",
  );
  const send = (build: (w: MuxWriter) => void) => {
    const w = new MuxWriter();
    build(w);
    return readMuxFrames(s.handle(w.take())).map((f) => [f.conn, f.op, dec(f.payload)]);
  };
  return { h, send };
}

const bulk = `$80\r\n${V}\r\n`;

describe("a batch past its reply budget (mux)", () => {
  it("answers REPLY_MORE, runs its rest on MORE, then the connection's later DATA", () => {
    const { send } = session();
    const redis = Uint8Array.of(MUX_DIALECTS.indexOf("redis"));
    send((w) => {
      w.frame(1, MUX_OP.OPEN, redis);
      w.frame(2, MUX_OP.OPEN, redis);
      w.frame(1, MUX_OP.DATA, cmd("SET", "k", V));
    });
    const gets = Buffer.concat([cmd("GET", "k"), cmd("GET", "k"), cmd("GET", "k"), cmd("PING")]);
    expect(send((w) => w.frame(1, MUX_OP.DATA, gets))).toEqual([
      [1, MUX_OP.REPLY_MORE, bulk + bulk],
    ]);
    // The connection's next DATA waits behind the rest; another connection is answered.
    expect(
      send((w) => {
        w.frame(1, MUX_OP.DATA, cmd("ECHO", "after"));
        w.frame(2, MUX_OP.DATA, cmd("PING"));
      }),
    ).toEqual([[2, MUX_OP.REPLY, "+PONG\r\n"]]);
    expect(send((w) => w.frame(1, MUX_OP.MORE))).toEqual([
      [1, MUX_OP.REPLY, `${bulk}+PONG\r\n`],
      [1, MUX_OP.REPLY, "$5\r\nafter\r\n"],
    ]);
    // A MORE with nothing left is ignored.
    expect(send((w) => w.frame(1, MUX_OP.MORE))).toEqual([]);
  });
});

describe("Engine.run with a Deferral", () => {
  it("leaves the commands past the budget unrun; the turns answer as one batch would", () => {
    const items = [
      ["SET", "k", V],
      ["GET", "k"],
      ["GET", "k"],
      ["MULTI"],
      ["GET", "k"],
      ["INCR", "n"],
      ["EXEC"],
      ["GET", "n"],
    ].map((argv) => ({ argv }));
    const inTurns = new Harness();
    const conn = newConn(9, { authed: true, readonly: false });
    const all: Reply[] = [];
    let rest: readonly (typeof items)[number][] = items;
    let turns = 0;
    while (rest.length) {
      const d: Deferral = { rest: [] };
      all.push(...inTurns.engine.run("redis", conn, rest, inTurns.now, BUDGET, d));
      rest = d.rest as typeof items;
      turns++;
    }
    expect(turns).toBe(3);
    const whole = new Harness();
    const once = whole.engine.run(
      "redis",
      newConn(9, { authed: true, readonly: false }),
      items,
      whole.now,
    );
    expect(all).toEqual(once);
    expect(all.map((r) => r.k)).toEqual([
      "status",
      "bulk",
      "bulk",
      "status",
      "status",
      "status",
      "array",
      "bulk",
    ]);
  });
});
