// The two error replies that change a connection's MULTI state: a refused command fails the
// transaction, a refused EXEC discards it. Apart from command-checks.ts so that busy-script.ts,
// which the engine's interface names, need not import the command table.

import type { ConnState } from "./conn-state.ts";
import { CommandError } from "./errors.ts";
import { R } from "./reply.ts";
import type { ErrorReply } from "./reply.ts";

/** An error reply that, inside MULTI, also fails the transaction (EXECABORT at EXEC). */
export function queueingError(conn: ConnState, e: CommandError): ErrorReply {
  if (conn.multi) conn.multiFailed = true;
  return R.error(e);
}

/**
 * EXEC refused before it runs (arity, auth): Redis discards the transaction and the WATCHed keys
 * and names the reason after "EXECABORT Transaction discarded because of: " (no "ERR " prefix).
 */
export function execAbort(conn: ConnState, reason: string): ErrorReply {
  conn.multi = null;
  conn.multiFailed = false;
  conn.watch = null;
  const why = reason.startsWith("ERR ") ? reason.slice(4) : reason;
  return R.error(
    new CommandError("EXECABORT", `EXECABORT Transaction discarded because of: ${why}`),
  );
}
