// The engine's side of pub/sub and blocking commands (issue 16), with sinks that record what a
// door would send: pushes, a woken client's replies and what queued behind them, timeouts.

import { describe, expect, it } from "vitest";
import { recordingEngine } from "./support/recording-engine.ts";

const setup = recordingEngine;

describe("blocking pops", () => {
  it("BLPOP waits, is woken by another client's RPUSH, and what queued behind it runs after", () => {
    const { got, open, run } = setup();
    const a = open();
    const b = open();
    expect(run(a, 1000, ["BLPOP", "q", "0"], ["PING"])).toBe("");
    expect(run(a, 1001, ["ECHO", "later"])).toBe("");
    expect(run(b, 1002, ["RPUSH", "q", "x", "y"])).toBe(":2\r\n");
    expect(got.get(a.id)).toBe("*2\r\n$1\r\nq\r\n$1\r\nx\r\n+PONG\r\n$5\r\nlater\r\n");
    expect(run(b, 1003, ["LRANGE", "q", "0", "-1"])).toBe("*1\r\n$1\r\ny\r\n");
  });

  it("first come first served, and timeouts answer a null array", () => {
    const { got, open, run, engine } = setup();
    const [a, b, c] = [open(), open(), open()];
    run(a, 1000, ["BRPOP", "q", "1"]);
    run(b, 1000, ["BRPOP", "q", "0"]);
    run(c, 1100, ["LPUSH", "q", "one"]);
    expect(got.get(a.id)).toBe("*2\r\n$1\r\nq\r\n$3\r\none\r\n");
    expect(got.get(b.id)).toBe("");
    run(a, 1200, ["BLPOP", "other", "0.5"]);
    run(c, 1800, []);
    expect(got.get(a.id)).toContain("*-1\r\n");
    expect(engine.blocking.size).toBe(1);
    expect(run(c, 1900, ["CLIENT", "UNBLOCK", String(b.id), "ERROR"])).toBe(":1\r\n");
    expect(got.get(b.id)).toBe("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
  });

  it("inside MULTI a blocking pop answers at once; pushes inside EXEC wake after it", () => {
    const { got, open, run } = setup();
    const [a, b] = [open(), open()];
    expect(run(a, 1000, ["MULTI"], ["BLPOP", "q", "0"], ["EXEC"])).toBe(
      "+OK\r\n+QUEUED\r\n*1\r\n*-1\r\n",
    );
    run(a, 1000, ["BLMOVE", "q", "d", "LEFT", "RIGHT", "0"]);
    run(b, 1000, ["MULTI"], ["RPUSH", "q", "1"], ["RPUSH", "q", "2"]);
    expect(got.get(a.id)).toBe("");
    run(b, 1000, ["EXEC"]);
    expect(got.get(a.id)).toBe("$1\r\n1\r\n");
    expect(run(b, 1000, ["LRANGE", "d", "0", "-1"])).toBe("*1\r\n$1\r\n1\r\n");
  });

  it("a waiter whose sink is no longer live is skipped: the push goes to the next, or stays", () => {
    const { engine, got, open, run } = setup();
    const [b, c] = [open(), open()];
    // A sharded call's lease (ConnSink.live) that ran out at t = 1500.
    const a = open(false);
    got.set(a.id, "");
    engine.attach(a, {
      deliver: (rs) => got.set(a.id, got.get(a.id)! + rs.length),
      live: (now) => now < 1500,
    });
    run(a, 1000, ["BLPOP", "q", "0"]);
    run(b, 1000, ["BLPOP", "q", "0"]);
    run(c, 1600, ["RPUSH", "q", "one"]);
    expect(got.get(a.id)).toBe("");
    expect(got.get(b.id)).toBe("*2\r\n$1\r\nq\r\n$3\r\none\r\n");
    run(c, 1700, ["RPUSH", "q", "two"]);
    expect(got.get(a.id)).toBe("");
    expect(run(c, 1800, ["LRANGE", "q", "0", "-1"])).toBe("*1\r\n$3\r\ntwo\r\n");
  });

  it("bad timeouts", () => {
    const { open, run } = setup();
    const a = open();
    expect(run(a, 1000, ["BLPOP", "q", "-1"])).toBe("-ERR timeout is negative\r\n");
    expect(run(a, 1000, ["BLPOP", "q", "x"])).toBe(
      "-ERR timeout is not a float or out of range\r\n",
    );
  });
});

describe("pub/sub", () => {
  it("SUBSCRIBE, PSUBSCRIBE, PUBLISH counts and delivers; RESP2 context rules", () => {
    const { got, open, run } = setup();
    const [s, p] = [open(), open()];
    expect(run(s, 1, ["SUBSCRIBE", "a", "b"])).toBe(
      "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n",
    );
    run(s, 1, ["PSUBSCRIBE", "a*"]);
    expect(run(p, 1, ["PUBLISH", "a", "hi"])).toBe(":2\r\n");
    expect(got.get(s.id)).toBe(
      "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n*4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$1\r\na\r\n$2\r\nhi\r\n",
    );
    expect(run(s, 1, ["GET", "x"])).toMatch(/^-ERR Can't execute 'get': only \(P\|S\)SUBSCRIBE/);
    expect(run(s, 1, ["PING"])).toBe("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    expect(run(p, 1, ["PUBSUB", "NUMSUB", "a", "z"])).toBe(
      "*4\r\n$1\r\na\r\n:1\r\n$1\r\nz\r\n:0\r\n",
    );
    expect(run(s, 1, ["UNSUBSCRIBE"])).toContain("unsubscribe");
    expect(run(s, 1, ["PUNSUBSCRIBE"])).toBe("*3\r\n$12\r\npunsubscribe\r\n$2\r\na*\r\n:0\r\n");
    expect(run(s, 1, ["GET", "x"])).toBe("$-1\r\n");
  });

  it("RESP3 pushes and commands on the same connection", () => {
    const { got, open, run } = setup();
    const [s, p] = [open(), open()];
    run(s, 1, ["HELLO", "3"]);
    expect(run(s, 1, ["SUBSCRIBE", "c"])).toBe(">3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n");
    expect(run(s, 1, ["GET", "x"])).toBe("_\r\n");
    run(p, 1, ["PUBLISH", "c", "m"]);
    expect(got.get(s.id)).toBe(">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
  });

  it("CLIENT REPLY OFF and SKIP", () => {
    const { open, run } = setup();
    const a = open();
    expect(
      run(a, 1, ["CLIENT", "REPLY", "OFF"], ["SET", "k", "v"], ["CLIENT", "REPLY", "ON"]),
    ).toBe("+OK\r\n");
    expect(run(a, 1, ["CLIENT", "REPLY", "SKIP"], ["GET", "k"], ["GET", "k"])).toBe("$1\r\nv\r\n");
  });
});
