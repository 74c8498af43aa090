// Lua scripting semantics the oracle session cannot show (issue 15): atomicity and no rollback,
// MULTI/EXEC and WATCH with scripts, the runaway-script limit, bad input, sharded key rules, a
// read-only token inside a script, and property tests of Redis's reply conversion both ways.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/engine/commands/index.ts";
import { newConn } from "../../src/engine/conn-state.ts";
import { Engine } from "../../src/engine/engine.ts";
import { R } from "../../src/engine/reply.ts";
import type { Reply } from "../../src/engine/reply.ts";
import { lua } from "../../src/engine/scripting/lua.ts";
import { luaToReply, pushReply } from "../../src/engine/scripting/convert.ts";
import { runtimeOf } from "../../src/engine/scripting/runtime.ts";
import { byteString } from "./support/reply-arbitraries.ts";

function session(opts: { readonly?: boolean } = {}) {
  const engine = new Engine(COMMANDS, "t");
  const conn = newConn(1, { authed: true, readonly: opts.readonly ?? false });
  const run = (...argv: string[]): Reply => engine.run("redis", conn, [{ argv }], Date.now())[0]!;
  return { engine, conn, run };
}

describe("scripts are atomic and not rolled back", () => {
  it("keeps writes made before a runtime error, as Redis does", () => {
    const { run } = session();
    const r = run("EVAL", "redis.call('set', 'a', '1'); redis.call('lpush', 'a', 'x')", "0");
    expect(r.k).toBe("error");
    expect(run("GET", "a")).toEqual(R.bulk("1"));
  });

  it("a script error inside MULTI does not abort the transaction", () => {
    const { run } = session();
    run("MULTI");
    expect(run("EVAL", "error('x')", "0")).toEqual(R.QUEUED);
    run("SET", "b", "2");
    const r = run("EXEC");
    expect(r.k).toBe("array");
    const items = (r as unknown as { v: Reply[] }).v;
    expect(items[0]!.k).toBe("error");
    expect(items[1]).toEqual(R.OK);
  });

  it("WATCH sees a key a script wrote", () => {
    const a = session();
    const conn2 = newConn(2, { authed: true, readonly: false });
    const run2 = (...argv: string[]) => a.engine.run("redis", conn2, [{ argv }], Date.now())[0]!;
    a.run("WATCH", "w");
    run2("EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "w");
    a.run("MULTI");
    a.run("SET", "other", "1");
    expect(a.run("EXEC")).toEqual(R.NILARRAY);
  });

  it("read-modify-write from many connections loses no update", () => {
    const { engine } = session();
    const sha = (
      engine.run(
        "redis",
        newConn(9, { authed: true, readonly: false }),
        [
          {
            argv: [
              "SCRIPT",
              "LOAD",
              "local v = tonumber(redis.call('get', KEYS[1]) or '0'); redis.call('set', KEYS[1], v + 1); return v + 1",
            ],
          },
        ],
        Date.now(),
      )[0] as { v: string }
    ).v;
    const conns = Array.from({ length: 50 }, (_, i) =>
      newConn(10 + i, { authed: true, readonly: false }),
    );
    for (let i = 0; i < 2_000; i++) {
      engine.run("redis", conns[i % 50]!, [{ argv: ["EVALSHA", sha, "1", "counter"] }], Date.now());
    }
    expect(engine.store.get("counter")?.value).toBe("2000");
  });
});

describe("bad input gets a clear error and the engine keeps serving", () => {
  it("ends a runaway script with the instruction limit", () => {
    const { engine, run } = session();
    runtimeOf(engine).runner.instructionLimit = 2_000_000; // the default takes ~5 s
    const r = run("EVAL", "local i = 0 while true do i = i + 1 end", "0");
    expect(r).toMatchObject({ k: "error" });
    expect((r as { v: string }).v).toMatch(
      /^ERR Script killed: it ran more than \d+ Lua instructions/,
    );
    // pcall cannot swallow it
    const r2 = run("EVAL", "while true do pcall(function() while true do end end) end", "0");
    expect((r2 as { v: string }).v).toMatch(/Script killed/);
    // Nor a pcall around redis.call in a loop (Redis's "killed even when use pcall" test).
    const r3 = run(
      "EVAL",
      "local f = function() while 1 do redis.call('ping') end end while 1 do pcall(f) end",
      "0",
    );
    expect((r3 as { v: string }).v).toMatch(/Script killed/);
    expect(run("EVAL", "return 1", "0")).toEqual(R.ONE);
  }, 60_000);

  it("refuses a 10 MB body, converts a 100-level nested reply, and checks numkeys", () => {
    const { run } = session();
    const big = "return 1 --" + "x".repeat(10 * 1024 * 1024);
    expect(run("EVAL", big, "0")).toMatchObject({
      v: expect.stringMatching(/^ERR script too large/),
    });
    expect(run("SCRIPT", "LOAD", big)).toMatchObject({
      v: expect.stringMatching(/^ERR script too large/),
    });
    let nested: Reply = R.int(1);
    for (let i = 0; i < 100; i++) nested = R.array([nested]);
    expect(run("EVAL", "local t = 1 for i = 1, 100 do t = {t} end return t", "0")).toEqual(nested);
    expect(run("EVAL", "return 1", "-1")).toMatchObject({
      v: "ERR Number of keys can't be negative",
    });
    expect(run("EVAL", "return 1", "99999999999999999999")).toMatchObject({
      v: "ERR value is not an integer or out of range",
    });
    expect(run("FUNCTION", "RESTORE", "\u0000garbage")).toMatchObject({
      v: "ERR DUMP payload version or checksum are wrong",
    });
    expect(run("PING")).toEqual(R.PONG);
  });

  it("FUNCTION DUMP and RESTORE round-trip the libraries", () => {
    const { run } = session();
    run(
      "FUNCTION",
      "LOAD",
      "#!lua name=l1\nredis.register_function('f1', function() return 'one' end)",
    );
    const dump = (run("FUNCTION", "DUMP") as { v: string }).v;
    run("FUNCTION", "FLUSH");
    expect(run("FCALL", "f1", "0")).toMatchObject({ v: "ERR Function not found" });
    expect(run("FUNCTION", "RESTORE", dump)).toEqual(R.OK);
    expect(run("FCALL", "f1", "0")).toEqual(R.bulk("one"));
    expect(run("FUNCTION", "RESTORE", dump)).toMatchObject({ v: "ERR Library l1 already exists" });
    expect(run("FUNCTION", "RESTORE", dump, "REPLACE")).toEqual(R.OK);
  });
});

describe("scope and sharding", () => {
  it("a read-only token cannot write from a script", () => {
    const { run } = session({ readonly: true });
    const r = run("EVAL", "return redis.call('set', 'k', 'v')", "0");
    expect((r as { v: string }).v).toMatch(
      /^NOPERM this user has no permissions to run the 'set' command script: /,
    );
    expect(run("EVAL_RO", "return redis.call('get', 'k')", "0")).toEqual(R.NIL);
  });

  it("a shard refuses a key the script did not declare", () => {
    const { engine, run } = session();
    engine.sharded = true;
    expect(run("EVAL", "return redis.call('set', KEYS[1], 'v')", "1", "declared")).toEqual(R.OK);
    const r = run("EVAL", "return redis.call('set', 'undeclared', 'v')", "1", "declared");
    expect((r as { v: string }).v).toMatch(
      /^ERR Script attempted to access a non local key in a cluster node script: /,
    );
    expect(run("EVAL", "return redis.call('ping')", "0")).toEqual(R.status("PONG"));
  });

  it("with the slot map, a script may touch undeclared keys of its shard, in one slot unless allowed", () => {
    const { engine, run } = session();
    engine.sharded = true;
    // a stand-in slot map: a key's slot is its first letter; this shard holds a…m
    engine.shardKeys = { slot: (k) => k.charCodeAt(0), local: (s) => s <= "m".charCodeAt(0) };
    const msg = (r: Reply) => (r as { v: string }).v;
    const set2 = (a: string, b: string) =>
      `redis.call('set', '${a}', 1); redis.call('set', '${b}', 1)`;
    // BullMQ's way: keys it builds from a hash-tagged prefix, beside those it declares
    expect(run("EVAL", "#!lua\nreturn redis.call('set', 'a2', 'v')", "1", "a1")).toEqual(R.OK);
    expect(msg(run("EVAL", "return redis.call('set', 'z', 'v')", "1", "a1"))).toMatch(
      /^ERR Script attempted to access a non local key in a cluster node script: /,
    );
    // shebang scripts and functions keep to one slot; old-style scripts need only local keys
    expect(msg(run("EVAL", `#!lua\n${set2("b", "c")}`, "0"))).toMatch(
      /^ERR Script attempted to access keys that do not hash to the same slot script: /,
    );
    expect(msg(run("EVAL", `#!lua\nredis.call('set', 'b', 1)`, "1", "a1"))).toMatch(
      /^ERR Script attempted to access keys that do not hash to the same slot script: /,
    );
    expect(run("EVAL", `#!lua flags=allow-cross-slot-keys\n${set2("b", "c")}`, "0")).toEqual(R.NIL);
    expect(run("EVAL", set2("d", "e"), "0")).toEqual(R.NIL);
    const lib = (name: string, flags: string) =>
      `#!lua name=${name}\nredis.register_function{function_name='${name}', callback=function() ${set2("f", "g")} end${flags}}`;
    run("FUNCTION", "LOAD", lib("strict", ""));
    run("FUNCTION", "LOAD", lib("loose", ", flags={'allow-cross-slot-keys'}"));
    expect(msg(run("FCALL", "strict", "0"))).toMatch(/do not hash to the same slot/);
    expect(run("FCALL", "loose", "0")).toEqual(R.NIL);
  });
});

describe("reply conversion (property tests)", () => {
  const { engine } = session();
  const L = runtimeOf(engine).runner.L;
  /** A reply through redis.call's conversion into Lua and back out as a script's reply. */
  const roundTrip = (r: Reply, resp: 2 | 3): Reply => {
    const top = lua.lua_gettop(L);
    pushReply(L, r, resp);
    const out = luaToReply(L, resp);
    lua.lua_settop(L, top);
    return out;
  };
  /** What Redis makes of a reply on that trip in RESP2: nil stays nil, doubles become bulk text. */
  const resp2: fc.Arbitrary<[Reply, Reply]> = fc.letrec<{ r: [Reply, Reply] }>((tie) => ({
    r: fc.oneof(
      { depthSize: "small" },
      byteString.map((s) => [R.bulk(s), R.bulk(s)] as [Reply, Reply]),
      byteString.map((s) => [R.status(s), R.status(s.replace(/[\r\n]/g, " "))] as [Reply, Reply]),
      fc.integer().map((n) => [R.int(n), R.int(n)] as [Reply, Reply]),
      fc.constant([R.NIL, R.NIL] as [Reply, Reply]),
      fc.boolean().map((b) => [R.bool(b), R.int(b ? 1 : 0)] as [Reply, Reply]),
      fc
        .array(tie("r"), { maxLength: 4 })
        .map(
          (xs) => [R.array(xs.map((x) => x[0])), R.array(xs.map((x) => x[1]))] as [Reply, Reply],
        ),
    ),
  })).r;

  it("RESP2: replies come back as Redis converts them", () => {
    fc.assert(
      fc.property(resp2, ([r, expected]) => {
        expect(roundTrip(r, 2)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("RESP3: maps, sets, doubles and booleans keep their kind", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.boolean(), byteString, (d, b, s) => {
        expect(roundTrip(R.double(d), 3)).toEqual(R.double(d));
        expect(roundTrip(R.bool(b), 3)).toEqual(R.bool(b));
        expect(roundTrip(R.map([R.bulk(s), R.int(1)]), 3)).toEqual(R.map([R.bulk(s), R.int(1)]));
        expect(roundTrip(R.set([R.bulk(s)]), 3)).toEqual(R.set([R.bulk(s)]));
      }),
      { numRuns: 200 },
    );
  });

  it("a Lua number returned is truncated toward zero like Redis's (long long) cast", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e15, max: 1e15, noNaN: true }), (d) => {
        const top = lua.lua_gettop(L);
        lua.lua_pushnumber(L, d);
        const out = luaToReply(L, 2);
        lua.lua_settop(L, top);
        expect(out).toEqual(R.int(Math.trunc(d) + 0));
      }),
      { numRuns: 300 },
    );
  });
});
