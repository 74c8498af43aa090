// Batches that may block, run for a caller that waits for their answer (an HTTP request, a
// sharded namespace's shard call): the connection gets a sink for the call's length, and the
// call resolves once no command of it waits any more.

import type { BatchItem, Dialect } from "../engine/command.ts";
import { Flag } from "../engine/command-table.ts";
import type { ConnState } from "../engine/conn-state.ts";
import type { Engine } from "../engine/engine.ts";
import type { Reply } from "../engine/reply.ts";
import type { GroupCommit } from "./group-commit.ts";
import { LeaseExpired, ShardWaits } from "./shard-waits.ts";
import type { ShardWait } from "./shard-waits.ts";

/** A shard call's wait: its caller's client id, its cancel key and its lease (0: none). */
export interface ShardCall {
  clientId: number;
  waitKey: string | undefined;
  leaseMs: number;
}

export class WaitingRuns {
  private readonly engine: () => Engine;
  private readonly group: GroupCommit;
  /**
   * Blocked shard calls of Worker-held connections (runShard): cancelled when their socket
   * closes, dropped when their lease runs out, so a later write is not popped for a client that
   * is gone; CLIENT UNBLOCK and CLIENT LIST reach them (shard-waits.ts).
   */
  readonly shardWaits = new ShardWaits();
  /** Ids of those calls' contexts count down from -1: no socket of this object has one. */
  private shardWaitId = 0;

  constructor(engine: () => Engine, group: GroupCommit) {
    this.engine = engine;
    this.group = group;
  }

  /** A connection id for a shard call that waits: below every id a socket here can have. */
  nextShardWaitId(): number {
    return --this.shardWaitId;
  }

  /**
   * Runs a batch that may block with a sink on its connection for the call's length: resolves
   * with every reply once no command of it waits any more (answered, timed out, or stopped). A
   * shard call's wait is registered in `shardWaits`; with a lease it is served only while its
   * caller renews it, and ends unanswered (the call throws LeaseExpired) when the caller stops.
   */
  async run(
    conn: ConnState,
    maxWaitMs: number | undefined,
    run: () => Reply[],
    shard?: ShardCall,
  ): Promise<Reply[]> {
    const engine = this.engine();
    const replies: Reply[] = [];
    let wake: () => void = () => {};
    let failure: Error | undefined;
    const waited = new Promise<void>((resolve) => (wake = resolve));
    // Stopped: it stops waiting and the commands behind it never run, as for a closed client.
    const stop = (why?: Error) => {
      failure ??= why;
      engine.detach(conn);
      wake();
    };
    const leased = shard !== undefined && shard.waitKey !== undefined && shard.leaseMs > 0;
    const wait: ShardWait | undefined = shard && {
      ...shard,
      local: conn,
      leaseUntil: leased ? Date.now() + shard.leaseMs : Infinity,
      stop,
    };
    engine.attach(conn, {
      maxWaitMs,
      deliver: (rs) => {
        replies.push(...rs);
        if (!engine.blocking.of(conn.id)) wake();
      },
      ...(leased ? { live: (now: number) => now < wait!.leaseUntil } : {}),
    });
    let leaseTimer: ReturnType<typeof setTimeout> | undefined;
    const checkLease = () => {
      const now = Date.now();
      if (wait!.leaseUntil <= now) stop(new LeaseExpired());
      else leaseTimer = setTimeout(checkLease, wait!.leaseUntil - now);
    };
    if (wait) this.shardWaits.add(wait);
    if (leased) leaseTimer = setTimeout(checkLease, shard.leaseMs);
    try {
      replies.push(...(await this.group.runOrQueue(run)));
      if (engine.blocking.of(conn.id)) await waited;
    } finally {
      clearTimeout(leaseTimer);
      engine.detach(conn);
      if (wait) this.shardWaits.remove(wait);
    }
    if (failure) throw failure;
    return replies;
  }

  /** Ends a Worker-held connection's blocked command here (its socket closed). */
  cancel(waitKey: string): void {
    this.shardWaits.cancel(waitKey);
  }
}

/** True when a batch holds a command that may block (BLPOP, XREAD …: Redis's `blocking` flag). */
export function hasBlocking(
  engine: Engine,
  dialect: Dialect,
  items: readonly BatchItem[],
): boolean {
  if (dialect !== "redis") return false;
  for (const it of items) {
    if (!("argv" in it)) continue;
    const spec = engine.table.find(dialect, it.argv[0] ?? "");
    if (spec && spec.flags & Flag.BLOCKING) return true;
  }
  return false;
}
