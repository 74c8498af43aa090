// CONFIG GET/SET of Redis's tuning parameters beside redis-server 7.0.15 (issue 17): values
// normalised as Redis does, its errors byte for byte, atomic multi-parameter SET; and INFO's
// sections and field names as Redis 7 reports them.

import { describe, expect, it } from "vitest";
import { CONFIG_PARAMS } from "../../src/engine/config-table.ts";
import {
  EngineSession,
  expectSameReplies,
  redisAvailable,
  useRedis,
} from "./support/engine-vs-redis.ts";

/** Parameters the scripts change, with the defaults each script restores at its end. */
const RESTORE = [
  ["CONFIG", "SET", "hash-max-listpack-value", "64", "save", "", "hz", "10"],
  ["CONFIG", "SET", "notify-keyspace-events", "", "lua-time-limit", "5000"],
  ["CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0 pubsub 33554432 8388608 60"],
  ["CONFIG", "SET", "list-max-ziplist-size", "-2", "timeout", "0", "appendonly", "no"],
  ["CONFIG", "SET", "proto-max-bulk-len", "512mb", "maxmemory-clients", "0"],
];

describe.skipIf(!redisAvailable())("CONFIG vs redis-server", () => {
  const oracle = useRedis();

  const scripts: Record<string, string[][]> = {
    "memory units, aliases, bounds and clamps": [
      ["CONFIG", "SET", "hash-max-ziplist-value", "1kb"],
      ["CONFIG", "GET", "hash-max-listpack-value"],
      ["CONFIG", "GET", "hash-max-ziplist-value"],
      ["CONFIG", "SET", "proto-max-bulk-len", "1k"],
      ["CONFIG", "SET", "proto-max-bulk-len", "2GB"],
      ["CONFIG", "GET", "proto-max-bulk-len"],
      ["CONFIG", "SET", "hz", "1000"],
      ["CONFIG", "GET", "hz"],
      ["CONFIG", "SET", "timeout", "-1"],
      ["CONFIG", "SET", "timeout", "x"],
      ["CONFIG", "SET", "list-max-ziplist-size", "-3"],
      ["CONFIG", "GET", "list-max-listpack-size"],
      ["CONFIG", "SET", "lua-time-limit", "100"],
      ["CONFIG", "GET", "busy-reply-threshold"],
      ["CONFIG", "SET", "maxmemory-clients", "10%"],
      ["CONFIG", "GET", "maxmemory-clients"],
      ["CONFIG", "SET", "maxmemory-clients", "lots"],
    ],
    "special values": [
      ["CONFIG", "SET", "save", "100 10 50"],
      ["CONFIG", "SET", "save", "100 10 60 5"],
      ["CONFIG", "GET", "save"],
      ["CONFIG", "SET", "save", ""],
      ["CONFIG", "GET", "save"],
      ["CONFIG", "SET", "notify-keyspace-events", "KEA"],
      ["CONFIG", "GET", "notify-keyspace-events"],
      ["CONFIG", "SET", "notify-keyspace-events", "Ex$lg"],
      ["CONFIG", "GET", "notify-keyspace-events"],
      ["CONFIG", "SET", "notify-keyspace-events", "q"],
      ["CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 2mb 10"],
      ["CONFIG", "GET", "client-output-buffer-limit"],
      ["CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 2mb"],
      ["CONFIG", "SET", "client-output-buffer-limit", "bogus 1 2 3"],
      ["CONFIG", "SET", "appendonly", "YES"],
      ["CONFIG", "GET", "appendonly"],
      ["CONFIG", "SET", "appendonly", "maybe"],
      ["CONFIG", "SET", "loglevel", "loud"],
    ],
    "errors, atomicity and GET forms": [
      ["CONFIG", "SET", "databases", "3"],
      ["CONFIG", "SET", "nosuch", "1"],
      ["CONFIG", "SET", "hz", "5", "hz", "6"],
      ["CONFIG", "SET", "hz", "5", "timeout", "-1"],
      ["CONFIG", "GET", "hz"],
      ["CONFIG", "SET", "hz"],
      ["CONFIG", "GET"],
      ["CONFIG", "GET", "HZ"],
      ["CONFIG", "GET", "databases"],
      ["CONFIG", "GET", "nosuch"],
      ["CONFIG", "GET", "rdb-key-save-delay"],
      ["CONFIG", "GET", "rdb-key*"],
      ["CONFIG", "GET", "set-max-intset-entries", "set-max-intset-entries"],
      ["CONFIG", "RESETSTAT"],
      ["CONFIG", "REWRITE", "x"],
      ["CONFIG", "NOPE"],
    ],
  };

  for (const [name, script] of Object.entries(scripts)) {
    for (const proto of [2, 3] as const) {
      it(`${name} (RESP${proto})`, async () => {
        await expectSameReplies(oracle.redis, [...script, ...RESTORE], proto);
      });
    }
  }

  it("CONFIG GET * lists every parameter of the table with Redis's default", async () => {
    const theirs = await oracle.redis.command(["CONFIG", "GET", "*"]);
    const values = new Map<string, string>();
    // *N, then $len / text pairs: the texts are every other line from the third.
    const texts = theirs
      .toString("latin1")
      .split("\r\n")
      .filter((_, i) => i > 0 && i % 2 === 0);
    for (let i = 0; i + 1 < texts.length; i += 2) values.set(texts[i]!, texts[i + 1]!);
    // Defaults that differ on purpose: proto-max-bulk-len is the platform's (limits.ts).
    const ownDefaults = new Set(["proto-max-bulk-len"]);
    for (const p of CONFIG_PARAMS) {
      if (p.kind.t === "engine" || p.hidden || ownDefaults.has(p.name)) continue;
      for (const name of [p.name, ...(p.aliases ?? [])])
        expect([name, values.get(name)]).toEqual([name, p.default]);
    }
  });
});

describe.skipIf(!redisAvailable())("INFO vs redis-server", () => {
  const oracle = useRedis();

  /** Section headers and field names of an INFO text. */
  const shape = (text: string) =>
    text
      .split("\r\n")
      .filter((l) => l !== "")
      .map((l) => (l.startsWith("#") ? l : l.slice(0, l.indexOf(":"))));

  it("has Redis 7's sections in its order, every field of ours known to Redis", async () => {
    for (const arg of [[], ["everything"], ["default"], ["cpu", "keyspace"], ["commandSTATS"]]) {
      const s = new EngineSession();
      const ours = s.command(["INFO", ...arg]).toString("latin1");
      const theirs = (await oracle.redis.command(["INFO", ...arg])).toString("latin1");
      const sections = (t: string) => shape(t).filter((l) => l.startsWith("#"));
      expect(sections(ours), arg.join(" ")).toEqual(sections(theirs));
      const known = new Set(shape(theirs));
      const ourOwn = new Set(["blink_edge_version", "namespace"]);
      const unknown = shape(ours.slice(ours.indexOf("\r\n") + 2)).filter(
        (f) => !known.has(f) && !ourOwn.has(f) && !f.startsWith("cmdstat_"),
      );
      expect(unknown, arg.join(" ")).toEqual([]);
    }
  });

  it("reports migrate_cached_sockets:0 in Stats as Redis (Redis's unit/dump reads it)", async () => {
    const field = (t: string) =>
      t.split("\r\n").find((l) => l.startsWith("migrate_cached_sockets:"));
    const ours = new EngineSession().command(["INFO", "stats"]).toString("latin1");
    const theirs = (await oracle.redis.command(["INFO", "stats"])).toString("latin1");
    expect(field(ours)).toBe("migrate_cached_sockets:0");
    expect(field(ours)).toBe(field(theirs));
  });

  it("counts commands, rejected and failed calls and errors as Redis does", async () => {
    const script = [
      ["CONFIG", "RESETSTAT"],
      ["SET", "foo", "bar"],
      ["LPUSH", "foo", "x"],
      ["GET"],
      ["NOSUCHCOMMAND"],
      ["CONFIG", "GET", "hz"],
      ["INFO", "commandstats"],
      ["INFO", "errorstats"],
    ];
    const s = new EngineSession();
    await oracle.redis.command(["FLUSHALL"]);
    const strip = (b: Buffer) =>
      b.toString("latin1").replace(/usec=\d+,usec_per_call=[\d.]+/g, "usec=X");
    // Redis lists counters in its dictionary's order: compare them as sets.
    const lines = (t: string) => t.slice(t.indexOf("#")).split("\r\n").sort();
    for (const argv of script) {
      const ours = strip(s.command(argv));
      const theirs = strip(await oracle.redis.command(argv));
      if (argv[0] === "INFO") expect(lines(ours), argv.join(" ")).toEqual(lines(theirs));
    }
  });
});

describe.skipIf(!redisAvailable())("CLIENT INFO vs redis-server", () => {
  const oracle = useRedis();

  it("has Redis 7.0's fields in its order, with db= the selected database", async () => {
    const fields = (b: Buffer) =>
      b
        .toString("latin1")
        .split("\r\n")[1]!
        .trim()
        .split(" ")
        .map((f) => f.slice(0, f.indexOf("=")));
    const s = new EngineSession();
    s.command(["SELECT", "4"]);
    await oracle.redis.command(["SELECT", "4"]);
    const ours = s.command(["CLIENT", "INFO"]);
    const theirs = await oracle.redis.command(["CLIENT", "INFO"]);
    // lib-name and lib-ver (CLIENT SETINFO) come from Redis 7.2, after resp=.
    expect(fields(ours)).toEqual([...fields(theirs), "lib-name", "lib-ver"]);
    expect(ours.toString("latin1")).toContain(" db=4 ");
    expect(ours.toString("latin1")).toContain(" cmd=client|info ");
  });
});
