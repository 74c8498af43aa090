// Running one batch (an HTTP request's commands, one WebSocket message) on a sharded namespace.
//
// The Worker walks the batch in order with the connection context. Connection commands run on
// its own engine (no store); every other command is checked there first (arity, auth, sizes,
// scope: spec §10.2), then planned (routes.ts) into parts on shards. Parts accumulate in a
// round (shard-round.ts): each shard gets its items in batch order in one call, all shards in
// parallel, and each command's reply is merged from its parts. Order on a shard is batch order,
// so a fan-out command sees every earlier command of the batch on every shard and none of the
// later ones: the batch's replies are those of running it in order. A round ends early only when
// the context the shards see changes (AUTH, HELLO, RESET…), after a blocking command, and before
// EXEC and WATCH, which run alone on the transaction's shard with the full context and hand it
// back (sharded-transaction.ts).
//
// Reply bytes (REPLY_MAX_BYTES) are bounded per batch, not per shard call: each shard of a round
// gets an equal share of what is left, so a round yields at most the batch's budget plus one
// reply per shard; once the batch's replies pass it, every later command gets the reply-limit
// error and is not run, as on one object.

import type { BatchItem, Command } from "../../engine/command.ts";
import { Flag } from "../../engine/command-table.ts";
import type { CommandSpec } from "../../engine/command-table.ts";
import { queueingError } from "../../engine/command-checks.ts";
import { Errors } from "../../engine/errors.ts";
import { R, replyBytes } from "../../engine/reply.ts";
import type { ErrorReply, Reply } from "../../engine/reply.ts";
import { commonShard, planAll, planChannel, planKeyed, planScan, routeOf } from "./routes.ts";
import type { Plan, Route } from "./routes.ts";
import { Round } from "./shard-round.ts";
import type { ShardedSession } from "./shard-session.ts";
import { clientOnShards, shardClientCommand, subscribeChecked } from "./sharded-local.ts";
import { queue, transactionShard, unsupported, withContext } from "./sharded-transaction.ts";

/** A batch in progress: its replies, its open round and the reply bytes it has used. */
class BatchRun {
  readonly replies: Reply[] = [];
  private readonly round = new Round();
  /** Reply bytes the batch may produce; those of a round count when it is flushed. */
  readonly budget: number;
  used = 0;

  readonly s: ShardedSession;
  readonly now: number;

  constructor(s: ShardedSession, now: number) {
    this.s = s;
    this.now = now;
    this.budget = s.replyMax ?? Infinity;
  }

  /** The reply bytes left of the budget. */
  get left(): number {
    return this.budget - this.used;
  }

  put(i: number, r: Reply): void {
    this.replies[i] = r;
    this.used += replyBytes(r);
  }

  /** Sends the open round and counts its replies. */
  async flush(): Promise<void> {
    this.used += await this.round.flush(this.s, this.replies, this.left);
  }

  /**
   * Adds command `i`'s parts to the round (after flushing it if the context changed); a blocked
   * command holds back the connection's later commands, on every shard, so its round goes at once.
   */
  async send(i: number, plan: Plan, blocking: boolean): Promise<void> {
    const { s } = this;
    if (!this.round.accepts(s.conn)) await this.flush();
    this.round.add(i, plan, s.conn);
    if (!blocking) return;
    s.blocked?.(true);
    try {
      await this.flush();
    } finally {
      s.blocked?.(false);
    }
  }
}

/**
 * Runs a connection command (or a subscription change) on the Worker's engine, after the
 * earlier commands where it depends on them; true when the connection closes (QUIT).
 */
async function runLocal(
  b: BatchRun,
  i: number,
  item: Command,
  spec: CommandSpec | undefined,
  route: Route,
): Promise<boolean> {
  const { s, now } = b;
  const conn = s.conn;
  const version = conn.subs?.version ?? 0;
  const client = s.clients && !conn.multi ? shardClientCommand(item) : undefined;
  if (route.kind === "subscribe") {
    // Earlier commands (a PUBLISH) run before the subscriptions change, as on one object.
    await b.flush();
    b.put(i, subscribeChecked(s, spec!, item, now));
  } else if (client) {
    // Earlier commands first: a batch's RPUSH then CLIENT LIST sees what the push woke.
    await b.flush();
    b.put(i, await clientOnShards(s, s.clients!, client, item, now));
  } else b.put(i, s.local.dispatch(s.dialect, conn, item, now));
  // Mirrored before the confirmation is sent: a message published after it reaches us.
  if ((conn.subs?.version ?? 0) !== version && s.mirror) await s.mirror(conn);
  return conn.closing;
}

/** EXEC or WATCH: alone on the transaction's shard with the full context, after the round. */
async function runWithContext(
  b: BatchRun,
  checked: CommandSpec,
  kind: "exec" | "watch",
  item: Command,
): Promise<Reply> {
  const { s, now } = b;
  const conn = s.conn;
  const tx = transactionShard(conn, s.local, s.shards);
  if (kind === "exec") {
    const shard = conn.multi && !conn.multiFailed ? tx : -1;
    await b.flush();
    return shard < 0
      ? s.local.dispatch(s.dialect, conn, item, now)
      : await withContext(s, shard, item, b.left);
  }
  if (conn.multi) return s.local.dispatch(s.dialect, conn, item, now);
  const shard = commonShard(checked, item.argv, s.shards);
  if (shard < 0 || (tx >= 0 && tx !== shard)) return R.error(Errors.crossSlot());
  await b.flush();
  return withContext(s, shard, item, b.left);
}

/** A checked command's parts on the shards, or why it cannot run. */
function planOf(
  checked: CommandSpec,
  route: Route,
  item: Command,
  shards: number,
): Plan | ErrorReply {
  switch (route.kind) {
    case "keyed":
      return planKeyed(checked, route, item, shards);
    case "all":
      return planAll(route.fanout, item, shards);
    case "scan":
      return planScan(item, shards);
    case "channel":
      return planChannel(route, item, shards);
    default:
      return unsupported(checked.name);
  }
}

/** A command for the shards: checked, then queued (MULTI), run with the context, or planned. */
async function runRemote(b: BatchRun, i: number, item: Command, route: Route): Promise<void> {
  const { s, now } = b;
  const conn = s.conn;
  conn.lastAt = now;
  const checked = s.local.check(s.dialect, conn, item);
  if ("k" in checked) return b.put(i, checked);
  if (route.kind === "exec" || route.kind === "watch")
    return b.put(i, await runWithContext(b, checked, route.kind, item));
  if (conn.multi)
    // Queued, or (immediate in MULTI: SAVE refuses itself there) answered from the context.
    return b.put(
      i,
      checked.flags & Flag.IMMEDIATE
        ? s.local.dispatch(s.dialect, conn, item, now)
        : queue(s, checked, route, item),
    );
  const plan = planOf(checked, route, item, s.shards);
  if ("k" in plan) return b.put(i, plan);
  await b.send(i, plan, (checked.flags & Flag.BLOCKING) !== 0);
}

/**
 * Runs a batch on a sharded namespace: one reply per item, in order (fewer after QUIT).
 * A shard that fails rejects the whole batch (the caller answers 5xx or closes the socket):
 * never a partial answer.
 */
export async function runShardedBatch(
  s: ShardedSession,
  items: readonly BatchItem[],
  now: number,
): Promise<Reply[]> {
  const b = new BatchRun(s, now);
  let end = items.length;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (b.used > b.budget) {
      // As on one object: past the budget nothing more runs, connection commands included.
      b.put(i, queueingError(s.conn, Errors.replyLimit()));
      continue;
    }
    if (!("argv" in item)) {
      b.put(i, item.reply);
      continue;
    }
    const spec = s.local.table.find(s.dialect, item.argv[0] ?? "");
    const route: Route = spec ? routeOf(s.dialect, spec) : { kind: "local" };
    if (route.kind !== "local" && route.kind !== "subscribe") await runRemote(b, i, item, route);
    else if (await runLocal(b, i, item, spec, route)) {
      end = i + 1;
      break;
    }
  }
  await b.flush();
  b.replies.length = Math.min(b.replies.length, end);
  return b.replies;
}
