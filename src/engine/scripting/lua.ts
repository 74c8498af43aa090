// The one import of fengari for the engine: its configuration first (fengari-conf.ts).

import "./fengari-conf.ts";

export { lauxlib, lua, lualib, to_luastring } from "fengari";
export { default as lobject } from "fengari/src/lobject.js";
export { default as lstring } from "fengari/src/lstring.js";
export { default as lvm } from "fengari/src/lvm.js";
export type { CFunction, LuaDebug, LuaState } from "fengari";
