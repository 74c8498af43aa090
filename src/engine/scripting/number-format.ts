// C's "%.<p>g" for Lua numbers: Lua 5.1 prints numbers with "%.14g" (tostring, `..`), and Redis
// passes a Lua number to a command as "%.17g" (redis.call('set', k, 0.1) stores
// "0.10000000000000001").

/** `n` as C's printf("%.<precision>g") prints it on Linux (NaN as "-nan", as x86 Lua 5.1 shows 0/0). */
export function formatG(n: number, precision: number): string {
  if (Number.isNaN(n)) return "-nan";
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  const exp = Number(n.toExponential(precision - 1).split("e")[1]);
  if (exp < -4 || exp >= precision) {
    const [mant, e] = n.toExponential(precision - 1).split("e") as [string, string];
    const m = stripZeros(mant);
    const sign = e.startsWith("-") ? "-" : "+";
    const digits = e.replace(/^[+-]/, "").padStart(2, "0");
    return `${m}e${sign}${digits}`;
  }
  return stripZeros(n.toFixed(Math.max(0, precision - 1 - exp)));
}

function stripZeros(s: string): string {
  if (!s.includes(".")) return s;
  return s.replace(/\.?0+$/, "");
}
