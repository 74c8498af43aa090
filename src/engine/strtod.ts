// Emulation of glibc `strtod`/`strtold` as Redis 7.0.15 calls them, for the number parsers in
// numbers.ts. glibc accepts, after an optional sign: decimal `d+[.d*]|.d+` with an optional
// `e[+-]d+`; hexadecimal `0x` `h+[.h*]|.h+` with an optional `p[+-]d+`; `inf`/`infinity`; and
// `nan[(chars)]` (never accepted by Redis's callers, so not scanned here). Both conversions are
// correctly rounded, as JavaScript's Number() is for decimal text.

/** A number literal that spans a whole string, split into its parts. */
export interface Literal {
  readonly negative: boolean;
  readonly kind: "dec" | "hex" | "inf";
  /** Mantissa digits before the point (decimal or hex digits). */
  readonly int: string;
  /** Mantissa digits after the point. */
  readonly frac: string;
  /** Exponent digits with their sign ("" when absent); power of 10 (dec) or of 2 (hex). */
  readonly exp: string;
  /** The literal as written (decimal kind only needs it, for Number()). */
  readonly text: string;
}

const DEC_RE = /^([+-]?)(?:([0-9]+)(?:\.([0-9]*))?|\.([0-9]+))(?:[eE]([+-]?[0-9]+))?$/;
const HEX_RE =
  /^([+-]?)0[xX](?:([0-9a-fA-F]+)(?:\.([0-9a-fA-F]*))?|\.([0-9a-fA-F]+))(?:[pP]([+-]?[0-9]+))?$/;
const INF_RE = /^([+-]?)inf(?:inity)?$/i;
/** C `isspace` in the C locale. */
const C_SPACE_RE = /^[ \t\n\v\f\r]*/;

/** Exponents beyond this many digits are clamped: the result is overflow, underflow or zero anyway. */
const EXP_DIGITS_MAX = 9;
const EXP_CLAMP = 1e9;

/** Splits `t` when the whole of it is one literal strtod accepts (no spaces), else undefined. */
export function scanLiteral(t: string): Literal | undefined {
  let m = DEC_RE.exec(t);
  if (m !== null) return build("dec", m, t);
  m = HEX_RE.exec(t);
  if (m !== null) return build("hex", m, t);
  m = INF_RE.exec(t);
  if (m !== null)
    return { negative: m[1] === "-", kind: "inf", int: "", frac: "", exp: "", text: t };
  return undefined;
}

function build(kind: "dec" | "hex", m: RegExpExecArray, t: string): Literal {
  return {
    negative: m[1] === "-",
    kind,
    int: m[2] ?? "",
    frac: m[3] ?? m[4] ?? "",
    exp: m[5] ?? "",
    text: t,
  };
}

/** Leading C whitespace, which strtod skips (and Redis's callers mostly refuse). */
export function leadingSpace(t: string): number {
  return C_SPACE_RE.exec(t)![0].length;
}

/** True when every mantissa digit is zero (so a zero result is exact, not an underflow). */
export function isZeroLiteral(l: Literal): boolean {
  return l.kind !== "inf" && /^0*$/.test(l.int) && /^0*$/.test(l.frac);
}

/** The correctly rounded double: ±Infinity on overflow, ±0 on underflow (as strtod returns). */
export function literalToDouble(l: Literal): number {
  if (l.kind === "inf") return l.negative ? -Infinity : Infinity;
  if (l.kind === "dec") return Number(l.text);
  const v = hexToDouble(l.int + l.frac, exponentValue(l.exp) - BITS_PER_HEX_DIGIT * l.frac.length);
  return l.negative ? -v : v;
}

function exponentValue(exp: string): number {
  if (exp === "") return 0;
  const digits = exp.replace(/^[+-]/, "").replace(/^0+/, "");
  const sign = exp.startsWith("-") ? -1 : 1;
  if (digits.length > EXP_DIGITS_MAX) return sign * EXP_CLAMP;
  return sign * Number(digits);
}

const DBL_MANT_BITS = 53;
const DBL_MIN_EXP = -1022; // exponent of the smallest normal double
const DBL_MAX_EXP = 1023;
const BITS_PER_HEX_DIGIT = 4;
const UINT32_BITS = 32;

// value = hexDigits × 2^exp, rounded half-to-even to a double (subnormals included).
function hexToDouble(hexDigits: string, exp: number): number {
  const digits = hexDigits.replace(/^0+/, "");
  if (digits === "") return 0;
  let m = BigInt("0x" + digits);
  const bits =
    (digits.length - 1) * BITS_PER_HEX_DIGIT + (UINT32_BITS - Math.clz32(parseInt(digits[0]!, 16)));
  const lead = bits - 1 + exp; // binary exponent of the leading 1 bit
  if (lead > DBL_MAX_EXP) return Infinity;
  if (lead < DBL_MIN_EXP - DBL_MANT_BITS - 1) return 0; // below half the smallest subnormal
  const keep = lead >= DBL_MIN_EXP ? DBL_MANT_BITS : DBL_MANT_BITS - (DBL_MIN_EXP - lead);
  const shift = bits - keep;
  let e = exp;
  if (shift > 0) {
    const s = BigInt(shift);
    let q = m >> s;
    const rem = m - (q << s);
    const half = 1n << (s - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    m = q;
    e += shift;
  }
  // m < 2^54 and e >= -1074 here, so both factors and the product are exact (or overflow).
  return Number(m) * 2 ** e;
}

// x87 80-bit long double (strtold on x86-64): results at or beyond these round to ±inf / 0.
const LDBL_OVERFLOW_DEC_EXP = 4932;
/** LDBL_MAX plus half an ulp: 2^16384 - 2^16319; from here on strtold returns inf. */
const LDBL_OVERFLOW_AT = (1n << 16384n) - (1n << 16319n);
const LDBL_UNDERFLOW_DEC_EXP = -4951;
/** Half the smallest subnormal is 2^-16446; values at or below it round to 0 (ties to even). */
const LDBL_HALF_TRUE_MIN_POW2 = 16446n;

/**
 * How strtold would end for a decimal literal: "inf" (overflow, ERANGE), "zero" (a non-zero
 * value that underflows to 0, ERANGE) or "ok" (finite, possibly a subnormal long double).
 */
export function longDoubleRange(l: Literal): "ok" | "inf" | "zero" {
  if (l.kind !== "dec" || isZeroLiteral(l)) return "ok";
  const digits = (l.int + l.frac).replace(/^0+/, "");
  const scale = exponentValue(l.exp) - l.frac.length; // value = digits × 10^scale
  const sciExp = scale + digits.length - 1; // value = d.ddd × 10^sciExp
  if (sciExp > LDBL_OVERFLOW_DEC_EXP) return "inf";
  if (sciExp < LDBL_UNDERFLOW_DEC_EXP) return "zero";
  const d = BigInt(digits);
  if (sciExp === LDBL_OVERFLOW_DEC_EXP) {
    const over =
      scale >= 0
        ? d * 10n ** BigInt(scale) >= LDBL_OVERFLOW_AT
        : d >= LDBL_OVERFLOW_AT * 10n ** BigInt(-scale);
    return over ? "inf" : "ok";
  }
  if (sciExp === LDBL_UNDERFLOW_DEC_EXP) {
    // d × 10^scale <= 2^-16446  <=>  d × 2^16446 <= 10^-scale  (scale < 0 here)
    return d << LDBL_HALF_TRUE_MIN_POW2 <= 10n ** BigInt(-scale) ? "zero" : "ok";
  }
  return "ok";
}
