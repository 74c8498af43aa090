// The engine's side of a busy script (src/engine/scripting/busy-script.ts): pausing the script's
// connection as a blocked client, running its next slice, and holding the batches of other
// connections that arrive while it is under busy-reply-threshold. Functions of the engine, as
// batch-loop.ts's are.

import { runItems } from "./batch-loop.ts";
import { BLOCKED } from "./blocked-clients.ts";
import type { BatchItem, Dialect } from "./command.ts";
import type { Ctx } from "./command-table.ts";
import type { ConnState } from "./conn-state.ts";
import type { CtxEngine } from "./command-table.ts";
import { Errors } from "./errors.ts";
import { releaseEvents } from "./held-events.ts";
import { R } from "./reply.ts";
import type { Reply } from "./reply.ts";
import { busyHolds } from "./scripting/busy-script.ts";
import type { BusyScript } from "./scripting/busy-script.ts";
import { BUSY_REPLY_THRESHOLD_MS } from "../limits.ts";

/** A waiter on no key: its connection waits for the busy script, `pending` run after it. */
function waitForScript(engine: CtxEngine, dialect: Dialect, conn: ConnState, pending: BatchItem[]) {
  engine.wake.add({
    conn,
    dialect,
    command: { argv: [] },
    db: conn.db,
    keys: [],
    type: null,
    deadline: 0,
    timeoutReply: R.NIL,
    retryOnGone: false,
    pending,
  });
}

/**
 * Whether the running script may pause: it is a batch's own command (or one of its own EXEC's
 * queue), on a connection that can be answered later (a sink, or the late sink of a host that
 * runs this batch for a caller who awaits it: an HTTP request, a shard call), with no script
 * paused already.
 */
export function canPause(engine: CtxEngine, ctx: Ctx): boolean {
  return (
    engine.depth === engine.pauseDepth &&
    !engine.retrying &&
    !engine.busyScript &&
    (engine.sinks.has(ctx.conn.id) || engine.lateSink !== null)
  );
}

/**
 * Before a script that may pause starts (a batch's own, or an EXEC whose queue holds one): the
 * host persists what ran before it now, since nothing is committed while a script is paused.
 */
export function persistBeforeScript(engine: CtxEngine): void {
  engine.host.persist?.();
}

/**
 * Makes `busy` the paused script: its connection waits as a blocked client (BLOCKED), unless it
 * waits already (a later script of the EXEC a first one paused). A connection that finds no sink
 * after all runs the script to its end now.
 */
export function pause(engine: CtxEngine, ctx: Ctx, busy: BusyScript): Reply {
  const conn = ctx.conn;
  if (!engine.sinks.has(conn.id) && !engine.lateSink?.(conn)) {
    let r: Reply | null;
    while ((r = busy.resume()) === null);
    return r;
  }
  engine.busyScript = busy;
  if (!engine.blocking.of(conn.id)) waitForScript(engine, engine.dialect, conn, []);
  return BLOCKED;
}

/**
 * Runs the paused script's next slice. When the script ends, its reply and the commands its
 * connection sent meanwhile go to the connection's sink, the held batches run, and clients its
 * writes readied are served. True while still paused.
 */
export function resume(engine: CtxEngine, now: number): boolean {
  const busy = engine.busyScript;
  if (!busy) return false;
  engine.depth++;
  let r: Reply | null;
  try {
    r = busy.resume();
  } catch (e) {
    // A fault of ours: the script ends with an error rather than being resumed forever.
    console.error("blink-edge: a paused script failed", e);
    r = R.error(Errors.internal());
  } finally {
    engine.depth--;
  }
  if (r === null) {
    releaseHeld(engine, now);
    return true;
  }
  engine.busyScript = null;
  if (busy.after) {
    r = finishAfter(engine, busy.after, r, now);
    // A later script of the same EXEC paused: the connection goes on waiting for it.
    if (r === BLOCKED) {
      releaseHeld(engine, now);
      return true;
    }
  }
  if (engine.held.length) releaseEvents(engine);
  // A connection that closed meanwhile has no waiter left: the reply has nowhere to go.
  engine.wake.unblock(busy.conn.id, now, r);
  releaseHeld(engine, now);
  if (engine.wake.hasReady()) engine.wake.serveReady(now);
  for (const s of engine.dbs.all()) s.endBatch();
  return false;
}

/** Runs what follows a script that was not its batch's own command (the rest of an EXEC). */
function finishAfter(
  engine: CtxEngine,
  after: NonNullable<BusyScript["after"]>,
  r: Reply,
  now: number,
): Reply {
  engine.depth++;
  try {
    return after(r, now);
  } catch (e) {
    console.error("blink-edge: the command around a paused script failed", e);
    return R.error(Errors.internal());
  } finally {
    engine.depth--;
  }
}

/** True while other clients' batches should wait for the paused script (under the threshold). */
export function holds(engine: CtxEngine, now: number): boolean {
  const busy = engine.busyScript;
  if (!busy) return false;
  const threshold = Number(engine.params.get("busy-reply-threshold") ?? BUSY_REPLY_THRESHOLD_MS);
  return busyHolds(busy, threshold, now);
}

/**
 * A batch of another connection with a sink, arriving under the threshold, waits for the script
 * (true); its replies go to the sink when it runs.
 */
export function holdForScript(
  engine: CtxEngine,
  dialect: Dialect,
  conn: ConnState,
  items: readonly BatchItem[],
  now: number,
): boolean {
  if (engine.blocking.of(conn.id) || !engine.sinks.has(conn.id) || !holds(engine, now))
    return false;
  waitForScript(engine, dialect, conn, [...items]);
  engine.scriptHeld.push(conn.id);
  return true;
}

/**
 * Runs the held batches once the script ended or passed its threshold (then they are answered
 * BUSY); one that starts a script of its own holds the rest again.
 */
function releaseHeld(engine: CtxEngine, now: number): void {
  for (const id of engine.scriptHeld.splice(0)) {
    const w = engine.blocking.of(id);
    if (!w) continue;
    if (holds(engine, now)) {
      engine.scriptHeld.push(id);
      continue;
    }
    engine.wake.stop(w);
    engine.sinks.get(id)?.deliver(runItems(engine, w.dialect, w.conn, w.pending, now));
  }
}
