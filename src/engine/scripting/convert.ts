// Redis's conversion rules between command replies and Lua values (script_lua.c), both ways.
//
// Reply -> Lua (what redis.call returns), by the script's protocol (redis.setresp):
//   integer -> number; bulk/verbatim -> string; status -> {ok=s}; error -> {err="CODE msg"};
//   RESP2: nil -> false, map/set -> flat array, double -> its bulk text, bool -> 1 / false;
//   RESP3: nil -> nil, {map={k=v}}, {set={m=true}}, {double=n}, booleans, {verbatim_string=...}.
// Lua -> reply (what a script returns):
//   string -> bulk; number -> integer (truncated); true -> 1 (RESP3: true), false -> nil;
//   {err=s} -> error; {ok=s} -> status; {double=n}; {map=t}; {set=t}; other tables -> array up
//   to the first nil; anything else -> nil.

import { lua } from "./lua.ts";
import type { LuaState } from "./lua.ts";
import { fromBytes, toBytes } from "../bytes.ts";
import { formatScore } from "../score-text.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { LUA_REPLY_MAX_DEPTH } from "../../limits.ts";
import { COUNTED_FIELD, lk, markCounted, pushErrorTable, pushText } from "./lua-stack.ts";

const TWO63 = 2 ** 63;
const LLONG_MIN = -(2n ** 63n);

/** Pushes a command's reply as the Lua value redis.call returns. */
export function pushReply(L: LuaState, r: Reply, resp: 2 | 3): void {
  lua.lua_checkstack(L, 4);
  switch (r.k) {
    case "int":
      lua.lua_pushnumber(L, Number(r.v));
      return;
    case "bulk":
      lua.lua_pushstring(L, stringToBytes(r.v));
      return;
    case "verbatim":
      if (resp === 2) lua.lua_pushstring(L, toBytes(r.v));
      else {
        lua.lua_createtable(L, 0, 1);
        lua.lua_createtable(L, 0, 2);
        lua.lua_pushstring(L, toBytes(r.v));
        lua.lua_setfield(L, -2, lk("string"));
        pushText(L, "txt");
        lua.lua_setfield(L, -2, lk("format"));
        lua.lua_setfield(L, -2, lk("verbatim_string"));
      }
      return;
    case "status":
      lua.lua_createtable(L, 0, 1);
      lua.lua_pushstring(L, stringToBytes(r.v));
      lua.lua_setfield(L, -2, lk("ok"));
      return;
    case "error":
      pushErrorTable(L, "-" + r.v);
      markCounted(L); // the command's call counted it
      return;
    case "nil":
    case "nilarray":
    case "none":
      if (resp === 2) lua.lua_pushboolean(L, false);
      else lua.lua_pushnil(L);
      return;
    case "bool":
      if (resp === 2) {
        if (r.v) lua.lua_pushnumber(L, 1);
        else lua.lua_pushnumber(L, 0);
      } else lua.lua_pushboolean(L, r.v);
      return;
    case "double":
      if (resp === 2) pushText(L, formatScore(r.v, 2));
      else {
        lua.lua_createtable(L, 0, 1);
        lua.lua_pushnumber(L, r.v);
        lua.lua_setfield(L, -2, lk("double"));
      }
      return;
    case "array":
      pushArray(L, r.v, resp);
      return;
    case "map":
      if (resp === 2) pushArray(L, r.v, resp);
      else {
        lua.lua_createtable(L, 0, 1);
        lua.lua_createtable(L, 0, r.v.length >> 1);
        for (let i = 0; i + 1 < r.v.length; i += 2) {
          pushReply(L, r.v[i]!, resp);
          pushReply(L, r.v[i + 1]!, resp);
          lua.lua_settable(L, -3);
        }
        lua.lua_setfield(L, -2, lk("map"));
      }
      return;
    case "set":
      if (resp === 2) pushArray(L, r.v, resp);
      else {
        lua.lua_createtable(L, 0, 1);
        lua.lua_createtable(L, 0, r.v.length);
        for (const m of r.v) {
          pushReply(L, m, resp);
          lua.lua_pushboolean(L, true);
          lua.lua_settable(L, -3);
        }
        lua.lua_setfield(L, -2, lk("set"));
      }
      return;
    case "json":
      pushText(L, JSON.stringify(r.v));
      return;
  }
}

function pushArray(L: LuaState, items: readonly Reply[], resp: 2 | 3): void {
  lua.lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    pushReply(L, items[i]!, resp);
    lua.lua_rawseti(L, -2, i + 1);
  }
}

/** A Lua number as Redis's `(long long)` cast makes it (out of range and NaN: LLONG_MIN, as x86). */
export function luaNumberToInt(n: number): number | bigint {
  if (Number.isNaN(n) || n >= TWO63 || n < -TWO63) return LLONG_MIN;
  const t = Math.trunc(n);
  return Number.isSafeInteger(t) ? t : BigInt(t);
}

/** A Lua string as an engine byte string. */
export function luaBytes(L: LuaState, i: number): string {
  return bytesToString(lua.lua_tostring(L, i)!);
}

/** fromBytes with a fast path for short ASCII (most keys and arguments). */
export function bytesToString(b: Uint8Array): string {
  if (b.length <= 64) {
    let ascii = true;
    for (let i = 0; i < b.length; i++) {
      if (b[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, b as unknown as number[]);
  }
  return fromBytes(b);
}

/** toBytes with a fast path for short ASCII. */
export function stringToBytes(s: string): Uint8Array {
  if (s.length <= 64) {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return toBytes(s);
      out[i] = c;
    }
    return out;
  }
  return toBytes(s);
}

/** Converts the value on top of the stack (left there) to the reply a script returns. */
export function luaToReply(L: LuaState, resp: 2 | 3, depth = 0): Reply {
  const t = lua.lua_type(L, -1);
  switch (t) {
    case lua.LUA_TSTRING:
      return R.bulk(luaBytes(L, -1));
    case lua.LUA_TBOOLEAN:
      if (resp === 2) return lua.lua_toboolean(L, -1) ? R.ONE : R.NIL;
      return R.bool(lua.lua_toboolean(L, -1));
    case lua.LUA_TNUMBER:
      return R.int(luaNumberToInt(lua.lua_tonumber(L, -1)));
    case lua.LUA_TTABLE:
      if (depth >= LUA_REPLY_MAX_DEPTH || !lua.lua_checkstack(L, 4))
        return errorReply("ERR reached lua stack limit");
      return tableToReply(L, resp, depth);
    default:
      return R.NIL;
  }
}

/** Raw field `name` of the table on top, pushed; returns its Lua type. */
function field(L: LuaState, name: string): number {
  lua.lua_pushstring(L, lk(name));
  return lua.lua_rawget(L, -2);
}

function tableToReply(L: LuaState, resp: 2 | 3, depth: number): Reply {
  if (field(L, "err") === lua.LUA_TSTRING) {
    const text = luaBytes(L, -1);
    lua.lua_pop(L, 1);
    return errorReply(text, isCounted(L));
  }
  lua.lua_pop(L, 1);
  if (field(L, "ok") === lua.LUA_TSTRING) {
    const s = luaBytes(L, -1).replace(/[\r\n]/g, " ");
    lua.lua_pop(L, 1);
    return R.status(s);
  }
  lua.lua_pop(L, 1);
  if (field(L, "double") === lua.LUA_TNUMBER) {
    const d = lua.lua_tonumber(L, -1);
    lua.lua_pop(L, 1);
    return R.double(d);
  }
  lua.lua_pop(L, 1);
  if (field(L, "big_number") === lua.LUA_TSTRING) {
    const s = luaBytes(L, -1).replace(/[\r\n]/g, " ");
    lua.lua_pop(L, 1);
    return R.bulk(s);
  }
  lua.lua_pop(L, 1);
  if (field(L, "verbatim_string") === lua.LUA_TTABLE) {
    const f = field(L, "format");
    lua.lua_pop(L, 1);
    if (f === lua.LUA_TSTRING && field(L, "string") === lua.LUA_TSTRING) {
      const s = luaBytes(L, -1);
      lua.lua_pop(L, 2);
      return R.verbatim(s);
    }
    if (f === lua.LUA_TSTRING) lua.lua_pop(L, 1);
  }
  lua.lua_pop(L, 1);
  if (field(L, "map") === lua.LUA_TTABLE) {
    const out: Reply[] = [];
    lua.lua_pushnil(L);
    while (lua.lua_next(L, -2) !== 0) {
      lua.lua_pushvalue(L, -2);
      out.push(luaToReply(L, resp, depth + 1));
      lua.lua_pop(L, 1);
      out.push(luaToReply(L, resp, depth + 1));
      lua.lua_pop(L, 1);
    }
    lua.lua_pop(L, 1);
    return R.map(out);
  }
  lua.lua_pop(L, 1);
  if (field(L, "set") === lua.LUA_TTABLE) {
    const out: Reply[] = [];
    lua.lua_pushnil(L);
    while (lua.lua_next(L, -2) !== 0) {
      lua.lua_pop(L, 1);
      out.push(luaToReply(L, resp, depth + 1));
    }
    lua.lua_pop(L, 1);
    return R.set(out);
  }
  lua.lua_pop(L, 1);
  const out: Reply[] = [];
  for (let j = 1; ; j++) {
    if (lua.lua_rawgeti(L, -1, j) === lua.LUA_TNIL) {
      lua.lua_pop(L, 1);
      break;
    }
    out.push(luaToReply(L, resp, depth + 1));
    lua.lua_pop(L, 1);
  }
  return R.array(out);
}

/**
 * An error reply from a script's error text ("CODE message"), as Redis sends it: `-<text>`;
 * `counted` when the stats already have it (ERR_REPLY_FLAG_NO_STATS_UPDATE).
 */
export function errorReply(text: string, counted = false): Reply {
  return counted
    ? { k: "error", code: "ERR", v: text, counted }
    : { k: "error", code: "ERR", v: text };
}

/** Whether the error table on top carries the counted mark. */
export function isCounted(L: LuaState): boolean {
  const counted = field(L, COUNTED_FIELD) !== lua.LUA_TNIL && lua.lua_toboolean(L, -1);
  lua.lua_pop(L, 1);
  return counted;
}
