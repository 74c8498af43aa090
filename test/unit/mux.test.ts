// The shim's multiplexing protocol: frame codec and the object's session (on the engine).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MUX_DIALECTS,
  MUX_OP,
  MuxWriter,
  readEnd,
  readMuxFrames,
} from "../../src/protocols/mux.ts";
import { MuxSession } from "../../src/worker/mux-door.ts";
import { Harness } from "./support/engine-harness.ts";

const enc = new TextEncoder();
const dec = (b: Uint8Array) => Buffer.from(b).toString("latin1");

function session(scope: "full" | "readonly" | "none" = "full") {
  const h = new Harness({ persist: true });
  let commits = 0;
  let ids = 1;
  const s = new MuxSession(
    {
      run: (dialect, conn, items) => h.engine.run(dialect, conn, items, h.now),
      commit: () => {
        commits++;
        h.persistence!.flush(h.engine);
      },
      nextClientId: () => ids++,
      valueMax: 1048576,
    },
    scope,
    "127.0.0.1:0",
  );
  const send = (build: (w: MuxWriter) => void) => {
    const w = new MuxWriter();
    build(w);
    const m = w.take();
    return readMuxFrames(s.handle(m.buffer as ArrayBuffer));
  };
  return { h, s, send, commits: () => commits };
}

const dialect = (d: string) => Uint8Array.of(MUX_DIALECTS.indexOf(d as never));

describe("mux frames", () => {
  it("round-trip any frames", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            conn: fc.nat(),
            op: fc.constantFrom(1, 2, 3, 4, 5, 6),
            payload: fc.uint8Array({ maxLength: 50 }),
          }),
          { maxLength: 20 },
        ),
        (frames) => {
          const w = new MuxWriter();
          for (const f of frames) w.frame(f.conn, f.op as never, f.payload);
          const back = readMuxFrames(w.take());
          expect(back.map((f) => ({ ...f, payload: Array.from(f.payload) }))).toEqual(
            frames.map((f) => ({ ...f, payload: Array.from(f.payload) })),
          );
        },
      ),
    );
  });
  it("rejects truncated messages", () => {
    const w = new MuxWriter();
    w.frame(1, MUX_OP.DATA, enc.encode("hello"));
    const m = w.take();
    expect(() => readMuxFrames(m.subarray(0, m.length - 1))).toThrow();
    expect(() => readMuxFrames(m.subarray(0, 4))).toThrow();
  });
});

describe("mux session", () => {
  it("runs many connections' commands in one turn with one commit", () => {
    const { send, commits } = session();
    const replies = send((w) => {
      for (let c = 1; c <= 50; c++) {
        w.frame(c, MUX_OP.OPEN, dialect(c % 2 ? "blink" : "redis"));
        w.frame(c, MUX_OP.DATA, enc.encode(c % 2 ? `SET k${c} v${c}\n` : `SET k${c} v${c}\r\n`));
      }
    });
    expect(replies).toHaveLength(50);
    expect(replies.every((f) => f.op === MUX_OP.REPLY)).toBe(true);
    expect(dec(replies[0]!.payload)).toBe("OK\n");
    expect(dec(replies[1]!.payload)).toBe("+OK\r\n");
    expect(commits()).toBe(1);
  });

  it("keeps each connection's context: MULTI on one does not affect another", () => {
    const { send } = session();
    send((w) => {
      w.frame(1, MUX_OP.OPEN, dialect("redis"));
      w.frame(2, MUX_OP.OPEN, dialect("redis"));
    });
    let r = send((w) => {
      w.frame(1, MUX_OP.DATA, enc.encode("MULTI\r\nINCR n\r\n"));
      w.frame(2, MUX_OP.DATA, enc.encode("INCR n\r\n"));
    });
    expect(r.map((f) => dec(f.payload))).toEqual(["+OK\r\n+QUEUED\r\n", ":1\r\n"]);
    r = send((w) => w.frame(1, MUX_OP.DATA, enc.encode("EXEC\r\n")));
    expect(dec(r[0]!.payload)).toBe("*1\r\n:2\r\n");
  });

  it("ends a connection after QUIT or a protocol error, with its last replies", () => {
    const { send } = session();
    const r = send((w) => {
      w.frame(1, MUX_OP.OPEN, dialect("blink"));
      w.frame(1, MUX_OP.DATA, enc.encode("SET a 1\nQUIT\n"));
      w.frame(2, MUX_OP.OPEN, dialect("gevent"));
      w.frame(2, MUX_OP.DATA, enc.encode("GET a\r\n"));
    });
    expect(r[0]!.op).toBe(MUX_OP.END);
    expect(readEnd(r[0]!.payload)).toEqual({ code: 1000, bytes: enc.encode("OK\n") });
    expect(r[1]!.op).toBe(MUX_OP.END);
    const end = readEnd(r[1]!.payload);
    expect([end.code, dec(end.bytes)]).toEqual([
      1008,
      "-ERR Protocol error: unknown type byte 'G'\r\n",
    ]);
  });

  it("refuses Blink and gevent without credentials; Redis starts unauthenticated", () => {
    const { send } = session("none");
    const r = send((w) => {
      w.frame(1, MUX_OP.OPEN, dialect("blink"));
      w.frame(2, MUX_OP.OPEN, dialect("redis"));
      w.frame(2, MUX_OP.DATA, enc.encode("GET k\r\n"));
    });
    expect(r[0]!.op).toBe(MUX_OP.REFUSED);
    expect(dec(r[0]!.payload)).toBe("ERROR WRONGPASS invalid or missing auth token\n");
    expect(dec(r[1]!.payload)).toBe("-NOAUTH Authentication required.\r\n");
  });
});
