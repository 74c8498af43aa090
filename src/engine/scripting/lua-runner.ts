// The Lua side of EVAL and FCALL: one VM per engine, compiled scripts and functions kept in its
// registry, the redis.* API, and a call that runs a script inside the batch's turn (atomic: no
// other command runs until it returns) and turns its result or error into a reply.

import { lauxlib, lua, to_luastring } from "./lua.ts";
import type { CFunction, LuaState } from "./lua.ts";
import { fromBytes, toBytes } from "../bytes.ts";
import type { Reply } from "../reply.ts";
import {
  LUA_CALL_INSTRUCTIONS,
  LUA_HOOK_EVERY,
  LUA_INSTRUCTION_LIMIT,
  REDIS_VERSION,
} from "../../limits.ts";
import { bytesToString, errorReply, isCounted, luaToReply, pushReply } from "./convert.ts";
import { installLibraries } from "./libraries.ts";
import {
  markCounted,
  newLuaState,
  pushErrorTable,
  pushText,
  raiseError,
  setHiddenGlobal,
} from "./lua-state.ts";
import { formatG } from "./number-format.ts";
import { scriptCall } from "./script-call.ts";
import type { ScriptRun } from "./script-call.ts";
import { sha1hex } from "./sha1.ts";
import { errorHandler, pushStrings, redisPcall, threadBody } from "./lua-calls.ts";

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

/** Redis's log levels (redis.LOG_*). */
const LOG_LEVELS = { LOG_DEBUG: 0, LOG_VERBOSE: 1, LOG_NOTICE: 2, LOG_WARNING: 3 };

export class LuaRunner {
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
      this.installRedis(L);
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
      reply = status === lua.LUA_OK ? luaToReply(L, run.resp) : this.failure(run);
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
      if (status !== lua.LUA_OK) return this.failure(run, T);
      const ok = lua.lua_tointeger(T, -1) === lua.LUA_OK;
      lua.lua_pop(T, 1);
      return ok ? luaToReply(T, run.resp) : this.failure(run, T);
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

  /** The reply for the error value on top of the stack (luaCallFunction's error branch). */
  private failure(run: ScriptRun, L: LuaState = this.L): Reply {
    if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) {
      const msg = lua.lua_isstring(L, -1)
        ? fromBytes(lua.lua_tostring(L, -1)!)
        : "execution failure";
      return errorReply(`ERR Error running script ${run.name}, ${msg.slice(0, 100)}`);
    }
    const text = (name: string): string | undefined => {
      lua.lua_getfield(L, -1, name);
      const v = lua.lua_isstring(L, -1) ? fromBytes(lua.lua_tostring(L, -1)!) : undefined;
      lua.lua_pop(L, 1);
      return v;
    };
    const msg = text("err") ?? "";
    const source = text("source");
    const line = text("line");
    const counted = isCounted(L);
    if (source !== undefined && line !== undefined)
      return errorReply(`${msg} script: ${run.name}, on ${source}:${line}.`, counted);
    return errorReply(msg, counted);
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

  private installRedis(L: LuaState): void {
    lua.lua_newtable(L);
    const fn = (name: string, f: CFunction) => {
      lua.lua_pushcfunction(L, f);
      lua.lua_setfield(L, -2, name);
    };
    fn("call", (L) => this.command(L, true));
    fn("pcall", (L) => this.command(L, false));
    fn("sha1hex", (L) => {
      if (lua.lua_gettop(L) !== 1) raiseError(L, "wrong number of arguments");
      const s = lua.lua_tostring(L, 1) ?? new Uint8Array();
      pushText(L, sha1hex(s));
      return 1;
    });
    fn("error_reply", (L) => {
      if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, -1) !== lua.LUA_TSTRING) {
        pushErrorTable(L, "wrong number or type of arguments");
        return 1;
      }
      const e = fromBytes(lua.lua_tostring(L, -1)!);
      pushErrorTable(L, e.startsWith("-") ? e : "-" + e);
      return 1;
    });
    fn("status_reply", (L) => {
      if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, -1) !== lua.LUA_TSTRING) {
        pushErrorTable(L, "wrong number or type of arguments");
        return 1;
      }
      lua.lua_createtable(L, 0, 1);
      lua.lua_pushvalue(L, -2);
      lua.lua_setfield(L, -2, "ok");
      return 1;
    });
    fn("log", (L) => {
      const argc = lua.lua_gettop(L);
      if (argc < 2) raiseError(L, "redis.log() requires two arguments or more.");
      if (!lua.lua_isnumber(L, 1)) raiseError(L, "First argument must be a number (log level).");
      const level = lua.lua_tonumber(L, 1);
      if (level < 0 || level > 3) raiseError(L, "Invalid debug level.");
      return 0; // a Durable Object has no server log a user could read; accepted and dropped
    });
    fn("setresp", (L) => {
      const run = this.requireRun(L, "redis.setresp");
      if (lua.lua_gettop(L) !== 1) raiseError(L, "redis.setresp() requires one argument.");
      const resp = lua.lua_tonumber(L, 1);
      if (resp !== 2 && resp !== 3) raiseError(L, "RESP version must be 2 or 3.");
      run.resp = resp;
      run.ctx.conn.resp = resp;
      return 0;
    });
    fn("set_repl", (L) => {
      this.requireRun(L, "redis.set_repl");
      if (lua.lua_gettop(L) !== 1) raiseError(L, "redis.set_repl() requires two arguments.");
      const flags = lua.lua_tonumber(L, 1);
      if ((flags & ~3) !== 0)
        raiseError(
          L,
          "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.",
        );
      return 0; // no replication here: accepted
    });
    fn("replicate_commands", (L) => {
      lua.lua_pushboolean(L, true);
      return 1;
    });
    fn("acl_check_cmd", (L) => {
      const run = this.requireRun(L, "redis.acl_check_cmd");
      const argv = this.argv(L);
      if (typeof argv === "string") raiseError(L, argv);
      const spec = run.ctx.engine.table.find("redis", argv[0]!);
      if (!spec) raiseError(L, "Invalid command passed to redis.acl_check_cmd()");
      lua.lua_pushboolean(L, !(run.ctx.conn.readonly && spec.flags & 6));
      return 1;
    });
    for (const [k, v] of Object.entries(LOG_LEVELS)) {
      lua.lua_pushnumber(L, v);
      lua.lua_setfield(L, -2, k);
    }
    const repl = { REPL_NONE: 0, REPL_AOF: 1, REPL_SLAVE: 2, REPL_REPLICA: 2, REPL_ALL: 3 };
    for (const [k, v] of Object.entries(repl)) {
      lua.lua_pushnumber(L, v);
      lua.lua_setfield(L, -2, k);
    }
    pushText(L, REDIS_VERSION);
    lua.lua_setfield(L, -2, "REDIS_VERSION");
    const [maj, min, patch] = REDIS_VERSION.split(".").map(Number) as [number, number, number];
    lua.lua_pushnumber(L, (maj << 16) | (min << 8) | patch);
    lua.lua_setfield(L, -2, "REDIS_VERSION_NUM");
    lua.lua_setglobal(L, "redis");
    // pcall catching a redis.call error gives its message, as Redis 7 does.
    lua.lua_pushcfunction(L, redisPcall);
    lua.lua_setglobal(L, "pcall");
  }

  private requireRun(L: LuaState, what: string): ScriptRun {
    if (!this.run) raiseError(L, `${what} can only be called inside a script invocation`);
    return this.run;
  }

  /** The command line of a redis.call, or the refusal text. */
  private argv(L: LuaState): string[] | string {
    const argc = lua.lua_gettop(L);
    if (argc === 0) return "Please specify at least one argument for this redis lib call";
    const argv: string[] = [];
    for (let j = 1; j <= argc; j++) {
      const t = lua.lua_type(L, j);
      if (t === lua.LUA_TNUMBER) {
        argv.push(
          lua.lua_isinteger(L, j)
            ? String(lua.lua_tointeger(L, j))
            : formatG(lua.lua_tonumber(L, j), 17),
        );
      } else if (t === lua.LUA_TSTRING) argv.push(bytesToString(lua.lua_tostring(L, j)!));
      else return "Lua redis lib command arguments must be strings or integers";
    }
    return argv;
  }

  private command(L: LuaState, raise: boolean): number {
    const run = this.run;
    if (!run) raiseError(L, "redis.call/pcall can only be called inside a script invocation");
    // A command costs far more than an instruction: counted so, a loop of calls is bounded
    // by the same budget (time cannot be read: a Worker's clock stands still while it runs).
    this.used += LUA_CALL_INSTRUCTIONS;
    if (this.used > this.instructionLimit || this.killRequested) this.hook(L);
    const argv = this.argv(L);
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
