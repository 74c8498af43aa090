// The Lua side of EVAL and FCALL: one VM per engine, compiled scripts and functions kept in its
// registry, the redis.* API, and a call that runs a script inside the batch's turn (atomic: no
// other command runs until it returns) and turns its result or error into a reply.

import { lauxlib, lua, to_luastring } from "./lua.ts";
import type { LuaState } from "./lua.ts";
import { fromBytes, toBytes } from "../bytes.ts";
import type { Reply } from "../reply.ts";
import { LUA_CALL_INSTRUCTIONS, LUA_HOOK_EVERY, LUA_INSTRUCTION_LIMIT } from "../../limits.ts";
import { errorReply, luaToReply, pushReply } from "./convert.ts";
import { installLibraries } from "./libraries.ts";
import { newLuaState } from "./lua-state.ts";
import { setHiddenGlobal } from "./lua-globals.ts";
import { markCounted, pushErrorTable, raiseError } from "./lua-stack.ts";
import { commandArgv, installRedisApi, scriptFailure } from "./redis-api.ts";
import type { RedisApiHost } from "./redis-api.ts";
import { scriptCall } from "./script-call.ts";
import type { ScriptRun } from "./script-call.ts";
import { errorHandler, pushStrings, threadBody } from "./lua-calls.ts";

export { lua51Message } from "./lua-calls.ts";

const { LUA_REGISTRYINDEX } = lua;

/**
 * What start() and resume() return for a script that yielded from its count hook so the object
 * can serve others (answering them BUSY past the threshold, taking SCRIPT KILL): resume() goes on.
 */
export const PAUSED: unique symbol = Symbol("paused");

/** A script running in a coroutine of its own, paused between slices. */
interface ScriptThread {
  readonly T: LuaState;
  /** Its registry reference (keeps the coroutine alive while paused). */
  readonly ref: number;
  readonly run: ScriptRun;
  /** Arguments of the first resume (then 0). */
  nargs: number;
}

export class LuaRunner implements RedisApiHost {
  readonly L: LuaState;
  /** The script running now, or null between scripts. */
  run: ScriptRun | null = null;
  /** Instructions a script may run (LUA_INSTRUCTION_LIMIT; tests lower it). */
  instructionLimit = LUA_INSTRUCTION_LIMIT;
  /** A FUNCTION LOAD is running the library's code (the limit's error says so). */
  private loading = false;
  /** Instructions the running script has used (counted by the hook, in steps). */
  private used = 0;
  /** Functions being registered by FUNCTION LOAD (redis.register_function), else null. */
  registering: ((L: LuaState) => number) | null = null;

  /** The script that may pause (start/resume), else null. */
  private thread: ScriptThread | null = null;
  /** The hook yields every LUA_HOOK_EVERY instructions (a resume() slice is running). */
  private pausable = false;
  /** `used` at which the running slice ends (a redis.call past it yields). */
  private sliceEnd = 0;
  /** Values the last yield left on the coroutine's stack (a redis.call's reply: 1). */
  private yielded = 0;
  /** SCRIPT KILL / FUNCTION KILL: the paused script ends with Redis's error at its next hook. */
  killRequested = false;

  /** Compiled functions: name -> their reference in the registry (an integer key, no hashing). */
  private readonly refs = new Map<string, number>();

  constructor() {
    this.L = newLuaState((L) => {
      installLibraries(L);
      installRedisApi(L, this);
    });
  }

  /** Compiles a chunk under `name`: null, or the compiler's message ("user_script:1: ..."). */
  compile(name: string, body: string, chunkname: string): string | null {
    const L = this.L;
    const status = lauxlib.luaL_loadbufferx(
      L,
      toBytes(body),
      null,
      to_luastring(chunkname),
      to_luastring("t"),
    );
    if (status !== lua.LUA_OK) {
      const msg = lua.lua_tostring(L, -1);
      lua.lua_pop(L, 1);
      return msg ? fromBytes(msg) : "unknown error";
    }
    this.store(name);
    return null;
  }

  /** Stores the function on top of the stack (popped) under `name`. */
  store(name: string): void {
    const old = this.refs.get(name);
    if (old !== undefined) lauxlib.luaL_unref(this.L, LUA_REGISTRYINDEX, old);
    this.refs.set(name, lauxlib.luaL_ref(this.L, LUA_REGISTRYINDEX));
  }

  /** True when a compiled function is stored under `name`. */
  has(name: string): boolean {
    return this.refs.has(name);
  }

  /** Drops every compiled function whose name passes `drop`. */
  forget(drop: (name: string) => boolean): void {
    for (const [name, ref] of [...this.refs]) {
      if (!drop(name)) continue;
      lauxlib.luaL_unref(this.L, LUA_REGISTRYINDEX, ref);
      this.refs.delete(name);
    }
  }

  /** Renames a compiled function (a library's functions once its load succeeded). */
  rename(from: string, to: string): void {
    const ref = this.refs.get(from);
    if (ref === undefined) return;
    this.forget((n) => n === to);
    this.refs.delete(from);
    this.refs.set(to, ref);
  }

  /** Pushes the compiled function `name` (nil if none). */
  private pushCompiled(name: string, S: LuaState = this.L): void {
    const ref = this.refs.get(name);
    if (ref === undefined) lua.lua_pushnil(S);
    else lua.lua_rawgeti(S, LUA_REGISTRYINDEX, ref);
  }

  /**
   * Calls the compiled function `name` for `run`: an EVAL script sees KEYS and ARGV as globals,
   * a function gets them as its two arguments. Returns the reply (errors as Redis words them).
   */
  call(
    name: string,
    run: ScriptRun,
    keys: readonly string[],
    args: readonly string[],
    asFunction: boolean,
  ): Reply {
    const L = this.L;
    const top = lua.lua_gettop(L);
    lua.lua_pushcfunction(L, errorHandler);
    this.pushCompiled(name);
    pushStrings(L, keys);
    pushStrings(L, args);
    if (!asFunction) {
      setHiddenGlobal(L, "ARGV");
      setHiddenGlobal(L, "KEYS");
    }
    this.run = run;
    this.used = 0;
    lua.lua_sethook(L, this.hook, lua.LUA_MASKCOUNT, LUA_HOOK_EVERY);
    let reply: Reply;
    try {
      const status = lua.lua_pcall(L, asFunction ? 2 : 0, 1, top + 1);
      reply = status === lua.LUA_OK ? luaToReply(L, run.resp) : scriptFailure(run, this.L);
    } finally {
      lua.lua_sethook(L, null, 0, 0);
      this.run = null;
      lua.lua_settop(L, top);
    }
    return reply;
  }

  /**
   * Like call(), but in a coroutine that yields every LUA_HOOK_EVERY instructions: the reply, or
   * PAUSED when it yielded (resume() runs the next slice; one paused script at a time).
   */
  start(
    name: string,
    run: ScriptRun,
    keys: readonly string[],
    args: readonly string[],
    asFunction: boolean,
  ): Reply | typeof PAUSED {
    const L = this.L;
    const T = lua.lua_newthread(L);
    const ref = lauxlib.luaL_ref(L, LUA_REGISTRYINDEX);
    lua.lua_pushcfunction(T, threadBody);
    lua.lua_pushcfunction(T, errorHandler);
    this.pushCompiled(name, T);
    pushStrings(T, keys);
    pushStrings(T, args);
    if (!asFunction) {
      setHiddenGlobal(T, "ARGV");
      setHiddenGlobal(T, "KEYS");
    }
    this.thread = { T, ref, run, nargs: asFunction ? 4 : 2 };
    this.used = 0;
    this.killRequested = false;
    lua.lua_sethook(T, this.hook, lua.LUA_MASKCOUNT, LUA_HOOK_EVERY);
    return this.resume();
  }

  /** True while a script started with start() is paused. */
  get paused(): boolean {
    return this.thread !== null;
  }

  /** The paused script's state (SCRIPT KILL reads whether it wrote). */
  get pausedRun(): ScriptRun | null {
    return this.thread?.run ?? null;
  }

  /** Runs the paused script's next slice: its reply, or PAUSED again. */
  resume(): Reply | typeof PAUSED {
    const t = this.thread;
    if (!t) return errorReply("ERR no script to resume");
    const { T, run } = t;
    this.run = run;
    this.pausable = true;
    this.sliceEnd = this.used + LUA_HOOK_EVERY;
    this.yielded = 0;
    let status: number;
    try {
      status = lua.lua_resume(T, this.L, t.nargs);
    } finally {
      this.run = null;
      this.pausable = false;
    }
    t.nargs = this.yielded;
    if (status === lua.LUA_YIELD) return PAUSED;
    this.thread = null;
    try {
      // threadBody returns (result, status of the script's call); anything else failed outside it.
      if (status !== lua.LUA_OK) return scriptFailure(run, T);
      const ok = lua.lua_tointeger(T, -1) === lua.LUA_OK;
      lua.lua_pop(T, 1);
      return ok ? luaToReply(T, run.resp) : scriptFailure(run, T);
    } finally {
      lua.lua_sethook(T, null, 0, 0);
      lauxlib.luaL_unref(this.L, LUA_REGISTRYINDEX, t.ref);
    }
  }

  /**
   * Calls a compiled chunk with no arguments and no script context (FUNCTION LOAD runs a
   * library this way): null, or the error's text.
   */
  callRaw(name: string, instructionLimit: number): string | null {
    const L = this.L;
    const top = lua.lua_gettop(L);
    lua.lua_pushcfunction(L, errorHandler);
    this.pushCompiled(name);
    this.used = 0;
    const limit = this.instructionLimit;
    this.instructionLimit = instructionLimit;
    this.loading = true;
    lua.lua_sethook(L, this.hook, lua.LUA_MASKCOUNT, LUA_HOOK_EVERY);
    try {
      if (lua.lua_pcall(L, 0, 0, top + 1) === lua.LUA_OK) return null;
      if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
        lua.lua_getfield(L, -1, "err");
        const t = lua.lua_isstring(L, -1)
          ? fromBytes(lua.lua_tostring(L, -1)!)
          : "ERR unknown error";
        return t;
      }
      return lua.lua_isstring(L, -1) ? fromBytes(lua.lua_tostring(L, -1)!) : "ERR unknown error";
    } finally {
      lua.lua_sethook(L, null, 0, 0);
      lua.lua_settop(L, top);
      this.instructionLimit = limit;
      this.loading = false;
    }
  }

  /**
   * Count hook: ends a killed or runaway script (once ended, every later instruction raises
   * again, so pcall cannot catch it for good, as Redis's luaMaskCountHook); else a script started
   * with start() yields here, where it may (not inside a library call such as table.sort's).
   */
  private readonly hook = (L: LuaState): void => {
    this.used += LUA_HOOK_EVERY;
    if (this.killRequested) {
      lua.lua_sethook(L, this.hook, lua.LUA_MASKCOUNT, 1);
      raiseError(L, "Script killed by user with SCRIPT KILL...");
    }
    if (this.used <= this.instructionLimit) {
      if (this.pausable && lua.lua_isyieldable(L)) lua.lua_yield(L, 0);
      return;
    }
    lua.lua_sethook(L, this.hook, lua.LUA_MASKCOUNT, 1);
    if (this.loading) raiseError(L, "FUNCTION LOAD timeout");
    raiseError(
      L,
      `Script killed: it ran more than ${this.instructionLimit} Lua instructions (runaway script)`,
    );
  };

  /** The running script (RedisApiHost). */
  requireRun(L: LuaState, what: string): ScriptRun {
    if (!this.run) raiseError(L, `${what} can only be called inside a script invocation`);
    return this.run;
  }

  /** redis.call / redis.pcall (RedisApiHost): the script's command through scriptCall. */
  command(L: LuaState, raise: boolean): number {
    const run = this.run;
    if (!run) raiseError(L, "redis.call/pcall can only be called inside a script invocation");
    // A command costs far more than an instruction: counted so, a loop of calls is bounded
    // by the same budget (time cannot be read: a Worker's clock stands still while it runs).
    this.used += LUA_CALL_INSTRUCTIONS;
    if (this.used > this.instructionLimit || this.killRequested) this.hook(L);
    const argv = commandArgv(L);
    lua.lua_settop(L, 0);
    if (typeof argv === "string") {
      pushErrorTable(L, argv);
      return raise ? lua.lua_error(L) : 1;
    }
    const reply = scriptCall(run, argv);
    if (typeof reply === "string") {
      pushErrorTable(L, reply);
      markCounted(L); // scriptCall counted the refusal
      return raise ? lua.lua_error(L) : 1;
    }
    pushReply(L, reply, run.resp);
    if (raise && reply.k === "error") return lua.lua_error(L);
    // A loop of calls ends its slice by calls too (each counts LUA_CALL_INSTRUCTIONS): the reply
    // stays on the stack across the yield, and resume() hands it back as the call's result.
    if (this.pausable && this.used >= this.sliceEnd && lua.lua_isyieldable(L)) {
      this.yielded = 1;
      return lua.lua_yield(L, 1);
    }
    return 1;
  }
}
