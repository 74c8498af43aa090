// docs/compatibility.md is generated from the command records: this fails when a command is
// added, changed or documented without `npm run docs`.

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compatibilityPage } from "../../src/node/docs/compatibility.ts";
import { COMMANDS } from "../../src/engine/commands/index.ts";

const root = resolve(__dirname, "../..");

describe("docs/compatibility.md", () => {
  it("is what `npm run docs` writes from the command records", () => {
    const suitePath = resolve(root, "docs/redis-suite.md");
    const suite = existsSync(suitePath) ? readFileSync(suitePath, "utf8") : "";
    const committed = readFileSync(resolve(root, "docs/compatibility.md"), "utf8");
    expect(committed).toBe(compatibilityPage(suite));
  });

  it("every Redis-dialect record carries its docs (summary, group, since)", () => {
    const missing = COMMANDS.specs("redis")
      .filter((s) => !s.doc?.summary || !s.doc.group || !s.doc.since)
      .map((s) => s.name);
    expect(missing).toEqual([]);
  });
});
