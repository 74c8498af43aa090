// Transactions on a sharded namespace (sharded-batch.ts): commands queue in the Worker's context;
// each must have all its keys on one shard, the same as every other queued command and every
// WATCHed key, else CROSSSLOT marks the transaction (EXEC → EXECABORT, nothing runs). EXEC then
// runs the queue atomically on that shard, alone, with the full context (as WATCH does).

import type { Command } from "../../engine/command.ts";
import type { CommandSpec } from "../../engine/command-table.ts";
import type { ConnState } from "../../engine/conn-state.ts";
import type { Engine } from "../../engine/engine.ts";
import { Errors } from "../../engine/errors.ts";
import { R } from "../../engine/reply.ts";
import type { ErrorReply, Reply } from "../../engine/reply.ts";
import { commonShard, routeOf } from "./routes.ts";
import type { Route } from "./routes.ts";
import type { ShardedSession } from "./shard-session.ts";
import { shardOfKey } from "./slots.ts";

/** The shard of the open transaction: of its WATCHed keys, else of its queued keyed commands; -1 if none. */
export function transactionShard(conn: ConnState, local: Engine, shards: number): number {
  const w = conn.watch?.[0];
  if (w) return shardOfKey(w[0], shards);
  for (const c of conn.multi ?? []) {
    const spec = local.table.find("redis", c.argv[0]!);
    if (!spec) continue;
    const route = routeOf("redis", spec);
    if (route.kind === "keyed") return commonShard(spec, c.argv, shards);
    if (route.kind === "channel") return shardOfKey(c.argv[route.at] ?? "", shards);
  }
  return -1;
}

/** Marks the open transaction failed (EXEC → EXECABORT) and answers `e`. */
export function refuseInTransaction(conn: ConnState, e: ErrorReply): ErrorReply {
  conn.multiFailed = true;
  return e;
}

/** The error of a command a sharded namespace does not run. */
export const unsupported = (name: string) =>
  R.error(Errors.custom(`ERR '${name}' is not supported on a sharded namespace`));

/** Queues a checked command in the open transaction, or refuses it (spec §10.8 + CROSSSLOT). */
export function queue(s: ShardedSession, spec: CommandSpec, route: Route, c: Command): Reply {
  const conn = s.conn;
  if (route.kind === "unsupported" || route.kind === "subscribe")
    return refuseInTransaction(conn, unsupported(spec.name));
  if (route.kind === "keyed" || route.kind === "channel") {
    const shard =
      route.kind === "keyed"
        ? commonShard(spec, c.argv, s.shards)
        : shardOfKey(c.argv[route.at] ?? "", s.shards);
    const tx = transactionShard(conn, s.local, s.shards);
    if (shard < 0 || (tx >= 0 && tx !== shard))
      return refuseInTransaction(conn, R.error(Errors.crossSlot()));
  } else if (route.kind !== "local") {
    // Keyless commands that read or change every shard cannot join a one-shard transaction.
    return refuseInTransaction(conn, R.error(Errors.crossSlot()));
  }
  conn.multi!.push(c);
  return R.QUEUED;
}

/** Runs EXEC or WATCH alone on one shard with the full context, and adopts the context it returns. */
export async function withContext(
  s: ShardedSession,
  shard: number,
  c: Command,
  replyMax: number,
): Promise<Reply> {
  const { subs, tracking } = s.conn;
  const [answer] = await s.transport([
    {
      shard,
      dialect: s.dialect,
      items: [c],
      conn: { ...s.conn, subs: null, tracking: null },
      withContext: true,
      ...(replyMax === Infinity ? {} : { replyMax: Math.max(0, replyMax) }),
    },
  ]);
  // Subscriptions and tracking stay the Worker's (its engine's hub holds this very context).
  Object.assign(s.conn, answer!.conn, { subs, tracking });
  return answer!.replies[0]!;
}
