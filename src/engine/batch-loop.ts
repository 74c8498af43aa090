// The engine's batch loop (Engine.run's inside): a batch's commands in order, the pushes its own
// commands cause held for the reply that caused them, CLIENT REPLY OFF/SKIP, the invalidations
// of CLIENT TRACKING, and the stop at a command that blocks.

import type { BatchItem, Dialect } from "./command.ts";
import type { Ctx } from "./command-table.ts";
import type { ConnState } from "./conn-state.ts";
import { BLOCKED } from "./blocked-clients.ts";
import { queueingError } from "./multi-errors.ts";
import { dispatchWith } from "./command-execution.ts";
import type { CtxEngine } from "./command-table.ts";
import { Errors } from "./errors.ts";
import type { CommandError } from "./errors.ts";
import { R, replyBytes } from "./reply.ts";
import type { Reply } from "./reply.ts";

/**
 * Where a run that stops at its reply budget leaves the commands it did not run (a socket door
 * runs them in a following turn, so every command gets its real reply while other clients are
 * served between the turns).
 */
export interface Deferral {
  rest: readonly BatchItem[];
}

/**
 * A batch's commands in order, inside run's bracket. A command that blocks ends the list here:
 * the rest wait with it (Blocking), as Redis reads nothing more from a blocked client. Past
 * `replyMax`, the rest are refused with the reply-limit error, or, given `deferral`, left there.
 */
export function runItems(
  engine: CtxEngine,
  dialect: Dialect,
  conn: ConnState,
  items: readonly BatchItem[],
  now: number,
  replyMax = Infinity,
  deferral?: Deferral,
): Reply[] {
  const replies: Reply[] = [];
  const waiting = engine.blocking.of(conn.id);
  if (waiting) {
    waiting.pending.push(...items);
    return replies;
  }
  // One context for the whole batch: handlers never keep it.
  const ctx: Ctx = { engine, store: engine.dbs.get(conn.db), conn, now };
  engine.dialect = dialect;
  const outer = engine.running;
  const held: Reply[] = [];
  engine.running = { id: conn.id, held };
  try {
    runLoop(engine, dialect, ctx, items, now, replyMax, replies, held, deferral);
  } finally {
    engine.running = outer;
  }
  // Pushes after the last reply (a woken client's command published to us) follow it.
  if (held.length) {
    const last = replies.length - 1;
    if (last >= 0) replies[last] = R.seq([replies[last]!, ...held]);
    else engine.sinks.get(conn.id)?.deliver(held);
  }
  return replies;
}

/** runItems' loop: `held` pushes for the batch's connection join the next reply. */
function runLoop(
  engine: CtxEngine,
  dialect: Dialect,
  ctx: Ctx,
  items: readonly BatchItem[],
  now: number,
  replyMax: number,
  replies: Reply[],
  held: Reply[],
  deferral: Deferral | undefined,
): void {
  const { conn } = ctx;
  const tracking = engine.tracking;
  let bytes = 0;
  // One error for every command past the limit: a thousand stack captures cost milliseconds.
  let limit: CommandError | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    let r: Reply;
    if (bytes > replyMax && deferral) {
      deferral.rest = items.slice(i);
      break;
    }
    if (bytes > replyMax) r = queueingError(conn, (limit ??= Errors.replyLimit()));
    else {
      const mode = conn.replyMode;
      const outer = tracking.current;
      tracking.current = conn;
      r = "argv" in item ? dispatchWith(engine, dialect, ctx, item) : item.reply;
      tracking.current = outer;
      if (conn.tracking?.caching && "argv" in item) tracking.endCaching(conn, item.argv);
      if (r === BLOCKED) {
        engine.blocking.of(conn.id)!.pending = items.slice(i + 1);
        if (tracking.pending.length) deliverPending(engine, conn);
        // Under a paused script, blocked clients are served once it has ended (script-pause.ts).
        if (!engine.busyScript) engine.wake.serveReady(now);
        break;
      }
      if (mode !== "on") r = replyModeStep(conn, mode, r);
      // Pushes are sent whatever CLIENT REPLY says, as Redis does.
      if (held.length) r = R.seq(r.k === "none" ? held.splice(0) : [...held.splice(0), r]);
      // Invalidations of the keys this command changed follow its reply (Redis: after call()).
      if (tracking.pending.length) r = tracking.withPending(r);
      if (replyMax !== Infinity) bytes += replyBytes(r);
    }
    replies.push(r);
    if (!engine.busyScript && engine.wake.hasReady()) engine.wake.serveReady(now);
    if (conn.closing) break;
  }
}

/** Replies for a connection outside its batch (its sink); false when it has none. */
export function deliverTo(engine: CtxEngine, id: number, replies: readonly Reply[]): boolean {
  const sink = engine.sinks.get(id);
  if (!sink) return false;
  if (engine.running?.id === id) engine.running.held.push(...replies);
  else sink.deliver(replies);
  return true;
}

/** CLIENT REPLY OFF/SKIP: the reply a command sends while one is in effect (none). */
function replyModeStep(conn: ConnState, before: ConnState["replyMode"], r: Reply): Reply {
  // Pushes (subscribe confirmations) are sent regardless, as Redis 7's CLIENT_PUSHING does.
  if (r.k === "push" || r.k === "seq") {
    if (before === "skip" && conn.replyMode === "skip") conn.replyMode = "on";
    return r;
  }
  if (before === "skip") {
    if (conn.replyMode === "skip") conn.replyMode = "on";
    return R.NONE;
  }
  return before === "off" && conn.replyMode === "on" ? r : R.NONE;
}

// ---- client-side caching (CLIENT TRACKING) ------------------------------------------------

/**
 * End of a batch with tracking on: BCAST invalidations and the table limit; what that sends the
 * batch's own connection follows its replies.
 */
export function endTracking(engine: CtxEngine, conn: ConnState, replies: Reply[]): void {
  const tracking = engine.tracking;
  tracking.current = conn;
  tracking.endBatch(engine.params.get("tracking-table-max-keys"));
  tracking.current = null;
  if (!tracking.pending.length) return;
  const last = replies.length - 1;
  if (last >= 0) replies[last] = tracking.withPending(replies[last]!);
  else deliverPending(engine, conn);
}

/** Sends the pushes pending for `conn` now (held if its batch is running). */
export function deliverPending(engine: CtxEngine, conn: ConnState): void {
  deliverTo(engine, conn.id, engine.tracking.pending.splice(0));
}
