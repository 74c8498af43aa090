// One Lua VM per namespace engine (fengari: Lua 5.3 in JavaScript), set up as Redis 7.0 sets up
// its Lua 5.1: the same libraries, no os/io/require/loadfile/dofile/print, globals that cannot be
// created or changed, and the 5.1 names scripts use (unpack, table.getn, loadstring, math.pow).
// Where 5.3 would show a difference, the VM hides it: numbers print as 5.1's "%.14g", so an
// integral float is "3", not "3.0" (scripts build keys and replies with tostring and `..`).

import { lauxlib, lobject, lstring, lua, lualib, lvm, to_luastring } from "./lua.ts";
import type { CFunction, LuaState } from "./lua.ts";
import { formatG } from "./number-format.ts";
import { hexNumeral, tonumber51 } from "./lua51-numbers.ts";
import { format51 } from "./lua51-format.ts";

const { LUA_REGISTRYINDEX } = lua;

/**
 * Makes fengari's numbers behave as Lua 5.1's doubles (once per isolate; it is module state):
 * - numerals and string coercions give floats: fengari's integers are 32-bit and wrap
 *   (2147483647 + 1 would be negative), where 5.1 has one double type; a hex numeral is read
 *   unwrapped (0x100000000 is 4294967296, lua51-numbers.ts);
 * - a number prints as "%.14g" (tostring, `..`): 3.0 is "3", 1e15 is "1e+15";
 * - a library function wanting an integer floors a fractional number (string.sub(s, 1, 2.5))
 *   as 5.1 does, instead of 5.3's "number has no integer representation".
 */
function patchLua51Numbers(): void {
  const mark = lobject as { redis51?: boolean };
  if (mark.redis51) return;
  mark.redis51 = true;
  const str2num = lobject.luaO_str2num;
  lobject.luaO_str2num = (s: unknown, o: unknown): number => {
    const r = str2num(s, o);
    const v = o as { ttisinteger(): boolean; value: number; setfltvalue(n: number): void };
    if (r !== 0 && v.ttisinteger()) v.setfltvalue(hexNumeral(s as Uint8Array) ?? v.value);
    return r;
  };
  lvm.tointeger = (o: unknown): number | false => {
    const v = o as { ttisinteger(): boolean; value: number };
    return v.ttisinteger() ? v.value : lvm.luaV_tointeger(o, 1);
  };
  lobject.luaO_tostring = (L: unknown, obj: unknown): void => {
    const o = obj as { ttisinteger(): boolean; value: number; setsvalue(v: unknown): void };
    const text = o.ttisinteger() ? String(o.value) : formatG(o.value, 14);
    o.setsvalue(lstring.luaS_bless(L, to_luastring(text)));
  };
}

const KEYS_CACHE = new Map<string, Uint8Array>();

/**
 * A name as a Lua string, encoded once: fengari encodes a JS string argument on every call, and
 * the hot paths (field names, registry names) repeat the same few.
 */
export function lk(name: string): Uint8Array {
  let k = KEYS_CACHE.get(name);
  if (!k) KEYS_CACHE.set(name, (k = to_luastring(name)));
  return k;
}

/** Pushes a JS string (ASCII or UTF-8 text) as a Lua string. */
export function pushText(L: LuaState, s: string): void {
  lua.lua_pushstring(L, to_luastring(s));
}

/** Raises a Lua error whose value is Redis's error table {err = "<CODE> <text>"}. */
export function raiseError(L: LuaState, text: string): never {
  pushErrorTable(L, text);
  return lua.lua_error(L);
}

/**
 * Pushes Redis's error table for a message (luaPushErrorBuff): "-CODE msg" keeps its code, a bare
 * message gets "ERR"; trailing CR/LF trimmed.
 */
export function pushErrorTable(L: LuaState, text: string): void {
  let code = "ERR";
  let msg = text;
  if (text.startsWith("-")) {
    const sp = text.indexOf(" ");
    if (sp < 0) msg = text.slice(1);
    else {
      code = text.slice(1, sp);
      msg = text.slice(sp + 1);
    }
  }
  msg = msg.replace(/^[\r\n]+|[\r\n]+$/g, "");
  lua.lua_createtable(L, 0, 1);
  pushText(L, `${code} ${msg}`);
  lua.lua_setfield(L, -2, lk("err"));
}

/** The field of an error table whose error the stats already counted (Redis's name for it). */
export const COUNTED_FIELD = "ignore_error_stats_update";

/** Marks the error table on top as counted: a command's error, or a refusal of one. */
export function markCounted(L: LuaState): void {
  lua.lua_pushboolean(L, true);
  lua.lua_setfield(L, -2, lk(COUNTED_FIELD));
}

const READONLY_ERROR = "Attempt to modify a readonly table";

/** Lua source run once at start-up: the 5.1 names, and the protection of globals and libraries. */
const PRELUDE = `
local G, rawset, rawget, setmetatable, pairs, next, type, error =
  _G, rawset, rawget, setmetatable, pairs, next, type, error
unpack = table.unpack
table.getn = function(t) return #t end
table.maxn = function(t)
  local m = 0
  for k in pairs(t) do if type(k) == 'number' and k > m then m = k end end
  return m
end
table.foreach = function(t, f)
  for k, v in pairs(t) do local r = f(k, v) if r ~= nil then return r end end
end
table.foreachi = function(t, f)
  for i = 1, #t do local r = f(i, t[i]) if r ~= nil then return r end end
end
table.setn = function() error("'setn' is obsolete") end
math.pow = function(a, b) return a ^ b end
math.mod = math.fmod
math.ldexp = function(m, e) return m * 2.0 ^ e end
math.frexp = function(x)
  if x == 0 or x ~= x or x == math.huge or x == -math.huge then return x, 0 end
  local e = math.floor(math.log(math.abs(x), 2)) + 1
  local m = x / 2.0 ^ e
  if math.abs(m) >= 1 then m = m / 2; e = e + 1 end
  if math.abs(m) < 0.5 then m = m * 2; e = e - 1 end
  return m, e
end
math.cosh = function(x) return (math.exp(x) + math.exp(-x)) / 2 end
math.sinh = function(x) return (math.exp(x) - math.exp(-x)) / 2 end
math.tanh = function(x) local a, b = math.exp(x), math.exp(-x) return (a - b) / (a + b) end
math.log10 = function(x) return math.log(x, 10) end
string.gfind = string.gmatch
local load = load
loadstring = function(s, name) return load(s, name, 't') end
gcinfo = function() return math.floor(collectgarbage('count')) end
_VERSION = 'Lua 5.1'
`;

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

/**
 * A fresh VM: base, table, string, math and coroutine libraries, `installLibraries` adding the
 * redis table and Redis's own libraries as globals, then the prelude and the protection.
 * Globals move into a hidden table behind an empty read-only proxy, so no script can create,
 * change or delete one; reading a missing one is Redis's error.
 */
export function newLuaState(installLibraries: (L: LuaState) => void): LuaState {
  patchLua51Numbers();
  const L = lauxlib.luaL_newstate();
  const open: [string, CFunction][] = [
    ["_G", lualib.luaopen_base],
    ["table", lualib.luaopen_table],
    ["string", lualib.luaopen_string],
    ["math", lualib.luaopen_math],
    ["coroutine", lualib.luaopen_coroutine],
  ];
  for (const [name, fn] of open) {
    lauxlib.luaL_requiref(L, to_luastring(name), fn, 1);
    lua.lua_pop(L, 1);
  }
  lua.lua_pushcfunction(L, tostring51);
  lua.lua_setglobal(L, "tostring");
  lua.lua_pushcfunction(L, tonumber51);
  lua.lua_setglobal(L, "tonumber");
  lua.lua_getglobal(L, "string");
  lua.lua_getfield(L, -1, "format");
  lua.lua_pushcfunction(L, format51(lua.lua_tocfunction(L, -1)!));
  lua.lua_setfield(L, -3, "format");
  lua.lua_pop(L, 2);
  lua.lua_getglobal(L, "setmetatable");
  lua.lua_pushcclosure(L, setmetatable51, 1);
  lua.lua_setglobal(L, "setmetatable");
  installLibraries(L);
  runChunk(L, PRELUDE, "=prelude");
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
  return L;
}

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
const setmetatable51: CFunction = (L) => {
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

/** tostring with 5.1's "%.14g" for numbers (fengari's own formats them with JavaScript's rules). */
const tostring51: CFunction = (L) => {
  lauxlib.luaL_checkany(L, 1);
  if (lua.lua_type(L, 1) === lua.LUA_TNUMBER) {
    pushText(
      L,
      lua.lua_isinteger(L, 1)
        ? String(lua.lua_tointeger(L, 1))
        : formatG(lua.lua_tonumber(L, 1), 14),
    );
  } else lauxlib.luaL_tolstring(L, 1);
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

/** Compiles and runs a trusted chunk at start-up; throws on failure (a bug here, not user input). */
function runChunk(L: LuaState, source: string, name: string): void {
  const status = lauxlib.luaL_loadbufferx(L, to_luastring(source), null, to_luastring(name), null);
  if (status !== lua.LUA_OK || lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) {
    const msg = lua.lua_tostring(L, -1);
    throw new Error(`lua start-up failed: ${msg ? new TextDecoder().decode(msg) : "?"}`);
  }
}
