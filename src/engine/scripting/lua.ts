// The one import of fengari for the engine: its environment first (fengari-conf.ts).

import { restoreBinding } from "./fengari-conf.ts";
import { lauxlib, lua, lualib, to_luastring } from "fengari";
import lobject from "fengari/src/lobject.js";
import lstring from "fengari/src/lstring.js";
import lvm from "fengari/src/lvm.js";

restoreBinding();

export { lauxlib, lobject, lstring, lua, lualib, lvm, to_luastring };
export type { CFunction, KFunction, LuaDebug, LuaState } from "fengari";
