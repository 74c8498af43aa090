// What COMMAND INFO and COMMAND DOCS say of a command record (Redis 7.0.15's reply shapes):
// flag words, ACL categories, key specs and key flags derived from the record's flags, key
// positions and doc.

import { asciiLower } from "../ascii.ts";
import { Flag } from "../command-table.ts";
import type { CommandSpec } from "../command-table.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";

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

/** Commands whose category is not their group's (cluster commands a connection sends). */
const NAME_CATEGORY: Readonly<Record<string, string>> = {
  readonly: "@connection",
  readwrite: "@connection",
  asking: "@connection",
};

/**
 * True when a command's keys depend on its arguments (Redis's movablekeys). A container's
 * `keysOf` (OBJECT, MEMORY) finds its subcommands' fixed keys: Redis does not call it movable.
 */
export function movable(s: CommandSpec): boolean {
  return s.numkeys !== undefined || (s.keysOf !== undefined && !s.doc?.subcommands);
}

function flagWords(s: CommandSpec): string[] {
  const out = FLAG_WORDS.filter(([bit]) => s.flags & bit).map(([, w]) => w);
  if (movable(s)) out.push("movablekeys");
  return out;
}

/** ACL categories in Redis's order: keyspace, read, write, the type, fast/slow, … */
export function categories(s: CommandSpec): string[] {
  const group = s.doc?.group ?? "";
  const type = NAME_CATEGORY[s.name] ?? GROUP_CATEGORY[group];
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
export function keyFlagsOf(s: CommandSpec, argv: readonly string[], n: number): string[][] {
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
export function info(s: CommandSpec): Reply {
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
export function docs(s: CommandSpec): Reply {
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
