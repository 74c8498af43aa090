// Batches that may block, run for a caller that waits for their answer (an HTTP request, a
// sharded namespace's shard call): the connection gets a sink for the call's length, and the
// call resolves once no command of it waits any more.

import type { ConnSink } from "../engine/conn-sink.ts";
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

/** A connection's wait in progress: its sink, the replies it collected, and how it ends. */
interface Wait {
  conn: ConnState;
  sink: ConnSink;
  replies: Reply[];
  /** Settles when the connection waits no more (answered, timed out, or stopped). */
  waited: Promise<void>;
  /** A shard call's registration (lease, CLIENT UNBLOCK), else undefined. */
  shard: ShardWait | undefined;
  leaseTimer: ReturnType<typeof setTimeout> | undefined;
  /** Why it was stopped (a lease that ran out), thrown to the caller. */
  failure: Error | undefined;
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
  private nextShardWaitId(): number {
    return --this.shardWaitId;
  }

  /**
   * Runs `run`, a batch of `conn` (a connection with no sink), with the group and hands its
   * replies to `answer` in the same turn, unless one of its commands must wait: then `conn` gets
   * a fresh client id and a sink at that moment (Engine.lateSink), and `answer` gets every reply
   * once it waits no more. No command is looked up before the engine runs it. A shard call's
   * wait (`shard`) takes an id of its own below every socket's and is registered in
   * `shardWaits`; with a lease it is served only while its caller renews it, and ends unanswered
   * (LeaseExpired is thrown) when the caller stops.
   */
  runMaybeWaiting<T>(
    conn: ConnState,
    maxWaitMs: number | undefined,
    run: () => Reply[],
    answer: (replies: Reply[]) => T,
    shard?: ShardCall,
  ): T | Promise<T> {
    const engine = this.engine();
    const late: { wait?: Wait; batch?: Reply[] } = {};
    const work = (): { answer: T } | null => {
      engine.lateSink = (c) => {
        if (c !== conn) return undefined;
        c.id = shard ? this.nextShardWaitId() : engine.nextClientId++;
        late.wait = this.begin(c, maxWaitMs, shard);
        return late.wait.sink;
      };
      try {
        late.batch = run();
      } catch (err) {
        if (late.wait) this.end(late.wait);
        throw err;
      } finally {
        engine.lateSink = null;
      }
      return late.wait ? null : { answer: answer(late.batch) };
    };
    const after = (r: { answer: T } | null): T | Promise<T> =>
      r ? r.answer : this.finish(late.wait!, late.batch!).then(answer);
    const ran = this.group.runOrQueue(work);
    return ran instanceof Promise ? ran.then(after) : after(ran);
  }

  /** Gives `conn` a sink that collects its late replies and settles `waited` when it is answered. */
  private begin(conn: ConnState, maxWaitMs: number | undefined, shard?: ShardCall): Wait {
    const engine = this.engine();
    let wake: () => void = () => {};
    const waited = new Promise<void>((resolve) => (wake = resolve));
    const leased = shard !== undefined && shard.waitKey !== undefined && shard.leaseMs > 0;
    const w: Wait = {
      conn,
      replies: [],
      waited,
      sink: {
        maxWaitMs,
        deliver: (rs) => {
          w.replies.push(...rs);
          if (!engine.blocking.of(conn.id)) wake();
        },
        ...(leased ? { live: (now: number) => now < w.shard!.leaseUntil } : {}),
      },
      shard: undefined,
      leaseTimer: undefined,
      failure: undefined,
    };
    engine.attach(conn, w.sink);
    if (!shard) return w;
    // Stopped: it stops waiting and the commands behind it never run, as for a closed client.
    const stop = (why?: Error) => {
      w.failure ??= why;
      engine.detach(conn);
      wake();
    };
    w.shard = {
      ...shard,
      local: conn,
      leaseUntil: leased ? Date.now() + shard.leaseMs : Infinity,
      stop,
    };
    this.shardWaits.add(w.shard);
    if (leased) {
      const checkLease = () => {
        const now = Date.now();
        if (w.shard!.leaseUntil <= now) stop(new LeaseExpired());
        else w.leaseTimer = setTimeout(checkLease, w.shard!.leaseUntil - now);
      };
      w.leaseTimer = setTimeout(checkLease, shard.leaseMs);
    }
    return w;
  }

  /** Every reply of a waiting batch (`batch`, its own run's) once its connection waits no more. */
  private async finish(w: Wait, batch: Reply[]): Promise<Reply[]> {
    try {
      w.replies.unshift(...batch);
      if (this.engine().blocking.of(w.conn.id)) await w.waited;
    } finally {
      this.end(w);
    }
    if (w.failure) throw w.failure;
    return w.replies;
  }

  /** Detaches a wait's connection and forgets its shard registration and lease timer. */
  private end(w: Wait): void {
    clearTimeout(w.leaseTimer);
    this.engine().detach(w.conn);
    if (w.shard) this.shardWaits.remove(w.shard);
  }

  /** Ends a Worker-held connection's blocked command here (its socket closed). */
  cancel(waitKey: string): void {
    this.shardWaits.cancel(waitKey);
  }
}
