// The engine's scripting runtime, made on first use: the Lua VM, the flags of cached scripts,
// and the registered functions. Compiled forms are rebuilt from the ScriptStore's persisted
// bodies (after a restart an EVALSHA of a known script compiles it again on first call).

import { byteLength } from "../bytes.ts";
import type { Ctx } from "../command-table.ts";
import { LUA_SCRIPT_MAX_BYTES } from "../../limits.ts";
import type { CtxEngine } from "../command-table.ts";
import { CommandError, Errors, Rejection } from "../errors.ts";
import type { Reply } from "../reply.ts";
import type { LoadedFunction } from "./function-loader.ts";
import { LuaRunner, PAUSED } from "./lua-runner.ts";
import { canPause, pause, persistBeforeScript } from "../script-pause.ts";
import { scriptCluster, scriptConn } from "./script-call.ts";
import type { ScriptRun } from "./script-call.ts";

/** A script's shebang flags (`#!lua flags=no-writes,...`); none for a script without shebang. */
export interface ScriptFlags {
  readonly noWrites: boolean;
  readonly shebang: boolean;
  /** No shebang, or `allow-cross-slot-keys`: may touch keys of several slots (sharded). */
  readonly crossSlot: boolean;
  readonly allowOom: boolean;
}

const SHEBANG_FLAGS = new Set([
  "no-writes",
  "allow-oom",
  "allow-stale",
  "no-cluster",
  "allow-cross-slot-keys",
  // Not in Redis 7.0 (it refuses it), but Upstash accepts it and @upstash/ratelimit sends it
  // on every script: accepted, with no effect (a script here always holds the whole object).
  "allow-key-locking",
]);

/** A registered function (FUNCTION LOAD). */
export interface RegisteredFunction {
  readonly name: string;
  readonly library: string;
  readonly flags: readonly string[];
  readonly description: string | null;
}

export class ScriptRuntime {
  readonly runner = new LuaRunner();
  /** Flags of compiled EVAL scripts by SHA-1. */
  readonly evalFlags = new Map<string, ScriptFlags>();
  /** Registered functions by name. */
  readonly functions = new Map<string, RegisteredFunction>();
  /** Loaded libraries by name: their code and functions in registration order. */
  readonly libraries = new Map<string, { code: string; functions: LoadedFunction[] }>();
  /** Libraries whose code has been run into the VM (all of them, after first use). */
  librariesLoaded = false;
}

/** The engine's runtime, created on first use. */
export function runtimeOf(engine: CtxEngine): ScriptRuntime {
  return (engine.scripts.runtime ??= new ScriptRuntime()) as ScriptRuntime;
}

/**
 * Parses a script's shebang line: its flags, and the body with that line blanked (line numbers
 * in errors stay those of the script). Throws Redis's error for a bad shebang.
 */
export function parseShebang(body: string): { flags: ScriptFlags; body: string } {
  if (!body.startsWith("#!"))
    return { flags: { noWrites: false, shebang: false, crossSlot: true, allowOom: false }, body };
  const eol = body.indexOf("\n");
  const line = eol < 0 ? body : body.slice(0, eol);
  const parts = line.split(" ").filter((p) => p !== "");
  if (parts[0] !== "#!lua")
    throw new CommandError("ERR", `ERR Unexpected engine in script shebang: ${parts[0] ?? ""}`);
  let noWrites = false;
  let crossSlot = false;
  let allowOom = false;
  for (const p of parts.slice(1)) {
    if (!p.startsWith("flags="))
      throw new CommandError("ERR", `ERR Unknown lua shebang option: ${p}`);
    for (const f of p.slice(6).split(",")) {
      if (f === "") continue;
      if (!SHEBANG_FLAGS.has(f))
        throw new CommandError("ERR", `ERR Unexpected flag in script shebang: ${f}`);
      if (f === "no-writes") noWrites = true;
      if (f === "allow-cross-slot-keys") crossSlot = true;
      if (f === "allow-oom") allowOom = true;
    }
  }
  const flags = { noWrites, shebang: true, crossSlot, allowOom };
  return { flags, body: eol < 0 ? "" : body.slice(eol) };
}

/** Refuses a script or library body over LUA_SCRIPT_MAX_BYTES (the VM would hold it twice). */
export function checkBodySize(body: string): void {
  if (body.length > LUA_SCRIPT_MAX_BYTES / 3 && byteLength(body) > LUA_SCRIPT_MAX_BYTES)
    throw new CommandError("ERR", `ERR script too large (max ${LUA_SCRIPT_MAX_BYTES} bytes)`);
}

/**
 * Refusals of a script that declares flags (a shebang script, a function). One that may write
 * is a write command to Redis (scriptFlagsToCmdFlags), which processCommand refuses over
 * maxmemory (unless it allows OOM) and without the replicas min-replicas-to-write asks for;
 * then scriptPrepareForRun refuses it to an _RO command.
 */
export function checkScriptStart(
  engine: CtxEngine,
  flags: { noWrites: boolean; allowOom: boolean },
  ro: boolean,
): void {
  if (flags.noWrites) return;
  const { maxmemory } = engine.config;
  if (!flags.allowOom && maxmemory > 0 && engine.dbs.usage > maxmemory)
    throw new Rejection("OOM", Errors.oom().message);
  if (engine.noGoodReplicas) throw Errors.noReplicas();
  if (ro) throw Errors.custom("ERR Can not execute a script with write flag using *_ro command.");
}

/** Compiles an EVAL body under its SHA-1 unless compiled already; throws the compile error. */
export function compileScript(rt: ScriptRuntime, sha: string, body: string): ScriptFlags {
  const known = rt.evalFlags.get(sha);
  if (known) return known;
  checkBodySize(body);
  const { flags, body: code } = parseShebang(body);
  const err = rt.runner.compile(`f_${sha}`, code, "@user_script");
  if (err !== null)
    throw new CommandError("ERR", `ERR Error compiling script (new function): ${lua51Syntax(err)}`);
  rt.evalFlags.set(sha, flags);
  return flags;
}

/** Runs a compiled script or function for a command of `ctx`'s connection. */
export function runCompiled(
  ctx: Ctx,
  rt: ScriptRuntime,
  compiledName: string,
  traceName: string,
  keys: readonly string[],
  args: readonly string[],
  readOnly: boolean,
  asFunction: boolean,
  crossSlot: boolean,
  argv: readonly string[],
): Reply {
  const run: ScriptRun = {
    ctx: { engine: ctx.engine, store: ctx.store, conn: scriptConn(ctx.conn), now: ctx.now },
    readOnly,
    resp: 2,
    cluster: scriptCluster(ctx.engine.sharded, ctx.engine.shardKeys, keys, crossSlot),
    wrote: false,
    name: traceName,
  };
  const engine = ctx.engine;
  if (!canPause(engine, ctx)) return rt.runner.call(compiledName, run, keys, args, asFunction);
  // Inside EXEC, the EXEC persisted what came before it (a transaction's own writes commit whole).
  if (engine.depth === 1) persistBeforeScript(engine);
  const runner = rt.runner;
  const r = runner.start(compiledName, run, keys, args, asFunction);
  if (r !== PAUSED) return r;
  return pause(engine, ctx, {
    conn: ctx.conn,
    isEval: !asFunction,
    name: traceName,
    argv,
    startedAt: ctx.now,
    resume: () => {
      const next = runner.resume();
      return next === PAUSED ? null : next;
    },
    wrote: () => run.wrote,
    kill: () => (runner.killRequested = true),
  });
}

/** A compile error as Lua 5.1 words it ("near '<eof>'", quoted; 5.3 leaves it bare). */
export function lua51Syntax(msg: string): string {
  return msg.replace(/ near <eof>$/, " near '<eof>'");
}
