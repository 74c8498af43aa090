// How each command runs on a sharded namespace: where its keys are (the command table's key
// specs), whether it may be split over shards, which keyless commands aggregate over every shard
// and how their replies merge, and which connection commands the Worker answers itself.

import type { Command, Dialect, TypedArg } from "../../engine/command.ts";
import { Flag, keyIndexes } from "../../engine/command-table.ts";
import type { CommandSpec } from "../../engine/command-table.ts";
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
  /** A keyless command nobody classified: refused rather than answered from one shard. */
  | { kind: "unsupported" };

const same: Fanout["items"] = (c) => [c];
const everywhere = (merge: Fanout["merge"]): Route => ({
  kind: "all",
  fanout: { items: same, merge },
});

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

const SPLIT_SUM_KEYS: Split = { shape: "keys", merge: sumInts };

const REDIS: Record<string, Route> = {
  mget: { kind: "keyed", split: { shape: "keys", merge: "position" } },
  mset: { kind: "keyed", split: { shape: "pairs", merge: allOk } },
  del: { kind: "keyed", split: SPLIT_SUM_KEYS },
  unlink: { kind: "keyed", split: SPLIT_SUM_KEYS },
  exists: { kind: "keyed", split: SPLIT_SUM_KEYS },
  touch: { kind: "keyed", split: SPLIT_SUM_KEYS },
  dbsize: everywhere(sumInts),
  flushdb: everywhere(allOk),
  flushall: everywhere(allOk),
  keys: everywhere(concatArrays),
  info: everywhere(mergeInfo),
  save: everywhere(allOk),
  bgsave: everywhere(allOk),
  lastsave: everywhere(minInt),
  config: { kind: "all", fanout: config },
  randomkey: { kind: "all", fanout: randomkey },
  scan: { kind: "scan" },
  time: { kind: "local" },
  multi: { kind: "local" },
  discard: { kind: "local" },
  unwatch: { kind: "local" },
  exec: { kind: "exec" },
  watch: { kind: "watch" },
};

const BY_DIALECT: Record<Dialect, Record<string, Route>> = {
  redis: REDIS,
  blink: { usage: everywhere(sumUsage), stats: everywhere(sumUsage) },
  gevent: {
    flush: everywhere(sumInts),
    mget: { kind: "keyed", split: { shape: "keys", merge: "position" } },
    mset: { kind: "keyed", split: { shape: "pairs", merge: sumInts } },
  },
  lightredis: { info: everywhere(lightRedisInfo), save: everywhere(allOk) },
};

/** How a command runs on a sharded namespace. */
export function routeOf(dialect: Dialect, spec: CommandSpec): Route {
  const r = BY_DIALECT[dialect][spec.name];
  if (r) return r;
  if (spec.keys || NUMKEYS[spec.name]) return { kind: "keyed" };
  if (spec.flags & Flag.CONN) return { kind: "local" };
  return { kind: "unsupported" };
}

/**
 * Commands whose key spec names only a fixed key and whose other keys follow a `numkeys`
 * argument (the engine guide gives ZUNIONSTORE-like commands `[1, 1, 1]`): argument index of
 * numkeys. None is implemented today; listed so that adding one cannot route it by half its keys.
 */
const NUMKEYS: Record<string, number> = {
  zunionstore: 2,
  zinterstore: 2,
  zdiffstore: 2,
  zunion: 1,
  zinter: 1,
  zdiff: 1,
  zintercard: 1,
  sintercard: 1,
  lmpop: 1,
  zmpop: 1,
};

/** Argument indexes of a command's keys. */
export function keyPositions(spec: CommandSpec, argv: readonly string[]): number[] {
  const pos = keyIndexes(spec, argv.length);
  const at = NUMKEYS[spec.name];
  if (at !== undefined) {
    const n = Number(argv[at]);
    if (Number.isInteger(n) && n > 0) {
      for (let i = at + 1; i <= at + n && i < argv.length; i++) if (!pos.includes(i)) pos.push(i);
    }
  }
  return pos;
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
