// The libraries Redis gives scripts beyond Lua's own: cjson, cmsgpack, bit, struct.

import { BIT } from "./lib-bit.ts";
import { CJSON, cjsonExtras } from "./lib-cjson.ts";
import { CMSGPACK } from "./lib-cmsgpack.ts";
import { STRUCT } from "./lib-struct.ts";
import { lua, to_luastring } from "./lua.ts";
import type { CFunction, LuaState } from "./lua.ts";

function library(
  L: LuaState,
  name: string,
  fns: Record<string, CFunction>,
  extras?: (L: LuaState) => void,
): void {
  lua.lua_createtable(L, 0, Object.keys(fns).length);
  for (const [k, f] of Object.entries(fns)) {
    lua.lua_pushcfunction(L, f);
    lua.lua_setfield(L, -2, to_luastring(k));
  }
  extras?.(L);
  lua.lua_setglobal(L, to_luastring(name));
}

/** Sets the cjson, cmsgpack, bit and struct globals. */
export function installLibraries(L: LuaState): void {
  library(L, "cjson", CJSON, cjsonExtras);
  library(L, "cmsgpack", CMSGPACK);
  library(L, "bit", BIT);
  library(L, "struct", STRUCT);
}
