import { createHash } from "node:crypto";
import fc from "fast-check";
import { expect, it } from "vitest";
import { sha256 } from "../../src/worker/sha256.ts";

it("matches node:crypto", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      expect(Buffer.from(sha256(b)).toString("hex")).toBe(
        createHash("sha256").update(b).digest("hex"),
      );
    }),
  );
});
