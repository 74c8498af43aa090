// COPY, LCS, SUBSTR, TOUCH, WAIT, LOLWUT, OBJECT, MEMORY, DEBUG and COMMAND against
// redis-server 7.0.15, reply for reply in RESP2 and RESP3, plus LCS on random strings.

import { expect, it } from "vitest";
import fc from "fast-check";
import { REDIS_7_COMMANDS } from "../../src/engine/redis-7-commands.ts";
import { COMMANDS } from "../../src/engine/commands/index.ts";
import {
  describeVsRedis,
  EngineSession,
  expectSameReplies,
  runBoth,
} from "./support/engine-vs-redis.ts";
import type { Argv } from "./support/engine-vs-redis.ts";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const range = (n: number, f: (i: number) => string): string[] =>
  Array.from({ length: n }, (_, i) => f(i));

const SCRIPTS: Record<string, Argv[]> = {
  copy: [
    ["SET", "s", "v"],
    ["COPY", "s", "s2"],
    ["GET", "s2"],
    ["COPY", "s", "s2"],
    ["SET", "s", "new"],
    ["COPY", "s", "s2", "REPLACE"],
    ["GET", "s2"],
    ["COPY", "s", "s"],
    ["COPY", "nokey", "x"],
    ["COPY", "s", "x", "DB", "0"],
    ["COPY", "s", "y", "DB", "notanumber"],
    ["COPY", "s", "y", "DB", "99999999999"],
    ["COPY", "s", "y", "BOGUS"],
    ["COPY", "s", "y", "DB"],
    ["COPY", "s"],
    ["SET", "t", "v", "PX", "100000"],
    ["COPY", "t", "t2"],
    ["TTL", "t2"],
    ["RPUSH", "l", "a", "b"],
    ["COPY", "l", "l2"],
    ["RPUSH", "l2", "c"],
    ["LRANGE", "l", "0", "-1"],
    ["LRANGE", "l2", "0", "-1"],
    ["SADD", "st", "1", "2"],
    ["COPY", "st", "st2"],
    ["SMEMBERS", "st2"],
    ["HSET", "h", "f", "v"],
    ["COPY", "h", "h2"],
    ["HGETALL", "h2"],
    ["ZADD", "z", "1", "a", "2", "b"],
    ["COPY", "z", "z2"],
    ["ZADD", "z2", "3", "c"],
    ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
    ["ZRANGE", "z2", "0", "-1", "WITHSCORES"],
    ["COPY", "z", "s", "REPLACE"],
    ["TYPE", "s"],
  ],
  "lcs and substr": [
    ["SET", "a", "ohmytext"],
    ["SET", "b", "mynewtext"],
    ["LCS", "a", "b"],
    ["LCS", "a", "b", "LEN"],
    ["LCS", "a", "b", "IDX"],
    ["LCS", "a", "b", "IDX", "MINMATCHLEN", "4"],
    ["LCS", "a", "b", "IDX", "MINMATCHLEN", "-4", "WITHMATCHLEN"],
    ["LCS", "a", "b", "LEN", "IDX"],
    ["LCS", "a", "b", "MINMATCHLEN"],
    ["LCS", "a", "b", "MINMATCHLEN", "x"],
    ["LCS", "a", "b", "BOGUS"],
    ["LCS", "a", "nokey"],
    ["LCS", "nokey", "nokey2", "IDX"],
    ["RPUSH", "l", "x"],
    ["LCS", "a", "l"],
    ["LCS", "a"],
    ["SUBSTR", "a", "1", "3"],
    ["SUBSTR", "a", "-3", "-1"],
    ["SUBSTR", "a", "5", "1"],
    ["SUBSTR", "nokey", "0", "1"],
    ["SUBSTR", "a", "x", "1"],
    ["SUBSTR", "l", "0", "1"],
  ],
  "touch, wait, lolwut": [
    ["SET", "k1", "1"],
    ["SET", "k2", "2"],
    ["TOUCH", "k0", "k1", "k2", "k3", "k1"],
    ["WAIT", "0", "0"],
    ["WAIT", "x", "0"],
    ["WAIT", "0", "x"],
    ["WAIT", "0", "-1"],
    ["WAIT", "0"],
    ["LOLWUT"],
    ["LOLWUT", "VERSION", "x"],
  ],
  "object and memory": [
    ["SET", "int", "12345"],
    ["SET", "emb", "hello"],
    ["SET", "raw", "x".repeat(45)],
    ["APPEND", "emb44", "y".repeat(44)],
    ["RPUSH", "list", "a"],
    ["SADD", "iset", "1", "2"],
    ["SADD", "hset", "a"],
    ["SADD", "bigiset", ...range(513, String)],
    ["HSET", "lph", "f", "v"],
    ["HSET", "hth", "f", "v".repeat(65)],
    ["HSET", "hth2", ...range(258, String)],
    ["ZADD", "lpz", "1", "a"],
    ["ZADD", "slz", "1", "m".repeat(65)],
    ["ZADD", "slz2", ...range(258, String)],
    ...[
      "int",
      "emb",
      "raw",
      "list",
      "iset",
      "hset",
      "bigiset",
      "lph",
      "hth",
      "hth2",
      "lpz",
      "slz",
      "slz2",
    ].map((k) => ["OBJECT", "ENCODING", k] as Argv),
    ["OBJECT", "ENCODING", "nokey"],
    ["OBJECT", "REFCOUNT", "emb"],
    ["OBJECT", "REFCOUNT", "int"],
    ["OBJECT", "FREQ", "emb"],
    ["OBJECT", "IDLETIME", "nokey"],
    ["OBJECT", "ENCODING"],
    ["OBJECT", "HELP"],
    ["OBJECT", "BOGUS", "k"],
    ["OBJECT", "HELP", "x"],
    ["MEMORY", "USAGE", "nokey"],
    ["MEMORY", "USAGE", "emb", "SAMPLES"],
    ["MEMORY", "USAGE", "emb", "SAMPLES", "x"],
    ["MEMORY", "USAGE", "emb", "BOGUS", "1"],
    ["MEMORY", "HELP"],
    ["MEMORY", "PURGE"],
    ["MEMORY", "DOCTOR"],
    ["MEMORY", "BOGUS"],
    ["MEMORY", "USAGE"],
  ],
  "command getkeys and subcommand errors": [
    ["COMMAND", "GETKEYS", "get", "key"],
    ["COMMAND", "GETKEYS", "set", "k", "v", "EX", "10"],
    ["COMMAND", "GETKEYS", "mset", "a", "1", "b", "2"],
    ["COMMAND", "GETKEYS", "del", "a", "b", "c"],
    ["COMMAND", "GETKEYS", "rename", "a", "b"],
    ["COMMAND", "GETKEYS", "sort", "k", "BY", "w_*", "GET", "o_*", "STORE", "d"],
    ["COMMAND", "GETKEYS", "sort", "k", "LIMIT", "0", "1", "STORE", "d"],
    ["COMMAND", "GETKEYS", "sort_ro", "k", "BY", "x"],
    ["COMMAND", "GETKEYS", "sort", "abc", "store", "invalid", "store", "stillbad", "store", "def"],
    ["COMMAND", "GETKEYS", "sort", "abc", "store", "store", "x"],
    ["COMMAND", "GETKEYS", "sort", "abc", "store", "limit", "1", "2"],
    ["COMMAND", "GETKEYS", "sort", "abc", "get", "store", "store"],
    ["COMMAND", "GETKEYS", "lcs", "key1", "key2"],
    ["COMMAND", "GETKEYS", "migrate", "h", "1", "", "0", "10", "KEYS", "a", "b"],
    ["COMMAND", "GETKEYS", "migrate", "h", "1", "k", "0", "10", "AUTH", "keys", "COPY"],
    ["COMMAND", "GETKEYS", "memory", "usage", "key"],
    ["COMMAND", "GETKEYS", "object", "encoding", "key"],
    ["COMMAND", "GETKEYS", "copy", "a", "b", "REPLACE"],
    ["COMMAND", "GETKEYS", "restore", "k", "0", "x"],
    ["COMMAND", "GETKEYS", "dump", "k"],
    ["COMMAND", "GETKEYS", "touch", "a", "b"],
    ["COMMAND", "GETKEYS", "substr", "a", "0", "1"],
    ["COMMAND", "GETKEYS", "mget", "a", "b", "c"],
    ["COMMAND", "GETKEYS", "hset", "h", "f", "v"],
    ["COMMAND", "GETKEYS", "nosuchcmd", "x"],
    ["COMMAND", "GETKEYS", "ping", "x"],
    ["COMMAND", "GETKEYS", "get"],
    ["COMMAND", "GETKEYS", "set", "a"],
    ["COMMAND", "GETKEYSANDFLAGS", "set", "k1", "v1"],
    ["COMMAND", "GETKEYSANDFLAGS", "mset", "k1", "v1", "k2", "v2"],
    ["COMMAND", "GETKEYSANDFLAGS", "sort", "k1", "store", "k2"],
    ["COMMAND", "GETKEYSANDFLAGS", "get", "k"],
    ["COMMAND", "GETKEYSANDFLAGS", "copy", "a", "b"],
    ["COMMAND", "INFO", "get|key"],
    ["COMMAND", "INFO", "nosuch"],
    ["ROLE"],
    ["COMMAND", "LIST", "bad_arg"],
    ["COMMAND", "LIST", "FILTERBY", "bad_arg"],
    ["COMMAND", "LIST", "FILTERBY", "bad_arg", "bad_arg2"],
    ["COMMAND", "LIST", "FILTERBY", "MODULE", "x"],
    ["COMMAND", "LIST", "FILTERBY", "PATTERN", "sort_r*"],
    ["COMMAND", "LIST", "FILTERBY", "PATTERN", "non_exists*"],
    ["COMMAND", "LIST", "FILTERBY", "ACLCAT", "non_existing_category"],
    ["COMMAND", "HELP"],
    ["COMMAND", "BOGUS"],
    ["COMMAND", "COUNT", "x"],
    ["COMMAND", "DOCS", "nosuch"],
  ],
};

/** Random strings over a small alphabet (so common subsequences exist), sometimes binary. */
const lcsString = fc.oneof(
  fc.array(fc.constantFrom(..."abcde"), { maxLength: 40 }).map((a) => a.join("")),
  fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b.map((x) => x % 4))),
);

describeVsRedis("generic commands vs redis-server 7.0.15", SCRIPTS, (oracle) => {
  it("LCS on random strings: the string, LEN and IDX with every option", async () => {
    await fc.assert(
      fc.asyncProperty(
        lcsString,
        lcsString,
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom(2, 3) as fc.Arbitrary<2 | 3>,
        async (a, b, minlen, proto) => {
          const script: Argv[] = [
            ["SET", "a", a],
            ["SET", "b", b],
            ["LCS", "a", "b"],
            ["LCS", "a", "b", "LEN"],
            ["LCS", "a", "b", "IDX"],
            ["LCS", "a", "b", "IDX", "MINMATCHLEN", String(minlen), "WITHMATCHLEN"],
          ];
          await expectSameReplies(oracle.redis, script, proto);
        },
      ),
      { numRuns: 100, seed: SEED },
    );
  });

  it("COMMAND GETKEYS equals redis-server's for a key-taking line of every command we have", async () => {
    // A plausible line per command: name, then key-like and value-like arguments.
    const lines: Argv[] = [];
    // Only Redis 7.0's commands: redis-server 7.0.15 knows no others (JSON.*, HEXPIRE, …).
    const redis7 = new Set(Object.values(REDIS_7_COMMANDS).flat());
    for (const s of COMMANDS.specs("redis")) {
      if (!redis7.has(s.name)) continue;
      if (!s.keys && s.numkeys === undefined && !s.keysOf) continue;
      const n = s.arity > 0 ? s.arity : Math.max(-s.arity, 3);
      const argv = [s.name, ...range(n - 1, (i) => (s.numkeys === i + 1 ? "1" : `a${i}`))];
      lines.push(["COMMAND", "GETKEYS", ...argv]);
    }
    const mismatches: string[] = [];
    for (const [cmd, ours, theirs] of await runBoth(oracle.redis, lines)) {
      if (ours !== theirs) mismatches.push(`${cmd}: ours ${ours} redis ${theirs}`);
    }
    // Container commands' lines here are not valid subcommand lines (e.g. OBJECT a0 a1); DEBUG
    // names DEBUG OBJECT's key only to route it to its shard (Redis gives DEBUG no key specs).
    expect(mismatches.filter((m) => !/^COMMAND GETKEYS (object|memory|debug) /.test(m))).toEqual(
      [],
    );
  });

  it("COMMAND INFO: name, arity, first/last/step and flags as redis-server's for our new commands", async () => {
    const names = [
      "sort",
      "sort_ro",
      "copy",
      "lcs",
      "substr",
      "dump",
      "restore",
      "touch",
      "wait",
      "lolwut",
      "role",
    ];
    const ours = new EngineSession();
    for (const n of names) {
      const theirs = (await oracle.redis.command(["COMMAND", "INFO", n])).toString("latin1");
      const mine = ours.command(["COMMAND", "INFO", n]).toString("latin1");
      // Name, arity, flags, first, last, step: the lines up to the ACL categories.
      const head = (r: string) => {
        const lines = r.split("\r\n");
        return lines.slice(0, 6 + Number(lines[5]!.slice(1)) + 3).join(" ");
      };
      expect(head(mine), n).toBe(head(theirs));
    }
  });
});
