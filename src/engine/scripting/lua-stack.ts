// The stack helpers every part of the scripting VM uses: interned key strings, pushing text, and
// raising or pushing Redis's error tables. Apart from lua-state.ts so that the files it is built
// from (lua-globals.ts) can use them without importing it.

import { lua, to_luastring } from "./lua.ts";
import type { LuaState } from "./lua.ts";

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
