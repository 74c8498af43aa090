// The checks of spec §10.2 that every command passes before it runs or is queued in MULTI:
// lookup, arity, RESP2 subscribed context, authentication, key and value sizes, token scope.
// Each failure is Redis's error; one while in MULTI marks the transaction failed.

import { asciiLower } from "./ascii.ts";
import { byteLength, sliceBytes } from "./bytes.ts";
import type { Command, Dialect } from "./command.ts";
import { commandName } from "./command-stats.ts";
import { Flag, keyIndexes } from "./command-table.ts";
import type { CommandSpec, CommandTable } from "./command-table.ts";
import type { ConnState } from "./conn-state.ts";
import { subscriptionCount } from "./conn-state.ts";
import { CommandError, Errors } from "./errors.ts";
import type { ErrorReply } from "./reply.ts";
import { execAbort, queueingError } from "./multi-errors.ts";
import { KEY_MAX_BYTES } from "../limits.ts";

// The sharded router reports its own queueing errors with the same helper.
export { queueingError } from "./multi-errors.ts";

/** What a RESP2 connection with subscriptions may still run (Redis's "in this context"). */
const SUBSCRIBED_CONTEXT = new Set([
  "subscribe",
  "psubscribe",
  "ssubscribe",
  "unsubscribe",
  "punsubscribe",
  "sunsubscribe",
  "ping",
  "quit",
  "reset",
]);

/** Longest name/argument prefix quoted in an unknown-command error (Redis: 128). */
const UNKNOWN_CMD_QUOTE_MAX = 128;

/** A command's spec when every check passes, else its error reply (spec §10.2). */
export function checkCommand(
  table: CommandTable,
  valueMax: number,
  dialect: Dialect,
  conn: ConnState,
  c: Command,
  stringMax: number = valueMax,
): CommandSpec | ErrorReply {
  const argv = c.argv;
  const spec = table.find(dialect, argv[0] ?? "");
  const lname = spec ? spec.name : asciiLower(argv[0] ?? "");
  conn.lastCmd = spec ? commandName(spec, argv) : lname;
  if (!spec) return queueingError(conn, Errors.unknownCommand(unknownCommandText(argv)));
  if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) {
    if (spec.name === "exec") return execAbort(conn, Errors.arity(spec.name).message);
    return queueingError(conn, Errors.arity(spec.name));
  }
  if (
    conn.resp === 2 &&
    conn.subs &&
    !SUBSCRIBED_CONTEXT.has(spec.name) &&
    subscriptionCount(conn)
  ) {
    return queueingError(
      conn,
      new CommandError(
        "ERR",
        `ERR Can't execute '${conn.lastCmd}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      ),
    );
  }
  if (!conn.authed && !(spec.flags & Flag.NOAUTH)) {
    if (spec.name === "exec") return execAbort(conn, Errors.noAuth().message);
    return queueingError(conn, Errors.noAuth());
  }
  // The Redis door takes strings, members, fields and elements (and RESTORE payloads) up to
  // proto-max-bulk-len; JSON documents and every value of the other doors stay within
  // VALUE_MAX_BYTES.
  const sizeError =
    dialect === "redis" && takesBulkValues(spec)
      ? checkSizes(spec, argv, stringMax, Errors.stringTooLong)
      : checkSizes(spec, argv, valueMax, () => Errors.valueTooLarge(valueMax));
  if (sizeError) return queueingError(conn, sizeError);
  if (conn.readonly && spec.flags & (Flag.WRITE | Flag.ADMIN)) {
    return queueingError(conn, Errors.noPerm(lname));
  }
  return spec;
}

/** Redis command groups whose values are stored in chunk rows past one SQLite row's share. */
const BULK_VALUE_GROUPS = new Set(["string", "set", "sorted-set", "hash", "list", "stream", "geo"]);

/**
 * True when a Redis-door command's value arguments may be up to proto-max-bulk-len (strings,
 * members, fields, elements, RESTORE payloads), not VALUE_MAX_BYTES (JSON documents, which are
 * stored whole in one row).
 */
export function takesBulkValues(spec: CommandSpec): boolean {
  return BULK_VALUE_GROUPS.has(spec.doc?.group ?? "") || spec.name === "restore";
}

function checkSizes(
  spec: CommandSpec,
  argv: readonly string[],
  valueMax: number,
  tooLarge: () => CommandError,
): CommandError | undefined {
  // Fast path for the common case: no argument long enough to be over any limit (a UTF-16
  // unit is at most 3 bytes, a binary string's unit 1), so no key positions to work out.
  const threshold = Math.min(KEY_MAX_BYTES, valueMax) / 3;
  let long = false;
  for (let i = 1; i < argv.length; i++) {
    if (argv[i]!.length > threshold) {
      long = true;
      break;
    }
  }
  if (!long) return undefined;
  const keys = keyIndexes(spec, argv.length);
  for (const i of keys) {
    const k = argv[i]!;
    if (k.length > KEY_MAX_BYTES / 4 && byteLength(k) > KEY_MAX_BYTES) return Errors.keyTooLarge();
  }
  if (spec.flags & Flag.WRITE) {
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i]!;
      if (a.length > valueMax / 4 && byteLength(a) > valueMax && !keys.includes(i)) {
        return tooLarge();
      }
    }
  }
  return undefined;
}

/** Redis's unknown-command text (spec §10.2 step 1). */
export function unknownCommandText(argv: readonly string[]): string {
  const name = truncateBytes(argv[0] ?? "", UNKNOWN_CMD_QUOTE_MAX);
  let args = "";
  let used = 0;
  for (let i = 1; i < argv.length && used < UNKNOWN_CMD_QUOTE_MAX; i++) {
    const part = `'${truncateBytes(argv[i]!, UNKNOWN_CMD_QUOTE_MAX - used)}' `;
    args += part;
    used += byteLength(part);
  }
  return `ERR unknown command '${name}', with args beginning with: ${args}`;
}

function truncateBytes(s: string, max: number): string {
  return byteLength(s) <= max ? s : sliceBytes(s, 0, max);
}
