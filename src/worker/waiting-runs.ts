// Batches that may block, run for a caller that waits for their answer (an HTTP request, a
// sharded namespace's shard call): the connection gets a sink for the call's length, and the
// call resolves once no command of it waits any more.

import type { BatchItem, Dialect } from "../engine/command.ts";
import { Flag } from "../engine/command-table.ts";
import type { ConnState } from "../engine/conn-state.ts";
import type { Engine } from "../engine/engine.ts";
import type { Reply } from "../engine/reply.ts";
import type { GroupCommit } from "./group-commit.ts";

export class WaitingRuns {
  private readonly engine: () => Engine;
  private readonly group: GroupCommit;
  /**
   * Blocked shard calls of Worker-held connections (runShard), by waitKey: cancel ends one when
   * its socket closes, so a later write is not popped for a client that is gone.
   */
  private readonly shardWaits = new Map<string, () => void>();
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
   * with every reply once no command of it waits any more (answered, timed out, or `cancel`led).
   */
  async run(
    conn: ConnState,
    maxWaitMs: number | undefined,
    run: () => Reply[],
    cancel?: string,
  ): Promise<Reply[]> {
    const engine = this.engine();
    const replies: Reply[] = [];
    let wake: () => void = () => {};
    const waited = new Promise<void>((resolve) => (wake = resolve));
    engine.attach(conn, {
      maxWaitMs,
      deliver: (rs) => {
        replies.push(...rs);
        if (!engine.blocking.of(conn.id)) wake();
      },
    });
    // Cancelled: it stops waiting and the commands behind it never run, as for a closed client.
    const stop = () => {
      engine.detach(conn);
      wake();
    };
    if (cancel) this.shardWaits.set(cancel, stop);
    try {
      replies.push(...(await this.group.runOrQueue(run)));
      if (engine.blocking.of(conn.id)) await waited;
    } finally {
      engine.detach(conn);
      if (cancel && this.shardWaits.get(cancel) === stop) this.shardWaits.delete(cancel);
    }
    return replies;
  }

  /** Ends a Worker-held connection's blocked command here (its socket closed). */
  cancel(waitKey: string): void {
    this.shardWaits.get(waitKey)?.();
    this.shardWaits.delete(waitKey);
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
