// INFO (spec §10.9) over shards: every shard answers the same sections in the same order; the
// namespace's text keeps the first shard's layout with each field combined over all shards.

import { bytesToHuman } from "../../engine/memory-text.ts";
import { R } from "../../engine/reply.ts";
import type { Reply } from "../../engine/reply.ts";
import { firstError } from "./merge.ts";
import type { PartReplies } from "./merge.ts";

type Rule = "sum" | "max" | "min";

/**
 * How each numeric field combines. Usage, limits (each shard holds its share), counters and
 * changes add up; the namespace has been up as long as its oldest shard and saved as recently
 * as its least recently saved shard. Other fields are the same on every shard.
 */
const RULES: Record<string, Rule> = {
  used_memory: "sum",
  maxmemory: "sum",
  rdb_changes_since_last_save: "sum",
  total_commands_processed: "sum",
  keyspace_hits: "sum",
  keyspace_misses: "sum",
  expired_keys: "sum",
  evicted_keys: "sum",
  total_error_replies: "sum",
  instantaneous_ops_per_sec: "sum",
  used_memory_peak: "sum",
  used_memory_dataset: "sum",
  uptime_in_seconds: "max",
  connected_clients: "max",
  rdb_last_save_time: "min",
  // Pub/sub and blocking (docs/scaling.md): a channel and a blocked command live on one shard,
  // every pattern subscription on every shard.
  blocked_clients: "sum",
  pubsub_channels: "sum",
  pubsubshard_channels: "sum",
  pubsub_patterns: "max",
};

/** `<field>_human` follows `<field>` after merging (used_memory_human, maxmemory_human …). */
const HUMAN_SUFFIX = "_human";

const KEYSPACE_HEADER = "# Keyspace";
const DB_LINE = /^db(\d+):keys=(\d+),expires=(\d+),avg_ttl=\d+$/;

function textOf(r: Reply): string {
  if (r.k === "verbatim" || r.k === "bulk") return r.v;
  throw new Error(`expected INFO text, got ${r.k}`);
}

function fieldsOf(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0 && !line.startsWith("#")) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

function combine(rule: Rule, values: bigint[]): bigint {
  if (rule === "sum") return values.reduce((a, b) => a + b, 0n);
  return values.reduce((a, b) => (rule === "max" ? (b > a ? b : a) : b < a ? b : a));
}

/** The namespace's INFO text from its shards' INFO texts. */
export function mergeInfoTexts(texts: readonly string[]): string {
  const shards = texts.map(fieldsOf);
  // Each shard holds every database for its keys: a database's line adds up over shards.
  const dbs = new Map<number, [bigint, bigint]>();
  for (const t of texts) {
    for (const line of t.split("\r\n")) {
      const m = DB_LINE.exec(line);
      if (!m) continue;
      const db = Number(m[1]);
      const [k, e] = dbs.get(db) ?? [0n, 0n];
      dbs.set(db, [k + BigInt(m[2]!), e + BigInt(m[3]!)]);
    }
  }
  const out: string[] = [];
  for (const line of texts[0]!.split("\r\n")) {
    if (DB_LINE.test(line)) continue;
    out.push(line);
    if (line === KEYSPACE_HEADER) {
      for (const db of [...dbs.keys()].sort((x, y) => x - y)) {
        const [k, e] = dbs.get(db)!;
        out.push(`db${db}:keys=${k},expires=${e},avg_ttl=0`);
      }
    }
    if (line.startsWith("#")) continue;
    const i = line.indexOf(":");
    const name = i > 0 ? line.slice(0, i) : "";
    if (name.endsWith(HUMAN_SUFFIX) && RULES[name.slice(0, -HUMAN_SUFFIX.length)]) {
      const base = name.slice(0, -HUMAN_SUFFIX.length);
      const values = shards.map((f) => BigInt(f.get(base) ?? "0"));
      out[out.length - 1] = `${name}:${bytesToHuman(Number(combine(RULES[base]!, values)))}`;
      continue;
    }
    const rule = RULES[name];
    if (!rule) continue;
    const values = shards.map((f) => BigInt(f.get(name) ?? "0"));
    out[out.length - 1] = `${name}:${combine(rule, values)}`;
  }
  return out.join("\r\n");
}

/** INFO replies of every shard → the namespace's INFO reply. */
export function mergeInfo(parts: PartReplies): Reply {
  const err = firstError(parts);
  if (err) return err;
  return R.verbatim(mergeInfoTexts(parts.map((p) => textOf(p[0]!))));
}
