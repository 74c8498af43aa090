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
import { protectGlobals, setmetatable51 } from "./lua-globals.ts";
import { pushText } from "./lua-stack.ts";

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
  protectGlobals(L);
  return L;
}

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

/** Compiles and runs a trusted chunk at start-up; throws on failure (a bug here, not user input). */
function runChunk(L: LuaState, source: string, name: string): void {
  const status = lauxlib.luaL_loadbufferx(L, to_luastring(source), null, to_luastring(name), null);
  if (status !== lua.LUA_OK || lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) {
    const msg = lua.lua_tostring(L, -1);
    throw new Error(`lua start-up failed: ${msg ? new TextDecoder().decode(msg) : "?"}`);
  }
}
