// Engine.run's body (engine.ts): what a batch does around its commands. The clocks are set and
// due keys purged (not under a paused script, which sees the keyspace as it left it), blocked
// clients past their timeout answered, a batch held while a script is paused, then the loop
// (batch-loop.ts), tracking's pushes, QUIT's end of the connection and the stores' compaction.

import { endTracking, runItems } from "./batch-loop.ts";
import type { Deferral } from "./batch-loop.ts";
import type { BatchItem, Dialect } from "./command.ts";
import type { CtxEngine } from "./command-table.ts";
import type { ConnState } from "./conn-state.ts";
import type { Reply } from "./reply.ts";
import { holdForScript } from "./script-pause.ts";

/** Runs a batch for `conn` (Engine.run): one reply per item, or none while a script holds it. */
export function runBatch(
  engine: CtxEngine,
  dialect: Dialect,
  conn: ConnState,
  items: readonly BatchItem[],
  now: number,
  replyMax: number,
  deferral?: Deferral,
): Reply[] {
  const started = performance.now();
  engine.cmdStats.tick(now, engine.stats.commands);
  const stores = engine.dbs.all();
  // A paused script sees the keyspace as it left it: nothing expires under it.
  for (let i = 0; i < stores.length && !engine.busyScript; i++) {
    stores[i]!.setClock(now);
    stores[i]!.purgeExpired(now);
  }
  if (engine.blocking.size) engine.wake.expire(now);
  if (engine.busyScript && holdForScript(engine, dialect, conn, items, now)) return [];
  const replies = runItems(engine, dialect, conn, items, now, replyMax, deferral);
  if (engine.dbs.shared.observer !== null) endTracking(engine, conn, replies);
  // QUIT: gone for everyone at once, as Redis frees the client after the reply (a redirect to
  // it breaks, its subscriptions end) however late the door learns the socket closed.
  if (conn.closing && engine.sinks.has(conn.id)) engine.detach(conn);
  for (let i = 0; i < stores.length; i++) stores[i]!.endBatch();
  engine.cmdStats.busyMs += performance.now() - started;
  return replies;
}
