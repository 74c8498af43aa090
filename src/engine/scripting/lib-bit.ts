// The `bit` library Redis gives scripts (LuaBitOp 1.0): 32-bit operations on numbers, results
// as signed 32-bit integers.

import { lauxlib, lua } from "./lua.ts";
import type { CFunction, LuaState } from "./lua.ts";
import { pushText } from "./lua-stack.ts";

/** A Lua number as LuaBitOp's tobit: rounded, then its low 32 bits as a signed integer. */
export function tobit(x: number): number {
  if (!Number.isFinite(x)) return 0;
  const r = Math.round(x);
  // ties to even, as the FPU's rounding LuaBitOp relies on
  const n = Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  return Number(BigInt.asIntN(32, BigInt(n)));
}

const arg = (L: LuaState, i: number): number => tobit(lauxlib.luaL_checknumber(L, i));
const ret = (L: LuaState, v: number): number => {
  lua.lua_pushnumber(L, v | 0);
  return 1;
};

function fold(op: (a: number, b: number) => number): CFunction {
  return (L) => {
    let acc = arg(L, 1);
    for (let i = lua.lua_gettop(L); i > 1; i--) acc = op(acc, arg(L, i));
    return ret(L, acc);
  };
}

const shift =
  (op: (a: number, n: number) => number): CFunction =>
  (L) =>
    ret(L, op(arg(L, 1), arg(L, 2) & 31));

/** The bit library's functions. */
export const BIT: Record<string, CFunction> = {
  tobit: (L) => ret(L, arg(L, 1)),
  bnot: (L) => ret(L, ~arg(L, 1)),
  band: fold((a, b) => a & b),
  bor: fold((a, b) => a | b),
  bxor: fold((a, b) => a ^ b),
  lshift: shift((a, n) => a << n),
  rshift: shift((a, n) => a >>> n),
  arshift: shift((a, n) => a >> n),
  rol: shift((a, n) => (a << n) | (a >>> (32 - n))),
  ror: shift((a, n) => (a >>> n) | (a << (32 - n))),
  bswap: (L) => {
    const b = arg(L, 1);
    return ret(L, (b >>> 24) | ((b >> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24) | 0);
  },
  tohex: (L) => {
    const b = arg(L, 1);
    let n = lua.lua_isnoneornil(L, 2) ? 8 : arg(L, 2);
    const upper = n < 0;
    if (upper) n = -n;
    if (n > 8) n = 8;
    let s = (b >>> 0)
      .toString(16)
      .padStart(8, "0")
      .slice(8 - n);
    if (upper) s = s.toUpperCase();
    pushText(L, s);
    return 1;
  },
};
