// The `redis` table a script sees (Redis 7.0's script_lua.c): call and pcall (answered by the
// runner, which knows the running script), sha1hex, error_reply and status_reply, log, setresp,
// set_repl, acl_check_cmd and the constants; plus how a call's arguments and a script's error
// become what Redis returns. Apart from lua-runner.ts, which keeps the VM and the script's run.

import { fromBytes } from "../bytes.ts";
import type { Reply } from "../reply.ts";
import { REDIS_VERSION } from "../../limits.ts";
import { bytesToString, errorReply, isCounted } from "./convert.ts";
import { lua } from "./lua.ts";
import type { CFunction, LuaState } from "./lua.ts";
import { redisPcall } from "./lua-calls.ts";
import { pushErrorTable, pushText, raiseError } from "./lua-stack.ts";
import { formatG } from "./number-format.ts";
import type { ScriptRun } from "./script-call.ts";
import { sha1hex } from "./sha1.ts";

/** Redis's log levels (redis.LOG_*). */
const LOG_LEVELS = { LOG_DEBUG: 0, LOG_VERBOSE: 1, LOG_NOTICE: 2, LOG_WARNING: 3 };

/** What the `redis` table asks of the runner that installed it. */
export interface RedisApiHost {
  /** redis.call (`raise`) or redis.pcall: its result count, as a C function returns. */
  command(L: LuaState, raise: boolean): number;
  /** The running script's state; raises "`what` can only be called inside a script invocation". */
  requireRun(L: LuaState, what: string): ScriptRun;
}

/**
 * Sets the global `redis` table of a new VM: the API Redis 7.0 gives scripts. `runner` answers
 * redis.call/pcall and says which script is running (the runner's state, lua-runner.ts).
 */
export function installRedisApi(L: LuaState, runner: RedisApiHost): void {
  lua.lua_newtable(L);
  const fn = (name: string, f: CFunction) => {
    lua.lua_pushcfunction(L, f);
    lua.lua_setfield(L, -2, name);
  };
  fn("call", (L) => runner.command(L, true));
  fn("pcall", (L) => runner.command(L, false));
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
    const run = runner.requireRun(L, "redis.setresp");
    if (lua.lua_gettop(L) !== 1) raiseError(L, "redis.setresp() requires one argument.");
    const resp = lua.lua_tonumber(L, 1);
    if (resp !== 2 && resp !== 3) raiseError(L, "RESP version must be 2 or 3.");
    run.resp = resp;
    run.ctx.conn.resp = resp;
    return 0;
  });
  fn("set_repl", (L) => {
    runner.requireRun(L, "redis.set_repl");
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
    const run = runner.requireRun(L, "redis.acl_check_cmd");
    const argv = commandArgv(L);
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

/** The command line of a redis.call, or the refusal text. */
export function commandArgv(L: LuaState): string[] | string {
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

/** The reply for the error value on top of the stack (luaCallFunction's error branch). */
export function scriptFailure(run: ScriptRun, L: LuaState): Reply {
  if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) {
    const msg = lua.lua_isstring(L, -1) ? fromBytes(lua.lua_tostring(L, -1)!) : "execution failure";
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
