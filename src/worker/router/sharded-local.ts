// Commands of a sharded batch that the Worker's own engine answers with help from the shards
// (sharded-batch.ts): CLIENT LIST and CLIENT UNBLOCK, whose blocked connections wait on the
// shards, and the (P|S)(UN)SUBSCRIBE family, whose SSUBSCRIBE channels must share a shard.

import type { Command } from "../../engine/command.ts";
import type { CommandSpec } from "../../engine/command-table.ts";
import { asciiLower } from "../../engine/ascii.ts";
import { Errors } from "../../engine/errors.ts";
import { R } from "../../engine/reply.ts";
import type { Reply } from "../../engine/reply.ts";
import { routeOf } from "./routes.ts";
import type { ShardClientsAccess, ShardedSession } from "./shard-session.ts";
import { refuseInTransaction, unsupported } from "./sharded-transaction.ts";
import { shardOfKey } from "./slots.ts";

/** CLIENT LIST or CLIENT UNBLOCK: "list" | "unblock"; undefined for anything else. */
export function shardClientCommand(c: Command): "list" | "unblock" | undefined {
  if (c.argv.length < 2 || asciiLower(c.argv[0]!) !== "client") return undefined;
  const sub = asciiLower(c.argv[1]!);
  return sub === "list" || sub === "unblock" ? sub : undefined;
}

/**
 * CLIENT LIST and CLIENT UNBLOCK on a sharded namespace: a connection waits on its keys' shard,
 * not in the Worker's engine, so the shards are asked.
 */
export async function clientOnShards(
  s: ShardedSession,
  clients: ShardClientsAccess,
  sub: "list" | "unblock",
  c: Command,
  now: number,
): Promise<Reply> {
  if (sub === "list") {
    await clients.refresh();
    try {
      return s.local.dispatch(s.dialect, s.conn, c, now);
    } finally {
      clients.done();
    }
  }
  // The Worker's engine checks the arguments (and answers 0: nothing waits in it).
  const r = s.local.dispatch(s.dialect, s.conn, c, now);
  if (r !== R.ZERO) return r;
  const error = c.argv.length === 4 && asciiLower(c.argv[3]!) === "error";
  return (await clients.unblock(Number(c.argv[2]), error)) ? R.ONE : r;
}

/**
 * (P|S)(UN)SUBSCRIBE on the Worker's engine; SSUBSCRIBE's shard channels must share a shard
 * (CROSSSLOT otherwise, as Redis Cluster) and are refused inside MULTI like other keyless work.
 */
export function subscribeChecked(
  s: ShardedSession,
  spec: CommandSpec,
  c: Command,
  now: number,
): Reply {
  if (s.conn.multi) {
    const checked = s.local.check(s.dialect, s.conn, c);
    return "k" in checked ? checked : refuseInTransaction(s.conn, unsupported(spec.name));
  }
  const route = routeOf(s.dialect, spec);
  const shards = new Set(c.argv.slice(1).map((ch) => shardOfKey(ch, s.shards)));
  if (route.kind === "subscribe" && route.sameShard && shards.size > 1) {
    const checked = s.local.check(s.dialect, s.conn, c);
    return "k" in checked ? checked : R.error(Errors.crossSlot());
  }
  return s.local.dispatch(s.dialect, s.conn, c, now);
}
