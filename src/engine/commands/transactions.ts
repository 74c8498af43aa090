// MULTI / EXEC / DISCARD / WATCH / UNWATCH (spec §10.8). EXEC runs the queue inside the batch's
// turn, so a transaction is atomic and isolated: one object runs one thing at a time.

import { asciiLower } from "../ascii.ts";
import { BLOCKED } from "../blocked-clients.ts";
import type { Command } from "../command.ts";
import { command, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import { CommandError, Errors } from "../errors.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { persistBeforeScript } from "../script-pause.ts";

function endTransaction(ctx: Ctx): void {
  ctx.conn.multi = null;
  ctx.conn.multiFailed = false;
  ctx.conn.watch = null;
}

/** True when a WATCHed key changed since WATCH (version differs, or it appeared/disappeared). */
function watchBroken(ctx: Ctx): boolean {
  for (const [key, version, db] of ctx.conn.watch ?? []) {
    const store = db === undefined ? ctx.store : ctx.engine.dbs.get(db);
    if ((store.get(key)?.version ?? -1) !== version) return true;
  }
  return false;
}

function exec(ctx: Ctx): Reply {
  const queue = ctx.conn.multi;
  if (!queue) throw new CommandError("ERR", "ERR EXEC without MULTI");
  if (ctx.conn.multiFailed) {
    endTransaction(ctx);
    throw Errors.execAbort();
  }
  if (watchBroken(ctx)) {
    endTransaction(ctx);
    return R.NILARRAY;
  }
  endTransaction(ctx);
  return runQueue(ctx, queue, 0, []);
}

/** Commands that run a script, which may pause inside EXEC. */
const SCRIPT_CALLS = new Set(["eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro"]);

/**
 * Runs the queue from `from` on, `replies` holding those before it. A script of it may pause
 * when EXEC is a batch's own command, as Redis lets a busy script in EXEC be killed: EXEC then
 * answers BLOCKED and goes on with the rest of the queue once the script ended (BusyScript.after),
 * nothing else of the keyspace running meanwhile (other clients wait, or get BUSY). What ran
 * before such an EXEC is persisted as it starts; the transaction's own writes commit whole.
 */
function runQueue(ctx: Ctx, queue: readonly Command[], from: number, replies: Reply[]): Reply {
  const engine = ctx.engine;
  const outer = engine.pauseDepth;
  if (engine.depth === 1) {
    engine.pauseDepth = 2;
    if (from === 0 && queue.some((c) => SCRIPT_CALLS.has(asciiLower(c.argv[0]!))))
      persistBeforeScript(engine);
  }
  try {
    for (let i = from; i < queue.length; i++) {
      const c = queue[i]!;
      const r = engine.execute(engine.table.find("redis", c.argv[0]!)!, ctx, c);
      if (r === BLOCKED && engine.busyScript) {
        engine.busyScript.after = (end, now) => {
          replies.push(end);
          const conn = ctx.conn;
          const next: Ctx = { engine, store: engine.dbs.get(conn.db), conn, now };
          return runQueue(next, queue, i + 1, replies);
        };
        return BLOCKED;
      }
      replies.push(r);
    }
  } finally {
    engine.pauseDepth = outer;
  }
  return R.array(replies);
}

/** Docs of this family's records (COMMAND DOCS, REPL help, docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  multi: {
    summary: "Mark the start of a transaction block",
    group: "transactions",
    since: "1.2.0",
    params: "",
  },
  exec: {
    summary: "Execute all commands issued after MULTI",
    group: "transactions",
    since: "1.2.0",
    params: "",
  },
  discard: {
    summary: "Discard all commands issued after MULTI",
    group: "transactions",
    since: "2.0.0",
    params: "",
  },
  watch: {
    summary: "Watch the given keys to determine execution of the MULTI/EXEC block",
    group: "transactions",
    since: "2.2.0",
    params: "key [key ...]",
  },
  unwatch: {
    summary: "Forget about all watched keys",
    group: "transactions",
    since: "2.2.0",
    params: "",
  },
};

export const transactionCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command(
    "multi",
    1,
    "ix",
    null,
    (ctx) => {
      if (ctx.conn.multi) throw new CommandError("ERR", "ERR MULTI calls can not be nested");
      ctx.conn.multi = [];
      return R.OK;
    },
    { route: { kind: "local" } },
  ),
  command("exec", 1, "ix", null, exec, { route: { kind: "exec" } }),
  command(
    "discard",
    1,
    "ix",
    null,
    (ctx) => {
      if (!ctx.conn.multi) throw new CommandError("ERR", "ERR DISCARD without MULTI");
      endTransaction(ctx);
      return R.OK;
    },
    { route: { kind: "local" } },
  ),
  command(
    "watch",
    -2,
    "ix",
    [1, -1, 1],
    (ctx, argv) => {
      if (ctx.conn.multi) throw new CommandError("ERR", "ERR WATCH inside MULTI is not allowed");
      const w = (ctx.conn.watch ??= []);
      for (let i = 1; i < argv.length; i++)
        w.push([argv[i]!, ctx.store.get(argv[i]!)?.version ?? -1, ctx.conn.db]);
      return R.OK;
    },
    { route: { kind: "watch" } },
  ),
  command(
    "unwatch",
    1,
    "x",
    null,
    (ctx) => {
      ctx.conn.watch = null;
      return R.OK;
    },
    { route: { kind: "local" } },
  ),
]);
