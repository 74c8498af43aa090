// The `cjson` library Redis gives scripts (lua-cjson 2.1): encode with its rules (numbers as
// "%.14g", "/" escaped, empty table as {}, sparse arrays refused), decode to tables with
// cjson.null for JSON null.

import { fromBytes, toBytes } from "../bytes.ts";
import { lauxlib, lua } from "./lua.ts";
import type { CFunction, LuaState } from "./lua.ts";
import { pushText } from "./lua-stack.ts";
import { formatG } from "./number-format.ts";

/** cjson.null: a light userdata, as lua-cjson's. */
const NULL = { cjsonNull: true };
const MAX_DEPTH = 1000;

/** lua-cjson's settings, changed by its configuration functions (module state, as in lua-cjson). */
const config = {
  encodeMaxDepth: MAX_DEPTH,
  decodeMaxDepth: MAX_DEPTH,
  encodeInvalidNumbers: false,
  decodeInvalidNumbers: true,
  keepBuffer: true,
};
const SPARSE_RATIO = 2;
const SPARSE_SAFE = 10;

function escape(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "/") out += "\\/";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20 || c === 0x7f) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}

function encode(L: LuaState, i: number, depth: number): string {
  switch (lua.lua_type(L, i)) {
    case lua.LUA_TSTRING:
      return escape(latin1(lua.lua_tostring(L, i)!));
    case lua.LUA_TNUMBER: {
      const n = lua.lua_tonumber(L, i);
      if (!Number.isFinite(n)) {
        if (!config.encodeInvalidNumbers)
          lauxlib.luaL_error(L, "Cannot serialise number: must not be NaN or Inf");
        return Number.isNaN(n) ? "nan" : n > 0 ? "inf" : "-inf";
      }
      return lua.lua_isinteger(L, i) ? String(n) : formatG(n, 14);
    }
    case lua.LUA_TBOOLEAN:
      return lua.lua_toboolean(L, i) ? "true" : "false";
    case lua.LUA_TNIL:
      return "null";
    case lua.LUA_TLIGHTUSERDATA:
      if (lua.lua_touserdata(L, i) === NULL) return "null";
      break;
    case lua.LUA_TTABLE:
      return encodeTable(L, lua.lua_absindex(L, i), depth + 1);
  }
  return lauxlib.luaL_error(
    L,
    "Cannot serialise %s: type not supported",
    lauxlib.luaL_typename(L, i),
  );
}

function encodeTable(L: LuaState, t: number, depth: number): string {
  if (depth > config.encodeMaxDepth)
    lauxlib.luaL_error(L, "Cannot serialise, excessive nesting (%d)", depth);
  lua.lua_checkstack(L, 4);
  // an array when every key is a positive integer (lua-cjson's lua_array_length)
  let max = 0;
  let items = 0;
  let array = true;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, t) !== 0) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) === lua.LUA_TNUMBER) {
      const k = lua.lua_tonumber(L, -1);
      if (Number.isInteger(k) && k >= 1) {
        if (k > max) max = k;
        items++;
        continue;
      }
    }
    array = false;
  }
  if (array && max > 0) {
    if (max > items * SPARSE_RATIO && max > SPARSE_SAFE)
      lauxlib.luaL_error(L, "Cannot serialise table: excessively sparse array");
    const parts: string[] = [];
    for (let k = 1; k <= max; k++) {
      lua.lua_rawgeti(L, t, k);
      parts.push(encode(L, -1, depth));
      lua.lua_pop(L, 1);
    }
    return "[" + parts.join(",") + "]";
  }
  const parts: string[] = [];
  lua.lua_pushnil(L);
  while (lua.lua_next(L, t) !== 0) {
    const kt = lua.lua_type(L, -2);
    let key: string;
    if (kt === lua.LUA_TSTRING) key = latin1(lua.lua_tostring(L, -2)!);
    else if (kt === lua.LUA_TNUMBER) {
      const k = lua.lua_tonumber(L, -2);
      key = Number.isInteger(k) ? String(k) : formatG(k, 14);
    } else
      lauxlib.luaL_error(
        L,
        "Cannot serialise %s: table key must be a number or string",
        lauxlib.luaL_typename(L, -2),
      );
    parts.push(escape(key) + ":" + encode(L, -1, depth));
    lua.lua_pop(L, 1);
  }
  return "{" + parts.join(",") + "}";
}

/** Bytes as one char per byte (the encoder works on bytes; UTF-8 passes through unchanged). */
function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function pushLatin1(L: LuaState, s: string): void {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  lua.lua_pushstring(L, b);
}

function pushJson(L: LuaState, v: unknown, depth: number): void {
  // containers count, as lua-cjson counts nesting
  if (typeof v === "object" && v !== null && depth + 1 > config.decodeMaxDepth)
    lauxlib.luaL_error(L, "Found too many nested data structures (%d) at character 1", depth);
  lua.lua_checkstack(L, 4);
  if (v === null) lua.lua_pushlightuserdata(L, NULL);
  else if (typeof v === "string") lua.lua_pushstring(L, toBytes(v));
  else if (typeof v === "number") lua.lua_pushnumber(L, v);
  else if (typeof v === "boolean") lua.lua_pushboolean(L, v);
  else if (Array.isArray(v)) {
    lua.lua_createtable(L, v.length, 0);
    v.forEach((x, i) => {
      pushJson(L, x, depth + 1);
      lua.lua_rawseti(L, -2, i + 1);
    });
  } else {
    const o = v as Record<string, unknown>;
    lua.lua_createtable(L, 0, Object.keys(o).length);
    for (const [k, x] of Object.entries(o)) {
      lua.lua_pushstring(L, toBytes(k));
      pushJson(L, x, depth + 1);
      lua.lua_rawset(L, -3);
    }
  }
}

/** lua-cjson's wording for the common decode errors. */
function decodeError(text: string, e: unknown): string {
  const msg = String(e);
  if (/end of JSON/i.test(msg) || text.trim() === "")
    return `Expected value but found T_END at character ${text.length + 1}`;
  const m = /position (\d+)/.exec(msg);
  return `Expected value but found invalid token at character ${m ? Number(m[1]) + 1 : 1}`;
}

/** The cjson library's functions. */
export const CJSON: Record<string, CFunction> = {
  encode: (L) => {
    lauxlib.luaL_checkany(L, 1);
    pushLatin1(L, encode(L, 1, 0));
    return 1;
  },
  decode: (L) => {
    const bytes = lauxlib.luaL_checkstring(L, 1);
    const text = fromBytes(bytes);
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      return lauxlib.luaL_error(L, decodeError(text, e));
    }
    pushJson(L, v, 0);
    return 1;
  },
  encode_keep_buffer: (L) => {
    if (!lua.lua_isnoneornil(L, 1)) config.keepBuffer = lua.lua_toboolean(L, 1);
    lua.lua_pushboolean(L, config.keepBuffer);
    return 1;
  },
  encode_max_depth: (L) => depthSetting(L, "encodeMaxDepth"),
  decode_max_depth: (L) => depthSetting(L, "decodeMaxDepth"),
  encode_number_precision: (L) => {
    lua.lua_pushnumber(L, 14);
    return 1;
  },
  encode_sparse_array: (L) => {
    lua.lua_pushboolean(L, false);
    lua.lua_pushnumber(L, SPARSE_RATIO);
    lua.lua_pushnumber(L, SPARSE_SAFE);
    return 3;
  },
  encode_invalid_numbers: (L) => boolSetting(L, "encodeInvalidNumbers"),
  decode_invalid_numbers: (L) => boolSetting(L, "decodeInvalidNumbers"),
};

function depthSetting(L: LuaState, key: "encodeMaxDepth" | "decodeMaxDepth"): number {
  if (!lua.lua_isnoneornil(L, 1)) {
    const n = lauxlib.luaL_checkinteger(L, 1);
    if (n < 1 || n > 2147483647)
      lauxlib.luaL_argerror(L, 1, "expected integer between 1 and 2147483647");
    config[key] = n;
  }
  lua.lua_pushnumber(L, config[key]);
  return 1;
}

function boolSetting(L: LuaState, key: "encodeInvalidNumbers" | "decodeInvalidNumbers"): number {
  if (!lua.lua_isnoneornil(L, 1)) {
    const v =
      lua.lua_type(L, 1) === lua.LUA_TSTRING
        ? fromBytes(lua.lua_tostring(L, 1)!) !== "off"
        : lua.lua_toboolean(L, 1);
    config[key] = v;
  }
  lua.lua_pushboolean(L, config[key]);
  return 1;
}

/** Adds cjson.null and the version fields to the cjson table on top of the stack. */
export function cjsonExtras(L: LuaState): void {
  lua.lua_pushlightuserdata(L, NULL);
  lua.lua_setfield(L, -2, "null");
  pushText(L, "2.1.0");
  lua.lua_setfield(L, -2, "_VERSION");
  pushText(L, "cjson");
  lua.lua_setfield(L, -2, "_NAME");
}
