// The layering of docs/design (engine → protocols → adapters), checked on the import graph of
// src/ rather than hoped for: the engine imports no codec and no adapter, the codecs no adapter,
// the Worker and the Node side not each other, and no file imports itself through a circle.

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(__dirname, "../../src");

/** Every .ts file under src/, relative to it. */
function sources(dir = SRC): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) out.push(...sources(p));
    else if (d.name.endsWith(".ts")) out.push(relative(SRC, p));
  }
  return out;
}

const IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gms;

/**
 * file → the src/ files it imports. With `values`, only imports that survive compilation (an
 * `import type` is erased, so a circle through one alone never runs); without, every import.
 */
function importGraph(values = false): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of sources()) {
    const text = readFileSync(join(SRC, f), "utf8");
    const deps: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      if (values && /^\s*(?:import|export)\s+type\s/.test(m[0])) continue;
      const target = relative(SRC, resolve(SRC, dirname(f), m[1]!));
      if (!target.startsWith("..")) deps.push(target);
    }
    g.set(f, deps);
  }
  return g;
}

const layerOf = (f: string) => f.split("/")[0]!.replace(/\.ts$/, "");

/** Which top-level folders each folder may not import. */
const FORBIDDEN: Record<string, string[]> = {
  engine: ["protocols", "worker", "node"],
  protocols: ["worker", "node"],
  worker: ["node"],
  node: ["worker"],
  limits: ["engine", "protocols", "worker", "node"],
};

/** Import circles, each as the files on it (Tarjan's strongly connected components). */
function circles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (g.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe("layering of src/", () => {
  const g = importGraph();

  it("reads a graph of the whole tree", () => {
    expect(g.size).toBeGreaterThan(100);
  });

  it("has no upward import and no import between the Worker and the Node side", () => {
    const bad: string[] = [];
    for (const [f, deps] of g) {
      const banned = FORBIDDEN[layerOf(f)] ?? [];
      for (const d of deps) if (banned.includes(layerOf(d))) bad.push(`${f} -> ${d}`);
    }
    expect(bad).toEqual([]);
  });

  it("has no import circle that survives compilation", () => {
    expect(circles(importGraph(true))).toEqual([]);
  });

  it("has no import circle, type imports included", () => {
    // A type circle compiles away but still ties the files' types together: the engine's own
    // interfaces (CtxEngine in command-table.ts, EntryWrites, StoredStream, ShardKeys in
    // engine-host.ts) and the namespace object's contract (namespace-api.ts) sit below the files
    // that implement them, so no file's types depend on a file that depends on it (issue 14).
    expect(circles(g)).toEqual([]);
  });
});
