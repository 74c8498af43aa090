// Behaviours behind tests of Redis's own suite (docs/redis-suite.md), against redis-server
// 7.0.15: SORT of a set inside a script, NOREPLICAS under min-replicas-to-write, a shebang
// script over maxmemory, error stats of scripts' errors, and the dirty count of bit commands.

import { expect, it } from "vitest";
import { EngineSession, describeVsRedis, runBoth, show } from "./support/engine-vs-redis.ts";
import type { Argv, Oracle } from "./support/engine-vs-redis.ts";

const ev = (body: string, ...rest: string[]): Argv => ["EVAL", body, ...rest];
const SET_MEMBERS = "a b c d e f g h i l m n o p q r s t u v z aa aaa azz".split(" ");

const SCRIPTS: Record<string, Argv[]> = {
  // unit/scripting "SORT BY <constant> output gets ordered for scripting"
  "SORT BY a constant of a set inside a script is sorted ALPHA": [
    ["SADD", "myset", ...SET_MEMBERS],
    ev("return redis.call('sort',KEYS[1],'by','_')", "1", "myset"),
    ev("return redis.call('sort',KEYS[1],'by','_','desc')", "1", "myset"),
    ev("return redis.call('sort',KEYS[1],'by','_','limit','2','3')", "1", "myset"),
    ev("return redis.call('sort',KEYS[1],'by','_','get','#','get','_:*')", "1", "myset"),
    ["RPUSH", "mylist", "b", "a", "c"],
    ev("return redis.call('sort',KEYS[1],'by','_')", "1", "mylist"),
    [
      "FUNCTION",
      "LOAD",
      "#!lua name=s\nredis.register_function('s', function(k) return redis.call('sort', k[1], 'by', 'x') end)",
    ],
    ["FCALL", "s", "1", "myset"],
  ],
  // unit/scripting "not enough good replicas"
  "min-replicas-to-write refuses writes NOREPLICAS": [
    ["SET", "x", "some value"],
    ["FUNCTION", "LOAD", "#!lua name=w\nredis.register_function('w', function() return 1 end)"],
    ["CONFIG", "SET", "min-replicas-to-write", "1"],
    ["SET", "x", "1"],
    ["GET", "x"],
    ["DEL", "x"],
    ev("#!lua flags=no-writes\nreturn redis.call('get','x')", "1", "x"),
    ev("return redis.call('get','x')", "1", "x"),
    ev("#!lua\nreturn redis.call('get','x')", "1", "x"),
    ev("return redis.call('set','x', 1)", "1", "x"),
    ev("return redis.pcall('set','x', 1)", "1", "x"),
    ["FCALL", "w", "0"],
    ["FCALL_RO", "w", "0"],
    ["EVAL_RO", "#!lua\nreturn 1", "0"],
    ["MULTI"],
    ["SET", "x", "2"],
    ["GET", "x"],
    ["EXEC"],
    ["CONFIG", "SET", "min-replicas-max-lag", "0"],
    ["SET", "x", "3"],
    ["CONFIG", "SET", "min-replicas-max-lag", "10"],
    ["CONFIG", "SET", "min-replicas-to-write", "0"],
    ["SET", "x", "4"],
    ev("#!lua\nreturn redis.call('set','x','5')", "1", "x"),
  ],
  // unit/scripting "reject script do not cause a Lua stack leak"
  "a shebang script that may write is refused over maxmemory": [
    ["SET", "filler", "some bytes"],
    ["FUNCTION", "LOAD", "#!lua name=o\nredis.register_function('o', function() return 1 end)"],
    ["CONFIG", "SET", "maxmemory", "1"],
    ev("#!lua\nreturn 1", "0"),
    ev("#!lua\nreturn 1", "0"),
    ev("#!lua flags=no-writes\nreturn 1", "0"),
    ev("#!lua flags=allow-oom\nreturn 1", "0"),
    ev("return 1", "0"),
    ["FCALL", "o", "0"],
    ["EVAL_RO", "#!lua\nreturn 1", "0"],
    ["CONFIG", "SET", "maxmemory", "0"],
    ev("#!lua\nreturn 1", "0"),
  ],
};

/** The oracle emptied, with no memory limit (a failed test may have left one). */
async function fresh(o: Oracle): Promise<void> {
  await o.redis.command(["CONFIG", "SET", "maxmemory", "0"]);
  await o.redis.command(["CONFIG", "SET", "min-replicas-to-write", "0"]);
  await o.redis.command(["FLUSHALL"]);
  await o.redis.command(["HELLO", "2"]);
}

/** The `name:value` lines of INFO sections, without the timing fields that always differ. */
async function infoLines(o: Oracle, ours: EngineSession, sections: string[]): Promise<string[][]> {
  const argv = ["INFO", ...sections];
  const clean = (raw: Buffer): string[] =>
    show(raw)
      .replace(/^"|"$/g, "")
      .split("\\r\\n")
      .filter((l) => l.includes(":"))
      .map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+,/, ""))
      .filter((l) => !/^cmdstat_(info|config\|\w+)/.test(l))
      .sort();
  return [clean(ours.command(argv)), clean(await o.redis.command(argv))];
}

/** Runs `steps` on both sides after CONFIG RESETSTAT and compares errorstats and commandstats. */
async function sameStats(o: Oracle, steps: Argv[]): Promise<void> {
  await fresh(o);
  const ours = new EngineSession();
  for (const argv of [["CONFIG", "RESETSTAT"], ...steps]) {
    const a = show(ours.command(argv));
    const b = show(await o.redis.command(argv));
    expect(a, argv.join(" ")).toBe(b);
  }
  const [a, b] = await infoLines(o, ours, ["errorstats", "commandstats"]);
  expect(a, steps.map((s) => s.join(" ")).join("; ")).toEqual(b);
}

/** rdb_changes_since_last_save after each step, as differences from the first. */
async function dirtyDeltas(o: Oracle, steps: Argv[]): Promise<[number[], number[]]> {
  await fresh(o);
  const ours = new EngineSession();
  const dirty = async (side: "ours" | "redis"): Promise<number> => {
    const argv = ["INFO", "persistence"];
    const raw = side === "ours" ? ours.command(argv) : await o.redis.command(argv);
    return Number(/rdb_changes_since_last_save:(\d+)/.exec(raw.toString())![1]);
  };
  const a0 = await dirty("ours");
  const b0 = await dirty("redis");
  const a: number[] = [];
  const b: number[] = [];
  for (const argv of steps) {
    ours.command(argv);
    await o.redis.command(argv);
    a.push((await dirty("ours")) - a0);
    b.push((await dirty("redis")) - b0);
  }
  return [a, b];
}

describeVsRedis("Redis suite leftovers vs redis-server 7.0.15", SCRIPTS, (o) => {
  // unit/scripting "Consistent eval error reporting": a script's error from a command it called
  // is counted once, as the command's (rejected or failed), not again as EVAL's reply.
  it("error stats of scripts' errors", async () => {
    await sameStats(o, [
      ["SET", "k", "v"],
      ["CONFIG", "SET", "maxmemory", "1"],
      ev("return redis.call('set','x','y')", "1", "x"),
      ev("local t = redis.pcall('set','x','y') return t['err']", "1", "x"),
      ev("return redis.pcall('set','x','y')", "1", "x"),
      ["SET", "x", "y"],
      ["CONFIG", "SET", "maxmemory", "0"],
      ev("return redis.call('select',99)", "0"),
      ev("local t = redis.pcall('select',99) return t['err']", "0"),
      ["EVAL_RO", "return redis.call('set','x','y')", "1", "x"],
      ["EVAL_RO", "local t = redis.pcall('set','x','y') return t['err']", "1", "x"],
      ["SET", "Sicily", "1"],
      ev("return redis.call('GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo')", "1", "x"),
      ev("return redis.call('nosuch')", "0"),
      ev("return redis.call('get')", "0"),
      ev("return redis.error_reply('MY_ERR custom')", "0"),
      ev("return {err='OWN error'}", "0"),
      ev("return redis.call('get', {})", "0"),
    ]);
  });

  it("error stats of a shebang script refused over maxmemory", async () => {
    await sameStats(o, [
      ["SET", "k", "v"],
      ["CONFIG", "SET", "maxmemory", "1"],
      ev("#!lua\nreturn 1", "0"),
      ["SET", "k2", "w"],
    ]);
  });

  // unit/bitops "SETBIT/BITFIELD only increase dirty when the value changed"
  it("SETBIT and BITFIELD count as changes only when they change the value", async () => {
    const [ours, redis] = await dirtyDeltas(o, [
      ["SETBIT", "foo", "0", "0"],
      ["BITFIELD", "foo2", "SET", "i5", "0", "0"],
      ["SETBIT", "foo", "0", "0"],
      ["BITFIELD", "foo2", "SET", "i5", "0", "0"],
      ["SETBIT", "foo", "0", "1"],
      ["SETBIT", "foo", "0", "1"],
      ["BITFIELD", "foo2", "SET", "i5", "0", "1"],
      ["BITFIELD", "foo2", "SET", "i5", "0", "1"],
      ["BITFIELD", "foo3", "INCRBY", "i5", "0", "1"],
      ["BITFIELD", "foo3", "INCRBY", "i5", "0", "1"],
      ["BITFIELD", "foo3", "INCRBY", "i5", "0", "0"],
      ["BITFIELD", "foo3", "GET", "i5", "0"],
      ["SETBIT", "foo", "90", "0"],
      ["BITFIELD", "foo2", "SET", "i5", "90", "0"],
    ]);
    expect(ours).toEqual(redis);
  });

  it("a set sorted BY a constant outside a script keeps its own order unless stored", async () => {
    await fresh(o);
    const rows = await runBoth(o.redis, [
      ["SADD", "s", "c", "a", "b"],
      ["SORT", "s", "BY", "nosort", "STORE", "d"],
      ["LRANGE", "d", "0", "-1"],
    ]);
    for (const [cmd, a, b] of rows) expect(a, cmd).toBe(b);
  });
});
