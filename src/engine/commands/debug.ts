// DEBUG as far as it is harmless (Redis 7.0.15 debug.c): OBJECT, SLEEP, and the test helpers
// that change nothing here; crashes, reloads and replication tricks are refused.

import { asciiLower } from "../ascii.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import type { Deque } from "../deque.ts";
import type { Entry } from "../entry.ts";
import { Errors } from "../errors.ts";
import { encodingOf } from "../object-encoding.ts";
import { serializedLength } from "../rdb-write.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { LIST_NODE_MAX_BYTES } from "../../limits.ts";
import { refcount } from "./object-memory.ts";

const DEBUG_HELP = [
  "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CHANGE-REPL-ID",
  "    Accepted; there is no replication here.",
  "JMAP",
  "    Accepted; nothing to dump.",
  "OBJECT <key>",
  "    Show low level info about `key` and associated value.",
  "SET-ACTIVE-EXPIRE <0|1>",
  "    Accepted; keys always expire on access and in the background.",
  "SLEEP <seconds>",
  "    Answers at once (this server does not stall its connections).",
  "HELP",
  "    Prints this help.",
];

/** DEBUG OBJECT's status line (debug.c), with a stable pseudo address. */
function debugObject(ctx: Ctx, e: Entry): string {
  const addr = `0x${(0x7f0000000000 + Math.abs(e.created) * 64).toString(16)}`;
  const idle = ctx.store.idleSeconds(e, ctx.now);
  const lru = (Math.floor(ctx.now / 1000) - idle) & 0xffffff;
  let extra = "";
  if (e.type === "list") {
    const d = e.value as Deque;
    const nodes = Math.max(1, Math.ceil((e.size + d.length * 3) / LIST_NODE_MAX_BYTES));
    const raw = e.size + d.length * 3 + 7;
    extra =
      ` ql_nodes:${nodes} ql_avg_node:${(d.length / nodes).toFixed(2)}` +
      ` ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:${raw}`;
  }
  return (
    `Value at:${addr} refcount:${refcount(e)} encoding:${encodingOf(e)} ` +
    `serializedlength:${serializedLength(e)} lru:${lru} lru_seconds_idle:${idle}${extra}`
  );
}

function debug(ctx: Ctx, argv: readonly string[]): Reply {
  const sub = asciiLower(argv[1]!);
  switch (sub) {
    case "help":
      return R.array(DEBUG_HELP.map(R.status));
    case "object": {
      if (argv.length !== 3) break;
      const e = ctx.store.get(argv[2]!);
      if (!e) throw Errors.noSuchKey();
      return R.status(debugObject(ctx, e));
    }
    case "sleep":
      if (argv.length !== 3) break;
      return R.OK;
    case "change-repl-id":
    case "jmap":
      if (argv.length !== 2) break;
      return R.OK;
    case "set-active-expire":
      if (argv.length !== 3) break;
      return R.OK;
    default:
      throw Errors.custom(
        `ERR DEBUG ${argv[1]} is not supported here: only DEBUG OBJECT, SLEEP, CHANGE-REPL-ID, JMAP and SET-ACTIVE-EXPIRE are. Try DEBUG HELP.`,
      );
  }
  throw Errors.custom(
    `ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try DEBUG HELP.`,
  );
}

/** DEBUG. */
export const debugCommands: readonly CommandSpec[] = [
  command("debug", -2, "aslt", null, debug, {
    // DEBUG OBJECT runs where its key lives; the keyless subcommands anywhere.
    keysOf: (argv) => (argv.length === 3 && asciiLower(argv[1]!) === "object" ? [2] : []),
    doc: {
      summary: "A container for debugging commands",
      group: "server",
      since: "1.0.0",
      params: "subcommand [arguments]",
      differs:
        "Only OBJECT, SLEEP (answers at once), CHANGE-REPL-ID, JMAP and SET-ACTIVE-EXPIRE; the rest (crashes, reloads, replication) is refused.",
    },
  }),
];
