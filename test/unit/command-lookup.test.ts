// Command names fold case as Redis's strcasecmp does: A-Z only (spec §10.2 step 1). The table's
// usual-case fast path must agree with folding every name.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asciiLower } from "../../src/engine/ascii.ts";
import { newConn } from "../../src/engine/conn-state.ts";
import { Engine } from "../../src/engine/engine.ts";
import { COMMANDS } from "../../src/engine/commands/index.ts";

/** The plain definition: each A-Z unit lowered, nothing else touched. */
const model = (s: string) =>
  Array.from(s, (ch) => (ch >= "A" && ch <= "Z" ? ch.toLowerCase() : ch)).join("");

describe("ASCII case folding of command names", () => {
  it("asciiLower lowers A-Z only", () => {
    expect(asciiLower("GeT")).toBe("get");
    expect(asciiLower("\u212Aeys")).toBe("\u212Aeys");
    expect(asciiLower("ÄBC")).toBe("Äbc");
    fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => asciiLower(s) === model(s)));
  });

  it("find agrees with lookup of the folded name, in every case mix", () => {
    const names = COMMANDS.names("redis");
    const mixed = fc
      .tuple(fc.constantFrom(...names), fc.array(fc.boolean(), { maxLength: 20 }))
      .map(([n, ups]) => Array.from(n, (ch, i) => (ups[i] ? ch.toUpperCase() : ch)).join(""));
    fc.assert(
      fc.property(fc.oneof(mixed, fc.string()), (name) => {
        expect(COMMANDS.find("redis", name)).toBe(COMMANDS.lookup("redis", model(name)));
      }),
    );
    expect(COMMANDS.find("redis", "\u212Aeys")).toBeUndefined();
    expect(COMMANDS.find("blink", "SET")?.name).toBe("set");
  });

  it("subcommands and option words fold the same way (KELVIN SIGN is not K)", () => {
    const engine = new Engine(COMMANDS, "fold");
    const conn = newConn(1, { authed: true, readonly: false });
    const run = (...argv: string[]) => engine.run("redis", conn, [{ argv }], 0)[0];
    expect(run("CLIENT", "\u212Aill", "x")).toMatchObject({ k: "error" });
    expect(String((run("CLIENT", "\u212Aill", "x") as { v: string }).v)).toMatch(
      /^ERR unknown subcommand/,
    );
    expect(run("client", "GETNAME")).toEqual({ k: "nil" });
  });
});
