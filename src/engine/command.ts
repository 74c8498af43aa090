// What a codec hands to the engine: one command as its argument vector.

import type { Reply } from "./reply.ts";

/** Dialects the engine serves; each has its own command names (spec §7-§11). */
export type Dialect = "redis" | "blink" | "gevent" | "lightredis";

/** A value typed on the wire (gevent `:1`, `%` dicts; Light-Redis objects), already validated. */
export type TypedArg =
  | { readonly type: "string"; readonly v: string }
  | { readonly type: "int"; readonly v: bigint }
  /** Canonical JSON text (spec §3.3) of an object or array. */
  | { readonly type: "json"; readonly text: string };

/**
 * One command. `argv[0]` is the command name as sent (case kept for error texts); the rest are
 * byte strings (src/engine/bytes.ts). `typed[i]`, when present, replaces `argv[i]` with a typed value.
 */
export interface Command {
  readonly argv: readonly string[];
  readonly typed?: readonly (TypedArg | undefined)[];
}

/** A command from its argument vector. */
export function cmd(...argv: string[]): Command {
  return { argv };
}

/** One element of a batch: a command, or a reply the codec produced itself (e.g. a parse error). */
export type BatchItem = Command | { readonly reply: Reply };
