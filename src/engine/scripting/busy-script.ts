// A busy script (Redis's timed-out script): an EVAL or FCALL that a batch of a connection with a
// sink started runs in a Lua coroutine that yields every LUA_HOOK_EVERY instructions
// (LuaRunner.start). Its command then answers BLOCKED: the connection waits as a blocked client
// does, and the host resumes the script slice by slice (Engine.resumeScript) after letting its
// event loop turn. Meanwhile the host holds other clients' batches while the script is under
// busy-reply-threshold (they simply wait, as in Redis) and runs them past it: every command but
// those Redis flags allow-busy is refused with BUSY, and SCRIPT KILL / FUNCTION KILL can stop a
// script that has not written. Nothing else runs between the script's calls, and the host
// commits its writes once, when it ends.

import { execAbort, queueingError } from "../multi-errors.ts";
import type { ConnState } from "../conn-state.ts";
import { Errors } from "../errors.ts";
import { R } from "../reply.ts";
import type { ErrorReply, Reply } from "../reply.ts";

/** The paused script of an engine (Engine.busyScript). */
export interface BusyScript {
  readonly conn: ConnState;
  /** EVAL/EVALSHA (SCRIPT KILL stops it) or a function (FUNCTION KILL does). */
  readonly isEval: boolean;
  /** The function's name, or the script's SHA-1 (FUNCTION STATS running_script). */
  readonly name: string;
  /** The command that started it (FUNCTION STATS). */
  readonly argv: readonly string[];
  /** Unix ms when it started (the batch's clock). */
  readonly startedAt: number;
  /** Runs its next slice: the reply, or null while it is still paused. */
  resume(): Reply | null;
  /** True once it has written (SCRIPT KILL refuses then: UNKILLABLE). */
  wrote(): boolean;
  /** Makes its next slice end it with Redis's "Script killed by user" error. */
  kill(): void;
  /**
   * What the connection is answered once the script ended with `r`, when the script was not the
   * batch's own command: EXEC goes on with the rest of its queue (transactions.ts). It may return
   * BLOCKED when a later script of that queue pauses in turn.
   */
  after?: (r: Reply, now: number) => Reply;
}

/** Commands Redis 7.0 runs while a script is busy (its allow-busy flag), by command name. */
const BUSY_ALLOWED = new Set([
  "auth",
  "discard",
  "function|kill",
  "function|stats",
  "hello",
  "multi",
  "quit",
  "replconf",
  "reset",
  "script|kill",
  "shutdown",
  "unwatch",
  "watch",
]);

/**
 * The refusal of a command while `busy` runs, else null (Redis processCommand's check):
 * in MULTI it fails the transaction, and EXEC ends it with EXECABORT naming BUSY.
 */
export function busyRefusal(busy: BusyScript, conn: ConnState, name: string): ErrorReply | null {
  if (BUSY_ALLOWED.has(name)) return null;
  const e = busy.isEval ? Errors.busyEval() : Errors.busyFunction();
  if (name === "exec") return execAbort(conn, e.message);
  return queueingError(conn, e);
}

/** SCRIPT KILL (`isEval`) or FUNCTION KILL: OK, or Redis's refusal (scriptKill in script.c). */
export function killBusyScript(busy: BusyScript | null, isEval: boolean): Reply {
  if (!busy) throw Errors.notBusy();
  if (busy.wrote()) throw Errors.unkillable();
  if (isEval && !busy.isEval) throw Errors.busyFunction();
  if (!isEval && busy.isEval) throw Errors.busyEval();
  busy.kill();
  return R.OK;
}

/** True while other clients' batches should wait for `busy` rather than be answered BUSY. */
export function busyHolds(busy: BusyScript, thresholdMs: number, now: number): boolean {
  return now - busy.startedAt < thresholdMs;
}
