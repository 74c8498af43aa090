// Running one batch (an HTTP request's commands, one WebSocket message) on a sharded namespace.
//
// The Worker walks the batch in order with the connection context. Connection commands run on
// its own engine (no store); every other command is checked there first (arity, auth, sizes,
// scope: spec §10.2), then planned (routes.ts) into parts on shards. Parts accumulate in a
// round: each shard gets its items in batch order in one call, all shards in parallel, and each
// command's reply is merged from its parts. Order on a shard is batch order, so a fan-out
// command sees every earlier command of the batch on every shard and none of the later ones:
// the batch's replies are those of running it in order. A round ends early only when the
// context the shards see changes (AUTH, HELLO, RESET…) and before EXEC and WATCH, which run
// alone on the transaction's shard with the full context and hand it back.
//
// Transactions: commands queue in the Worker's context; each must have all its keys on one
// shard, the same as every other queued command and every WATCHed key, else CROSSSLOT marks the
// transaction (EXEC → EXECABORT, nothing runs). EXEC then runs the queue atomically on that shard.
//
// Reply bytes (REPLY_MAX_BYTES) are bounded per batch, not per shard call: each shard of a round
// gets an equal share of what is left, so a round yields at most the batch's budget plus one
// reply per shard; once the batch's replies pass it, every later command gets the reply-limit
// error and is not run, as on one object. A command with parts on several shards of which some
// ran and some were refused is completed (its refused parts run alone), never left half done.

import type { BatchItem, Command, Dialect } from "../../engine/command.ts";
import { Flag } from "../../engine/command-table.ts";
import type { CommandSpec } from "../../engine/command-table.ts";
import type { ConnState } from "../../engine/conn-state.ts";
import type { Engine } from "../../engine/engine.ts";
import { asciiLower } from "../../engine/ascii.ts";
import { queueingError } from "../../engine/command-checks.ts";
import { Errors } from "../../engine/errors.ts";
import { R, replyBytes } from "../../engine/reply.ts";
import type { ErrorReply, Reply } from "../../engine/reply.ts";
import { commonShard, planAll, planChannel, planKeyed, planScan, routeOf } from "./routes.ts";
import type { Plan, Route } from "./routes.ts";
import { shardOfKey } from "./slots.ts";

/** One call to one shard: its items in order, run with `conn` in one turn. */
export interface ShardCall {
  shard: number;
  dialect: Dialect;
  items: BatchItem[];
  conn: ConnState;
  /** The caller needs the context back (EXEC, WATCH); other calls leave it unchanged. */
  withContext?: boolean;
  /** Reply bytes this call may produce before the shard refuses its later items (its share). */
  replyMax?: number;
}

/** A shard's replies to a call, and the context after it when asked for. */
export interface ShardAnswer {
  replies: Reply[];
  conn?: ConnState;
}

/** Runs calls on their shards in parallel; rejects (nothing is answered) if any call fails. */
export type ShardTransport = (calls: ShardCall[]) => Promise<ShardAnswer[]>;

/** What a batch runs with. `conn` is updated in place. */
export interface ShardedSession {
  dialect: Dialect;
  shards: number;
  conn: ConnState;
  /** The Worker's engine: connection commands and checks; its store stays empty. */
  local: Engine;
  transport: ShardTransport;
  /**
   * Mirrors the connection's subscriptions (kept by `local`) on the shards that publish to them
   * (a socket's session: shard-links.ts); absent where no subscription can exist (HTTP).
   */
  mirror?: (conn: ConnState) => Promise<void>;
  /** The connections blocked on the shards, for CLIENT LIST and CLIENT UNBLOCK (sharded.ts). */
  clients?: ShardClientsAccess;
  /** Told when a blocking command's call starts (true) and ends: a socket tells its shim. */
  blocked?: (on: boolean) => void;
  /** Reply bytes the whole batch may produce (REPLY_MAX_BYTES; absent: unbounded). */
  replyMax?: number;
}

/** What CLIENT LIST and CLIENT UNBLOCK ask of the shards (sharded.ts ShardClients). */
export interface ShardClientsAccess {
  /** Fetches the blocked connections; `local`'s CLIENT LIST shows them (flags=b) until `done`. */
  refresh(): Promise<void>;
  done(): void;
  /** Ends a connection's wait on its shard; false when it waits on none. */
  unblock(clientId: number, error: boolean): Promise<boolean>;
}

/** CLIENT LIST or CLIENT UNBLOCK: "list" | "unblock"; undefined for anything else. */
function shardClientCommand(c: Command): "list" | "unblock" | undefined {
  if (c.argv.length < 2 || asciiLower(c.argv[0]!) !== "client") return undefined;
  const sub = asciiLower(c.argv[1]!);
  return sub === "list" || sub === "unblock" ? sub : undefined;
}

/**
 * CLIENT LIST and CLIENT UNBLOCK on a sharded namespace: a connection waits on its keys' shard,
 * not in the Worker's engine, so the shards are asked.
 */
async function clientOnShards(
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

/** The context a shard sees for ordinary commands: no transaction state. */
function remoteConn(c: ConnState): ConnState {
  return {
    ...c,
    multi: null,
    multiFailed: false,
    watch: null,
    closing: false,
    subs: null,
    tracking: null,
  };
}

/** The fields of the context that change what a shard does. */
const remoteKey = (c: ConnState) => `${+c.authed}${+c.readonly}${c.resp}/${c.db}`;

interface Pending {
  index: number;
  plan: Plan;
  /** Per part: where its items sit in its shard's call. */
  at: { shard: number; start: number; count: number }[];
}

/** Parts of commands waiting to be sent, one call per shard. */
class Round {
  private readonly calls = new Map<number, BatchItem[]>();
  private pending: Pending[] = [];
  private conn: ConnState | null = null;
  private key = "";

  /** True when a command planned with `conn` can join this round. */
  accepts(conn: ConnState): boolean {
    return this.conn === null || remoteKey(conn) === this.key;
  }

  add(index: number, plan: Plan, conn: ConnState): void {
    if (this.conn === null) {
      this.conn = remoteConn(conn);
      this.key = remoteKey(conn);
    }
    const at = plan.parts.map((p) => {
      let list = this.calls.get(p.shard);
      if (!list) this.calls.set(p.shard, (list = []));
      const start = list.length;
      list.push(...p.items);
      return { shard: p.shard, start, count: p.items.length };
    });
    this.pending.push({ index, plan, at });
  }

  /**
   * Sends the round, each shard with an equal share of `budget` reply bytes, writes each
   * command's merged reply into `replies` and returns the bytes of those replies.
   */
  async flush(s: ShardedSession, replies: Reply[], budget = Infinity): Promise<number> {
    if (this.pending.length === 0) return 0;
    const shards = [...this.calls.keys()].sort((a, b) => a - b);
    const conn = this.conn!;
    const share = Math.max(0, Math.floor(budget / shards.length));
    const calls = shards.map((shard): ShardCall => ({
      shard,
      dialect: s.dialect,
      items: this.calls.get(shard)!,
      conn,
      ...(share === Infinity ? {} : { replyMax: share }),
    }));
    const pending = this.pending;
    this.calls.clear();
    this.pending = [];
    this.conn = null;
    const answers = await s.transport(calls);
    const byShard = new Map<number, Reply[]>();
    shards.forEach((shard, i) => {
      const got = answers[i]!.replies;
      if (got.length !== calls[i]!.items.length)
        throw new Error(
          `shard ${shard} answered ${got.length} of ${calls[i]!.items.length} commands`,
        );
      byShard.set(shard, got);
    });
    if (share !== Infinity) await complete(s, conn, pending, byShard);
    let bytes = 0;
    for (const p of pending) {
      const r = p.plan.merge(
        p.at.map((a) => byShard.get(a.shard)!.slice(a.start, a.start + a.count)),
      );
      replies[p.index] = r;
      bytes += replyBytes(r);
    }
    return bytes;
  }
}

const REPLY_LIMIT_TEXT = Errors.replyLimit().message;
const refused = (r: Reply) => r.k === "error" && r.v === REPLY_LIMIT_TEXT;

/**
 * Runs the refused items of commands that ran on some shards and were refused on others (their
 * shares of the budget ran out at different points), so that no command is left half done, and
 * writes their replies into the shards' answers.
 */
async function complete(
  s: ShardedSession,
  conn: ConnState,
  pending: readonly Pending[],
  byShard: Map<number, Reply[]>,
): Promise<void> {
  // Per shard: the items to run again and where their replies go in that shard's answer.
  const redo = new Map<number, { items: BatchItem[]; at: number[] }>();
  for (const p of pending) {
    if (p.at.length < 2) continue;
    const got = p.at.map((a) => byShard.get(a.shard)!.slice(a.start, a.start + a.count));
    if (!got.some((rs) => rs.some(refused)) || got.every((rs) => rs.every(refused))) continue;
    p.at.forEach((a, j) => {
      const from = got[j]!.findIndex(refused);
      if (from < 0) return;
      let call = redo.get(a.shard);
      if (!call) redo.set(a.shard, (call = { items: [], at: [] }));
      for (let k = from; k < a.count; k++) {
        call.items.push(p.plan.parts[j]!.items[k]!);
        call.at.push(a.start + k);
      }
    });
  }
  if (redo.size === 0) return;
  const shards = [...redo.keys()];
  const answers = await s.transport(
    shards.map((shard) => ({
      shard,
      dialect: s.dialect,
      items: redo.get(shard)!.items,
      conn,
      replyMax: Infinity,
    })),
  );
  shards.forEach((shard, i) => {
    const { at } = redo.get(shard)!;
    const into = byShard.get(shard)!;
    answers[i]!.replies.forEach((r, k) => (into[at[k]!] = r));
  });
}

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

function refuseInTransaction(conn: ConnState, e: ErrorReply): ErrorReply {
  conn.multiFailed = true;
  return e;
}

const unsupported = (name: string) =>
  R.error(Errors.custom(`ERR '${name}' is not supported on a sharded namespace`));

/** Queues a checked command in the open transaction, or refuses it (spec §10.8 + CROSSSLOT). */
function queue(s: ShardedSession, spec: CommandSpec, route: Route, c: Command): Reply {
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

/**
 * (P|S)(UN)SUBSCRIBE on the Worker's engine; SSUBSCRIBE's shard channels must share a shard
 * (CROSSSLOT otherwise, as Redis Cluster) and are refused inside MULTI like other keyless work.
 */
function subscribeChecked(s: ShardedSession, spec: CommandSpec, c: Command, now: number): Reply {
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

/** Runs EXEC or WATCH alone on one shard with the full context, and adopts the context it returns. */
async function withContext(
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
  const { dialect, local, shards } = s;
  const conn = s.conn;
  const replies: Reply[] = [];
  const round = new Round();
  let end = items.length;
  // Reply bytes so far: the round's replies count when it is flushed.
  const budget = s.replyMax ?? Infinity;
  let used = 0;
  const put = (i: number, r: Reply) => {
    replies[i] = r;
    used += replyBytes(r);
  };
  const flush = async () => {
    used += await round.flush(s, replies, budget - used);
  };
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (used > budget) {
      // As on one object: past the budget nothing more runs, connection commands included.
      put(i, queueingError(conn, Errors.replyLimit()));
      continue;
    }
    if (!("argv" in item)) {
      put(i, item.reply);
      continue;
    }
    const spec = local.table.find(dialect, item.argv[0] ?? "");
    const route: Route = spec ? routeOf(dialect, spec) : { kind: "local" };
    if (route.kind === "local" || route.kind === "subscribe") {
      const version = conn.subs?.version ?? 0;
      if (route.kind === "subscribe") {
        // Earlier commands (a PUBLISH) run before the subscriptions change, as on one object.
        await flush();
        put(i, subscribeChecked(s, spec!, item, now));
      } else if (s.clients && !conn.multi && shardClientCommand(item)) {
        // Earlier commands first: a batch's RPUSH then CLIENT LIST sees what the push woke.
        await flush();
        put(i, await clientOnShards(s, s.clients, shardClientCommand(item)!, item, now));
      } else put(i, local.dispatch(dialect, conn, item, now));
      // Mirrored before the confirmation is sent: a message published after it reaches us.
      if ((conn.subs?.version ?? 0) !== version && s.mirror) await s.mirror(conn);
      if (conn.closing) {
        end = i + 1;
        break;
      }
      continue;
    }
    conn.lastAt = now;
    const checked = local.check(dialect, conn, item);
    if ("k" in checked) {
      put(i, checked);
      continue;
    }
    if (conn.multi && route.kind !== "exec" && route.kind !== "watch") {
      // Queued, or (immediate in MULTI: SAVE refuses itself there) answered from the context.
      put(
        i,
        checked.flags & Flag.IMMEDIATE
          ? local.dispatch(dialect, conn, item, now)
          : queue(s, checked, route, item),
      );
      continue;
    }
    let plan: Plan | ErrorReply;
    switch (route.kind) {
      case "exec": {
        const tx = conn.multi && !conn.multiFailed ? transactionShard(conn, local, shards) : -1;
        await flush();
        put(
          i,
          tx < 0
            ? local.dispatch(dialect, conn, item, now)
            : await withContext(s, tx, item, budget - used),
        );
        continue;
      }
      case "watch": {
        if (conn.multi) {
          put(i, local.dispatch(dialect, conn, item, now));
          continue;
        }
        const shard = commonShard(checked, item.argv, shards);
        const tx = transactionShard(conn, local, shards);
        if (shard < 0 || (tx >= 0 && tx !== shard)) {
          put(i, R.error(Errors.crossSlot()));
          continue;
        }
        await flush();
        put(i, await withContext(s, shard, item, budget - used));
        continue;
      }
      case "keyed":
        plan = planKeyed(checked, route, item, shards);
        break;
      case "all":
        plan = planAll(route.fanout, item, shards);
        break;
      case "scan":
        plan = planScan(item, shards);
        break;
      case "channel":
        plan = planChannel(route, item, shards);
        break;
      default:
        put(i, unsupported(checked.name));
        continue;
    }
    if ("k" in plan) {
      put(i, plan);
      continue;
    }
    if (!round.accepts(conn)) await flush();
    round.add(i, plan, conn);
    // A blocked command holds back the connection's later commands, on every shard.
    if (checked.flags & Flag.BLOCKING) {
      s.blocked?.(true);
      try {
        await flush();
      } finally {
        s.blocked?.(false);
      }
    }
  }
  await flush();
  replies.length = Math.min(replies.length, end);
  return replies;
}
