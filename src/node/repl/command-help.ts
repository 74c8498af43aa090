// Argument synopses for the REPL's hints, completion and `help` (the `params` strings redis-cli
// 7.0 shows, for the commands of spec §10.6 and §10.12). Commands missing here get a synopsis
// made from their arity in the command table, so a new engine command still gets a hint.

import { COMMANDS } from "../../engine/commands/index.ts";

export interface HelpEntry {
  /** Upper-case words that name the entry: ["SET"], or ["CONFIG", "GET"] for a subcommand. */
  words: string[];
  /** The arguments after those words, as redis-cli prints them. */
  params: string;
  group: string;
}

const KEY_EXPIRY = "[NX|XX|GT|LT]";
const SCAN_OPTIONS = "[MATCH pattern] [COUNT count]";

// group -> command (or "COMMAND SUB") -> params
const SYNOPSES: Record<string, Record<string, string>> = {
  connection: {
    PING: "[message]",
    ECHO: "message",
    QUIT: "",
    AUTH: "[username] password",
    HELLO: "[protover [AUTH username password] [SETNAME clientname]]",
    SELECT: "index",
    RESET: "",
    "CLIENT SETNAME": "connection-name",
    "CLIENT GETNAME": "",
    "CLIENT ID": "",
    "CLIENT INFO": "",
    "CLIENT LIST": "",
    "CLIENT SETINFO": "LIB-NAME libname|LIB-VER libver",
  },
  server: {
    "COMMAND COUNT": "",
    "COMMAND DOCS": "[command-name [command-name ...]]",
    "COMMAND INFO": "[command-name [command-name ...]]",
    "COMMAND LIST": "",
    INFO: "[section [section ...]]",
    "CONFIG GET": "parameter [parameter ...]",
    "CONFIG SET": "parameter value [parameter value ...]",
    "CONFIG RESETSTAT": "",
    DBSIZE: "",
    FLUSHDB: "[ASYNC|SYNC]",
    FLUSHALL: "[ASYNC|SYNC]",
    SAVE: "",
    BGSAVE: "[SCHEDULE]",
    LASTSAVE: "",
    TIME: "",
  },
  transactions: { MULTI: "", EXEC: "", DISCARD: "", WATCH: "key [key ...]", UNWATCH: "" },
  generic: {
    DEL: "key [key ...]",
    UNLINK: "key [key ...]",
    EXISTS: "key [key ...]",
    TYPE: "key",
    KEYS: "pattern",
    SCAN: `cursor ${SCAN_OPTIONS} [TYPE type]`,
    RANDOMKEY: "",
    RENAME: "key newkey",
    RENAMENX: "key newkey",
    EXPIRE: `key seconds ${KEY_EXPIRY}`,
    PEXPIRE: `key milliseconds ${KEY_EXPIRY}`,
    EXPIREAT: `key unix-time-seconds ${KEY_EXPIRY}`,
    PEXPIREAT: `key unix-time-milliseconds ${KEY_EXPIRY}`,
    TTL: "key",
    PTTL: "key",
    EXPIRETIME: "key",
    PEXPIRETIME: "key",
    PERSIST: "key",
    TOUCH: "key [key ...]",
  },
  string: {
    GET: "key",
    SET: "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]",
    SETNX: "key value",
    SETEX: "key seconds value",
    PSETEX: "key milliseconds value",
    GETSET: "key value",
    GETDEL: "key",
    GETEX:
      "key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|PERSIST]",
    MGET: "key [key ...]",
    MSET: "key value [key value ...]",
    MSETNX: "key value [key value ...]",
    INCR: "key",
    DECR: "key",
    INCRBY: "key increment",
    DECRBY: "key decrement",
    INCRBYFLOAT: "key increment",
    APPEND: "key value",
    STRLEN: "key",
    GETRANGE: "key start end",
    SETRANGE: "key offset value",
  },
  set: {
    SADD: "key member [member ...]",
    SREM: "key member [member ...]",
    SMEMBERS: "key",
    SISMEMBER: "key member",
    SMISMEMBER: "key member [member ...]",
    SCARD: "key",
    SPOP: "key [count]",
    SRANDMEMBER: "key [count]",
    SMOVE: "source destination member",
    SINTER: "key [key ...]",
    SUNION: "key [key ...]",
    SDIFF: "key [key ...]",
    SINTERSTORE: "destination key [key ...]",
    SUNIONSTORE: "destination key [key ...]",
    SDIFFSTORE: "destination key [key ...]",
    SSCAN: `key cursor ${SCAN_OPTIONS}`,
  },
  hash: {
    HSET: "key field value [field value ...]",
    HSETNX: "key field value",
    HGET: "key field",
    HMGET: "key field [field ...]",
    HMSET: "key field value [field value ...]",
    HDEL: "key field [field ...]",
    HEXISTS: "key field",
    HLEN: "key",
    HKEYS: "key",
    HVALS: "key",
    HGETALL: "key",
    HINCRBY: "key field increment",
    HINCRBYFLOAT: "key field increment",
    HSTRLEN: "key field",
    HSCAN: `key cursor ${SCAN_OPTIONS}`,
  },
  list: {
    LPUSH: "key element [element ...]",
    RPUSH: "key element [element ...]",
    LPUSHX: "key element [element ...]",
    RPUSHX: "key element [element ...]",
    LPOP: "key [count]",
    RPOP: "key [count]",
    LLEN: "key",
    LRANGE: "key start stop",
    LINDEX: "key index",
    LSET: "key index element",
    LREM: "key count element",
    LTRIM: "key start stop",
    LINSERT: "key BEFORE|AFTER pivot element",
    LPOS: "key element [RANK rank] [COUNT num-matches] [MAXLEN len]",
    LMOVE: "source destination LEFT|RIGHT LEFT|RIGHT",
    RPOPLPUSH: "source destination",
  },
  sorted_set: {
    ZADD: "key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]",
    ZINCRBY: "key increment member",
    ZREM: "key member [member ...]",
    ZSCORE: "key member",
    ZMSCORE: "key member [member ...]",
    ZCARD: "key",
    ZCOUNT: "key min max",
    ZRANK: "key member",
    ZREVRANK: "key member",
    ZRANGE: "key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]",
    ZRANGEBYSCORE: "key min max [WITHSCORES] [LIMIT offset count]",
    ZREVRANGEBYSCORE: "key max min [WITHSCORES] [LIMIT offset count]",
    ZREVRANGE: "key start stop [WITHSCORES]",
    ZRANGEBYLEX: "key min max [LIMIT offset count]",
    ZPOPMIN: "key [count]",
    ZPOPMAX: "key [count]",
    ZREMRANGEBYRANK: "key start stop",
    ZREMRANGEBYSCORE: "key min max",
    ZRANDMEMBER: "key [count [WITHSCORES]]",
    ZSCAN: `key cursor ${SCAN_OPTIONS}`,
  },
};

/** A synopsis from the arity alone: `arg` per required argument, `[arg ...]` when variadic. */
function synopsisFromArity(arity: number): string {
  const required = Array(Math.abs(arity) - 1).fill("arg");
  if (arity < 0) required.push("[arg ...]");
  return required.join(" ");
}

function buildEntries(): HelpEntry[] {
  const entries: HelpEntry[] = [];
  const named = new Set<string>();
  for (const [group, table] of Object.entries(SYNOPSES)) {
    for (const [name, params] of Object.entries(table)) {
      const words = name.split(" ");
      // Only what this server speaks: entries for commands the table does not have are left out.
      if (!COMMANDS.lookup("redis", words[0]!.toLowerCase())) continue;
      named.add(words[0]!);
      entries.push({ words, params, group });
    }
  }
  for (const name of COMMANDS.names("redis")) {
    const upper = name.toUpperCase();
    if (named.has(upper)) continue;
    entries.push({
      words: [upper],
      params: synopsisFromArity(COMMANDS.lookup("redis", name)!.arity),
      group: "other",
    });
  }
  return entries;
}

/** Every command and subcommand the REPL knows, in table order. */
export const HELP_ENTRIES: readonly HelpEntry[] = buildEntries();

/** The entries whose words are a prefix of `args` (case-insensitive), longest match first. */
export function matchingEntries(args: readonly string[]): HelpEntry[] {
  const hits = HELP_ENTRIES.filter(
    (e) =>
      e.words.length <= args.length &&
      e.words.every((w, i) => w.toLowerCase() === args[i]!.toLowerCase()),
  );
  return hits.sort((a, b) => b.words.length - a.words.length);
}
