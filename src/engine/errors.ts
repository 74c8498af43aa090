// The error catalogue (spec §4.1, §10.7). Each error carries a code and its canonical text;
// codecs render it for their wire format in their encoder and nowhere else (spec §4.2).

import {
  KEY_MAX_BYTES,
  PIPELINE_MAX_COMMANDS,
  HTTP_BODY_MAX_BYTES,
  HTTP_ANSWER_MAX_BYTES,
  HTTP_REPLY_MAX_BYTES,
  REPLY_MAX_BYTES,
} from "../limits.ts";

/**
 * Codes that some surface renders differently from the canonical text.
 * Everything else is "ERR" (rendered as its text everywhere).
 */
export type ErrorCode =
  | "ERR"
  | "WRONGTYPE"
  | "OOM"
  | "NOAUTH"
  | "WRONGPASS"
  | "NOPERM"
  | "EXECABORT"
  | "NOPROTO"
  | "UNAVAILABLE"
  | "INTERNAL"
  | "CROSSSLOT"
  | "UNBLOCKED"
  | "BUSY"
  | "NOTBUSY"
  | "UNKILLABLE";

/** A command failure with its canonical text (e.g. "ERR syntax error"). */
export class CommandError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, text: string) {
    super(text);
    this.code = code;
  }
}

/** A command refused before it really ran (Redis's processCommand): a rejected call in the stats. */
export class Rejection extends CommandError {}

const err = (text: string) => new CommandError("ERR", text);

export const Errors = {
  wrongType: () =>
    new CommandError(
      "WRONGTYPE",
      "WRONGTYPE Operation against a key holding the wrong kind of value",
    ),
  notInteger: () => err("ERR value is not an integer or out of range"),
  notFloat: () => err("ERR value is not a valid float"),
  overflow: () => err("ERR increment or decrement would overflow"),
  decrOverflow: () => err("ERR decrement would overflow"),
  nanOrInf: () => err("ERR increment would produce NaN or Infinity"),
  hashNotInteger: () => err("ERR hash value is not an integer"),
  hashNotFloat: () => err("ERR hash value is not a float"),
  syntax: () => err("ERR syntax error"),
  noSuchKey: () => err("ERR no such key"),
  indexOutOfRange: () => err("ERR index out of range"),
  offsetOutOfRange: () => err("ERR offset is out of range"),
  invalidCursor: () => err("ERR invalid cursor"),
  mustBePositive: () => err("ERR value is out of range, must be positive"),
  invalidExpire: (cmd: string) => err(`ERR invalid expire time in '${cmd}' command`),
  arity: (cmd: string) => err(`ERR wrong number of arguments for '${cmd}' command`),
  unknownCommand: (text: string) => err(text),
  unknownSubcommand: (sub: string, cmd: string) =>
    err(`ERR unknown subcommand '${sub}'. Try ${cmd.toUpperCase()} HELP.`),
  oom: () => new CommandError("OOM", "OOM command not allowed when used memory > 'maxmemory'."),
  /** A write while min-replicas-to-write asks for replicas (there are none here). */
  noReplicas: () => new Rejection("ERR", "NOREPLICAS Not enough good replicas to write."),
  noAuth: () => new CommandError("NOAUTH", "NOAUTH Authentication required."),
  wrongPass: () =>
    new CommandError("WRONGPASS", "WRONGPASS invalid username-password pair or user is disabled."),
  badToken: () => new CommandError("WRONGPASS", "WRONGPASS invalid or missing auth token"),
  noPerm: (cmd: string) =>
    new CommandError("NOPERM", `NOPERM this user has no permissions to run the '${cmd}' command`),
  keyTooLarge: () => err(`ERR key too large (max ${KEY_MAX_BYTES} bytes)`),
  valueTooLarge: (max: number) => err(`ERR value too large (max ${max} bytes)`),
  bodyTooLarge: () => err(`ERR request body too large (max ${HTTP_BODY_MAX_BYTES} bytes)`),
  tooManyCommands: () => err(`ERR too many commands in one request (max ${PIPELINE_MAX_COMMANDS})`),
  unavailable: () => new CommandError("UNAVAILABLE", "ERR service temporarily unavailable, retry"),
  internal: () => new CommandError("INTERNAL", "ERR internal error"),
  replyLimit: () =>
    err(
      `ERR reply limit: replies to one request passed ${REPLY_MAX_BYTES} bytes (${HTTP_REPLY_MAX_BYTES} over HTTP); command not run (send fewer per request)`,
    ),
  replyTooLarge: (max = HTTP_ANSWER_MAX_BYTES) =>
    err(
      `ERR reply too large to return (max ${max} bytes); the request ran (ask for less per request)`,
    ),
  execAbort: () =>
    new CommandError("EXECABORT", "EXECABORT Transaction discarded because of previous errors."),
  noProto: () => new CommandError("NOPROTO", "NOPROTO unsupported protocol version"),
  /** Another client's command while a script runs past busy-reply-threshold (EVAL's wording). */
  busyEval: () =>
    new CommandError(
      "BUSY",
      "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
    ),
  /** The same while a function (FCALL) runs. */
  busyFunction: () =>
    new CommandError(
      "BUSY",
      "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.",
    ),
  notBusy: () => new CommandError("NOTBUSY", "NOTBUSY No scripts in execution right now."),
  unkillable: () =>
    new CommandError(
      "UNKILLABLE",
      "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.",
    ),
  /** What a client reads when CLIENT UNBLOCK … ERROR ends its wait. */
  unblocked: () => new CommandError("UNBLOCKED", "UNBLOCKED client unblocked via CLIENT UNBLOCK"),
  crossSlot: () =>
    new CommandError("CROSSSLOT", "CROSSSLOT Keys in request don't hash to the same slot"),
  minMaxNotFloat: () => err("ERR min or max is not a float"),
  minMaxNotLex: () => err("ERR min or max not valid string range item"),
  custom: (text: string) => err(text),
  // Streams' deletion policies (t_stream.c, Redis 8.2)
  numIdsPositive: () => err("ERR Number of IDs must be a positive integer"),
  numIdsMismatch: () => err("ERR The `numids` parameter must match the number of arguments"),
  idsRequired: () => err("ERR IDS option is required"),
  xtrimNoStrategy: () => err("ERR syntax error, XTRIM must be called with a trimming strategy"),
  // Bitmaps and bitfields (bitops.c)
  bitOffset: () => err("ERR bit offset is not an integer or out of range"),
  bitValue: () => err("ERR bit is not an integer or out of range"),
  bitArgument: () => err("ERR The bit argument must be 1 or 0."),
  bitfieldType: () =>
    err(
      "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.",
    ),
  bitfieldOverflow: () => err("ERR Invalid OVERFLOW type specified"),
  bitfieldReadOnly: () => err("ERR BITFIELD_RO only supports the GET subcommand"),
  bitopNotArity: () => err("ERR BITOP NOT must be called with a single source key."),
  /** Redis 8.2's DIFF, DIFF1 and ANDOR need X and at least one Y. */
  bitopTwoSources: (op: string) =>
    err(`ERR BITOP ${op} must be called with at least two source keys.`),
  stringTooLong: () => err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"),
  // HyperLogLog (hyperloglog.c)
  notHll: () =>
    new CommandError("WRONGTYPE", "WRONGTYPE Key is not a valid HyperLogLog string value."),
  hllCorrupt: () => err("INVALIDOBJ Corrupted HLL object detected"),
  hllNoKey: () => err("ERR The specified key does not exist"),
  hllNotSparse: () => err("ERR HLL encoding is not sparse"),
  pfdebugUnknown: (sub: string) => err(`ERR Unknown PFDEBUG subcommand '${sub}'`),
  // Client-side caching (networking.c clientCommand, tracking.c)
  trackingOneRedirect: () => err("ERR A client can only redirect to a single other client"),
  trackingNoRedirectTarget: () => err("ERR The client ID you want redirect to does not exist"),
  trackingPrefixNeedsBcast: () => err("ERR PREFIX option requires BCAST mode to be enabled"),
  trackingBcastSwitch: () =>
    err(
      "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
    ),
  trackingOptBcast: () => err("ERR OPTIN and OPTOUT are not compatible with BCAST"),
  trackingOptBoth: () => err("ERR You can't specify both OPTIN mode and OPTOUT mode"),
  trackingOptSwitch: () =>
    err(
      "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
    ),
  trackingPrefixOverlapsExisting: (p: string, q: string) =>
    err(
      `ERR Prefix '${p}' overlaps with an existing prefix '${q}'. Prefixes for a single client must not overlap.`,
    ),
  trackingPrefixOverlapsOther: (p: string, q: string) =>
    err(
      `ERR Prefix '${p}' overlaps with another provided prefix '${q}'. Prefixes for a single client must not overlap.`,
    ),
  cachingNotTracking: () =>
    err(
      "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
    ),
  cachingYesNotOptin: () =>
    err("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode."),
  cachingNoNotOptout: () =>
    err("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."),
};
