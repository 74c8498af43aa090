// COMMAND and its subcommands (Redis 7.0.15 server.c), answered from the command records:
// arity, flags, key positions (command-table.ts keyPositions) and docs. Redis's reply shapes:
// flags and ACL categories as RESP3 sets, key specs and docs as maps.

import { asciiLower } from "../ascii.ts";
import { Flag, command, keyPositions } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { globMatch } from "../glob.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";

const HELP = [
  "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "(no subcommand)",
  "    Return details about all Redis commands.",
  "COUNT",
  "    Return the total number of commands in this Redis server.",
  "LIST",
  "    Return a list of all commands in this Redis server.",
  "INFO [<command-name> ...]",
  "    Return details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "DOCS [<command-name> ...]",
  "    Return documentation details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "GETKEYS <full-command>",
  "    Return the keys from a full Redis command.",
  "GETKEYSANDFLAGS <full-command>",
  "    Return the keys and the access flags from a full Redis command.",
  "HELP",
  "    Prints this help.",
];

/** Redis's flag words in the order COMMAND INFO lists them. */
const FLAG_WORDS: readonly [number, string][] = [
  [Flag.WRITE, "write"],
  [Flag.READ, "readonly"],
  [Flag.DENYOOM, "denyoom"],
  [Flag.ADMIN, "admin"],
  [Flag.PUBSUB, "pubsub"],
  [Flag.NOSCRIPT, "noscript"],
  [Flag.BLOCKING, "blocking"],
  [Flag.LOADING, "loading"],
  [Flag.STALE, "stale"],
  [Flag.FAST, "fast"],
  [Flag.NOAUTH, "no_auth"],
];

/** ACL category of a command group (Redis's @-categories). */
const GROUP_CATEGORY: Readonly<Record<string, string>> = {
  generic: "@keyspace",
  string: "@string",
  list: "@list",
  set: "@set",
  sorted_set: "@sortedset",
  hash: "@hash",
  bitmap: "@bitmap",
  hyperloglog: "@hyperloglog",
  geo: "@geo",
  stream: "@stream",
  pubsub: "@pubsub",
  connection: "@connection",
  transactions: "@transaction",
  scripting: "@scripting",
};

/**
 * True when a command's keys depend on its arguments (Redis's movablekeys). A container's
 * `keysOf` (OBJECT, MEMORY) finds its subcommands' fixed keys: Redis does not call it movable.
 */
function movable(s: CommandSpec): boolean {
  return s.numkeys !== undefined || (s.keysOf !== undefined && !s.doc?.subcommands);
}

function flagWords(s: CommandSpec): string[] {
  const out = FLAG_WORDS.filter(([bit]) => s.flags & bit).map(([, w]) => w);
  if (movable(s)) out.push("movablekeys");
  return out;
}

/** ACL categories in Redis's order: keyspace, read, write, the type, fast/slow, … */
function categories(s: CommandSpec): string[] {
  const group = s.doc?.group ?? "";
  const type = GROUP_CATEGORY[group];
  const out: string[] = [];
  if (type === "@keyspace") out.push(type);
  if (s.flags & Flag.READ) out.push("@read");
  if (s.flags & Flag.WRITE) out.push("@write");
  if (
    type &&
    type !== "@keyspace" &&
    !["@pubsub", "@connection", "@transaction", "@scripting"].includes(type)
  )
    out.push(type);
  if (type === "@pubsub" || s.flags & Flag.PUBSUB) out.push("@pubsub");
  if (s.flags & Flag.ADMIN) out.push("@admin");
  out.push(s.flags & Flag.FAST ? "@fast" : "@slow");
  if (s.flags & Flag.BLOCKING) out.push("@blocking");
  if (s.flags & Flag.ADMIN) out.push("@dangerous");
  if (type === "@connection" || type === "@transaction" || type === "@scripting") out.push(type);
  return out;
}

/** The legacy (first, last, step) triple. */
function legacyRange(s: CommandSpec): [number, number, number] {
  return s.keys ? [s.keys[0], s.keys[1], s.keys[2]] : [0, 0, 0];
}

const kv = (pairs: readonly (readonly [string, Reply])[]): Reply =>
  R.map(pairs.flatMap(([k, v]) => [R.bulk(k), v]));

/** Key flags of a command line: its record's, else read → RO access, write → RW access update. */
function keyFlagsOf(s: CommandSpec, argv: readonly string[], n: number): string[][] {
  let list: readonly string[];
  if (typeof s.keyFlags === "function") list = s.keyFlags(argv);
  else if (s.keyFlags) list = s.keyFlags;
  else list = [s.flags & Flag.WRITE ? "RW access update" : "RO access"];
  const out: string[][] = [];
  for (let i = 0; i < n; i++)
    out.push((list[Math.min(i, list.length - 1)] ?? "RO access").split(" "));
  return out;
}

function keySpecs(s: CommandSpec): Reply[] {
  const specs: Reply[] = [];
  const flags = (i: number) => R.set((keyFlagsOf(s, [], i + 1)[i] ?? []).map(R.status));
  if (s.keys) {
    const [first, last, step] = s.keys;
    specs.push(
      kv([
        ["flags", flags(0)],
        [
          "begin_search",
          kv([
            ["type", R.bulk("index")],
            ["spec", kv([["index", R.int(first)]])],
          ]),
        ],
        [
          "find_keys",
          kv([
            ["type", R.bulk("range")],
            [
              "spec",
              kv([
                ["lastkey", R.int(last < 0 ? last : last - first)],
                ["keystep", R.int(step)],
                ["limit", R.ZERO],
              ]),
            ],
          ]),
        ],
      ]),
    );
  }
  if (s.numkeys !== undefined) {
    specs.push(
      kv([
        ["flags", flags(specs.length)],
        [
          "begin_search",
          kv([
            ["type", R.bulk("index")],
            ["spec", kv([["index", R.int(s.numkeys)]])],
          ]),
        ],
        [
          "find_keys",
          kv([
            ["type", R.bulk("keynum")],
            [
              "spec",
              kv([
                ["keynumidx", R.ZERO],
                ["firstkey", R.ONE],
                ["keystep", R.ONE],
              ]),
            ],
          ]),
        ],
      ]),
    );
  }
  if (s.keysOf) {
    specs.push(
      kv([
        ["flags", flags(specs.length)],
        [
          "begin_search",
          kv([
            ["type", R.bulk("unknown")],
            ["spec", R.map([])],
          ]),
        ],
        [
          "find_keys",
          kv([
            ["type", R.bulk("unknown")],
            ["spec", R.map([])],
          ]),
        ],
      ]),
    );
  }
  return specs;
}

/** One COMMAND INFO entry (10 fields, Redis 7.0). */
function info(s: CommandSpec): Reply {
  const [first, last, step] = legacyRange(s);
  const subs = Object.entries(s.doc?.subcommands ?? {}).map(([name, d]) =>
    R.array([
      R.bulk(`${s.name}|${asciiLower(name)}`),
      R.int(d.params ? -3 : -2),
      R.set(flagWords({ ...s, keysOf: undefined, numkeys: undefined }).map(R.status)),
      R.ZERO,
      R.ZERO,
      R.ZERO,
      R.set(categories(s).map(R.status)),
      R.EMPTY,
      R.EMPTY,
      R.EMPTY,
    ]),
  );
  return R.array([
    R.bulk(s.name),
    R.int(s.arity),
    R.set(flagWords(s).map(R.status)),
    R.int(first),
    R.int(last),
    R.int(step),
    R.set(categories(s).map(R.status)),
    R.EMPTY,
    R.array(keySpecs(s)),
    R.array(subs),
  ]);
}

/** One COMMAND DOCS entry: summary, since, group (and subcommands) from the record's doc. */
function docs(s: CommandSpec): Reply {
  const d = s.doc;
  if (!d) return R.map([]);
  const pairs: [string, Reply][] = [
    ["summary", R.bulk(d.summary)],
    ["since", R.bulk(d.since)],
    ["group", R.bulk(d.group)],
  ];
  if (d.subcommands) {
    const subs: Reply[] = [];
    for (const [name, sd] of Object.entries(d.subcommands)) {
      subs.push(
        R.bulk(`${s.name}|${asciiLower(name)}`),
        kv([
          ["summary", R.bulk(sd.summary)],
          ["since", R.bulk(sd.since ?? d.since)],
          ["group", R.bulk(d.group)],
        ]),
      );
    }
    pairs.push(["subcommands", R.map(subs)]);
  }
  return kv(pairs);
}

/** All names COMMAND LIST reports: commands and their `parent|sub` subcommands. */
function allNames(specs: readonly CommandSpec[]): { name: string; spec: CommandSpec }[] {
  const out: { name: string; spec: CommandSpec }[] = [];
  for (const s of specs) {
    out.push({ name: s.name, spec: s });
    for (const sub of Object.keys(s.doc?.subcommands ?? {})) {
      out.push({ name: `${s.name}|${asciiLower(sub)}`, spec: s });
    }
  }
  return out;
}

function list(specs: readonly CommandSpec[], argv: readonly string[]): Reply {
  const names = allNames(specs);
  if (argv.length === 2) return R.bulks(names.map((n) => n.name));
  if (argv.length !== 5 || asciiLower(argv[2]!) !== "filterby") throw Errors.syntax();
  const how = asciiLower(argv[3]!);
  const arg = argv[4]!;
  if (how === "module") return R.EMPTY;
  if (how === "aclcat") {
    const cat = `@${asciiLower(arg)}`;
    return R.bulks(names.filter((n) => categories(n.spec).includes(cat)).map((n) => n.name));
  }
  if (how === "pattern") {
    return R.bulks(names.filter((n) => globMatch(arg, n.name, true)).map((n) => n.name));
  }
  throw Errors.syntax();
}

/** The record a GETKEYS command line names, after Redis's checks. */
function getKeysOf(
  ctx: Ctx,
  argv: readonly string[],
): { spec: CommandSpec; pos: number[]; line: readonly string[] } {
  const line = argv.slice(2);
  const spec = ctx.engine.table.find("redis", line[0]!);
  if (!spec) throw Errors.custom("ERR Invalid command specified");
  if (!spec.keys && spec.numkeys === undefined && !spec.keysOf) {
    throw Errors.custom("ERR The command has no key arguments");
  }
  if ((spec.arity > 0 && line.length !== spec.arity) || line.length < -spec.arity) {
    throw Errors.custom("ERR Invalid number of arguments specified for command");
  }
  const pos = keyPositions(spec, line).filter((i) => i < line.length);
  if (pos.length === 0 && !movable(spec)) {
    throw Errors.custom("ERR Invalid arguments specified for command");
  }
  return { spec, pos, line };
}

function subArity(sub: string, argv: readonly string[], arity: number): void {
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity)
    throw Errors.arity(`command|${sub}`);
}

function commandCmd(ctx: Ctx, argv: readonly string[]): Reply {
  const specs = ctx.engine.table.specs("redis");
  if (argv.length === 1) return R.array(specs.map(info));
  const sub = asciiLower(argv[1]!);
  switch (sub) {
    case "count":
      subArity(sub, argv, 2);
      return R.int(specs.length);
    case "list":
      subArity(sub, argv, -2);
      return list(specs, argv);
    case "info": {
      subArity(sub, argv, -2);
      if (argv.length === 2) return R.array(specs.map(info));
      return R.array(
        argv.slice(2).map((n) => {
          const s = ctx.engine.table.find("redis", n);
          return s ? info(s) : R.NIL;
        }),
      );
    }
    case "docs": {
      subArity(sub, argv, -2);
      const chosen =
        argv.length === 2
          ? specs
          : argv
              .slice(2)
              .map((n) => ctx.engine.table.find("redis", n))
              .filter((s): s is CommandSpec => s !== undefined);
      return R.map(chosen.flatMap((s) => [R.bulk(s.name), docs(s)]));
    }
    case "getkeys": {
      subArity(sub, argv, -4);
      const { pos, line } = getKeysOf(ctx, argv);
      return R.bulks(pos.map((i) => line[i]!));
    }
    case "getkeysandflags": {
      subArity(sub, argv, -4);
      const { spec, pos, line } = getKeysOf(ctx, argv);
      const flags = keyFlagsOf(spec, line, pos.length);
      return R.array(
        pos.map((i, k) => R.array([R.bulk(line[i]!), R.set(flags[k]!.map(R.status))])),
      );
    }
    case "help":
      subArity(sub, argv, 2);
      return R.array(HELP.map(R.status));
    default:
      throw Errors.unknownSubcommand(argv[1]!, "command");
  }
}

/** COMMAND. */
export const introspectionCommands: readonly CommandSpec[] = [
  command("command", -1, "clt", null, commandCmd, {
    route: { kind: "local" },
    doc: {
      summary: "Get array of Redis command details",
      group: "server",
      since: "2.8.13",
      params: "[subcommand [arguments]]",
      subcommands: {
        COUNT: { summary: "Get total number of Redis commands", since: "2.8.13" },
        DOCS: {
          summary: "Get array of specific Redis command documentation",
          params: "[command-name [command-name ...]]",
          since: "7.0.0",
        },
        GETKEYS: {
          summary: "Extract keys given a full Redis command",
          params: "command [arg [arg ...]]",
          since: "2.8.13",
        },
        GETKEYSANDFLAGS: {
          summary: "Extract keys and access flags given a full Redis command",
          params: "command [arg [arg ...]]",
          since: "7.0.0",
        },
        HELP: { summary: "Show helpful text about the different subcommands", since: "5.0.0" },
        INFO: {
          summary: "Get array of specific Redis command details, or all when no argument is given.",
          params: "[command-name [command-name ...]]",
          since: "2.8.13",
        },
        LIST: {
          summary: "Get an array of Redis command names",
          params: "[FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]",
          since: "7.0.0",
        },
      },
      differs:
        "Flags, ACL categories and key specs are derived from blink-edge's command records; tips are empty and DOCS gives summary, since and group.",
    },
  }),
];
