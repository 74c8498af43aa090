// The C-side functions of the scripting VM that the runner installs or calls: the message handler
// of every script call, a paused script's coroutine body, Redis 7's pcall, and Lua 5.1 wording
// of runtime errors.

import { fromBytes } from "../bytes.ts";
import { lauxlib, lua, to_luastring } from "./lua.ts";
import type { CFunction, KFunction, LuaDebug, LuaState } from "./lua.ts";
import { stringToBytes } from "./convert.ts";

/** Pushes a table of strings (KEYS, ARGV). */
export function pushStrings(L: LuaState, items: readonly string[]): void {
  lua.lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    lua.lua_pushstring(L, stringToBytes(items[i]!));
    lua.lua_rawseti(L, -2, i + 1);
  }
}

/**
 * The message handler of every script call (Redis's __redis__err__handler): the error becomes a
 * table {err=..., source=..., line=...} naming where the script was when it failed.
 */
export const errorHandler: CFunction = (L) => {
  const ar = {} as LuaDebug;
  let level = 1;
  let found = lua.lua_getstack(L, level, ar) !== 0;
  if (found) {
    lua.lua_getinfo(L, "Sl", ar);
    if (ar.what && (ar.what[0] === 0x43 || ar.what[0] === 0x4a)) {
      // "C" / fengari's "J": a library function (error, redis.call); name its Lua caller
      found = lua.lua_getstack(L, ++level, ar) !== 0;
      if (found) lua.lua_getinfo(L, "Sl", ar);
    }
  }
  if (lua.lua_type(L, 1) !== lua.LUA_TTABLE) {
    const msg = lauxlib.luaL_tolstring(L, 1);
    lua.lua_pop(L, 1);
    lua.lua_createtable(L, 0, 3);
    lua.lua_pushstring(L, to_luastring("ERR " + lua51Message(fromBytes(msg))));
    lua.lua_setfield(L, -2, "err");
    lua.lua_replace(L, 1);
  }
  if (found) {
    lua.lua_pushstring(L, ar.source ?? to_luastring("?"));
    lua.lua_setfield(L, 1, "source");
    lua.lua_pushnumber(L, ar.currentline);
    lua.lua_setfield(L, 1, "line");
  }
  lua.lua_settop(L, 1);
  return 1;
};

/**
 * A paused script's coroutine body: calls the script (stack: handler, function, arguments) under
 * the message handler, with a continuation so it may yield; returns (result, status).
 */
export const threadBody: CFunction = (T) =>
  threadDone(T, lua.lua_pcallk(T, lua.lua_gettop(T) - 2, 1, 1, 0, threadDone), 0);

const threadDone: KFunction = (T, status) => {
  if (status !== lua.LUA_OK && status !== lua.LUA_YIELD) hooksBackOn(T);
  lua.lua_pushinteger(T, status === lua.LUA_YIELD ? lua.LUA_OK : status);
  return 2;
};

/**
 * fengari's lua_pcallk never records 'allowhook' as on (lapi.js: `callstatus &= ~CIST_OAH |
 * allowhook`, where Lua's setoah sets the bit), so an error caught after the coroutine yielded
 * restores hooks as off and the count hook never runs again (no yield, no kill, no limit). The
 * continuations run outside any hook: hooks back on.
 */
function hooksBackOn(L: LuaState): void {
  (L as unknown as { allowhook: number }).allowhook = 1;
}

/**
 * Redis 7's pcall: a caught error table with an `err` string gives that string. A protected call
 * with a continuation, so a script paused inside pcall can yield.
 */
export const redisPcall: CFunction = (L) => {
  const argc = lua.lua_gettop(L);
  lauxlib.luaL_checkany(L, 1);
  lua.lua_pushboolean(L, true);
  lua.lua_insert(L, 1);
  return pcallDone(L, lua.lua_pcallk(L, argc - 1, lua.LUA_MULTRET, 0, 0, pcallDone), 0);
};

const pcallDone: KFunction = (L, status) => {
  if (status !== lua.LUA_OK && status !== lua.LUA_YIELD) {
    hooksBackOn(L);
    lua.lua_remove(L, 1);
    if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
      lua.lua_getfield(L, -1, "err");
      if (lua.lua_isstring(L, -1)) lua.lua_replace(L, -2);
      else lua.lua_pop(L, 1);
    }
    lua.lua_pushboolean(L, false);
    lua.lua_insert(L, 1);
  }
  return lua.lua_gettop(L);
};

/**
 * A runtime error message as Lua 5.1 words it: 5.3 says "attempt to index a nil value (local
 * 't')", 5.1 "attempt to index local 't' (a nil value)".
 */
export function lua51Message(msg: string): string {
  return msg.replace(
    /attempt to (.+?) an? (\w+) value \((\w+) '(.*?)'\)/,
    "attempt to $1 $3 '$4' (a $2 value)",
  );
}
