// The number texts of Redis's geo replies: C's `%.<n>f` of a double (exact value, rounded half
// to even as glibc does), the "human" long double of GEOPOS/WITHCOORD (`%.17Lf` with trailing
// zeros dropped) and GEODIST/WITHDIST's fixedpoint_d2string(…, 4) (llrint of d * 10^4).

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** A finite double's exact value as mantissa * 2^exp (mantissa >= 0) and its sign. */
function exact(x: number): { neg: boolean; mant: bigint; exp: number } {
  f64[0] = x;
  const b = u64[0]!;
  const neg = b >> 63n === 1n;
  const e = Number((b >> 52n) & 0x7ffn);
  const frac = b & ((1n << 52n) - 1n);
  if (e === 0) return { neg, mant: frac, exp: -1074 };
  return { neg, mant: frac | (1n << 52n), exp: e - 1075 };
}

/** C's printf("%.<digits>f", x) for a finite double. */
export function printfFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return x > 0 ? "inf" : x < 0 ? "-inf" : "nan";
  const { neg, mant, exp } = exact(x);
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (exp >= 0) q = (mant << BigInt(exp)) * scale;
  else {
    const num = mant * scale;
    const den = 1n << BigInt(-exp);
    q = num / den;
    const r2 = (num % den) * 2n;
    if (r2 > den || (r2 === den && q % 2n === 1n)) q += 1n; // half to even
  }
  let s = q.toString();
  if (digits > 0) {
    s = s.padStart(digits + 1, "0");
    s = `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
  }
  return (neg ? "-" : "") + s;
}

/** Redis's LD_STR_HUMAN text of a double (GEOPOS, WITHCOORD): `%.17Lf`, trailing zeros cut. */
export function humanLongDouble(x: number): string {
  let s = printfFixed(x, 17);
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s === "-0" ? "0" : s;
}

/** C's llrint in the default rounding mode: nearest integer, ties to even. */
function rint(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** fixedpoint_d2string(d, 4): a distance with four decimals (GEODIST, WITHDIST). */
export function distanceText(d: number): string {
  if (d === 0) return "0.0000";
  const v = rint(d * 10000);
  const neg = v < 0;
  const digits = String(Math.abs(v)).padStart(5, "0");
  return `${neg ? "-" : ""}${digits.slice(0, -4)}.${digits.slice(-4)}`;
}
