// A busy script where it is not its batch's own command on a socket: queued in MULTI (EXEC goes
// on with the rest of its queue once the script ended, as Redis 7.0.15 lets SCRIPT KILL stop a
// script inside EXEC), and on a connection whose host gives it a sink only when it must wait
// (Engine.lateSink: an HTTP request, a shard call).
import { describe, expect, it } from "vitest";
import type { ConnSink } from "../../src/engine/conn-sink.ts";
import { newConn } from "../../src/engine/conn-state.ts";
import type { ConnState } from "../../src/engine/conn-state.ts";
import { Engine } from "../../src/engine/engine.ts";

import { busyEngine, text } from "./support/busy-engine.ts";

const setup = busyEngine;

const LOOP = "while true do end";
const COUNT = "local a = 0 for i = 1, 300000 do a = a + 1 end return a";
const KILLED =
  /^-ERR Script killed by user with SCRIPT KILL\.\.\. script: \w+, on @user_script:1\.$/;

describe("busy script inside EXEC", () => {
  it("pauses; others get BUSY; SCRIPT KILL's error is its entry and the rest of EXEC runs", () => {
    const { engine, out, conn, run } = setup();
    const a = conn();
    const b = conn();
    const queued = run(a, ["MULTI"], ["SET", "a", "1"], ["EVAL", LOOP, "0"], ["INCR", "a"]);
    expect(queued).toBe("+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n");
    expect(run(a, ["EXEC"], ["GET", "a"])).toBe("");
    expect(engine.busyScript).not.toBeNull();
    expect(run(b, ["GET", "a"])).toMatch(/^-BUSY /);
    // A write of the transaction before the script does not make the script unkillable (Redis).
    expect(run(b, ["SCRIPT", "KILL"])).toBe("+OK\r\n");
    while (engine.resumeScript(Date.now()));
    const lines = out[0]!.split("\r\n");
    expect(lines[0]).toBe("*3");
    expect(lines[1]).toBe("+OK");
    expect(lines[2]).toMatch(KILLED);
    expect(lines.slice(3).join("\r\n")).toBe(":2\r\n$1\r\n2\r\n");
    expect(run(b, ["GET", "a"])).toBe("$1\r\n2\r\n");
  });

  it("pauses each script of the queue in turn; the EXEC reply holds every result", () => {
    const { engine, out, conn, run } = setup();
    const a = conn();
    run(a, ["MULTI"], ["EVAL", COUNT, "0"], ["PING"], ["EVAL", COUNT, "0"]);
    expect(run(a, ["EXEC"])).toBe("");
    const first = engine.busyScript;
    let slices = 0;
    let second = null;
    while (engine.resumeScript(Date.now())) {
      slices++;
      if (engine.busyScript !== first) second = engine.busyScript;
    }
    expect(second).not.toBeNull();
    expect(slices).toBeGreaterThan(4);
    expect(out[0]).toBe("*3\r\n:300000\r\n+PONG\r\n:300000\r\n");
  });

  it("keeps a script that wrote UNKILLABLE; EXEC ends with its result", () => {
    const { engine, out, conn, run } = setup();
    const a = conn();
    const b = conn();
    const body = "redis.call('set', 'w', 'y') for i = 1, 300000 do end return 'done'";
    const queued = run(a, ["MULTI"], ["EVAL", body, "0"], ["GET", "w"], ["EXEC"]);
    expect(queued).toBe("+OK\r\n+QUEUED\r\n+QUEUED\r\n");
    expect(run(b, ["SCRIPT", "KILL"])).toMatch(/^-UNKILLABLE /);
    while (engine.resumeScript(Date.now()));
    expect(out[0]).toBe("*2\r\n$4\r\ndone\r\n$1\r\ny\r\n");
  });
});

describe("busy script on a connection that gets a sink only when it waits", () => {
  /** Runs `cmds` as a host with late sinks does (waiting-runs.ts): the sink's replies in `late`. */
  function lateRun(engine: Engine, c: ConnState, late: string[], ...cmds: string[][]): string {
    engine.lateSink = (x) => {
      if (x !== c) return undefined;
      x.id = engine.nextClientId++;
      const sink: ConnSink = { deliver: (rs) => late.push(text(rs)) };
      engine.attach(x, sink);
      return sink;
    };
    try {
      return text(
        engine.run(
          "redis",
          c,
          cmds.map((argv) => ({ argv })),
          Date.now(),
        ),
      );
    } finally {
      engine.lateSink = null;
    }
  }

  it("pauses, others get BUSY, SCRIPT KILL ends it; the pipeline's replies follow in order", () => {
    const { engine, conn, run } = setup();
    const http = newConn(0, { authed: true, readonly: false });
    const late: string[] = [];
    const before = lateRun(
      engine,
      http,
      late,
      ["SET", "k", "v"],
      ["EVAL", LOOP, "0"],
      ["GET", "k"],
    );
    expect(before).toBe("+OK\r\n");
    expect(http.id).toBeGreaterThan(0);
    const b = conn(false);
    expect(run(b, ["PING"])).toMatch(/^-BUSY /);
    expect(run(b, ["SCRIPT", "KILL"])).toBe("+OK\r\n");
    while (engine.resumeScript(Date.now()));
    expect(late.join("")).toMatch(
      /^-ERR Script killed by user with SCRIPT KILL\.\.\. script: \w+, on @user_script:1\.\r\n\$1\r\nv\r\n$/,
    );
    expect(run(b, ["PING"])).toBe("+PONG\r\n");
  });

  it("pauses inside a /multi-exec transaction too", () => {
    const { engine } = setup();
    const http = newConn(0, { authed: true, readonly: false });
    const late: string[] = [];
    const before = lateRun(engine, http, late, ["MULTI"], ["EVAL", COUNT, "0"], ["EXEC"]);
    expect(before).toBe("+OK\r\n+QUEUED\r\n");
    expect(engine.busyScript).not.toBeNull();
    while (engine.resumeScript(Date.now()));
    expect(late.join("")).toBe("*1\r\n:300000\r\n");
  });

  it("runs to its end at once when the host gives no sink", () => {
    const { engine } = setup();
    const c = newConn(0, { authed: true, readonly: false });
    engine.lateSink = () => undefined;
    try {
      const r = engine.run("redis", c, [{ argv: ["EVAL", COUNT, "0"] }], Date.now());
      expect(text(r)).toBe(":300000\r\n");
    } finally {
      engine.lateSink = null;
    }
    expect(engine.busyScript).toBeNull();
  });

  it("has the host persist what ran before a script that may pause, not the script's writes", () => {
    const { engine, conn, run, persisted } = setup();
    const a = conn();
    const body = "redis.call('set', 's', '1') " + COUNT;
    expect(run(a, ["SET", "x", "1"], ["EVAL", body, "0"])).toBe("+OK\r\n");
    expect(persisted).toEqual(["x"]);
    while (engine.resumeScript(Date.now()));
    // Inside EXEC: once, when EXEC starts, so a transaction's writes are committed whole.
    run(a, ["MULTI"], ["SET", "t", "1"], ["EVAL", LOOP.replace("true", "false"), "0"]);
    run(a, ["EVAL", "return 1", "0"], ["EXEC"]);
    expect(persisted).toEqual(["x", "s,x"]);
    // No sink and no host waiting: the script cannot pause, nothing is persisted early.
    run(conn(false), ["SET", "y", "1"], ["EVAL", "return 1", "0"]);
    expect(persisted).toEqual(["x", "s,x"]);
  });
});
