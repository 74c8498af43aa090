// The console's browser copy of the RESP client (src/worker/console/kit.ts) against the CLI's
// TypeScript (src/node/repl): same splitting, same decoding, same redis-cli text, on random input.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONSOLE_KIT } from "../../src/worker/console/kit.ts";
import { formatReply, formatTTY } from "../../src/node/repl/format.ts";
import {
  byteText,
  decodeReplies,
  encodeCommand,
  textBytes,
} from "../../src/node/repl/resp-reply.ts";
import type { RespValue } from "../../src/node/repl/resp-reply.ts";
import { splitLine } from "../../src/node/repl/split.ts";
import { splitInlineArgs, UNBALANCED } from "../../src/protocols/resp/resp-inline.ts";
import { toBytes } from "../../src/engine/bytes.ts";

interface Kit {
  splitArgs(line: string): string[] | null;
  encodeCommand(args: string[]): Uint8Array;
  encodeCommands(cmds: string[][]): Uint8Array;
  decodeReplies(buf: Uint8Array): RespValue[];
  formatTTY(r: RespValue): string;
  formatReply(r: RespValue, mode: "tty" | "raw", args: string[]): string;
  fromText(s: string): string;
}

const kit = new Function(`${CONSOLE_KIT}; return BlinkResp;`)() as Kit;

/** RESP bytes of a value (RESP3 types included), as a server would send it. */
function encode(r: RespValue): string {
  switch (r.t) {
    case "status":
      return `+${r.v}\r\n`;
    case "error":
      return `-${r.v}\r\n`;
    case "int":
      return `:${r.v}\r\n`;
    case "double":
      return `,${r.v}\r\n`;
    case "bignum":
      return `(${r.v}\r\n`;
    case "bulk":
      return `$${r.v.length}\r\n${r.v}\r\n`;
    case "verbatim":
      return `=${r.v.length + 4}\r\ntxt:${r.v}\r\n`;
    case "nil":
      return "_\r\n";
    case "bool":
      return r.v ? "#t\r\n" : "#f\r\n";
    case "array":
      return `*${r.v.length}\r\n` + r.v.map(encode).join("");
    case "set":
      return `~${r.v.length}\r\n` + r.v.map(encode).join("");
    case "push":
      return `>${r.v.length}\r\n` + r.v.map(encode).join("");
    case "map":
      return `%${r.v.length / 2}\r\n` + r.v.map(encode).join("");
  }
}

const bytes = fc.string({
  unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
  maxLength: 12,
});
const line = fc.string({
  unit: fc.constantFrom(..."ab \t\"'\\xX0f9\n\r\v".split(""), "\u00e9", "\u0000"),
  maxLength: 16,
});
const simpleText = bytes.filter((s) => !s.includes("\r") && !s.includes("\n"));

const reply: fc.Arbitrary<RespValue> = fc.letrec<{ r: RespValue }>((tie) => ({
  r: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    simpleText.map((v) => ({ t: "status" as const, v })),
    simpleText.map((v) => ({ t: "error" as const, v })),
    fc
      .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
      .map((v) => ({ t: "int" as const, v: String(v) })),
    fc.constantFrom("1.5", "inf", "-inf", "0", "3.14").map((v) => ({ t: "double" as const, v })),
    bytes.map((v) => ({ t: "bulk" as const, v })),
    bytes.map((v) => ({ t: "verbatim" as const, v })),
    fc.constant({ t: "nil" as const }),
    fc.boolean().map((v) => ({ t: "bool" as const, v })),
    fc.array(tie("r"), { maxLength: 12 }).map((v) => ({ t: "array" as const, v })),
    fc.array(tie("r"), { maxLength: 4 }).map((v) => ({ t: "set" as const, v })),
    fc
      .array(fc.tuple(tie("r"), tie("r")), { maxLength: 11 })
      .map((kv) => ({ t: "map" as const, v: kv.flat() })),
  ),
})).r;

describe("console kit = CLI", () => {
  it("splits lines like sdssplitargs (resp-inline.ts)", () => {
    fc.assert(
      fc.property(line, (l) => {
        const asBytes = kit.fromText(l);
        const buf = textBytes(asBytes);
        const out: string[] = [];
        const n = splitInlineArgs(buf, 0, buf.length, out);
        const expected = n === UNBALANCED ? null : out.map((a) => byteText(toBytes(a)));
        expect(kit.splitArgs(asBytes)).toEqual(expected);
        expect(splitLine(l)?.map((a) => byteText(a)) ?? null).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it("encodes commands the same way", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(bytes, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }),
        (cmds) => {
          const ts = cmds.map((c) => byteText(encodeCommand(c.map(textBytes)))).join("");
          expect(byteText(kit.encodeCommands(cmds))).toBe(ts);
          expect(byteText(kit.encodeCommand(cmds[0]!))).toBe(
            byteText(encodeCommand(cmds[0]!.map(textBytes))),
          );
        },
      ),
    );
  });

  it("decodes and formats every reply type identically", () => {
    fc.assert(
      fc.property(
        fc.array(reply, { minLength: 1, maxLength: 3 }),
        fc.constantFrom("tty", "raw"),
        fc.constantFrom<string[]>([], ["info"], ["get", "k"]),
        (rs, mode, args) => {
          const wire = textBytes(rs.map(encode).join(""));
          const ours = decodeReplies(wire);
          expect(kit.decodeReplies(wire)).toEqual(ours);
          expect(ours).toEqual(rs);
          for (const r of ours)
            expect(kit.formatReply(r, mode as "tty" | "raw", args)).toBe(
              formatReply(r, mode as "tty" | "raw", args),
            );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("decodes RESP2 nils and the redis-cli forms of nested replies", () => {
    const [a, b] = decodeReplies(textBytes("*-1\r\n$-1\r\n"));
    expect(a).toEqual({ t: "nil" });
    expect(b).toEqual({ t: "nil" });
    const nested = decodeReplies(textBytes("*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*0\r\n"))[0]!;
    expect(formatTTY(nested)).toBe('1) 1) "a"\n   2) (double) 1.5\n2) (empty array)\n');
    expect(kit.formatTTY(nested)).toBe(formatTTY(nested));
  });
});
