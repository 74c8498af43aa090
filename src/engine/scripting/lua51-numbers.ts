// Numerals and tonumber as Lua 5.1 reads them (Redis's Lua), where fengari's Lua 5.3 differs:
// 5.3 reads a hex integer numeral modulo 2^32 in fengari (0x100000000 is 0, 0xffffffff is -1),
// and tonumber(s, base) the same way, where 5.1 reads both as doubles (strtod and strtoul).
// BullMQ's priority score is `priority * 0x100000000 + counter % 0x100000000`: wrapped, it
// becomes `x % 0`, NaN, and ZADD refuses it.

import { lauxlib, lua } from "./lua.ts";
import type { CFunction } from "./lua.ts";

const TWO_64 = 1n << 64n;
const ULONG_MAX = TWO_64 - 1n;

function isSpace(c: number | undefined): boolean {
  return c === 32 || (c !== undefined && c >= 9 && c <= 13);
}

/** A digit's value in bases up to 36, or 99 for anything else. */
function digitValue(c: number | undefined): number {
  if (c === undefined) return 99;
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 122) return c - 87;
  if (c >= 65 && c <= 90) return c - 55;
  return 99;
}

/**
 * The value of a hex integer numeral (" -0xFF ") as 5.1's strtod reads it: a double rounded to
 * nearest, never wrapped; null if `s` is not one (fengari has already checked its syntax).
 */
export function hexNumeral(s: Uint8Array): number | null {
  let i = 0;
  while (isSpace(s[i])) i++;
  const neg = s[i] === 45;
  if (neg || s[i] === 43) i++;
  if (s[i] !== 48 || (s[i + 1] !== 120 && s[i + 1] !== 88)) return null;
  i += 2;
  let v = 0n;
  for (; digitValue(s[i]) < 16; i++) v = v * 16n + BigInt(digitValue(s[i]));
  const n = Number(v);
  return neg ? -n : n;
}

/**
 * C's strtoul over the whole string as 5.1's tonumber(s, base) uses it: optional spaces and sign,
 * "0x" allowed in base 16, at least one digit, nothing but spaces after; a minus negates modulo
 * 2^64 and an overflow gives ULONG_MAX. Null when it is not a number in that base.
 */
export function strtoul(s: Uint8Array, base: number): number | null {
  let i = 0;
  while (isSpace(s[i])) i++;
  const neg = s[i] === 45;
  if (neg || s[i] === 43) i++;
  if (base === 16 && s[i] === 48 && (s[i + 1] === 120 || s[i + 1] === 88)) {
    if (digitValue(s[i + 2]) < 16) i += 2;
  }
  const start = i;
  let v = 0n;
  for (; digitValue(s[i]) < base; i++) v = v * BigInt(base) + BigInt(digitValue(s[i]));
  if (i === start) return null;
  while (isSpace(s[i])) i++;
  if (i !== s.length) return null;
  if (v > ULONG_MAX) v = ULONG_MAX;
  else if (neg && v > 0n) v = TWO_64 - v;
  return Number(v);
}

/** 5.1's tonumber: base 10 is the ordinary conversion; other bases read with strtoul. */
export const tonumber51: CFunction = (L) => {
  const base = lauxlib.luaL_optinteger(L, 2, 10);
  if (base === 10) {
    lauxlib.luaL_checkany(L, 1);
    if (lua.lua_isnumber(L, 1)) {
      lua.lua_pushnumber(L, lua.lua_tonumber(L, 1));
      return 1;
    }
  } else {
    const s = lauxlib.luaL_checkstring(L, 1);
    if (base < 2 || base > 36) lauxlib.luaL_argerror(L, 2, "base out of range");
    const n = strtoul(s, base);
    if (n !== null) {
      lua.lua_pushnumber(L, n);
      return 1;
    }
  }
  lua.lua_pushnil(L);
  return 1;
};
