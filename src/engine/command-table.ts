// The command table: name -> arity, flags, key positions and handler, per dialect.
// Arity, authentication, key/value size, scope and MULTI queueing are checked once, in the
// dispatcher (engine.ts), from these fields; a handler only does its command's own work.

import { asciiLower } from "./ascii.ts";
import type { Dialect, TypedArg } from "./command.ts";
import type { ConnState } from "./conn-state.ts";
import type { Engine } from "./engine.ts";
import type { Reply } from "./reply.ts";
import type { Store } from "./store.ts";

/** Flag bits (spec §10.6): R read, W write, A admin, C connection, N before auth, I immediate in MULTI. */
export const Flag = {
  READ: 1,
  WRITE: 2,
  ADMIN: 4,
  CONN: 8,
  NOAUTH: 16,
  IMMEDIATE: 32,
  /** Not allowed inside MULTI/EXEC over the Upstash transaction endpoint, nor in the generic Light-Redis form. */
  NOTX: 64,
} as const;

const FLAG_LETTERS: Record<string, number> = {
  r: Flag.READ,
  w: Flag.WRITE,
  a: Flag.ADMIN,
  c: Flag.CONN,
  n: Flag.NOAUTH,
  i: Flag.IMMEDIATE,
  x: Flag.NOTX,
};

/** What a handler sees. */
export interface Ctx {
  readonly engine: Engine;
  readonly store: Store;
  readonly conn: ConnState;
  /** Batch start time, Unix ms (spec §3.6). */
  readonly now: number;
}

export type Handler = (
  ctx: Ctx,
  argv: readonly string[],
  typed?: readonly (TypedArg | undefined)[],
) => Reply;

/** Which arguments are keys: first index, last index (negative counts from the end), step. */
export type KeySpec = readonly [first: number, last: number, step: number];

export interface CommandSpec {
  readonly name: string;
  readonly arity: number;
  readonly flags: number;
  readonly keys: KeySpec | null;
  readonly run: Handler;
}

/** Defines a command; `flags` is a string of letters from "rwacnix". */
export function command(
  name: string,
  arity: number,
  flags: string,
  keys: KeySpec | null,
  run: Handler,
): CommandSpec {
  let bits = 0;
  for (const c of flags) {
    const b = FLAG_LETTERS[c];
    if (b === undefined) throw new Error(`unknown flag '${c}' for ${name}`);
    bits |= b;
  }
  return { name, arity, flags: bits, keys, run };
}

/** Indexes of the key arguments of a command line. */
export function keyIndexes(spec: CommandSpec, argc: number): number[] {
  if (!spec.keys) return [];
  const [first, lastSpec, step] = spec.keys;
  const last = lastSpec < 0 ? argc + lastSpec : Math.min(lastSpec, argc - 1);
  const out: number[] = [];
  for (let i = first; i <= last; i += step) out.push(i);
  return out;
}

/** Every dialect's commands by lower-case name. */
export class CommandTable {
  private readonly byDialect = new Map<Dialect, Map<string, CommandSpec>>();
  /** Names as clients usually send them (lower and upper case), so most lookups fold nothing. */
  private readonly byUsualCase = new Map<Dialect, Map<string, CommandSpec>>();

  /** Adds a family of commands to a dialect. */
  register(dialect: Dialect, specs: readonly CommandSpec[]): this {
    let t = this.byDialect.get(dialect);
    if (!t) this.byDialect.set(dialect, (t = new Map()));
    let u = this.byUsualCase.get(dialect);
    if (!u) this.byUsualCase.set(dialect, (u = new Map()));
    for (const s of specs) {
      if (t.has(s.name)) throw new Error(`duplicate command ${dialect}:${s.name}`);
      t.set(s.name, s);
      u.set(s.name, s).set(s.name.toUpperCase(), s);
    }
    return this;
  }

  /** The spec for a name in any ASCII case (Redis's strcasecmp), if the dialect has it. */
  find(dialect: Dialect, name: string): CommandSpec | undefined {
    return this.byUsualCase.get(dialect)?.get(name) ?? this.lookup(dialect, asciiLower(name));
  }

  /** The spec for a lower-case name, if the dialect has it. */
  lookup(dialect: Dialect, name: string): CommandSpec | undefined {
    return this.byDialect.get(dialect)?.get(name);
  }

  /** Names of a dialect's commands. */
  names(dialect: Dialect): string[] {
    return [...(this.byDialect.get(dialect)?.keys() ?? [])];
  }
}
