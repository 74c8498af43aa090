// A shard's blocked calls (namespace-object.ts runShard): the blocking commands that Worker-held
// connections of a sharded namespace are waiting on here. The shard keeps them so that the
// Worker can end one (its socket closed: cancelShardWait), answer one from another connection
// (CLIENT UNBLOCK), list them (CLIENT LIST flags=b), and so that a wait whose caller has gone
// away is dropped: a call with a lease is served only while its caller keeps renewing it
// (renewShardWait), because a Worker whose isolate dies says nothing to the shard. The lease's
// own timer is the call's (namespace-object.ts runWaiting).

import type { ConnState } from "../engine/conn-state.ts";

/** One blocked call. */
export interface ShardWait {
  /** The context the call runs under here (its own negative id: no socket of the shard has it). */
  readonly local: ConnState;
  /** The caller's client id (0: an HTTP request, which no CLIENT command can name). */
  readonly clientId: number;
  /** The caller's key for cancellation and renewal. */
  readonly waitKey: string | undefined;
  /** How long a renewal keeps the wait (ms); 0: no lease, the wait lasts as long as the call. */
  readonly leaseMs: number;
  /** Unix ms until which the caller is taken to be there (Infinity without a lease). */
  leaseUntil: number;
  /** Ends the wait without an answer (nothing popped); the call answers what it has. */
  readonly stop: (why?: Error) => void;
}

/** Why a leased call ends when its caller stopped renewing (the caller, if any, closes). */
export class LeaseExpired extends Error {
  constructor() {
    super("shard wait lease expired: its caller stopped renewing it");
  }
}

export class ShardWaits {
  private readonly byLocal = new Map<number, ShardWait>();

  /** Registers a blocked call. */
  add(w: ShardWait): void {
    this.byLocal.set(w.local.id, w);
  }

  /** Forgets a call that ended. */
  remove(w: ShardWait): void {
    if (this.byLocal.get(w.local.id) === w) this.byLocal.delete(w.local.id);
  }

  /** Ends the waits of a caller (its socket closed); nothing is popped for them. */
  cancel(waitKey: string): void {
    for (const w of [...this.byLocal.values()]) if (w.waitKey === waitKey) w.stop();
  }

  /** Extends the leases of a caller's waits; false when it has none here. */
  renew(waitKey: string, now: number): boolean {
    let found = false;
    for (const w of this.byLocal.values()) {
      if (w.waitKey !== waitKey) continue;
      found = true;
      if (w.leaseMs > 0 && w.leaseUntil > now) w.leaseUntil = now + w.leaseMs;
    }
    return found;
  }

  /** The wait of a caller's client id (CLIENT UNBLOCK), if it waits here. */
  ofClient(clientId: number): ShardWait | undefined {
    if (clientId <= 0) return undefined;
    for (const w of this.byLocal.values()) if (w.clientId === clientId) return w;
    return undefined;
  }

  /**
   * The waiting connections as their callers know them (CLIENT LIST): their own client ids;
   * those `blocked` says still wait.
   */
  contexts(blocked: (local: ConnState) => boolean): ConnState[] {
    const out: ConnState[] = [];
    for (const w of this.byLocal.values())
      if (w.clientId > 0 && blocked(w.local))
        out.push({ ...w.local, id: w.clientId, subs: null, tracking: null });
    return out;
  }
}
