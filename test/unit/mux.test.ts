// The shim's multiplexing protocol: frame codec and the object's session (on the engine).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MUX_DIALECTS,
  MUX_OP,
  isUnsolicited,
  MuxProtocolError,
  MuxWriter,
  readEnd,
  readMuxFrames,
} from "../../src/protocols/mux.ts";
import { GroupCommit } from "../../src/worker/group-commit.ts";
import { MuxSession } from "../../src/worker/mux-door.ts";
import { waitsForPushes } from "../../src/worker/socket-step.ts";
import {
  CLOSE_POLICY,
  CLOSE_PROTOCOL,
  COMMAND_MAX_BYTES,
  MUX_MAX_CONTEXTS,
  MUX_PART_BYTES,
  WS_MESSAGE_MAX_BYTES,
} from "../../src/limits.ts";
import { Harness } from "./support/engine-harness.ts";

const enc = new TextEncoder();
const dec = (b: Uint8Array) => Buffer.from(b).toString("latin1");

/**
 * A session as the object runs it: each message's work through the real GroupCommit, which
 * commits once per group (counted) and is durable at once.
 */
function session(scope: "full" | "readonly" | "none" = "full") {
  const h = new Harness({ persist: true });
  let commits = 0;
  let ids = 1;
  const unsolicited: Uint8Array[] = [];
  const group = new GroupCommit(
    () => {
      const wrote = h.persistence!.writeChanges(h.engine);
      if (wrote) commits++;
      return wrote;
    },
    () => Promise.resolve(),
  );
  const s = new MuxSession(
    {
      run: (dialect, conn, items) => h.engine.run(dialect, conn, items, h.now),
      nextClientId: () => ids++,
      valueMax: 1048576,
      bulkMax: () => h.engine.stringMax,
      attach: (conn, sink) => h.engine.attach(conn, sink),
      detach: (conn) => h.engine.detach(conn),
      send: (msg) => unsolicited.push(msg),
      waits: (conn) => waitsForPushes(h.engine, conn),
    },
    scope,
    "127.0.0.1:0",
  );
  const send = async (build: (w: MuxWriter) => void) => {
    const w = new MuxWriter();
    build(w);
    const m = w.take();
    return readMuxFrames(await group.runOrQueue(() => s.handle(m)));
  };
  return { h, s, send, commits: () => commits, unsolicited };
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
  it("round-trip small and large payloads across chunk boundaries, one writer reused", () => {
    const w = new MuxWriter();
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            conn: fc.nat(),
            payload: fc.oneof(
              fc.uint8Array({ maxLength: 1100 }),
              fc.integer({ min: 0, max: 5000 }).map((n) => new Uint8Array(n).fill(n & 255)),
            ),
            code: fc.option(fc.integer({ min: 1000, max: 4999 }), { nil: undefined }),
          }),
          { maxLength: 200 },
        ),
        (frames) => {
          for (const f of frames) w.frame(f.conn, MUX_OP.END, f.payload, f.code);
          const msg = w.take();
          const back = readMuxFrames(msg);
          expect(back.map((f) => [f.conn, Buffer.from(f.payload).toString("hex")])).toEqual(
            frames.map((f) => {
              const code = f.code === undefined ? [] : [f.code & 255, f.code >> 8];
              return [f.conn, Buffer.from([...code, ...f.payload]).toString("hex")];
            }),
          );
          expect(w.length).toBe(0);
        },
      ),
      { numRuns: 200 },
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
  it("runs many connections' commands in one turn with one commit", async () => {
    const { send, commits } = session();
    const replies = await send((w) => {
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

  it("keeps each connection's context: MULTI on one does not affect another", async () => {
    const { send } = session();
    await send((w) => {
      w.frame(1, MUX_OP.OPEN, dialect("redis"));
      w.frame(2, MUX_OP.OPEN, dialect("redis"));
    });
    let r = await send((w) => {
      w.frame(1, MUX_OP.DATA, enc.encode("MULTI\r\nINCR n\r\n"));
      w.frame(2, MUX_OP.DATA, enc.encode("INCR n\r\n"));
    });
    expect(r.map((f) => dec(f.payload))).toEqual(["+OK\r\n+QUEUED\r\n", ":1\r\n"]);
    r = await send((w) => w.frame(1, MUX_OP.DATA, enc.encode("EXEC\r\n")));
    expect(dec(r[0]!.payload)).toBe("*1\r\n:2\r\n");
  });

  it("ends a connection after QUIT or a protocol error, with its last replies", async () => {
    const { send } = session();
    const r = await send((w) => {
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

  it("refuses Blink and gevent without credentials; Redis starts unauthenticated", async () => {
    const { send } = session("none");
    const r = await send((w) => {
      w.frame(1, MUX_OP.OPEN, dialect("blink"));
      w.frame(2, MUX_OP.OPEN, dialect("redis"));
      w.frame(2, MUX_OP.DATA, enc.encode("GET k\r\n"));
    });
    expect(r[0]!.op).toBe(MUX_OP.REFUSED);
    expect(dec(r[0]!.payload)).toBe("ERROR WRONGPASS invalid or missing auth token\n");
    expect(dec(r[1]!.payload)).toBe("-NOAUTH Authentication required.\r\n");
  });
});

describe("mux session bounds (issue 13 item 2)", () => {
  it("caps the contexts of one socket at MUX_MAX_CONTEXTS: 300,000 OPENs grow the heap < 64 MB", () => {
    const { s } = session("none");
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const before = process.memoryUsage().heapUsed;
    let thrown: unknown;
    // 300 messages of 1,000 OPEN frames each, as a flood would send them.
    for (let m = 0; m < 300 && !thrown; m++) {
      const w = new MuxWriter();
      for (let i = 0; i < 1000; i++) w.frame(m * 1000 + i + 1, MUX_OP.OPEN, dialect("redis"));
      try {
        s.handle(w.take());
      } catch (e) {
        thrown = e;
      }
    }
    expect(thrown).toBeInstanceOf(MuxProtocolError);
    expect((thrown as MuxProtocolError).code).toBe(CLOSE_POLICY);
    expect(s.contexts().length).toBeLessThanOrEqual(MUX_MAX_CONTEXTS);
    gc?.();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
    s.close();
    expect(s.contexts()).toEqual([]);
  });

  it("a malformed message is a protocol error (1002), not an internal one", () => {
    const { s } = session();
    const w = new MuxWriter();
    w.frame(1, MUX_OP.DATA, enc.encode("PING\r\n"));
    const m = w.take();
    let thrown: unknown;
    try {
      s.handle(m.subarray(0, m.length - 2));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(MuxProtocolError);
    expect((thrown as MuxProtocolError).code).toBe(CLOSE_PROTOCOL);
  });
});

describe("pushes on the mux (issue 16)", () => {
  const dec = (b: Uint8Array) => new TextDecoder().decode(b);
  const resp = (...argv: string[]) =>
    new TextEncoder().encode(
      `*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join(""),
    );

  it("a blocked client's DATA gets an empty REPLY and WAITING 1; the push that wakes it (and WAITING 0) joins the waker's answer", async () => {
    const { send } = session();
    await send((w) => {
      w.frame(1, MUX_OP.OPEN, dialect("redis"));
      w.frame(2, MUX_OP.OPEN, dialect("redis"));
    });
    const blocked = await send((w) => w.frame(1, MUX_OP.DATA, resp("BLPOP", "q", "0")));
    expect(blocked.map((f) => [f.conn, f.op, dec(f.payload)])).toEqual([
      [1, MUX_OP.REPLY, ""],
      [1, MUX_OP.WAITING, "\x01"],
    ]);
    const woke = await send((w) => w.frame(2, MUX_OP.DATA, resp("RPUSH", "q", "v")));
    expect(woke.map((f) => [f.conn, f.op, dec(f.payload)])).toEqual([
      [1, MUX_OP.PUSH, "*2\r\n$1\r\nq\r\n$1\r\nv\r\n"],
      [1, MUX_OP.WAITING, "\x00"],
      [2, MUX_OP.REPLY, ":1\r\n"],
    ]);
  });

  it("one message to RESP2 and RESP3 subscribers: each gets its protocol's bytes", async () => {
    const { send, h, unsolicited } = session();
    await send((w) => {
      for (const c of [1, 2, 3]) w.frame(c, MUX_OP.OPEN, dialect("redis"));
      w.frame(2, MUX_OP.DATA, resp("HELLO", "3"));
      for (const c of [1, 2, 3]) w.frame(c, MUX_OP.DATA, resp("SUBSCRIBE", "ch"));
    });
    expect(h.engine.publish("ch", "hi")).toBe(3);
    await Promise.resolve();
    const message = "$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n";
    expect(readMuxFrames(unsolicited[0]!).map((f) => [f.conn, dec(f.payload)])).toEqual([
      [0, ""],
      [1, `*3\r\n${message}`],
      [2, `>3\r\n${message}`],
      [3, `*3\r\n${message}`],
    ]);
  });

  it("a message published from elsewhere leaves as an unsolicited message", async () => {
    const { send, h, unsolicited } = session();
    await send((w) => w.frame(1, MUX_OP.OPEN, dialect("redis")));
    await send((w) => w.frame(1, MUX_OP.DATA, resp("SUBSCRIBE", "ch")));
    h.engine.publish("ch", "hi");
    await Promise.resolve();
    expect(unsolicited).toHaveLength(1);
    expect(isUnsolicited(unsolicited[0]!)).toBe(true);
    const frames = readMuxFrames(unsolicited[0]!);
    expect(frames.map((f) => [f.conn, f.op, dec(f.payload)])).toEqual([
      [0, MUX_OP.PUSH, ""],
      [1, MUX_OP.PUSH, "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"],
    ]);
    // Closing the connection ends its subscription.
    await send((w) => w.frame(1, MUX_OP.CLOSE));
    expect(h.engine.publish("ch", "again")).toBe(0);
  });
});

describe("a command past a part's size (big values)", () => {
  const cmd = (...argv: string[]) =>
    enc.encode(`*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join(""));

  it("runs DATA_PART frames and the DATA after them as one command; the parts get no answer", async () => {
    const { send } = session();
    await send((w) => w.frame(1, MUX_OP.OPEN, dialect("redis")));
    const big = cmd("SET", "k", "v".repeat(3000));
    // Parts across messages: each message gets an (empty) answer.
    expect(await send((w) => w.frame(1, MUX_OP.DATA_PART, big.subarray(0, 1000)))).toEqual([]);
    expect(await send((w) => w.frame(1, MUX_OP.DATA_PART, big.subarray(1000, 2000)))).toEqual([]);
    const r = await send((w) => {
      w.frame(1, MUX_OP.DATA, big.subarray(2000));
      w.frame(1, MUX_OP.DATA, cmd("STRLEN", "k"));
    });
    expect(r.map((f) => dec(f.payload))).toEqual(["+OK\r\n", ":3000\r\n"]);
  });

  it("a reply past a part's size goes back as REPLY_PART frames, a full message leaving on its own", async () => {
    const { send, unsolicited } = session();
    await send((w) => w.frame(1, MUX_OP.OPEN, dialect("redis")));
    const n = WS_MESSAGE_MAX_BYTES + 3 * MUX_PART_BYTES + 5;
    await send((w) => w.frame(1, MUX_OP.DATA, cmd("SET", "k", "v".repeat(n))));
    const answer = await send((w) => w.frame(1, MUX_OP.DATA, cmd("GET", "k")));
    // The frames before the answer left as unsolicited messages, each under the message limit.
    expect(unsolicited.length).toBeGreaterThan(0);
    const early = unsolicited.flatMap((m) => {
      expect(isUnsolicited(m)).toBe(true);
      expect(m.length).toBeLessThan(WS_MESSAGE_MAX_BYTES + MUX_PART_BYTES + 64);
      return readMuxFrames(m).slice(1);
    });
    const frames = [...early, ...answer];
    expect(frames.map((f) => f.op)).toEqual([
      ...Array.from({ length: frames.length - 1 }, () => MUX_OP.REPLY_PART),
      MUX_OP.REPLY,
    ]);
    const bytes = Buffer.concat(frames.map((f) => f.payload));
    expect(bytes.length).toBe(`$${n}\r\n`.length + n + 2);
    const head = `$${n}\r\n`;
    expect(bytes.subarray(0, head.length + 1).toString()).toBe(`${head}v`);
  });

  it("a bulk past the namespace's proto-max-bulk-len is Redis's invalid bulk length", async () => {
    const { h, send } = session();
    h.engine.params.set("proto-max-bulk-len", "1048576");
    await send((w) => w.frame(1, MUX_OP.OPEN, dialect("redis")));
    const r = await send((w) => w.frame(1, MUX_OP.DATA, cmd("SET", "k", "v".repeat(1048577))));
    expect(r.map((f) => [f.op, dec(f.payload).slice(2)])).toEqual([
      [MUX_OP.END, "-ERR Protocol error: invalid bulk length\r\n"],
    ]);
  });

  it("parts of two connections interleaved, or more than COMMAND_MAX_BYTES, close the socket", async () => {
    const { send } = session();
    await send((w) => {
      w.frame(1, MUX_OP.OPEN, dialect("redis"));
      w.frame(2, MUX_OP.OPEN, dialect("redis"));
    });
    const part = new Uint8Array(10);
    await expect(
      send((w) => {
        w.frame(1, MUX_OP.DATA_PART, part);
        w.frame(2, MUX_OP.DATA_PART, part);
      }),
    ).rejects.toThrow(MuxProtocolError);
    const other = session();
    await other.send((w) => w.frame(1, MUX_OP.OPEN, dialect("redis")));
    const chunk = new Uint8Array(MUX_PART_BYTES);
    const over = other.send((w) => {
      for (let n = 0; n * MUX_PART_BYTES <= COMMAND_MAX_BYTES; n++)
        w.frame(1, MUX_OP.DATA_PART, chunk);
    });
    await expect(over).rejects.toMatchObject({ code: CLOSE_POLICY });
  });
});
