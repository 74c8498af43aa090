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
  uptime_in_seconds: "max",
  connected_clients: "max",
  rdb_last_save_time: "min",
};

/** Fields printed from another field's combined value. */
const HUMAN: Record<string, string> = {
  used_memory_human: "used_memory",
  maxmemory_human: "maxmemory",
};

const KEYSPACE_HEADER = "# Keyspace";
const DB0 = /^db0:keys=(\d+),expires=(\d+),avg_ttl=\d+$/;

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
  let keys = 0n;
  let expires = 0n;
  for (const t of texts) {
    for (const line of t.split("\r\n")) {
      const m = DB0.exec(line);
      if (m) {
        keys += BigInt(m[1]!);
        expires += BigInt(m[2]!);
      }
    }
  }
  const out: string[] = [];
  for (const line of texts[0]!.split("\r\n")) {
    if (DB0.test(line)) continue;
    out.push(line);
    if (line === KEYSPACE_HEADER && keys > 0n)
      out.push(`db0:keys=${keys},expires=${expires},avg_ttl=0`);
    if (line.startsWith("#")) continue;
    const i = line.indexOf(":");
    const name = i > 0 ? line.slice(0, i) : "";
    const of = HUMAN[name];
    if (of) {
      const total = combine(
        "sum",
        shards.map((f) => BigInt(f.get(of) ?? "0")),
      );
      out[out.length - 1] = `${name}:${bytesToHuman(Number(total))}`;
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
