// The protection of a VM's globals (Redis 7.0's lua_enablereadonlytable and its allow lists): the
// real globals live in a hidden table behind an empty read-only proxy, library tables become
// read-only proxies, a missing global is an error, and FUNCTION LOAD can swap the environment.
// Apart from lua-state.ts, which builds the VM and calls protectGlobals last.

import { lauxlib, lua, to_luastring } from "./lua.ts";
import type { CFunction, LuaState } from "./lua.ts";

import { lk } from "./lua-stack.ts";

const { LUA_REGISTRYINDEX } = lua;

const READONLY_ERROR = "Attempt to modify a readonly table";

/** Globals a script sees (Redis 7.0's allow lists, less what 7.0.15 leaves undefined). */
const GLOBALS = [
  "string",
  "cjson",
  "bit",
  "cmsgpack",
  "math",
  "table",
  "struct",
  "redis",
  "xpcall",
  "tostring",
  "setmetatable",
  "next",
  "assert",
  "tonumber",
  "rawequal",
  "collectgarbage",
  "getmetatable",
  "rawset",
  "pcall",
  "coroutine",
  "type",
  "select",
  "unpack",
  "gcinfo",
  "pairs",
  "rawget",
  "loadstring",
  "ipairs",
  "_VERSION",
  "load",
  "error",
];

/** Libraries whose tables scripts may read but not change. */
const PROTECTED_TABLES = [
  "string",
  "math",
  "table",
  "coroutine",
  "redis",
  "cjson",
  "bit",
  "cmsgpack",
  "struct",
];

/** Registry name of the table holding the real globals. */
export const HIDDEN_GLOBALS = "__redis_globals";

/** Registry name of the globals proxy's metatable (its __index is switched for FUNCTION LOAD). */
const GLOBALS_META = "__redis_globals_meta";

/**
 * Runs `body` with the globals reading `envIndex`'s table instead of the real globals (FUNCTION
 * LOAD runs a library with only redis.register_function and redis.log), then switches back.
 */
export function withGlobalsFrom<T>(L: LuaState, envIndex: number, body: () => T): T {
  const env = lua.lua_absindex(L, envIndex);
  lua.lua_getfield(L, LUA_REGISTRYINDEX, GLOBALS_META);
  lua.lua_pushvalue(L, env);
  lua.lua_setfield(L, -2, "__index");
  lua.lua_pop(L, 1);
  try {
    return body();
  } finally {
    lua.lua_getfield(L, LUA_REGISTRYINDEX, GLOBALS_META);
    lua.lua_getfield(L, LUA_REGISTRYINDEX, HIDDEN_GLOBALS);
    lua.lua_setfield(L, -2, "__index");
    lua.lua_pop(L, 1);
  }
}

/**
 * Pushes a table whose missing names are Redis's nonexistent-global error (the load-time
 * environment of FUNCTION LOAD and its redis table).
 */
export function pushStrictTable(L: LuaState): void {
  lua.lua_createtable(L, 0, 4);
  lua.lua_createtable(L, 0, 2);
  lua.lua_pushcfunction(L, missingGlobal);
  lua.lua_setfield(L, -2, "__index");
  lua.lua_pushcfunction(L, refuseWrite);
  lua.lua_setfield(L, -2, "__newindex");
  lua.lua_setmetatable(L, -2);
}

/** t[name] = value on top (popped) without metamethods, for the table at `t`. */
export function rawSetField(L: LuaState, t: number, name: string): void {
  const abs = lua.lua_absindex(L, t);
  lua.lua_pushstring(L, lk(name));
  lua.lua_insert(L, -2);
  lua.lua_rawset(L, abs < 0 ? abs - 1 : abs);
}

/** Sets a real global (KEYS, ARGV) from the value on top of the stack, which it pops. */
export function setHiddenGlobal(L: LuaState, name: string): void {
  lua.lua_getfield(L, LUA_REGISTRYINDEX, lk(HIDDEN_GLOBALS));
  lua.lua_insert(L, -2);
  lua.lua_setfield(L, -2, lk(name));
  lua.lua_pop(L, 1);
}

/** Replaces the table at `index` by an empty proxy that reads it and refuses writes. */
function readonlyProxy(L: LuaState, index: number): void {
  lua.lua_createtable(L, 0, 0);
  proxyMetatable(L, index);
  lua.lua_setmetatable(L, -2);
  lua.lua_replace(L, index);
}

/** Pushes a metatable reading from the table at `target` and refusing every write. */
function proxyMetatable(L: LuaState, target: number): void {
  lua.lua_createtable(L, 0, 4);
  lua.lua_pushvalue(L, target);
  lua.lua_setfield(L, -2, "__index");
  lua.lua_pushcfunction(L, refuseWrite);
  lua.lua_setfield(L, -2, "__newindex");
  lua.lua_pushvalue(L, target);
  lua.lua_pushcclosure(L, pairsOfTarget, 1);
  lua.lua_setfield(L, -2, "__pairs");
  // What getmetatable() shows of a protected table: an empty table that refuses writes too.
  lua.lua_createtable(L, 0, 0);
  lua.lua_createtable(L, 0, 2);
  lua.lua_pushcfunction(L, refuseWrite);
  lua.lua_setfield(L, -2, "__newindex");
  lua.lua_pushboolean(L, false);
  lua.lua_setfield(L, -2, "__metatable");
  lua.lua_setmetatable(L, -2);
  lua.lua_setfield(L, -2, "__metatable");
}

/** setmetatable that refuses the protected tables (whose metatable has __newindex = refuseWrite). */
export const setmetatable51: CFunction = (L) => {
  if (lua.lua_type(L, 1) === lua.LUA_TTABLE && lua.lua_getmetatable(L, 1)) {
    lua.lua_pushliteral(L, "__newindex");
    lua.lua_rawget(L, -2);
    const isProtected = lua.lua_tocfunction(L, -1) === refuseWrite;
    lua.lua_pop(L, 2);
    if (isProtected) return lauxlib.luaL_error(L, READONLY_ERROR);
  }
  lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
  lua.lua_insert(L, 1);
  lua.lua_call(L, lua.lua_gettop(L) - 1, 1);
  return 1;
};

const refuseWrite: CFunction = (L) => lauxlib.luaL_error(L, READONLY_ERROR);

const missingGlobal: CFunction = (L) => {
  const name = lua.lua_isstring(L, 2) ? lua.lua_tostring(L, 2) : to_luastring("?");
  return lauxlib.luaL_error(L, "Script attempted to access nonexistent global variable '%s'", name);
};

/** `pairs(proxy)`: iterates the real table. */
const pairsOfTarget: CFunction = (L) => {
  lua.lua_getglobal(L, "next");
  lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
  lua.lua_pushnil(L);
  return 3;
};

/**
 * Moves the globals into a hidden table behind an empty read-only proxy (the last step of a new
 * VM), so no script can create, change or delete one; reading a missing one is Redis's error.
 */
export function protectGlobals(L: LuaState): void {
  // The real globals: only the allowed names, in a hidden table.
  lua.lua_createtable(L, 0, GLOBALS.length);
  const hidden = lua.lua_gettop(L);
  for (const name of GLOBALS) {
    lua.lua_getglobal(L, name);
    lua.lua_setfield(L, hidden, name);
  }
  // Library tables become read-only proxies.
  for (const name of PROTECTED_TABLES) {
    lua.lua_getfield(L, hidden, name);
    if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
      readonlyProxy(L, lua.lua_gettop(L));
      lua.lua_setfield(L, hidden, name);
    } else lua.lua_pop(L, 1);
  }
  // hidden's own metatable: a missing name is an error.
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushcfunction(L, missingGlobal);
  lua.lua_setfield(L, -2, "__index");
  lua.lua_setmetatable(L, hidden);
  // _G (the globals table itself, every chunk's _ENV) becomes the empty proxy of hidden.
  lua.lua_rawgeti(L, LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
  const globals = lua.lua_gettop(L);
  lua.lua_pushnil(L);
  const names: Uint8Array[] = [];
  while (lua.lua_next(L, globals) !== 0) {
    lua.lua_pop(L, 1);
    names.push(lua.lua_tostring(L, -1)!);
  }
  for (const n of names) {
    lua.lua_pushnil(L);
    lua.lua_setfield(L, globals, n);
  }
  lua.lua_pushvalue(L, globals);
  lua.lua_setfield(L, hidden, "_G");
  proxyMetatable(L, hidden);
  lua.lua_pushvalue(L, -1);
  lua.lua_setfield(L, LUA_REGISTRYINDEX, GLOBALS_META);
  lua.lua_setmetatable(L, globals);
  lua.lua_pop(L, 1);
  // Keep the hidden table reachable for KEYS/ARGV.
  lua.lua_setfield(L, LUA_REGISTRYINDEX, HIDDEN_GLOBALS);
}
