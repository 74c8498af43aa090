// One command's way through the engine after parsing: the checks of spec §10.2, MULTI's queue,
// then execution under the memory limit (spec §3.8), which evicts or rolls the command back.

import { asciiLower } from "./ascii.ts";
import type { Command, Dialect } from "./command.ts";
import { Flag } from "./command-table.ts";
import type { CommandSpec, Ctx } from "./command-table.ts";
import { BLOCKED } from "./blocked-clients.ts";
import type { CtxEngine } from "./command-table.ts";
import { CommandError, Errors, Rejection } from "./errors.ts";
import { releaseEvents } from "./held-events.ts";
import { R, errorReplyOf, isError } from "./reply.ts";
import type { ErrorReply, Reply } from "./reply.ts";
import type { Store } from "./store.ts";
import type { EvictionPolicy } from "../limits.ts";
import { busyRefusal } from "./scripting/busy-script.ts";
import { queueingError } from "./command-checks.ts";

/** A command of a batch (or a blocked client's, run again): checked, queued in MULTI, or run. */
export function dispatchWith(engine: CtxEngine, dialect: Dialect, ctx: Ctx, c: Command): Reply {
  const conn = ctx.conn;
  engine.stats.commands++;
  conn.lastAt = ctx.now;
  const spec = engine.check(dialect, conn, c);
  if ("k" in spec) {
    engine.cmdStats.rejected(engine.table.find(dialect, c.argv[0] ?? ""), c.argv, spec);
    return spec;
  }
  // Redis's processCommand refuses a write when min-replicas-to-write wants replicas (none here).
  if (engine.noGoodReplicas && spec.flags & Flag.WRITE) {
    const refused = queueingError(conn, Errors.noReplicas());
    engine.cmdStats.rejected(spec, c.argv, refused);
    return refused;
  }
  if (engine.busyScript) {
    const refused = busyRefusal(engine.busyScript, conn, conn.lastCmd);
    if (refused) return refused;
  }
  if (conn.multi && !(spec.flags & Flag.IMMEDIATE)) {
    conn.multi.push(c);
    return R.QUEUED;
  }
  return executeCommand(engine, spec, ctx, c);
}

/** Runs a command whose checks have passed, applying the memory limit (spec §3.8). */
export function executeCommand(engine: CtxEngine, spec: CommandSpec, ctx: Ctx, c: Command): Reply {
  const store = ctx.store;
  const { maxmemory, policy } = engine.config;
  const isWrite = (spec.flags & Flag.WRITE) !== 0;
  const limited = maxmemory > 0 && isWrite && mayCross(engine, maxmemory, c.argv);
  // The limit covers every database (spec §3.8): usage is the namespace's total.
  const usageBefore = limited ? engine.dbs.usage : 0;
  const heldBefore = engine.held.length;
  store.beginCommand(limited);
  let reply: Reply;
  // Refused before it really ran (OOM, NOREPLICAS): Redis counts a rejected call, not a failed one.
  let rejected = false;
  if (engine.tracking.clients.size !== 0) engine.tracking.beforeCommand(spec, c.argv);
  engine.depth++;
  try {
    reply = spec.run(ctx, c.argv, c.typed);
  } catch (e) {
    if (store.journaling) engine.held.length = heldBefore;
    store.rollback();
    if (!(e instanceof CommandError)) console.error("blink-edge: command failed", spec.name, e);
    reply = errorReplyOf(e);
    rejected = e instanceof Rejection;
  } finally {
    engine.depth--;
  }
  if (reply === BLOCKED) {
    store.endCommand();
    return reply;
  }
  const usage = limited ? engine.dbs.usage : 0;
  if (limited && !isError(reply) && usage > maxmemory && usage > usageBefore) {
    let sizeOfWritten = 0;
    for (const k of store.written) {
      const e = store.get(k);
      if (e) sizeOfWritten += e.ksize + e.size;
    }
    // A volatile policy with no volatile key left to evict refuses like noeviction (Redis);
    // the keys it evicted from this database come back with the rollback.
    const evicted = store.stats.evicted;
    engine.evictedAt = heldBefore;
    if (
      sizeOfWritten > maxmemory ||
      policy === "noeviction" ||
      !evictOver(engine, maxmemory, store, store.written, policy)
    ) {
      store.rollback();
      store.stats.evicted = evicted;
      engine.held.length = heldBefore;
      reply = R.error(Errors.oom());
      rejected = true;
    }
  }
  store.endCommand();
  if (spec.flags & Flag.READ && engine.tracking.clients.size !== 0)
    engine.tracking.afterRead(spec, ctx.conn, c.argv);
  if (engine.held.length && engine.depth === 0) releaseEvents(engine);
  const failed = isError(reply) ? reply : null;
  if (rejected) engine.cmdStats.rejected(spec, c.argv, reply as ErrorReply);
  else engine.cmdStats.called(spec, c.argv, failed);
  if (isWrite && !failed && !store.unchanged) store.writeSeq++;
  return reply;
}

/**
 * Evicts until the namespace's total usage is within `limit`: from the other databases first
 * (the running command just used `current`), least recently used first within each.
 */
export function evictOver(
  engine: CtxEngine,
  limit: number,
  current: Store,
  keep: ReadonlySet<string>,
  policy: EvictionPolicy,
): boolean {
  const others = engine.dbs.all().filter((s) => s !== current);
  for (const s of [...others, current]) {
    const elsewhere = engine.dbs.usage - s.usage;
    if (s.evict(limit - elsewhere, s === current ? keep : new Set(), policy)) return true;
  }
  return false;
}

/** Commands whose offset argument can grow a string far past their argument bytes. */
const PADDING_COMMANDS = new Set(["setrange", "setbit", "bitfield"]);

/**
 * True when a write could take usage past `maxmemory`, so it must be journaled to be undone.
 * A command adds at most its argument bytes, a value's worth (a string grown by an offset:
 * up to proto-max-bulk-len) and a copy of data already stored (COPY, SUNIONSTORE, SORT …
 * STORE): usage * 2 + arguments + 2 values. Below that the journal (about a third of a SET's
 * engine time) is skipped: the default guard is always set, and most stores sit well under it.
 */
function mayCross(engine: CtxEngine, maxmemory: number, argv: readonly string[]): boolean {
  let floor = engine.dbs.usage * 2 + engine.valueMax * 2;
  // An offset can grow a string to proto-max-bulk-len from a few argument bytes.
  if (PADDING_COMMANDS.has(asciiLower(argv[0] ?? ""))) floor += engine.stringMax;
  if (floor > maxmemory) return true;
  let args = 0;
  for (const a of argv) args += a.length * 3; // UTF-16 units → at most 3 bytes each
  return floor + args > maxmemory;
}
