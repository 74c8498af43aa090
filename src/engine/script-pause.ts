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
 * Whether the running script may pause: it is a batch's own command, on a connection that can be
 * answered later (a sink), with no script paused already.
 */
export function canPause(engine: CtxEngine, ctx: Ctx): boolean {
  return (
    engine.depth === 1 && !engine.retrying && !engine.busyScript && engine.sinks.has(ctx.conn.id)
  );
}

/** Makes `busy` the paused script: its connection waits as a blocked client (BLOCKED). */
export function pause(engine: CtxEngine, ctx: Ctx, busy: BusyScript): Reply {
  engine.busyScript = busy;
  waitForScript(engine, engine.dialect, ctx.conn, []);
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
  if (engine.held.length) releaseEvents(engine);
  // A connection that closed meanwhile has no waiter left: the reply has nowhere to go.
  engine.wake.unblock(busy.conn.id, now, r);
  releaseHeld(engine, now);
  if (engine.wake.hasReady()) engine.wake.serveReady(now);
  for (const s of engine.dbs.all()) s.endBatch();
  return false;
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
