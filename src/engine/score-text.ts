// Redis 7.0.15's text of a double reply (ZSCORE, ZINCRBY, WITHSCORES): C's `%.17g`, i.e. the
// exact binary value rounded to 17 significant digits (ties to even, as glibc does), trailing
// zeros dropped, exponent form below 1e-4 or from 1e17; `inf`/`-inf`. Verified against
// redis-server 7.0.15 (RESP2 bulk and RESP3 `,` carry the same text), e.g. 0.1 ->
// `0.10000000000000001`, 1e20 -> `1e+20`, 1e-5 -> `1.0000000000000001e-05`.

/** `%.17g` precision. */
const PRECISION = 17;
/** `%g` switches to exponent form below this decimal exponent. */
const MIN_FIXED_EXP = -4;

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const MANTISSA_BITS = 52n;
const MANTISSA_MASK = (1n << MANTISSA_BITS) - 1n;
const EXP_MASK = 0x7ffn;
/** Exponent bias plus mantissa bits: value = mantissa * 2^(biased exponent - 1075). */
const EXP_OFFSET = 1075;
const SUBNORMAL_EXP = -1074;

/** Redis's score text for a double in either protocol (spec §10.12). */
export function formatScore(x: number, _proto: 2 | 3 = 2): string {
  if (Number.isSafeInteger(x)) return x === 0 && Object.is(x, -0) ? "-0" : String(x);
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const { digits, exp } = roundTo17(Math.abs(x));
  return (x < 0 ? "-" : "") + layoutG(digits, exp);
}

// The 17 significant digits of |x| (rounded half to even on exact ties) and the decimal
// exponent of the first digit.
function roundTo17(abs: number): { digits: string; exp: number } {
  const s17 = abs.toExponential(PRECISION - 1);
  const e17 = s17.indexOf("e");
  const exp = Number(s17.slice(e17 + 1));
  // toExponential breaks ties away from zero; a tie needs an exact 18-digit value ending in 5.
  const s18 = abs.toExponential(PRECISION);
  const e18 = s18.indexOf("e");
  if (s18.charCodeAt(e18 - 1) === 0x35 /* 5 */) {
    const n18 = BigInt(s18.slice(0, 1) + s18.slice(2, e18));
    const exp18 = Number(s18.slice(e18 + 1));
    if (isExactly(abs, n18, exp18 - PRECISION)) {
      let n17 = n18 / 10n;
      if (n17 % 2n === 1n) n17 += 1n;
      const d = n17.toString();
      return d.length > PRECISION
        ? { digits: d.slice(0, PRECISION), exp: exp18 + 1 }
        : { digits: d, exp: exp18 };
    }
  }
  return { digits: s17.slice(0, 1) + s17.slice(2, e17), exp };
}

// True when abs equals n * 10^k exactly.
function isExactly(abs: number, n: bigint, k: number): boolean {
  f64[0] = abs;
  const bits = u64[0]!;
  const biased = Number((bits >> MANTISSA_BITS) & EXP_MASK);
  let mant = bits & MANTISSA_MASK;
  let e = SUBNORMAL_EXP;
  if (biased !== 0) {
    mant |= 1n << MANTISSA_BITS;
    e = biased - EXP_OFFSET;
  }
  let num = mant;
  let den = 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  if (k >= 0) den *= 10n ** BigInt(k);
  else num *= 10n ** BigInt(-k);
  return num === n * den;
}

// `%g` layout of `digits` (first digit at decimal exponent `exp`), without trailing zeros.
function layoutG(digits: string, exp: number): string {
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 0x30) end--;
  const d = digits.slice(0, end);
  if (exp < MIN_FIXED_EXP || exp >= PRECISION) {
    const mant = d.length === 1 ? d : d[0] + "." + d.slice(1);
    const a = Math.abs(exp);
    return mant + "e" + (exp < 0 ? "-" : "+") + (a < 10 ? "0" + a : String(a));
  }
  if (exp < 0) return "0." + "0".repeat(-exp - 1) + d;
  if (d.length <= exp + 1) return d + "0".repeat(exp + 1 - d.length);
  return d.slice(0, exp + 1) + "." + d.slice(exp + 1);
}
