// The commands between databases (spec §10.6 + issue 17): MOVE and SWAPDB. SELECT is a
// connection command (connection.ts); FLUSHALL, DBSIZE and INFO keyspace are in server.ts.

import { allShards, command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { parseDbIndex } from "../databases.ts";
import { isCollection } from "../entry.ts";
import { CommandError } from "../errors.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { Notify, notifyIn } from "../keyspace-events.ts";

const SAME_OBJECT = "ERR source and destination objects are the same";

/** MOVE key db: the value and its TTL go to the other database unless the key is there already. */
function move(ctx: Ctx, argv: readonly string[]): Reply {
  const key = argv[1]!;
  const to = parseDbIndex(argv[2]!);
  const src = ctx.store;
  const dst = ctx.engine.dbs.get(to);
  if (src === dst) throw new CommandError("ERR", SAME_OBJECT);
  const e = src.get(key);
  if (!e || dst.get(key)) return R.ZERO;
  const { type, value, size, expiresAt } = e;
  src.remove(e);
  const moved = dst.create(key, type, value, size);
  if (isCollection(type)) dst.changes.rewrite(key, type);
  if (expiresAt !== 0) dst.setExpiry(moved, expiresAt);
  notifyIn(ctx, src, Notify.GENERIC, "move_from", key);
  notifyIn(ctx, dst, Notify.GENERIC, "move_to", key);
  return R.ONE;
}

/** SWAPDB a b: the two databases trade contents; connections stay on their index. */
function swapdb(ctx: Ctx, argv: readonly string[]): Reply {
  const a = parseDbIndex(argv[1]!, "ERR invalid first DB index");
  const b = parseDbIndex(argv[2]!, "ERR invalid second DB index");
  const dbs = ctx.engine.dbs;
  dbs.swap(a, b);
  ctx.engine.databasesSwapped(a, b);
  // Versions change for WATCH: a key watched in either database now reads the other's entry
  // (or none), so EXEC sees a different version unless both sides lacked the key.
  ctx.engine.select(ctx, ctx.conn.db);
  return R.OK;
}

export const databaseCommands: readonly CommandSpec[] = [
  command("move", 3, "w", [1, 1, 1], move, {
    doc: {
      summary: "Moves a key to another database.",
      group: "generic",
      since: "1.0.0",
      params: "key db",
    },
  }),
  command("swapdb", 3, "w", null, swapdb, {
    ...allShards("ok"),
    doc: {
      summary: "Swaps two Redis databases.",
      group: "server",
      since: "4.0.0",
      params: "index1 index2",
    },
  }),
];
