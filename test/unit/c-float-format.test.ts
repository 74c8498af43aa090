// string.format's float conversions by C's printf rules (glibc), without a redis-server: the
// oracle test (redis-suite-oracle.test.ts) compares 6,211 more (27 formats of 230 numbers)
// against Redis's Lua.

import { describe, expect, it } from "vitest";
import { formatFloat } from "../../src/engine/scripting/c-float-format.ts";

const f = (spec: string, n: number): string => {
  const m = /^%([-+ #0]*)(\d*)(?:\.(\d*))?([eEfgG])$/.exec(spec)!;
  return formatFloat(n, m[1]!, Number(m[2] || 0), m[3] === undefined ? null : Number(m[3]), m[4]!);
};

describe("C printf of doubles", () => {
  it("rounds an exact tie half to even, as glibc (JavaScript's toFixed rounds it up)", () => {
    expect(f("%5.1f", 2.25)).toBe("  2.2");
    expect(f("%.1f", 2.35)).toBe("2.4"); // 2.35 is 2.35000000000000008882 in binary
    expect(f("%.2f", 0.125)).toBe("0.12");
    expect(f("%.0f", 2.5)).toBe("2");
    expect(f("%.0f", 3.5)).toBe("4");
    expect(f("%.0f", -2.5)).toBe("-2");
    expect(f("%.3e", 1.0625)).toBe("1.062e+00");
  });

  it("prints %f with six decimals by default and %e with two exponent digits", () => {
    expect(f("%f", 1.5)).toBe("1.500000");
    expect(f("%e", 12345.678)).toBe("1.234568e+04");
    expect(f("%E", 1e-300)).toBe("1.000000E-300");
    expect(f("%g", 100000)).toBe("100000");
    expect(f("%g", 1000000)).toBe("1e+06");
    expect(f("%g", 0.0001)).toBe("0.0001");
    expect(f("%g", 0.00001)).toBe("1e-05");
    expect(f("%.3g", 1234.5)).toBe("1.23e+03");
    expect(f("%#g", 1.5)).toBe("1.50000");
    expect(f("%#.3g", 999.6)).toBe("1.e+03"); // glibc's form when rounding carries
  });

  it("applies flags and width, and prints infinities and NaN as C", () => {
    expect(f("%+.2f", 3)).toBe("+3.00");
    expect(f("% .2f", 3)).toBe(" 3.00");
    expect(f("%08.2f", -3.14159)).toBe("-0003.14");
    expect(f("%-8.1f", 2.5)).toBe("2.5     ");
    expect(f("%#.0f", 3)).toBe("3.");
    expect(f("%5f", Infinity)).toBe("  inf");
    expect(f("%05f", -Infinity)).toBe(" -inf");
    expect(f("%G", NaN)).toBe("-NAN");
    expect(f("%f", -0)).toBe("-0.000000");
    expect(f("%.0f", 1e21)).toBe("1000000000000000000000");
    expect(f("%.3f", 5e-324)).toBe("0.000");
  });
});
