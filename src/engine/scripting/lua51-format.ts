// string.format's float conversions (%e %E %f %g %G) by C's printf (c-float-format.ts), and its
// integer conversions (%d %i %o %u %x %X) as Lua 5.1 does them: 5.1 casts the
// number to a C long (64-bit), where fengari's 5.3 wants a 32-bit integer and refuses the rest
// ("number has no integer representation": string.format('%d', 2^32) fails, Redis gives
// 4294967296). Such an argument is formatted here and handed to fengari's format as a string.

import { formatFloat } from "./c-float-format.ts";
import { lauxlib, lua } from "./lua.ts";
import type { CFunction } from "./lua.ts";

/** A Lua string's bytes as one char each (format strings may hold any byte). */
function latin1(s: Uint8Array): string {
  let out = "";
  for (const b of s) out += String.fromCharCode(b);
  return out;
}

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const INT32_MAX = 2 ** 31 - 1;
const TWO_64 = 1n << 64n;
const LONG_LIMIT = 1n << 63n;
/** Lua's scanformat: at most 5 flag characters, 2 digits of width and of precision. */
const FLAGS_MAX = 5;
const DIGITS_MAX = 2;
/** One conversion spec: flags, width, precision, conversion. */
const SPEC = /^%([-+ #0]*)(\d*)(?:\.(\d*))?([a-zA-Z%])/;

/** Whether fengari formats this number as 5.1 would: a 32-bit integer, not negative if unsigned. */
function fits(n: number, conv: string): boolean {
  return (
    Number.isInteger(n) && Math.abs(n) <= INT32_MAX && (n >= 0 || conv === "d" || conv === "i")
  );
}

/** C's printf of `n` (truncated to a long, as 5.1's cast) for an integer conversion. */
export function formatLong(
  n: number,
  flags: string,
  width: number,
  prec: number | null,
  conv: string,
): string {
  const signed = conv === "d" || conv === "i";
  let v = BigInt(Math.trunc(n));
  // x86-64 gcc's casts of a double outside the type's range: cvttsd2si's "integer indefinite"
  // LONG_MIN for a long; for an unsigned long, [2^63, 2^64) converts and 2^64 and up give 0
  if (signed) {
    if (v >= LONG_LIMIT || v < -LONG_LIMIT) v = -LONG_LIMIT;
  } else if (v >= TWO_64) v = 0n;
  else if (v < -LONG_LIMIT) v = LONG_LIMIT;
  else if (v < 0n) v += TWO_64;
  const neg = v < 0n;
  const base = conv === "o" ? 8 : conv === "x" || conv === "X" ? 16 : 10;
  let digits = (neg ? -v : v).toString(base);
  if (conv === "X") digits = digits.toUpperCase();
  if (prec !== null) digits = prec === 0 && v === 0n ? "" : digits.padStart(prec, "0");
  let prefix = neg
    ? "-"
    : signed && flags.includes("+")
      ? "+"
      : signed && flags.includes(" ")
        ? " "
        : "";
  if (flags.includes("#") && v !== 0n) {
    if (conv === "o" && !digits.startsWith("0")) digits = `0${digits}`;
    if (conv === "x" || conv === "X") prefix += conv === "x" ? "0x" : "0X";
  }
  const pad = width - prefix.length - digits.length;
  if (pad <= 0) return prefix + digits;
  if (flags.includes("-")) return prefix + digits + " ".repeat(pad);
  if (flags.includes("0") && prec === null) return prefix + "0".repeat(pad) + digits;
  return " ".repeat(pad) + prefix + digits;
}

/**
 * string.format over fengari's `original`, integer conversions of numbers past 32 bits done here.
 * It runs `original` in its own frame, so errors still name 'format' and the script's line.
 */
export function format51(original: CFunction): CFunction {
  return (L) => {
    const fmt = latin1(lauxlib.luaL_checkstring(L, 1));
    const top = lua.lua_gettop(L);
    let out = "";
    let arg = 1;
    let changed = false;
    for (let i = 0; i < fmt.length;) {
      const pct = fmt.indexOf("%", i);
      if (pct < 0) {
        out += fmt.slice(i);
        break;
      }
      out += fmt.slice(i, pct);
      const m = SPEC.exec(fmt.slice(pct));
      if (!m || m[4] === "%") {
        out += fmt.slice(pct, pct + 2);
        i = pct + 2;
        continue;
      }
      arg++;
      const [spec, flags, width, prec, conv] = m as unknown as [
        string,
        string,
        string,
        string | undefined,
        string,
      ];
      i = pct + spec.length;
      const w = Number(width || 0);
      const p = prec === undefined ? null : Number(prec || 0);
      let text: string | null = null;
      // Floats by C's rules (ties to even, %e's two exponent digits), where fengari's
      // sprintf-js differs; a bad spec is left to fengari, which refuses it as 5.1 does.
      if (
        "eEfgG".includes(conv) &&
        arg <= top &&
        lua.lua_isnumber(L, arg) &&
        flags.length <= FLAGS_MAX &&
        width.length <= DIGITS_MAX &&
        (prec ?? "").length <= DIGITS_MAX
      ) {
        text = formatFloat(lua.lua_tonumber(L, arg), flags, w, p, conv);
      } else if (
        "dioxXu".includes(conv) &&
        arg <= top &&
        lua.lua_type(L, arg) === lua.LUA_TNUMBER
      ) {
        const n = lua.lua_tonumber(L, arg);
        if (Number.isFinite(n) && !fits(n, conv)) text = formatLong(n, flags, w, p, conv);
      }
      if (text !== null) {
        lua.lua_pushstring(L, bytes(text));
        lua.lua_replace(L, arg);
        out += "%s";
        changed = true;
        continue;
      }
      out += spec;
    }
    if (changed) {
      lua.lua_pushstring(L, bytes(out));
      lua.lua_replace(L, 1);
    }
    return original(L);
  };
}
