// A round of a sharded batch (sharded-batch.ts): the parts of consecutive commands, gathered into
// one call per shard, sent to all shards in parallel, and each command's reply merged from its
// parts. Each shard of a round gets an equal share of the batch's remaining reply bytes; a
// command whose parts ran on some shards and were refused on others is completed (its refused
// parts run alone), never left half done.

import type { BatchItem } from "../../engine/command.ts";
import type { ConnState } from "../../engine/conn-state.ts";
import { Errors } from "../../engine/errors.ts";
import { replyBytes } from "../../engine/reply.ts";
import type { Reply } from "../../engine/reply.ts";
import type { Plan } from "./routes.ts";
import type { ShardCall, ShardedSession } from "./shard-session.ts";

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
export class Round {
  private readonly calls = new Map<number, BatchItem[]>();
  private pending: Pending[] = [];
  private conn: ConnState | null = null;
  private key = "";

  /** True when a command planned with `conn` can join this round. */
  accepts(conn: ConnState): boolean {
    return this.conn === null || remoteKey(conn) === this.key;
  }

  /** Adds command `index`'s parts to their shards' calls. */
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
