// Behaviours behind tests of Redis's own suite (docs/redis-suite.md), against redis-server
// 7.0.15: SORT of a set inside a script, NOREPLICAS under min-replicas-to-write, a shebang
// script over maxmemory, error stats of scripts' errors, and the dirty count of bit commands.

import { expect, it } from "vitest";
import {
  EngineSession,
  describeVsRedis,
  runBoth,
  show,
  unordered,
} from "./support/engine-vs-redis.ts";
import type { Argv, Oracle, Step } from "./support/engine-vs-redis.ts";

const ev = (body: string, ...rest: string[]): Argv => ["EVAL", body, ...rest];
const SET_MEMBERS = "a b c d e f g h i l m n o p q r s t u v z aa aaa azz".split(" ");

/** string.format of every format over every number, in one script (C printf's digits). */
const FORMAT_SCRIPT = `
local fmts = {'%f', '%.0f', '%.1f', '%.2f', '%5.1f', '%-8.3f|', '%+.3e', '%e', '%.0e', '%E',
  '%g', '%.0g', '%.1g', '%.3g', '%10.4g|', '%#g', '%#.0f', '%#.0e', '%G', '%08.2f', '%+g',
  '% g', '%.17g', '%.14g', '%-+12.5e|', '%#.3g', '%.20f'}
local nums = {2.25, 0.125, 2.5, 3.5, -2.5, 0.5, 1.5, 1e21, 123456789.125, 5e-324,
  1.7976931348623157e308, 0.1, 1/3, 9.995, 99.5, 0.00001234, 1e-5, 123456, 1234567, 0,
  1/0, -1/0, 999.6, 9.6, 99.96, 0.0009996, 9.9999995, 0.05, 0.15, 0.25, 0.35, 1e15 + 0.5, 2^53, 2^63, 9.5, 10.5, 999999.5, 9999995,
  0.000095, 1e100, 1e-100, -1234.5678}
-- -0 and NaN made at run time (Lua 5.1 folds a literal -0.0 into the constant 0 listed before
-- it); x86's 0/0 is a negative NaN, "-nan" (a NaN negated again, "nan" in C, cannot be told
-- apart in JavaScript)
local z = 0
nums[#nums + 1] = -z
nums[#nums + 1] = z / z
for i = -15, 15 do
  nums[#nums + 1] = i * 0.125
  nums[#nums + 1] = i / 3
  nums[#nums + 1] = i * 1.005
  nums[#nums + 1] = i * 12345.6789
  nums[#nums + 1] = 2 ^ i
  nums[#nums + 1] = i * 0.1 * 7.3 + 0.05
end
local out = {}
for _, f in ipairs(fmts) do
  for _, n in ipairs(nums) do out[#out + 1] = string.format(f, n) end
end
out[#out + 1] = string.format('%5.1f %s %.3f', 2.25, 'x', '2.0625')
return out`;

const SCRIPTS: Record<string, Step[]> = {
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
  // unit/introspection-2 "COMMAND LIST FILTERBY PATTERN - list all commands/subcommands"
  "CLIENT HELP, and CLUSTER as a Redis without cluster support": [
    unordered("COMMAND", "LIST", "FILTERBY", "PATTERN", "cl*help"),
    unordered("COMMAND", "LIST", "FILTERBY", "PATTERN", "client|h*"),
    unordered("COMMAND", "LIST", "FILTERBY", "PATTERN", "cluster|s*"),
    ["CLIENT", "HELP"],
    ["CLIENT", "HELP", "x"],
    ["CLUSTER", "HELP"],
    ["CLUSTER", "INFO"],
    ["CLUSTER", "INFO", "x"],
    ["CLUSTER", "KEYSLOT", "foo"],
    ["CLUSTER", "SETSLOT", "1"],
    ["CLUSTER", "nosuch"],
    ["CLUSTER"],
    ["READONLY"],
    ["READWRITE", "x"],
    ["ASKING"],
    ev("return redis.call('cluster','info')", "0"),
    ev("return redis.pcall('cluster','reset')", "0"),
    ev("return redis.call('readonly')", "0"),
    ev("return redis.call('cluster')", "0"),
    ["COMMAND", "GETKEYS", "CLUSTER", "INFO"],
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

  // unit/type/stream-cgroups "Loading from legacy (Redis <= v6.2.x, rdb_ver < 10) persistence"
  it("RESTORE of a stream DUMPed by Redis 7.0 and by Redis 5-6.2", async () => {
    await fresh(o);
    const setup: Argv[] = [["CONFIG", "SET", "stream-node-max-entries", "4"]];
    for (let i = 1; i <= 11; i++)
      setup.push(["XADD", "s", `${i}-${i % 3}`, "f", `v${i}`, "g", "x"]);
    setup.push(
      ["XADD", "s", "12-0", "other", "fields"],
      ["XDEL", "s", "3-0", "7-1"],
      ["XGROUP", "CREATE", "s", "g1", "0"],
      ["XGROUP", "CREATE", "s", "g2", "$"],
      ["XGROUP", "CREATE", "s", "g3", "5-2"],
      ["XREADGROUP", "GROUP", "g1", "alice", "COUNT", "3", "STREAMS", "s", ">"],
      ["XREADGROUP", "GROUP", "g1", "bob", "COUNT", "2", "STREAMS", "s", ">"],
      ["XACK", "s", "g1", "2-2"],
      ["XGROUP", "CREATECONSUMER", "s", "g3", "carol"],
      ["XTRIM", "s", "MAXLEN", "10"],
      ["XADD", "e", "5-5", "a", "b"],
      ["XDEL", "e", "5-5"],
      ["XGROUP", "CREATE", "e", "g", "$"],
      ["CONFIG", "SET", "stream-node-max-entries", "100"],
    );
    for (const argv of setup) await o.redis.command(argv);
    // The payload of the TCL test (DUMPed by Redis 5: 6 entries, one deleted, trimmed to 2; g1
    // read 4 of them, g2 none).
    const legacy = Buffer.from(
      "0F011000000000000000010000000000000000C3404A40571657000000230002010401010184646174610500" +
        "0103010020010381610204200A0001400A0062600A0002400A0063600A4022018164200A4039200A0065600A" +
        "0005400A0066200A00FF02060002026731050004000000000000000100000000000000003EF783437A010000" +
        "01000000000000000200000000000000003EF783437A01000001000000000000000400000000000000003EF7" +
        "83437A01000001000000000000000500000000000000003EF783437A0100000101036331313EF783437A0100" +
        "0004000000000000000100000000000000000000000000000002000000000000000000000000000000040000" +
        "000000000000000000000000000500000000000000000267320000000009003D52EF6867521DFA",
      "hex",
    );
    const ours = new EngineSession();
    const reads = (k: string): Argv[] => [
      ["XRANGE", k, "-", "+"],
      ["XINFO", "STREAM", k, "FULL"],
      ["XINFO", "GROUPS", k],
      ["XPENDING", k, "g1"],
      // (XPENDING's extended form and XINFO CONSUMERS report idle times: XINFO FULL has the
      // delivery and seen times themselves)
    ];
    const steps: Argv[] = [];
    for (const src of ["s", "e"]) {
      const payload = await o.redis.command(["DUMP", src]);
      const bulk = payload.subarray(payload.indexOf("\r\n") + 2, payload.length - 2);
      steps.push(["RESTORE", `r${src}`, "0", bulk], ...reads(`r${src}`));
    }
    steps.push(["RESTORE", "x", "0", legacy], ...reads("x"));
    steps.push(["XADD", "x", "100-0", "a", "b"], ["XINFO", "GROUPS", "x"]);
    // Redis's radix tree figures describe its memory layout, not the stream: left out.
    const radix = (t: string) => t.replace(/(radix-tree-\w+\\r\\n):\d+/g, "$1:N");
    for (const argv of steps) {
      const a = radix(show(ours.command(argv)));
      const b = radix(show(await o.redis.command(argv)));
      expect(a, argv.map(String).join(" ").slice(0, 80)).toBe(b);
    }
    // And back: our DUMP of each restores in redis-server (and here) as the same stream.
    for (const k of ["rs", "re", "x"]) {
      const payload = ours.command(["DUMP", k]);
      const bulk = payload.subarray(payload.indexOf("\r\n") + 2, payload.length - 2);
      expect(show(await o.redis.command(["RESTORE", `back-${k}`, "0", bulk])), k).toBe(
        '"+OK\\r\\n"',
      );
      expect(show(ours.command(["RESTORE", `back-${k}`, "0", bulk])), k).toBe('"+OK\\r\\n"');
      for (const argv of [
        ["XINFO", "STREAM", `back-${k}`, "FULL"],
        ["XRANGE", `back-${k}`, "-", "+"],
      ]) {
        const want = radix(show(await o.redis.command(argv.map((a) => a.replace("back-", "")))));
        expect(radix(show(await o.redis.command(argv))), argv.join(" ")).toBe(want);
        expect(radix(show(ours.command(argv))), argv.join(" ")).toBe(want);
      }
    }
  });

  it("string.format of floats rounds as C's printf", { timeout: 30_000 }, async () => {
    await fresh(o);
    const [[cmd, ours, theirs]] = (await runBoth(o.redis, [ev(FORMAT_SCRIPT, "0")])) as [string[]];
    expect(ours, cmd).toBe(theirs);
  });

  // unit/tracking reads it to set a memory limit above the data
  it("INFO memory reports mem_not_counted_for_evict", async () => {
    await fresh(o);
    const line = /\r\nmem_not_counted_for_evict:(\d+)\r\n/;
    const ours = new EngineSession().command(["INFO", "memory"]).toString();
    const theirs = (await o.redis.command(["INFO", "memory"])).toString();
    expect(line.exec(ours)?.[1]).toBe(line.exec(theirs)?.[1]);
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
