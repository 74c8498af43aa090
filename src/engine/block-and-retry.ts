// The engine's side of blocking commands (issue 16): a command that finds nothing makes its
// client wait (or answers at once where no one could answer later), and a waiter's command runs
// again for the key that woke it. Serving the waiters is blocked-clients.ts.

import type { Ctx } from "./command-table.ts";
import type { BlockRequest, Waiter } from "./blocking.ts";
import { BLOCKED } from "./blocked-clients.ts";
import { deliverPending } from "./batch-loop.ts";
import { dispatchWith } from "./command-execution.ts";
import type { CtxEngine } from "./command-table.ts";
import type { Reply } from "./reply.ts";

/**
 * What a blocking command returns when it found nothing: its client waits (BLOCKED) when the
 * command is a batch's own on a connection that can be answered later; inside MULTI, a script
 * or on a door without a sink it answers at once as a timeout would, as Redis does.
 */
export function blockClient(
  engine: CtxEngine,
  ctx: Ctx,
  req: BlockRequest,
  argv: readonly string[],
): Reply {
  if (engine.retrying) return BLOCKED;
  if (engine.depth !== 1) return req.timeoutReply;
  const sink = engine.sinks.get(ctx.conn.id) ?? engine.lateSink?.(ctx.conn);
  if (!sink) return req.timeoutReply;
  let wait = req.timeoutMs;
  const cap = sink.maxWaitMs;
  if (cap !== undefined && (wait === 0 || wait > cap)) wait = cap;
  engine.wake.add({
    conn: ctx.conn,
    dialect: engine.dialect,
    command: { argv: req.argv ?? argv },
    db: ctx.conn.db,
    keys: req.keys,
    type: req.type,
    deadline: wait > 0 ? ctx.now + wait : 0,
    timeoutReply: req.timeoutReply,
    retryOnGone: req.retryOnGone ?? false,
    pending: [],
  });
  return BLOCKED;
}

/** Runs a waiter's command again; BLOCKED when it still finds nothing (WakeHost.retry). */
export function retryWaiter(engine: CtxEngine, w: Waiter, key: string, now: number): Reply {
  const ctx: Ctx = { engine, store: engine.dbs.get(w.conn.db), conn: w.conn, now };
  const tracking = engine.tracking;
  const outer = tracking.current;
  tracking.current = w.conn;
  engine.retrying = true;
  engine.servingKey = key;
  let r: Reply;
  try {
    r = dispatchWith(engine, w.dialect, ctx, w.command);
  } finally {
    engine.retrying = false;
    engine.servingKey = null;
    tracking.current = outer;
  }
  if (tracking.pending.length) {
    if (r === BLOCKED) deliverPending(engine, w.conn);
    else r = tracking.withPending(r);
  }
  return r;
}
