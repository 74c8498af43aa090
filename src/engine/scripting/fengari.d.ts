// The part of fengari's API (Lua 5.3 in JavaScript) the scripting engine uses. fengari ships no
// types; a Lua string is a Uint8Array of its bytes.

declare module "fengari" {
  export type LuaState = { readonly __lua_state: unique symbol };
  export type LuaString = Uint8Array;
  export type CFunction = (L: LuaState) => number;
  /** A continuation (lua_pcallk): called with the call's status once it ends after a yield. */
  export type KFunction = (L: LuaState, status: number, ctx: number) => number;
  export type Hook = (L: LuaState, ar: LuaDebug) => void;
  export interface LuaDebug {
    currentline: number;
    source: LuaString | null;
    short_src: LuaString | null;
    what: LuaString | null;
  }

  export function to_luastring(s: string): LuaString;
  export function to_jsstring(s: LuaString): string;

  export const lua: {
    LUA_OK: 0;
    LUA_YIELD: 1;
    LUA_ERRRUN: 2;
    LUA_ERRSYNTAX: 3;
    LUA_ERRMEM: 4;
    LUA_ERRGCMM: 5;
    LUA_ERRERR: 6;
    LUA_TNONE: -1;
    LUA_TNIL: 0;
    LUA_TBOOLEAN: 1;
    LUA_TLIGHTUSERDATA: 2;
    LUA_TNUMBER: 3;
    LUA_TSTRING: 4;
    LUA_TTABLE: 5;
    LUA_TFUNCTION: 6;
    LUA_TUSERDATA: 7;
    LUA_TTHREAD: 8;
    LUA_MULTRET: -1;
    LUA_REGISTRYINDEX: number;
    LUA_RIDX_GLOBALS: number;
    LUA_MASKCOUNT: number;
    LUA_MASKLINE: number;
    LUA_GCSTEP: number;
    LUA_GCCOUNT: number;
    lua_absindex(L: LuaState, i: number): number;
    lua_call(L: LuaState, nargs: number, nresults: number): void;
    lua_checkstack(L: LuaState, n: number): boolean;
    lua_createtable(L: LuaState, narr: number, nrec: number): void;
    lua_error(L: LuaState): never;
    lua_gc(L: LuaState, what: number, data: number): number;
    lua_getfield(L: LuaState, i: number, k: LuaString | string): number;
    lua_getglobal(L: LuaState, name: LuaString | string): number;
    lua_getinfo(L: LuaState, what: LuaString | string, ar: LuaDebug): number;
    lua_getmetatable(L: LuaState, i: number): boolean;
    lua_getstack(L: LuaState, level: number, ar: LuaDebug): number;
    lua_gettop(L: LuaState): number;
    lua_insert(L: LuaState, i: number): void;
    lua_isinteger(L: LuaState, i: number): boolean;
    lua_isnoneornil(L: LuaState, i: number): boolean;
    lua_islightuserdata(L: LuaState, i: number): boolean;
    lua_isnumber(L: LuaState, i: number): boolean;
    lua_isstring(L: LuaState, i: number): boolean;
    lua_newtable(L: LuaState): void;
    lua_next(L: LuaState, i: number): number;
    lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
    lua_pop(L: LuaState, n: number): void;
    lua_pushboolean(L: LuaState, b: boolean | number): void;
    lua_pushcfunction(L: LuaState, f: CFunction): void;
    lua_pushcclosure(L: LuaState, f: CFunction, n: number): void;
    lua_pushinteger(L: LuaState, n: number): void;
    lua_pushliteral(L: LuaState, s: string): void;
    lua_pushlightuserdata(L: LuaState, p: object): void;
    lua_pushnil(L: LuaState): void;
    lua_pushnumber(L: LuaState, n: number): void;
    lua_pushstring(L: LuaState, s: LuaString): void;
    lua_pushvalue(L: LuaState, i: number): void;
    lua_rawequal(L: LuaState, a: number, b: number): boolean;
    lua_rawget(L: LuaState, i: number): number;
    lua_rawgeti(L: LuaState, i: number, n: number): number;
    lua_rawlen(L: LuaState, i: number): number;
    lua_rawset(L: LuaState, i: number): void;
    lua_rawseti(L: LuaState, i: number, n: number): void;
    lua_remove(L: LuaState, i: number): void;
    lua_replace(L: LuaState, i: number): void;
    lua_setfield(L: LuaState, i: number, k: LuaString | string): void;
    lua_setglobal(L: LuaState, name: LuaString | string): void;
    lua_sethook(L: LuaState, f: Hook | null, mask: number, count: number): void;
    lua_newthread(L: LuaState): LuaState;
    lua_resume(L: LuaState, from: LuaState | null, nargs: number): number;
    lua_yield(L: LuaState, nresults: number): number;
    lua_isyieldable(L: LuaState): boolean;
    lua_pcallk(
      L: LuaState,
      nargs: number,
      nresults: number,
      msgh: number,
      ctx: number,
      k: KFunction,
    ): number;
    lua_setmetatable(L: LuaState, i: number): void;
    lua_settable(L: LuaState, i: number): void;
    lua_settop(L: LuaState, i: number): void;
    lua_toboolean(L: LuaState, i: number): boolean;
    lua_tointeger(L: LuaState, i: number): number;
    lua_tointegerx(L: LuaState, i: number, isnum?: unknown): number | false;
    lua_tonumber(L: LuaState, i: number): number;
    lua_tostring(L: LuaState, i: number): LuaString | null;
    lua_tolstring(L: LuaState, i: number): LuaString | null;
    lua_touserdata(L: LuaState, i: number): unknown;
    lua_tocfunction(L: LuaState, i: number): CFunction | null;
    lua_type(L: LuaState, i: number): number;
    lua_upvalueindex(i: number): number;
  };

  export const lauxlib: {
    luaL_newstate(): LuaState;
    luaL_loadbuffer(L: LuaState, buf: LuaString, sz: number | null, name: LuaString): number;
    luaL_loadbufferx(
      L: LuaState,
      buf: LuaString,
      sz: number | null,
      name: LuaString,
      mode: LuaString | null,
    ): number;
    luaL_requiref(L: LuaState, name: LuaString, f: CFunction, glb: number): void;
    luaL_error(L: LuaState, fmt: LuaString | string, ...args: unknown[]): never;
    luaL_checkinteger(L: LuaState, i: number): number;
    luaL_checknumber(L: LuaState, i: number): number;
    luaL_checklstring(L: LuaState, i: number): LuaString;
    luaL_checkstring(L: LuaState, i: number): LuaString;
    luaL_optinteger(L: LuaState, i: number, d: number): number;
    luaL_checktype(L: LuaState, i: number, t: number): void;
    luaL_checkany(L: LuaState, i: number): void;
    luaL_argerror(L: LuaState, arg: number, msg: LuaString | string): never;
    luaL_tolstring(L: LuaState, i: number): LuaString;
    luaL_typename(L: LuaState, i: number): LuaString;
    luaL_ref(L: LuaState, t: number): number;
    luaL_unref(L: LuaState, t: number, ref: number): void;
    luaL_where(L: LuaState, level: number): void;
    luaL_traceback(L: LuaState, L1: LuaState, msg: LuaString | null, level: number): void;
  };

  export const lualib: {
    luaopen_base(L: LuaState): number;
    luaopen_table(L: LuaState): number;
    luaopen_string(L: LuaState): number;
    luaopen_math(L: LuaState): number;
    luaopen_coroutine(L: LuaState): number;
  };
}

declare module "fengari/src/lobject.js" {
  const lobject: {
    luaO_tostring: (L: unknown, obj: unknown) => void;
    luaO_str2num: (s: unknown, o: unknown) => number;
  };
  export default lobject;
}

declare module "fengari/src/lstring.js" {
  const lstring: { luaS_bless: (L: unknown, s: Uint8Array) => unknown };
  export default lstring;
}

declare module "fengari/src/lvm.js" {
  const lvm: {
    tointeger: (o: unknown) => number | false;
    luaV_tointeger: (o: unknown, mode: number) => number | false;
  };
  export default lvm;
}
