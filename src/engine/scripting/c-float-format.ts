// C's printf of a double for %e %E %f %g %G, as glibc prints it (Redis's Lua 5.1 string.format
// calls it): digits from the exact binary value, rounded half to even where it lies exactly
// between two outputs (string.format('%.1f', 2.25) is "2.2"). fengari formats through
// sprintf-js, which uses JavaScript's toFixed (ties away from zero), prints %f without a
// precision unpadded and %e with one exponent digit.

const DEFAULT_PRECISION = 6;
/** %g switches to exponent form below this power of ten (C: exponent < -4). */
const G_MIN_EXP = -4;

/**
 * A NaN prints as "-nan": x86's 0/0 (the NaN a script makes) has its sign bit set, and Lua 5.1
 * on Redis prints it so; JavaScript cannot tell NaNs apart.
 */
const NAN_IS_NEGATIVE = true;

/** |n| (finite) as an exact fraction `int / 10^scale`. */
function exact(n: number): { int: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(n));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp2 = biased - 1075;
  if (biased === 0) exp2 = -1074;
  else mant |= 1n << 52n;
  if (exp2 >= 0) return { int: mant << BigInt(exp2), scale: 0 };
  // m / 2^k = m * 5^k / 10^k
  return { int: mant * 5n ** BigInt(-exp2), scale: -exp2 };
}

/** `int / 10^drop` rounded half to even (drop >= 0). */
function roundDrop(int: bigint, drop: number): bigint {
  if (drop <= 0) return int * 10n ** BigInt(-drop);
  const div = 10n ** BigInt(drop);
  let q = int / div;
  const r2 = (int % div) * 2n;
  if (r2 > div || (r2 === div && q % 2n === 1n)) q++;
  return q;
}

/** Digits of |n| with `prec` decimals (%f). */
function fixed(n: number, prec: number): string {
  const { int, scale } = exact(n);
  const digits = roundDrop(int, scale - prec).toString();
  if (prec === 0) return digits;
  const padded = digits.padStart(prec + 1, "0");
  return `${padded.slice(0, -prec)}.${padded.slice(-prec)}`;
}

/** Significant digits of |n| rounded to `count`, and the decimal exponent of the first. */
function significant(n: number, count: number): { digits: string; exp: number; carried: boolean } {
  if (n === 0) return { digits: "0".repeat(count), exp: 0, carried: false };
  const { int, scale } = exact(n);
  const len = int.toString().length;
  let q = roundDrop(int, len - count);
  let exp = len - 1 - scale;
  const carried = q.toString().length > count;
  if (carried) {
    q /= 10n; // 9.99… rounded up to 10.0…: one digit more, ending in 0
    exp++;
  }
  return { digits: q.toString(), exp, carried };
}

/** Mantissa and exponent text (%e) from significant digits. */
function expForm(digits: string, exp: number, upper: boolean, point: boolean): string {
  const mant = digits.length > 1 || point ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = `${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return `${mant}${upper ? "E" : "e"}${e}`;
}

/** A %f text without trailing fraction zeros (and point), as %g prints it. */
function stripFraction(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/** The body of %g: %e or %f by the exponent, trailing zeros dropped unless `alt` ('#'). */
function general(n: number, prec: number, upper: boolean, alt: boolean): string {
  const p = prec === 0 ? 1 : prec;
  const { digits, exp, carried } = significant(n, p);
  // glibc picks the form by the unrounded exponent: when rounding carries it to P (999.6 at
  // %#.3g) it prints the exponent form with no fraction digits, "1.e+03", not C's "1.00e+03".
  if (alt && carried && exp === p) return expForm(digits[0]!, exp, upper, true);
  if (exp < G_MIN_EXP || exp >= p) {
    const d = alt ? digits : digits.replace(/0+$/, "") || "0";
    return expForm(d, exp, upper, alt);
  }
  const s = fixed(n, p - 1 - exp);
  if (alt) return s.includes(".") ? s : `${s}.`;
  return stripFraction(s);
}

/**
 * `n` as C's printf("%<flags><width>.<prec><conv>") prints it, conv one of e E f g G; `prec`
 * null when not given (6).
 */
export function formatFloat(
  n: number,
  flags: string,
  width: number,
  prec: number | null,
  conv: string,
): string {
  const upper = conv === "E" || conv === "G";
  const p = prec ?? DEFAULT_PRECISION;
  const alt = flags.includes("#");
  const neg = n < 0 || Object.is(n, -0) || (Number.isNaN(n) && NAN_IS_NEGATIVE);
  let body: string;
  if (!Number.isFinite(n)) body = Number.isNaN(n) ? "nan" : "inf";
  else if (conv === "f") body = fixed(n, p);
  else if (conv === "e" || conv === "E") {
    const { digits, exp } = significant(n, p + 1);
    body = expForm(digits, exp, upper, alt);
  } else body = general(n, p, upper, alt);
  if (conv === "f" && alt && Number.isFinite(n) && !body.includes(".")) body += ".";
  if (upper) body = body.toUpperCase();
  const sign = neg ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
  const pad = width - sign.length - body.length;
  if (pad <= 0) return sign + body;
  if (flags.includes("-")) return sign + body + " ".repeat(pad);
  if (flags.includes("0") && Number.isFinite(n)) return sign + "0".repeat(pad) + body;
  return " ".repeat(pad) + sign + body;
}
