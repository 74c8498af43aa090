// How client-side caching invalidations reach their clients (tracking.ts's Tracking extends it):
// a RESP3 push to the tracking client, or to its redirect target (a RESP3 push, or a message on
// __redis__:invalidate to a RESP2 subscriber); the running command's own connection gets them
// after its reply, as Redis's tracking_pending_keys holds them.

import type { ConnState } from "./conn-state.ts";
import { subscriptionCount } from "./conn-state.ts";
import { R } from "./reply.ts";
import type { Reply } from "./reply.ts";

const INVALIDATE = R.bulk("invalidate");
const MESSAGE = R.bulk("message");
/** Where RESP2 connections receive redirected invalidations (Redis's TrackingChannelName). */
export const INVALIDATE_CHANNEL = "__redis__:invalidate";
const CHANNEL = R.bulk(INVALIDATE_CHANNEL);
const REDIR_BROKEN = R.bulk("tracking-redir-broken");

export class InvalidationSender {
  /**
   * The connection whose command is running, null between commands: what it is sent meanwhile
   * waits in `pending` until its reply has gone (Redis's tracking_pending_keys).
   */
  current: ConnState | null = null;
  readonly pending: Reply[] = [];
  /** Attached connections by id (redirect targets). */
  protected readonly conns: ReadonlyMap<number, ConnState>;
  /** Sends replies to a connection outside its batch (Engine.deliverTo). */
  private readonly deliver: (id: number, replies: readonly Reply[]) => boolean;

  constructor(
    conns: ReadonlyMap<number, ConnState>,
    deliver: (id: number, replies: readonly Reply[]) => boolean,
  ) {
    this.conns = conns;
    this.deliver = deliver;
  }

  /**
   * One invalidation (an array of keys, or null for all) for tracking client `c`: to itself in
   * RESP3, or to its redirect target (RESP3 push, or a RESP2 subscriber's message); a target gone
   * marks the redirect broken and, in RESP3, says so.
   */
  protected send(c: ConnState, payload: Reply): void {
    const s = c.tracking!;
    if (s.redirect === 0) {
      if (c.resp === 3) this.emit(c, R.push([INVALIDATE, payload]));
      return;
    }
    const to = this.conns.get(s.redirect);
    if (!to) {
      s.brokenRedir = true;
      if (c.resp === 3) this.emit(c, R.push([REDIR_BROKEN, R.int(s.redirect)]));
      return;
    }
    if (to.resp === 3) this.emit(to, R.push([INVALIDATE, payload]));
    else if (subscriptionCount(to)) this.emit(to, R.push([MESSAGE, CHANNEL, payload]));
  }

  /** The running command's own connection gets its pushes after its reply; others at once. */
  private emit(to: ConnState, push: Reply): void {
    if (to.id === this.current?.id) this.pending.push(push);
    else this.deliver(to.id, [push]);
  }

  /** `r` followed by the pushes pending for the running command's connection (then cleared). */
  withPending(r: Reply): Reply {
    const out = R.seq([...(r.k === "seq" ? r.v : [r]), ...this.pending]);
    this.pending.length = 0;
    return out;
  }
}
