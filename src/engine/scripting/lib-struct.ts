// The `struct` library Redis gives scripts (Roberto Ierusalimschy's struct 0.2): pack, unpack
// and size of binary records. Formats: < > = ! (endianness, alignment), x (pad byte),
// b/B h/H l/L T i[n]/I[n] (integers), f d (floats), s (zero-terminated), c[n] (fixed chars).

import { lauxlib, lua } from "./lua.ts";
import type { CFunction, LuaState } from "./lua.ts";

interface Fmt {
  readonly s: Uint8Array;
  pos: number;
  little: boolean;
  align: number;
}

const SIZES: Record<string, number> = { b: 1, B: 1, h: 2, H: 2, l: 8, L: 8, T: 8, f: 4, d: 8 };

function readNum(f: Fmt, def: number): number {
  const s = f.s;
  if (f.pos >= s.length || s[f.pos]! < 0x30 || s[f.pos]! > 0x39) return def;
  let n = 0;
  while (f.pos < s.length && s[f.pos]! >= 0x30 && s[f.pos]! <= 0x39)
    n = n * 10 + s[f.pos++]! - 0x30;
  return n;
}

/** The next option: its letter and size, applying endianness/alignment controls on the way. */
function next(L: LuaState, f: Fmt): { opt: string; size: number } | null {
  while (f.pos < f.s.length) {
    const opt = String.fromCharCode(f.s[f.pos++]!);
    switch (opt) {
      case " ":
        continue;
      case "<":
        f.little = true;
        continue;
      case ">":
        f.little = false;
        continue;
      case "=":
        f.little = true;
        continue;
      case "!":
        f.align = readNum(f, 8);
        continue;
      case "x":
        return { opt, size: 1 };
      case "i":
      case "I": {
        const n = readNum(f, 4);
        if (n > 8) lauxlib.luaL_error(L, "integral size %d is larger than limit of %d", n, 8);
        return { opt, size: n };
      }
      case "c":
        return { opt, size: readNum(f, 1) };
      case "s":
        return { opt, size: 0 };
      default: {
        const size = SIZES[opt];
        if (size === undefined) lauxlib.luaL_error(L, "invalid format option '%s'", opt);
        return { opt, size: size! };
      }
    }
  }
  return null;
}

function gap(f: Fmt, total: number, size: number, opt: string): number {
  if (opt === "c" || opt === "s" || opt === "x" || size <= 1) return 0;
  const a = Math.min(size, f.align);
  if (a <= 1) return 0;
  return (a - (total & (a - 1))) & (a - 1);
}

function fmtOf(L: LuaState): Fmt {
  return { s: lauxlib.luaL_checkstring(L, 1), pos: 0, little: true, align: 1 };
}

function intBytes(v: bigint, size: number, little: boolean): number[] {
  const out: number[] = [];
  let x = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) {
    out.push(Number(x & 0xffn));
    x >>= 8n;
  }
  return little ? out : out.reverse();
}

const pack: CFunction = (L) => {
  const f = fmtOf(L);
  const out: number[] = [];
  let arg = 2;
  for (let o = next(L, f); o; o = next(L, f)) {
    for (let i = gap(f, out.length, o.size, o.opt); i > 0; i--) out.push(0);
    switch (o.opt) {
      case "x":
        out.push(0);
        break;
      case "f":
      case "d": {
        const v = new DataView(new ArrayBuffer(8));
        const n = lauxlib.luaL_checknumber(L, arg++);
        if (o.opt === "f") v.setFloat32(0, n, f.little);
        else v.setFloat64(0, n, f.little);
        out.push(...new Uint8Array(v.buffer, 0, o.size));
        break;
      }
      case "c":
      case "s": {
        const s = lauxlib.luaL_checkstring(L, arg++);
        let len = o.opt === "s" ? s.length : o.size;
        if (o.opt === "c" && o.size === 0) len = s.length;
        if (s.length < len) lauxlib.luaL_argerror(L, arg - 1, "string too short");
        out.push(...s.subarray(0, len));
        if (o.opt === "s") out.push(0);
        break;
      }
      default: {
        const n = lauxlib.luaL_checknumber(L, arg++);
        out.push(...intBytes(BigInt(Math.trunc(n)), o.size, f.little));
      }
    }
  }
  lua.lua_pushstring(L, Uint8Array.from(out));
  return 1;
};

const unpack: CFunction = (L) => {
  const f = fmtOf(L);
  const data = lauxlib.luaL_checkstring(L, 2);
  let pos = lauxlib.luaL_optinteger(L, 3, 1) - 1;
  if (pos < 0) lauxlib.luaL_argerror(L, 3, "offset must be 1 or greater");
  let n = 0;
  for (let o = next(L, f); o; o = next(L, f)) {
    pos += gap(f, pos, o.size, o.opt);
    if (o.opt !== "s" && pos + o.size > data.length)
      lauxlib.luaL_argerror(L, 2, "data string too short");
    lua.lua_checkstack(L, 2);
    switch (o.opt) {
      case "x":
        pos += 1;
        continue;
      case "f":
      case "d": {
        const v = new DataView(data.buffer, data.byteOffset + pos, o.size);
        lua.lua_pushnumber(
          L,
          o.opt === "f" ? v.getFloat32(0, f.little) : v.getFloat64(0, f.little),
        );
        break;
      }
      case "c": {
        let len = o.size;
        if (len === 0) {
          if (n === 0 || lua.lua_type(L, -1) !== lua.LUA_TNUMBER)
            lauxlib.luaL_error(L, "format 'c0' needs a previous size");
          len = lua.lua_tonumber(L, -1);
          lua.lua_pop(L, 1);
          n--;
          if (pos + len > data.length) lauxlib.luaL_argerror(L, 2, "data string too short");
        }
        lua.lua_pushstring(L, data.slice(pos, pos + len));
        pos += len;
        n++;
        continue;
      }
      case "s": {
        let end = pos;
        while (end < data.length && data[end] !== 0) end++;
        if (end >= data.length) lauxlib.luaL_argerror(L, 2, "unfinished string in data");
        lua.lua_pushstring(L, data.slice(pos, end));
        pos = end + 1;
        n++;
        continue;
      }
      default: {
        const bytes = Array.from(data.subarray(pos, pos + o.size));
        if (f.little) bytes.reverse();
        let v = 0n;
        for (const b of bytes) v = (v << 8n) | BigInt(b);
        const signed = o.opt === o.opt.toLowerCase() && o.opt !== "t";
        lua.lua_pushnumber(L, Number(signed ? BigInt.asIntN(o.size * 8, v) : v));
      }
    }
    pos += o.size;
    n++;
  }
  lua.lua_pushnumber(L, pos + 1);
  return n + 1;
};

const size: CFunction = (L) => {
  const f = fmtOf(L);
  let total = 0;
  for (let o = next(L, f); o; o = next(L, f)) {
    if (o.opt === "s" || (o.opt === "c" && o.size === 0))
      lauxlib.luaL_argerror(L, 1, "options 'c0' - 's' have undefined sizes");
    total += gap(f, total, o.size, o.opt) + o.size;
  }
  lua.lua_pushnumber(L, total);
  return 1;
};

/** The struct library's functions. */
export const STRUCT: Record<string, CFunction> = { pack, unpack, size };
