// A busy script at the engine: a long EVAL/FCALL on a connection with a sink pauses between
// slices (its reply comes through the sink when it ends), other clients meanwhile get BUSY or
// run the allow-busy commands, SCRIPT KILL / FUNCTION KILL stop it, and UNKILLABLE protects one
// that wrote.
import { describe, expect, it } from "vitest";

import { busyEngine } from "./support/busy-engine.ts";

const setup = busyEngine;

const LOOP = "local a = 0 while true do a = a + 1 end";

describe("busy script", () => {
  it("pauses, answers others BUSY, and ends with SCRIPT KILL's error; later commands follow", () => {
    const { engine, out, conn, run } = setup();
    const a = conn();
    const b = conn();
    expect(run(a, ["SET", "k", "1"], ["EVAL", LOOP, "0"], ["GET", "k"])).toBe("+OK\r\n");
    expect(engine.busyScript).not.toBeNull();
    expect(run(b, ["PING"])).toBe(
      "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n",
    );
    expect(run(b, ["FUNCTION", "KILL"])).toMatch(/^-BUSY .*SCRIPT KILL/);
    expect(run(b, ["FUNCTION", "STATS"])).toMatch(/^-BUSY /);
    expect(engine.resumeScript(Date.now())).toBe(true);
    expect(run(b, ["SCRIPT", "KILL"])).toBe("+OK\r\n");
    expect(engine.resumeScript(Date.now())).toBe(false);
    expect(out[0]).toMatch(/^-ERR Script killed by user with SCRIPT KILL\.\.\..*\r\n\$1\r\n1\r\n$/);
    expect(run(b, ["PING"])).toBe("+PONG\r\n");
    expect(run(b, ["SCRIPT", "KILL"])).toBe("-NOTBUSY No scripts in execution right now.\r\n");
  });

  it("gives each redis.call its reply across pauses, in pcall too", () => {
    const { engine, out, conn, run } = setup();
    const a = conn();
    const body =
      "local n = 0 for i = 1, 3000 do local ok, r = pcall(redis.call, 'incr', KEYS[1]) " +
      "if r ~= i then return 'bad ' .. i end n = n + 1 end return n";
    run(a, ["EVAL", body, "1", "c"]);
    let slices = 1;
    while (engine.resumeScript(Date.now())) slices++;
    expect(slices).toBeGreaterThan(2);
    expect(out[0]).toBe(":3000\r\n");
  });

  it("kills a script looping inside pcall", () => {
    const { engine, out, conn, run } = setup();
    const a = conn();
    const b = conn();
    const body =
      "local f = function() while 1 do redis.call('ping') end end while 1 do pcall(f) end";
    run(a, ["EVAL", body, "0"]);
    expect(engine.resumeScript(Date.now())).toBe(true);
    expect(run(b, ["SCRIPT", "KILL"])).toBe("+OK\r\n");
    for (let i = 0; i < 10 && engine.resumeScript(Date.now()); i++);
    expect(engine.busyScript).toBeNull();
    expect(out[0]).toMatch(/killed by user/);
  });

  it("refuses to kill a script that wrote (UNKILLABLE), and lets it finish", () => {
    const { engine, out, conn, run } = setup();
    const a = conn();
    const b = conn();
    const body = "redis.call('set', KEYS[1], 'y') for i = 1, 300000 do end return 'done'";
    run(a, ["EVAL", body, "1", "x"]);
    expect(run(b, ["SCRIPT", "KILL"])).toMatch(/^-UNKILLABLE Sorry the script already executed/);
    expect(run(b, ["GET", "x"])).toMatch(/^-BUSY /);
    while (engine.resumeScript(Date.now()));
    expect(out[0]).toBe("$4\r\ndone\r\n");
    expect(run(b, ["GET", "x"])).toBe("$1\r\ny\r\n");
  });

  it("fails a transaction queued while busy; EXEC says EXECABORT ... BUSY", () => {
    const { engine, conn, run } = setup();
    const a = conn();
    const b = conn();
    expect(run(b, ["MULTI"], ["INCR", "xx"])).toBe("+OK\r\n+QUEUED\r\n");
    run(a, ["EVAL", LOOP, "0"]);
    expect(run(b, ["INCR", "xx"])).toMatch(/^-BUSY /);
    expect(run(b, ["EXEC"])).toMatch(/^-EXECABORT Transaction discarded because of: BUSY /);
    run(b, ["SCRIPT", "KILL"]);
    while (engine.resumeScript(Date.now()));
    expect(run(b, ["PING", "asdf"], ["GET", "xx"])).toBe("$4\r\nasdf\r\n$-1\r\n");
  });

  it("FUNCTION KILL stops a function, FUNCTION STATS names it; SCRIPT KILL refuses it", () => {
    const { engine, out, conn, run } = setup();
    const a = conn();
    const b = conn();
    const lib = `#!lua name=t\nredis.register_function('spin', function() ${LOOP} end)`;
    run(a, ["FUNCTION", "LOAD", lib]);
    run(a, ["FCALL", "spin", "0"]);
    expect(run(b, ["FUNCTION", "STATS"])).toMatch(
      /^\*4\r\n\$14\r\nrunning_script\r\n\*6\r\n\$4\r\nname\r\n\$4\r\nspin\r\n\$7\r\ncommand\r\n\*3\r\n\$5\r\nFCALL\r\n/,
    );
    expect(run(b, ["SCRIPT", "KILL"])).toMatch(/^-BUSY .*FUNCTION KILL/);
    expect(run(b, ["FUNCTION", "KILL"])).toBe("+OK\r\n");
    while (engine.resumeScript(Date.now()));
    expect(out[0]).toMatch(/^-ERR Script killed by user/);
  });

  it("runs to its end at once where it cannot pause: no sink, in MULTI or not", () => {
    const { engine, conn, run } = setup();
    const body = "local a = 0 for i = 1, 300000 do a = a + 1 end return a";
    expect(run(conn(false), ["EVAL", body, "0"])).toBe(":300000\r\n");
    expect(run(conn(false), ["MULTI"], ["EVAL", body, "0"], ["EXEC"])).toBe(
      "+OK\r\n+QUEUED\r\n*1\r\n:300000\r\n",
    );
    expect(engine.busyScript).toBeNull();
  });

  it("holds other connections' batches under the threshold; they run when the script ends", () => {
    const { engine, out, conn, run } = setup(5000);
    const a = conn();
    const b = conn();
    const body =
      "redis.call('set', 'k', 'first') for i = 1, 300000 do end redis.call('set', 'k', 'last')";
    run(a, ["EVAL", body, "0"]);
    expect(engine.scriptHolds(Date.now())).toBe(true);
    expect(run(b, ["GET", "k"])).toBe("");
    expect(run(b, ["PING"])).toBe("");
    while (engine.resumeScript(Date.now()));
    expect(out[0]).toBe("$-1\r\n");
    expect(out[1]).toBe("$4\r\nlast\r\n+PONG\r\n");
  });

  it("answers held batches BUSY once the script passes the threshold", () => {
    const { engine, out, conn, run } = setup(5000);
    const a = conn();
    const b = conn();
    run(a, ["EVAL", LOOP, "0"]);
    expect(run(b, ["PING"])).toBe("");
    const busy = engine.busyScript!;
    expect(engine.resumeScript(busy.startedAt + 5000)).toBe(true);
    expect(out[1]).toMatch(/^-BUSY /);
    run(b, ["SCRIPT", "KILL"]);
    while (engine.resumeScript(Date.now()));
  });

  it("reads the threshold from busy-reply-threshold / lua-time-limit", () => {
    const { engine, conn, run } = setup();
    const a = conn();
    run(a, ["CONFIG", "SET", "lua-time-limit", "10"]);
    run(a, ["EVAL", LOOP, "0"]);
    const busy = engine.busyScript!;
    expect(engine.scriptHolds(busy.startedAt + 9)).toBe(true);
    expect(engine.scriptHolds(busy.startedAt + 10)).toBe(false);
    run(conn(), ["SCRIPT", "KILL"]);
    while (engine.resumeScript(Date.now()));
  });
});
