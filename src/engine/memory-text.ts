// Redis's human-readable byte counts (INFO used_memory_human, maxmemory_human: `bytesToHuman`).

const UNITS = ["K", "M", "G", "T", "P"] as const;

/** `n` bytes as Redis prints them: `1000B`, `97.66K`, `64.00M` (%.2f, ties to even as glibc). */
export function bytesToHuman(n: number): string {
  const v = BigInt(Math.max(0, Math.floor(n)));
  if (v < 1024n) return `${v}B`;
  let unit = 1024n;
  for (const u of UNITS) {
    if (v < unit * 1024n) return `${fixed2(v, unit)}${u}`;
    unit *= 1024n;
  }
  return `${v}B`;
}

/** n / unit with two decimals, rounded half to even on an exact tie (as printf's %.2f). */
function fixed2(n: bigint, unit: bigint): string {
  let q = (n * 100n) / unit;
  const twice = ((n * 100n) % unit) * 2n;
  if (twice > unit || (twice === unit && q % 2n === 1n)) q++;
  return `${q / 100n}.${String(q % 100n).padStart(2, "0")}`;
}
