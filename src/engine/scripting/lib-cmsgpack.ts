// The `cmsgpack` library Redis gives scripts (lua-cmsgpack 0.4): pack any number of values to
// MessagePack (smallest integer form, float32 when exact, tables as arrays when their keys are
// 1..n, else maps), and unpack a string back to values. BullMQ keeps job options in it.

import { lauxlib, lua } from "./lua.ts";
import type { CFunction, LuaState } from "./lua.ts";

/** lua-cmsgpack's nesting limit: deeper tables pack as nil. */
const MAX_NESTING = 16;

class Out {
  bytes: number[] = [];
  u8(...b: number[]): void {
    for (const x of b) this.bytes.push(x & 0xff);
  }
  be(v: bigint | number, n: number): void {
    let x = BigInt.asUintN(n * 8, BigInt(v));
    const tmp: number[] = [];
    for (let i = 0; i < n; i++) {
      tmp.unshift(Number(x & 0xffn));
      x >>= 8n;
    }
    this.bytes.push(...tmp);
  }
}

function packNumber(o: Out, n: number): void {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 64) {
    if (n >= 0) {
      if (n <= 127) o.u8(n);
      else if (n <= 0xff) o.u8(0xcc, n);
      else if (n <= 0xffff) (o.u8(0xcd), o.be(n, 2));
      else if (n <= 0xffffffff) (o.u8(0xce), o.be(n, 4));
      else (o.u8(0xcf), o.be(BigInt(n), 8));
    } else {
      if (n >= -32) o.u8(n);
      else if (n >= -128) o.u8(0xd0, n);
      else if (n >= -32768) (o.u8(0xd1), o.be(n, 2));
      else if (n >= -2147483648) (o.u8(0xd2), o.be(n, 4));
      else (o.u8(0xd3), o.be(BigInt(n), 8));
    }
    return;
  }
  const f32 = Math.fround(n);
  const view = new DataView(new ArrayBuffer(8));
  if (f32 === n || Number.isNaN(n)) {
    view.setFloat32(0, n);
    o.u8(0xca, ...new Uint8Array(view.buffer, 0, 4));
  } else {
    view.setFloat64(0, n);
    o.u8(0xcb, ...new Uint8Array(view.buffer));
  }
}

function packValue(L: LuaState, o: Out, i: number, level: number): void {
  switch (lua.lua_type(L, i)) {
    case lua.LUA_TSTRING: {
      const s = lua.lua_tostring(L, i)!;
      const n = s.length;
      if (n < 32) o.u8(0xa0 | n);
      else if (n <= 0xff) o.u8(0xd9, n);
      else if (n <= 0xffff) (o.u8(0xda), o.be(n, 2));
      else (o.u8(0xdb), o.be(n, 4));
      for (const b of s) o.bytes.push(b);
      return;
    }
    case lua.LUA_TBOOLEAN:
      o.u8(lua.lua_toboolean(L, i) ? 0xc3 : 0xc2);
      return;
    case lua.LUA_TNUMBER:
      packNumber(o, lua.lua_tonumber(L, i));
      return;
    case lua.LUA_TTABLE:
      if (level < MAX_NESTING) {
        packTable(L, o, lua.lua_absindex(L, i), level + 1);
        return;
      }
      break;
  }
  o.u8(0xc0);
}

/** lua-cmsgpack's table_is_an_array: keys are exactly 1..n. */
function arrayLength(L: LuaState, t: number): number {
  let count = 0;
  let max = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, t) !== 0) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) !== lua.LUA_TNUMBER) {
      lua.lua_pop(L, 1);
      return -1;
    }
    const k = lua.lua_tonumber(L, -1);
    if (!Number.isInteger(k) || k < 1) {
      lua.lua_pop(L, 1);
      return -1;
    }
    count++;
    if (k > max) max = k;
  }
  return max === count ? count : -1;
}

function packTable(L: LuaState, o: Out, t: number, level: number): void {
  lua.lua_checkstack(L, 4);
  const n = arrayLength(L, t);
  if (n >= 0) {
    if (n < 16) o.u8(0x90 | n);
    else if (n <= 0xffff) (o.u8(0xdc), o.be(n, 2));
    else (o.u8(0xdd), o.be(n, 4));
    for (let k = 1; k <= n; k++) {
      lua.lua_rawgeti(L, t, k);
      packValue(L, o, -1, level);
      lua.lua_pop(L, 1);
    }
    return;
  }
  let size = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, t) !== 0) {
    lua.lua_pop(L, 1);
    size++;
  }
  if (size < 16) o.u8(0x80 | size);
  else if (size <= 0xffff) (o.u8(0xde), o.be(size, 2));
  else (o.u8(0xdf), o.be(size, 4));
  lua.lua_pushnil(L);
  while (lua.lua_next(L, t) !== 0) {
    packValue(L, o, -2, level);
    packValue(L, o, -1, level);
    lua.lua_pop(L, 1);
  }
}

/** Reads MessagePack values; each `value()` pushes one Lua value. */
class Reader {
  pos = 0;
  readonly L: LuaState;
  readonly b: Uint8Array;
  constructor(L: LuaState, b: Uint8Array) {
    this.L = L;
    this.b = b;
  }
  private need(n: number): void {
    if (this.pos + n > this.b.length) lauxlib.luaL_error(this.L, "Missing bytes in input.");
  }
  private uint(n: number): number {
    this.need(n);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.b[this.pos++]!;
    return v;
  }
  private int(n: number): number {
    const u = this.uint(n);
    const top = 2 ** (8 * n);
    return u >= top / 2 ? u - top : u;
  }
  private float(n: 4 | 8): number {
    this.need(n);
    const v = new DataView(this.b.buffer, this.b.byteOffset + this.pos, n);
    this.pos += n;
    return n === 4 ? v.getFloat32(0) : v.getFloat64(0);
  }
  private str(n: number): void {
    this.need(n);
    lua.lua_pushstring(this.L, this.b.slice(this.pos, this.pos + n));
    this.pos += n;
  }
  private array(n: number): void {
    lua.lua_checkstack(this.L, 2);
    lua.lua_createtable(this.L, n, 0);
    for (let i = 1; i <= n; i++) {
      this.value();
      lua.lua_rawseti(this.L, -2, i);
    }
  }
  private map(n: number): void {
    lua.lua_checkstack(this.L, 3);
    lua.lua_createtable(this.L, 0, n);
    for (let i = 0; i < n; i++) {
      this.value();
      this.value();
      if (lua.lua_type(this.L, -2) === lua.LUA_TNIL) lua.lua_pop(this.L, 2);
      else lua.lua_rawset(this.L, -3);
    }
  }
  value(): void {
    const L = this.L;
    this.need(1);
    const t = this.b[this.pos++]!;
    if (t <= 0x7f) lua.lua_pushnumber(L, t);
    else if (t >= 0xe0) lua.lua_pushnumber(L, t - 256);
    else if ((t & 0xe0) === 0xa0) this.str(t & 0x1f);
    else if ((t & 0xf0) === 0x90) this.array(t & 0x0f);
    else if ((t & 0xf0) === 0x80) this.map(t & 0x0f);
    else {
      switch (t) {
        case 0xc0:
          return lua.lua_pushnil(L);
        case 0xc2:
          return lua.lua_pushboolean(L, false);
        case 0xc3:
          return lua.lua_pushboolean(L, true);
        case 0xca:
          return lua.lua_pushnumber(L, this.float(4));
        case 0xcb:
          return lua.lua_pushnumber(L, this.float(8));
        case 0xcc:
          return lua.lua_pushnumber(L, this.uint(1));
        case 0xcd:
          return lua.lua_pushnumber(L, this.uint(2));
        case 0xce:
          return lua.lua_pushnumber(L, this.uint(4));
        case 0xcf:
          return lua.lua_pushnumber(L, this.uint(8));
        case 0xd0:
          return lua.lua_pushnumber(L, this.int(1));
        case 0xd1:
          return lua.lua_pushnumber(L, this.int(2));
        case 0xd2:
          return lua.lua_pushnumber(L, this.int(4));
        case 0xd3:
          return lua.lua_pushnumber(L, this.int(8));
        case 0xc4:
        case 0xd9:
          return this.str(this.uint(1));
        case 0xc5:
        case 0xda:
          return this.str(this.uint(2));
        case 0xc6:
        case 0xdb:
          return this.str(this.uint(4));
        case 0xdc:
          return this.array(this.uint(2));
        case 0xdd:
          return this.array(this.uint(4));
        case 0xde:
          return this.map(this.uint(2));
        case 0xdf:
          return this.map(this.uint(4));
        default:
          lauxlib.luaL_error(L, "Bad data format in input.");
      }
    }
  }
}

function unpack(L: LuaState, limit: number, offset: number): number {
  const b = lauxlib.luaL_checkstring(L, 1);
  const r = new Reader(L, b);
  r.pos = offset;
  const base = lua.lua_gettop(L);
  let n = 0;
  while (r.pos < b.length && (limit <= 0 || n < limit)) {
    lua.lua_checkstack(L, 2);
    r.value();
    n++;
  }
  if (limit > 0) {
    lua.lua_pushnumber(L, r.pos < b.length ? r.pos : -1);
    lua.lua_insert(L, base + 1);
    return n + 1;
  }
  return n;
}

/** The cmsgpack library's functions. */
export const CMSGPACK: Record<string, CFunction> = {
  pack: (L) => {
    const argc = lua.lua_gettop(L);
    if (argc === 0) lauxlib.luaL_argerror(L, 0, "MessagePack pack needs input.");
    const o = new Out();
    for (let i = 1; i <= argc; i++) packValue(L, o, i, 0);
    lua.lua_pushstring(L, Uint8Array.from(o.bytes));
    return 1;
  },
  unpack: (L) => unpack(L, 0, 0),
  unpack_one: (L) => unpack(L, 1, lauxlib.luaL_optinteger(L, 2, 0)),
  unpack_limit: (L) => unpack(L, lauxlib.luaL_checkinteger(L, 2), lauxlib.luaL_optinteger(L, 3, 0)),
};
