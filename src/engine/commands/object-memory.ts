// Introspection of keys and memory (Redis 7.0.15 object.c): OBJECT and MEMORY (DEBUG is in
// debug.ts). Encodings follow Redis's rules for a value of this size
// (object-encoding.ts); memory figures are estimates in Redis's spirit, not allocator counts.

import { asciiLower } from "../ascii.ts";
import { byteLength } from "../bytes.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import type { Deque } from "../deque.ts";
import type { Entry } from "../entry.ts";
import { Errors } from "../errors.ts";
import { parseInt64Arg } from "../numbers.ts";
import { encodingOf } from "../object-encoding.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { LIST_NODE_MAX_BYTES } from "../../limits.ts";
import { optionName } from "./redis-args.ts";

const NO_LFU =
  "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
/** Redis's refcount of a shared integer object (OBJ_SHARED_REFCOUNT). */
const SHARED_REFCOUNT = 2147483647;
/** Integers below this are Redis's shared objects (OBJ_SHARED_INTEGERS). */
const SHARED_INTEGERS = 10000n;
const DOCTOR_EMPTY =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
const DOCTOR_OK =
  "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
/** MEMORY DOCTOR speaks of an instance with less than this as empty (5 MB in Redis). */
const DOCTOR_EMPTY_BYTES = 1024 * 1024 * 5;

const OBJECT_HELP = [
  "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "ENCODING <key>",
  "    Return the kind of internal representation used in order to store the value",
  "    associated with a <key>.",
  "FREQ <key>",
  "    Return the access frequency index of the <key>. The returned integer is",
  "    proportional to the logarithm of the recent access frequency of the key.",
  "IDLETIME <key>",
  "    Return the idle time of the <key>, that is the approximated number of",
  "    seconds elapsed since the last access to the key.",
  "REFCOUNT <key>",
  "    Return the number of references of the value associated with the specified",
  "    <key>.",
  "HELP",
  "    Prints this help.",
];
const MEMORY_HELP = [
  "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "DOCTOR",
  "    Return memory problems reports.",
  "MALLOC-STATS",
  "    Return internal statistics report from the memory allocator.",
  "PURGE",
  "    Attempt to purge dirty pages for reclamation by the allocator.",
  "STATS",
  "    Return information about the memory usage of the server.",
  "USAGE <key> [SAMPLES <count>]",
  "    Return memory in bytes used by <key> and its value. Nested values are",
  "    sampled up to <count> times (default: 5, 0 means sample all).",
  "HELP",
  "    Prints this help.",
];
/** Arity of each subcommand, as Redis checks it (`object|encoding` …). */
function subArity(cmd: string, sub: string, argv: readonly string[], arity: number): void {
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity) {
    throw Errors.arity(`${cmd}|${sub}`);
  }
}

function object(ctx: Ctx, argv: readonly string[]): Reply {
  const sub = asciiLower(argv[1]!);
  if (sub === "help") {
    subArity("object", sub, argv, 2);
    return R.array(OBJECT_HELP.map(R.status));
  }
  if (!["encoding", "freq", "idletime", "refcount"].includes(sub)) {
    throw Errors.unknownSubcommand(argv[1]!, "object");
  }
  subArity("object", sub, argv, 3);
  const e = ctx.store.get(argv[2]!); // no touch: OBJECT does not count as an access
  if (!e) return R.NIL;
  switch (sub) {
    case "encoding":
      return R.bulk(encodingOf(e));
    case "refcount":
      return R.int(refcount(e));
    case "idletime":
      return R.int(ctx.store.idleSeconds(e, ctx.now));
    default:
      throw Errors.custom(NO_LFU);
  }
}

/** OBJECT REFCOUNT: shared small integers report Redis's shared refcount. */
export function refcount(e: Entry): number {
  const v = e.type === "int" ? (e.value as bigint) : undefined;
  return v !== undefined && v >= 0n && v < SHARED_INTEGERS ? SHARED_REFCOUNT : 1;
}

/** Rounds an allocation up the way jemalloc's small size classes do (to 8, then 16 …). */
function alloc(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  const step = 2 ** (Math.floor(Math.log2(n - 1)) - 2);
  return Math.ceil(n / step) * step;
}

/** MEMORY USAGE's estimate: the key's dict entry and name, the object and its payload. */
export function memoryUsage(e: Entry): number {
  const keyBytes = alloc(byteLength(e.key) + 4); // sds header and NUL
  const base = 24 + keyBytes; // dictEntry
  const enc = encodingOf(e);
  switch (enc) {
    case "int":
      return base + 16;
    case "embstr":
      return base + alloc(16 + 3 + e.size + 1);
    case "raw":
      return base + 16 + alloc(e.size + 9);
    case "listpack":
    case "intset":
      return base + 16 + alloc(e.size + 7 + countOf(e) * 4);
    case "quicklist": {
      const nodes = Math.max(1, Math.ceil((e.size + countOf(e) * 3) / LIST_NODE_MAX_BYTES));
      return base + 16 + 40 + nodes * 32 + alloc(e.size + countOf(e) * 3 + nodes * 7);
    }
    default:
      // hashtable / skiplist: a dict entry and an sds per member
      return base + 16 + 96 + countOf(e) * (24 + 16) + alloc(e.size) + countOf(e) * 8;
  }
}

function countOf(e: Entry): number {
  const v = e.value as { size?: number; length?: number };
  return e.type === "list" ? (e.value as Deque).length : (v.size ?? 0);
}

function memoryStats(ctx: Ctx): Reply {
  const store = ctx.store;
  const keys = store.map.size;
  const startup = 876104;
  const dataset = store.usage + keys * 64;
  const total = startup + dataset;
  const d = (x: number) => R.double(x);
  return R.map([
    R.bulk("peak.allocated"),
    R.int(total),
    R.bulk("total.allocated"),
    R.int(total),
    R.bulk("startup.allocated"),
    R.int(startup),
    R.bulk("replication.backlog"),
    R.ZERO,
    R.bulk("clients.slaves"),
    R.ZERO,
    R.bulk("clients.normal"),
    R.ZERO,
    R.bulk("cluster.links"),
    R.ZERO,
    R.bulk("aof.buffer"),
    R.ZERO,
    R.bulk("lua.caches"),
    R.ZERO,
    R.bulk("functions.caches"),
    R.ZERO,
    R.bulk("db.0"),
    R.map([
      R.bulk("overhead.hashtable.main"),
      R.int(keys * 32),
      R.bulk("overhead.hashtable.expires"),
      R.int(store.ttlCount * 32),
      R.bulk("overhead.hashtable.slot-to-keys"),
      R.ZERO,
    ]),
    R.bulk("overhead.total"),
    R.int(startup + keys * 32 + store.ttlCount * 32),
    R.bulk("keys.count"),
    R.int(keys),
    R.bulk("keys.bytes-per-key"),
    R.int(keys ? Math.floor(dataset / keys) : 0),
    R.bulk("dataset.bytes"),
    R.int(dataset),
    R.bulk("dataset.percentage"),
    d(total ? (dataset * 100) / total : 0),
    R.bulk("peak.percentage"),
    d(100),
    R.bulk("fragmentation"),
    d(1),
    R.bulk("fragmentation.bytes"),
    R.ZERO,
  ]);
}

function memory(ctx: Ctx, argv: readonly string[]): Reply {
  const sub = asciiLower(argv[1]!);
  switch (sub) {
    case "usage": {
      subArity("memory", sub, argv, -3);
      for (let j = 3; j < argv.length; j++) {
        if (optionName(argv[j]!) === "samples" && j + 1 < argv.length) {
          if (parseInt64Arg(argv[++j]!) < 0n) throw Errors.syntax();
        } else throw Errors.syntax();
      }
      const e = ctx.store.get(argv[2]!);
      return e ? R.int(memoryUsage(e)) : R.NIL;
    }
    case "stats":
      subArity("memory", sub, argv, 2);
      return memoryStats(ctx);
    case "doctor":
      subArity("memory", sub, argv, 2);
      return R.verbatim(ctx.store.usage < DOCTOR_EMPTY_BYTES ? DOCTOR_EMPTY : DOCTOR_OK);
    case "malloc-stats":
      subArity("memory", sub, argv, 2);
      return R.verbatim("Stats not supported for the current allocator");
    case "purge":
      subArity("memory", sub, argv, 2);
      return R.OK;
    case "help":
      subArity("memory", sub, argv, 2);
      return R.array(MEMORY_HELP.map(R.status));
    default:
      throw Errors.unknownSubcommand(argv[1]!, "memory");
  }
}

/** OBJECT and MEMORY. */
export const objectMemoryCommands: readonly CommandSpec[] = [
  command("object", -2, "r", null, object, {
    keysOf: (argv) => (argv.length >= 3 && asciiLower(argv[1]!) !== "help" ? [2] : []),
    doc: {
      summary: "A container for object introspection commands",
      group: "generic",
      since: "2.2.3",
      params: "subcommand [arguments]",
      subcommands: {
        ENCODING: { summary: "Inspect the internal encoding of a Redis object", params: "key" },
        FREQ: {
          summary: "Get the logarithmic access frequency counter of a Redis object",
          params: "key",
          since: "4.0.0",
        },
        IDLETIME: { summary: "Get the time since a Redis object was last accessed", params: "key" },
        REFCOUNT: {
          summary: "Get the number of references to the value of the key",
          params: "key",
        },
        HELP: { summary: "Show helpful text about the different subcommands", since: "6.2.0" },
      },
      differs:
        "Encodings are those Redis would give a value of this size and content; OBJECT FREQ always answers that no LFU policy is selected.",
    },
  }),
  command("memory", -2, "r", null, memory, {
    keysOf: (argv) => (argv.length >= 3 && asciiLower(argv[1]!) === "usage" ? [2] : []),
    doc: {
      summary: "A container for memory diagnostics commands",
      group: "server",
      since: "4.0.0",
      params: "subcommand [arguments]",
      subcommands: {
        USAGE: { summary: "Estimate the memory usage of a key", params: "key [SAMPLES count]" },
        STATS: { summary: "Show memory usage details" },
        DOCTOR: { summary: "Outputs memory problems report" },
        "MALLOC-STATS": { summary: "Show allocator internal stats" },
        PURGE: { summary: "Ask the allocator to release memory" },
        HELP: { summary: "Show helpful text about the different subcommands" },
      },
      differs:
        "Byte counts are estimates from the value's size and encoding, not allocator figures.",
    },
  }),
];
