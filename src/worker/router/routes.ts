// How each command runs on a sharded namespace: where its keys are (the command table's key
// specs), whether it may be split over shards, which keyless commands aggregate over every shard
// and how their replies merge, and which connection commands the Worker answers itself.

import type { Command, Dialect, TypedArg } from "../../engine/command.ts";
import { keyPositions, shardRoute } from "../../engine/command-table.ts";
import type { CommandSpec, MergeName } from "../../engine/command-table.ts";
import { parseScanCursor } from "../../engine/commands/keys-scan.ts";
import { asciiLower } from "../../engine/ascii.ts";
import { Errors } from "../../engine/errors.ts";
import { parseMemoryValue } from "../../engine/numbers.ts";
import { R } from "../../engine/reply.ts";
import type { ErrorReply, Reply } from "../../engine/reply.ts";
import { limitShare } from "../shard-map.ts";
import { mergeInfo } from "./info-merge.ts";
import {
  allOk,
  byPosition,
  concatArrays,
  configGet,
  lightRedisInfo,
  minInt,
  randomKey,
  sumInts,
  sumUsage,
} from "./merge.ts";
import type { PartReplies } from "./merge.ts";
import { shardOfKey } from "./slots.ts";

/** One command's items on one shard. */
export interface Part {
  shard: number;
  items: Command[];
}

/** Where a command runs and how its parts' replies become its reply. */
export interface Plan {
  parts: Part[];
  merge(replies: PartReplies): Reply;
}

/** A keyless command that runs on every shard. */
interface Fanout {
  /** The items shard `shard` runs for command `c` (usually `[c]`). */
  items(c: Command, shard: number, shards: number): Command[];
  merge(replies: PartReplies): Reply;
}

/** How a command whose keys span shards is split into one command per shard. */
interface Split {
  /** Keys alone (`MGET k…`), or key/value pairs (`MSET k v …`). */
  shape: "keys" | "pairs";
  /** "position": the parts' arrays put back in argument order; else a merge of whole replies. */
  merge: "position" | ((replies: PartReplies) => Reply);
}

export type Route =
  /** Connection commands: answered by the Worker's own engine from the connection context. */
  | { kind: "local" }
  /** By keys: one shard, split over shards when `split` allows, else CROSSSLOT. */
  | { kind: "keyed"; split?: Split }
  /** Every shard, merged. */
  | { kind: "all"; fanout: Fanout }
  /** SCAN: the shard the cursor names. */
  | { kind: "scan" }
  /** EXEC and WATCH: on the transaction's shard, with the connection context. */
  | { kind: "exec" }
  | { kind: "watch" }
  /** (P|S)(UN)SUBSCRIBE: the Worker's engine, then the session mirrors them on the shards. */
  | { kind: "subscribe"; sameShard?: boolean }
  /** PUBLISH: the shard of the channel at argument `at`. */
  | { kind: "channel"; at: number }
  /** A keyless command nobody classified: refused rather than answered from one shard. */
  | { kind: "unsupported" };

const same: Fanout["items"] = (c) => [c];

/** CONFIG: SET gives each shard its share of `maxmemory`; GET reports the namespace total. */
const config: Fanout = {
  items(c, shard, shards) {
    if (asciiLower(c.argv[1] ?? "") !== "set") return [c];
    const argv = [...c.argv];
    for (let i = 2; i + 1 < argv.length; i += 2) {
      if (asciiLower(argv[i]!) !== "maxmemory") continue;
      const total = parseMemoryValue(argv[i + 1]!);
      // An invalid value goes as is: every shard refuses it with the same error.
      if (total !== undefined) argv[i + 1] = String(limitShare(total, shard, shards));
    }
    return [{ argv }];
  },
  merge: (replies) => {
    const first = replies[0]![0]!;
    return first.k === "map" ? configGet(replies) : allOk(replies);
  },
};

/** RANDOMKEY: each shard's key count and a random key of it, to weigh the pick. */
const randomkey: Fanout = {
  items: (c) => [{ argv: ["dbsize"] }, c],
  merge: (replies) => randomKey(replies, Math.random),
};

/** The merge functions the command records name (engine/command-table.ts MergeName). */
const MERGES: Record<MergeName, (replies: PartReplies) => Reply> = {
  position: (r) => r[0]![0]!, // used only through a split, which rebuilds argument order
  sum: sumInts,
  ok: allOk,
  concat: concatArrays,
  min: minInt,
  info: mergeInfo,
  usage: sumUsage,
  "lightredis-info": lightRedisInfo,
  config: config.merge,
  randomkey: randomkey.merge,
  scripts: scriptsMerge,
  pubsub: pubsubMerge,
};

/**
 * PUBSUB over shards (docs/scaling.md, pub/sub): a channel's subscribers are all on its shard,
 * so CHANNELS lists join and NUMSUB counts add up; every pattern subscription is mirrored on every
 * shard, so NUMPAT is the largest shard's count; HELP (status lines) is shard 0's.
 */
function pubsubMerge(replies: PartReplies): Reply {
  const first = replies[0]![0]!;
  if (first.k === "int") return R.int(Math.max(...replies.map((r) => intOf(r[0]!))));
  if (first.k === "map")
    return R.map(
      first.v.map((x, i) =>
        i % 2 === 0
          ? x
          : R.int(replies.reduce((n, r) => n + intOf((r[0] as typeof first).v[i]!), 0)),
      ),
    );
  if (first.k === "array" && first.v[0]?.k !== "status") {
    // An SSE subscription to channels of several shards is held on each of them: listed once.
    const all = concatArrays(replies);
    if (all.k !== "array") return all;
    const seen = new Set<string>();
    return R.array(all.v.filter((r) => r.k !== "bulk" || (!seen.has(r.v) && !!seen.add(r.v))));
  }
  return first;
}

const intOf = (r: Reply) => (r.k === "int" ? Number(r.v) : 0);

/**
 * SCRIPT and FUNCTION ran on every shard. An EVAL caches its body only on the shard it ran on,
 * so SCRIPT EXISTS answers 1 where any shard knows the script; a busy script runs on one shard,
 * so SCRIPT KILL / FUNCTION KILL answer what a shard that had one said (OK first) and FUNCTION
 * STATS names the running script of any shard; everything else every shard answered alike
 * (LOAD's SHA-1 or name, OK, FUNCTION LIST): shard 0's reply.
 */
function scriptsMerge(replies: PartReplies): Reply {
  const first = replies[0]![0]!;
  const busy = busyMerge(replies.map((r) => r[0]!));
  if (busy) return busy;
  if (first.k !== "array" || !first.v.every((x) => x.k === "int")) return first;
  const out = first.v.map((_, i) =>
    replies.some((r) => {
      const a = r[0]!;
      return a.k === "array" && a.v[i]?.k === "int" && a.v[i]!.v === 1;
    })
      ? R.ONE
      : R.ZERO,
  );
  return R.array(out);
}

/** SCRIPT KILL, FUNCTION KILL and FUNCTION STATS over shards (scriptsMerge), else undefined. */
function busyMerge(all: readonly Reply[]): Reply | undefined {
  const first = all[0]!;
  if (first.k === "error" && first.code === "NOTBUSY")
    return (
      all.find((r) => r.k === "status") ??
      all.find((r) => r.k === "error" && r.code !== "NOTBUSY") ??
      first
    );
  const running = (r: Reply) =>
    r.k === "map" && r.v[0]?.k === "bulk" && r.v[0].v === "running_script" && r.v[1]?.k !== "nil";
  if (first.k === "map" && first.v[0]?.k === "bulk" && first.v[0].v === "running_script")
    return all.find(running) ?? all.find((r) => r.k === "error") ?? first;
  return undefined;
}

/** Fan-outs whose shards run other items than the command itself. */
const FANOUTS: Partial<Record<MergeName, Fanout>> = { config, randomkey };

/** How a command runs on a sharded namespace, from its record's route. */
export function routeOf(_dialect: Dialect, spec: CommandSpec): Route {
  const r = shardRoute(spec);
  switch (r.kind) {
    case "keyed":
      if (!r.split) return { kind: "keyed" };
      return {
        kind: "keyed",
        split: {
          shape: r.split.shape,
          merge: r.split.merge === "position" ? "position" : MERGES[r.split.merge],
        },
      };
    case "all":
      return { kind: "all", fanout: FANOUTS[r.merge] ?? { items: same, merge: MERGES[r.merge] } };
    default:
      return r;
  }
}

export { keyPositions };

/** The plan of PUBLISH: the shard its channel hashes to. */
export function planChannel(route: Route & { kind: "channel" }, c: Command, shards: number): Plan {
  return single(shardOfKey(c.argv[route.at] ?? "", shards), c);
}

/** The shard all of a command's keys share, or -1 when they span shards (0 when it has none). */
export function commonShard(spec: CommandSpec, argv: readonly string[], shards: number): number {
  let shard = -2;
  for (const i of keyPositions(spec, argv)) {
    const s = shardOfKey(argv[i]!, shards);
    if (shard === -2) shard = s;
    else if (s !== shard) return -1;
  }
  return shard === -2 ? 0 : shard;
}

/** The plan of a keyed command: its shard, its split, or CROSSSLOT. */
export function planKeyed(
  spec: CommandSpec,
  route: Route & { kind: "keyed" },
  c: Command,
  shards: number,
): Plan | ErrorReply {
  const shard = commonShard(spec, c.argv, shards);
  if (shard >= 0) return single(shard, c);
  if (!route.split) return R.error(Errors.crossSlot());
  return split(route.split, keyPositions(spec, c.argv), c, shards);
}

/** One command on one shard, its reply as is. */
export function single(shard: number, c: Command): Plan {
  return { parts: [{ shard, items: [c] }], merge: (r) => r[0]![0]! };
}

function split(how: Split, positions: number[], c: Command, shards: number): Plan {
  const argv = c.argv;
  const typed = c.typed;
  const groups = new Map<
    number,
    { argv: string[]; typed: (TypedArg | undefined)[]; out: number[] }
  >();
  positions.forEach((pos, n) => {
    const shard = shardOfKey(argv[pos]!, shards);
    let g = groups.get(shard);
    if (!g) groups.set(shard, (g = { argv: [argv[0]!], typed: [undefined], out: [] }));
    const width = how.shape === "pairs" ? 2 : 1;
    for (let i = pos; i < pos + width; i++) {
      g.argv.push(argv[i]!);
      g.typed.push(typed?.[i]);
    }
    g.out.push(n);
  });
  const entries = [...groups.entries()].sort((a, b) => a[0] - b[0]);
  const parts: Part[] = entries.map(([shard, g]) => ({
    shard,
    items: [typed ? { argv: g.argv, typed: g.typed } : { argv: g.argv }],
  }));
  const merge = how.merge;
  if (merge === "position") {
    const outs = entries.map(([, g]) => g.out);
    return { parts, merge: (r) => byPosition(r, outs, positions.length) };
  }
  return { parts, merge };
}

/** The plan of a command that runs on every shard. */
export function planAll(fanout: Fanout, c: Command, shards: number): Plan {
  const parts: Part[] = [];
  for (let shard = 0; shard < shards; shard++)
    parts.push({ shard, items: fanout.items(c, shard, shards) });
  return { parts, merge: fanout.merge };
}

/**
 * SCAN over shards (spec §10.9): the namespace cursor is `local * shards + shard`, so `0`
 * starts at shard 0 and, when a shard's own iteration ends, the next cursor is the next shard's
 * start (`shard + 1`), or `0` after the last. Each call scans one shard; every key present for
 * the whole iteration is returned exactly once, shard by shard.
 */
export function planScan(c: Command, shards: number): Plan | ErrorReply {
  let cursor: bigint;
  try {
    cursor = parseScanCursor(c.argv[1]!);
  } catch {
    return R.error(Errors.invalidCursor());
  }
  const n = BigInt(shards);
  const shard = Number(cursor % n);
  const argv = [c.argv[0]!, String(cursor / n), ...c.argv.slice(2)];
  return {
    parts: [{ shard, items: [{ argv }] }],
    merge: (replies) => {
      const r = replies[0]![0]!;
      if (r.k !== "array") return r;
      const local = BigInt((r.v[0] as { v: string }).v);
      const next =
        local === 0n ? (shard + 1 < shards ? BigInt(shard + 1) : 0n) : local * n + BigInt(shard);
      return R.array([R.bulk(String(next)), r.v[1]!]);
    },
  };
}
