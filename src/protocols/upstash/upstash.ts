// Upstash-compatible REST (spec §11): request parsing (upstash-request.ts), reply rendering
// (upstash-reply.ts), and the up-front checks of a `/multi-exec` transaction (§11.5).
// Import everything Upstash from here.

import { byteLength } from "../../engine/bytes.ts";
import { Flag, keyIndexes } from "../../engine/command-table.ts";
import type { CommandTable } from "../../engine/command-table.ts";
import { asciiLower } from "../../engine/ascii.ts";
import { takesBulkValues, unknownCommandText } from "../../engine/command-checks.ts";
import { Errors } from "../../engine/errors.ts";
import { KEY_MAX_BYTES, PROTO_MAX_BULK_LEN } from "../../limits.ts";
import type { Argv } from "./upstash-request.ts";

export {
  UPSTASH_ERRORS,
  commandFromJson,
  parseCommandBody,
  parsePathCommand,
  parsePipelineBody,
  percentDecode,
  responseOptions,
  type Argv,
  type Parsed,
  type ResponseOptions,
} from "./upstash-request.ts";
export {
  envelopeJson,
  envelopesJson,
  errorJson,
  errorStatus,
  replyJson,
  replyStatus,
} from "./upstash-reply.ts";

/** Refusal text for a command that cannot be part of a `/multi-exec` transaction. */
export const NOT_IN_TRANSACTION = "ERR Command not allowed inside a transaction";

/**
 * Connection commands refused in `/multi-exec` besides the transaction commands themselves
 * (flag NOTX: MULTI EXEC DISCARD WATCH UNWATCH). They act on the connection, not the data, and
 * QUIT/RESET would act at once inside the MULTI that wraps the transaction. PING, ECHO, CLIENT
 * and COMMAND are harmless and allowed.
 */
const CONNECTION_REFUSED = new Set(["auth", "hello", "quit", "reset", "select"]);

/** Transaction check settings: the token's scope and the configured VALUE_MAX_BYTES. */
export interface TransactionCheck {
  readonly readonly: boolean;
  readonly valueMax: number;
}

/**
 * The first failure among a transaction's commands, or null when all pass (spec §11.5). Checks
 * each command in order as the dispatcher would queue it (spec §10.2: name, arity, key and
 * value sizes, read-only scope), with the transaction refusal after the arity check.
 */
export function transactionError(
  table: CommandTable,
  commands: readonly Argv[],
  opts: TransactionCheck,
): string | null {
  for (const argv of commands) {
    const name = asciiLower(argv[0]!);
    const spec = table.lookup("redis", name);
    if (!spec) return unknownCommandText(argv);
    if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity)
      return Errors.arity(spec.name).message;
    if (spec.flags & Flag.NOTX || CONNECTION_REFUSED.has(spec.name)) return NOT_IN_TRANSACTION;
    const keys = keyIndexes(spec, argv.length);
    for (const i of keys)
      if (byteLength(argv[i]!) > KEY_MAX_BYTES) return Errors.keyTooLarge().message;
    // A string, member, field or element may be up to proto-max-bulk-len (the engine checks the
    // namespace's own setting when the transaction is queued); JSON documents up to VALUE_MAX_BYTES.
    const strings = takesBulkValues(spec);
    const max = strings ? PROTO_MAX_BULK_LEN : opts.valueMax;
    if (spec.flags & Flag.WRITE) {
      for (let i = 1; i < argv.length; i++) {
        if (!keys.includes(i) && byteLength(argv[i]!) > max)
          return strings ? Errors.stringTooLong().message : Errors.valueTooLarge(max).message;
      }
    }
    if (opts.readonly && spec.flags & (Flag.WRITE | Flag.ADMIN)) return Errors.noPerm(name).message;
  }
  return null;
}
