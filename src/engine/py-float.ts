// Float texts of spec §3.3: Python's float repr (canonical and Flask JSON) and the
// "Float result text" of INCRBYFLOAT/HINCRBYFLOAT.
//
// Both start from the shortest round-trip digits. ECMAScript's Number::toString is specified
// to give exactly those (the shortest digit string that reads back as x, the closest one on
// ties), which is also what Python's repr (David Gay's dtoa, mode 0) picks, so we only have to
// re-lay out String(x) and never compute digits ourselves.

/** Python repr switches to exponent notation outside 10^-4 <= |x| < 10^16. */
const REPR_FIXED_MIN_EXP = -4;
const REPR_FIXED_MAX_EXP = 16;
const SMALLEST_FIXED_REPR = 1e-4;
const LARGEST_FIXED_REPR = 1e16;
const ZERO = 0x30;

/** Shortest round-trip digits of a finite x > 0, without leading or trailing zeros, and the
 * scientific exponent of the first digit (x = d.ddd × 10^exp). */
function decompose(x: number): { digits: string; exp: number } {
  const s = String(x);
  let mantissa = s;
  let e = 0;
  const ePos = s.indexOf("e");
  if (ePos >= 0) {
    e = Number(s.slice(ePos + 1));
    mantissa = s.slice(0, ePos);
  }
  const dot = mantissa.indexOf(".");
  const intLen = dot >= 0 ? dot : mantissa.length;
  let digits = dot >= 0 ? mantissa.slice(0, dot) + mantissa.slice(dot + 1) : mantissa;
  let lead = 0;
  while (digits.charCodeAt(lead) === ZERO) lead++;
  let end = digits.length;
  while (end > lead && digits.charCodeAt(end - 1) === ZERO) end--;
  digits = digits.slice(lead, end);
  return { digits, exp: e + intLen - 1 - lead };
}

/** Fixed-notation layout of digits × 10^(exp - digits.length + 1); integers get ".0" if asked. */
function layoutFixed(digits: string, exp: number, pointZero: boolean): string {
  if (exp < 0) return "0." + "0".repeat(-exp - 1) + digits;
  const n = digits.length;
  if (n <= exp + 1) return digits + "0".repeat(exp + 1 - n) + (pointZero ? ".0" : "");
  return digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
}

/** Python `repr(float)` as `json.dumps` prints it (spec §3.3 "Python float repr"). */
export function pyFloatRepr(x: number): string {
  if (x !== x) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(x);
  if (abs >= SMALLEST_FIXED_REPR && abs < LARGEST_FIXED_REPR) {
    // Number::toString is already fixed notation with the same digits in this range
    // (it switches to exponents only below 1e-6 or from 1e21).
    const s = String(x);
    return s.indexOf(".") >= 0 ? s : s + ".0";
  }
  const { digits, exp } = decompose(abs);
  const sign = x < 0 ? "-" : "";
  if (exp >= REPR_FIXED_MIN_EXP && exp < REPR_FIXED_MAX_EXP) {
    return sign + layoutFixed(digits, exp, true);
  }
  const mantissa = digits.length === 1 ? digits : digits[0] + "." + digits.slice(1);
  const e = Math.abs(exp);
  return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" + e : String(e));
}

/** The "Float result text" of spec §3.3: shortest round-trip decimal in fixed notation, no
 * trailing zeros or dot, `-0` as `0` (non-finite values, which callers refuse first, give
 * `inf`, `-inf`, `nan`). */
export function floatResultText(x: number): string {
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return "0";
  const s = String(x);
  // Number::toString uses fixed notation, without trailing zeros, for 1e-6 <= |x| < 1e21.
  if (s.indexOf("e") < 0) return s;
  const { digits, exp } = decompose(Math.abs(x));
  return (x < 0 ? "-" : "") + layoutFixed(digits, exp, false);
}
