// The engine against a simple in-memory model: random command sequences over several doors,
// with restarts from SQLite storage in between (persistence must reproduce the exact state).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { byteLength } from "../../src/engine/bytes.ts";
import type { Reply } from "../../src/engine/reply.ts";
import { Harness, dump } from "./support/engine-harness.ts";

type ModelValue =
  { type: "string" | "int" | "json"; text: string } | { type: "set"; members: string[] };

class Model {
  readonly map = new Map<string, ModelValue>();
  writeSeq = 0;

  put(k: string, v: ModelValue): void {
    this.map.set(k, v);
  }
  usage(): number {
    let n = 0;
    for (const [k, v] of this.map) {
      n += byteLength(k);
      n += v.type === "set" ? v.members.reduce((a, m) => a + byteLength(m), 0) : byteLength(v.text);
    }
    return n;
  }
}

const keyArb = fc.constantFrom("a", "b", "c", "é", "ключ", "🙂", "x:1");
const textArb = fc.oneof(
  fc.constantFrom("", "v", "hello world", "é", "🙂🙂"),
  fc.string({ maxLength: 8 }).filter((s) => !/\s/.test(s)),
);
const intArb = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

type Op =
  | { op: "bset"; k: string; v: string }
  | { op: "bget"; k: string }
  | { op: "bdel"; k: string }
  | { op: "usage" }
  | { op: "gint"; k: string; v: bigint }
  | { op: "gjson"; k: string; v: number }
  | { op: "gflush" }
  | { op: "sadd"; k: string; m: string }
  | { op: "restart" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("bset" as const), k: keyArb, v: textArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("bget" as const), k: keyArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("bdel" as const), k: keyArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("usage" as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("gint" as const), k: keyArb, v: intArb }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("gjson" as const), k: keyArb, v: fc.integer() }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("gflush" as const) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("sadd" as const), k: keyArb, m: textArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("restart" as const) }) },
);

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

function apply(h: Harness, m: Model, o: Op): void {
  let r: Reply;
  switch (o.op) {
    case "bset":
      expect(h.run("blink", "SET", o.k, o.v)).toEqual({ k: "status", v: "OK" });
      m.put(o.k, { type: "string", text: o.v });
      return;
    case "bget": {
      r = h.run("blink", "GET", o.k);
      const v = m.map.get(o.k);
      if (!v) expect(r.k).toBe("nil");
      else if (v.type === "set") expect(r).toMatchObject({ k: "error", v: WRONGTYPE });
      else expect(r).toEqual({ k: "bulk", v: v.text });
      return;
    }
    case "bdel":
      r = h.run("blink", "DEL", o.k);
      expect(r.k).toBe(m.map.has(o.k) ? "status" : "nil");
      m.map.delete(o.k);
      return;
    case "usage":
      expect(h.run("blink", "USAGE")).toEqual({ k: "status", v: `USAGE ${m.usage()}` });
      return;
    case "gint":
      h.runTyped("gevent", ["SET", o.k, ""], [undefined, undefined, { type: "int", v: o.v }]);
      m.put(o.k, { type: "int", text: o.v.toString() });
      return;
    case "gjson": {
      const text = `{"n":${o.v}}`;
      h.runTyped("gevent", ["SET", o.k, ""], [undefined, undefined, { type: "json", text }]);
      m.put(o.k, { type: "json", text });
      return;
    }
    case "gflush":
      expect(h.run("gevent", "FLUSH")).toEqual({ k: "int", v: m.map.size });
      m.map.clear();
      return;
    case "sadd": {
      r = h.run("lightredis", "sadd", o.k, o.m);
      const v = m.map.get(o.k);
      if (v && v.type !== "set") {
        expect(r).toMatchObject({ k: "error", v: WRONGTYPE });
        return;
      }
      expect(r).toEqual({ k: "status", v: "OK" });
      if (!v) m.put(o.k, { type: "set", members: [o.m] });
      else if (!v.members.includes(o.m)) v.members.push(o.m);
      return;
    }
    case "restart": {
      const before = dump(h.engine);
      h.restart();
      expect(dump(h.engine)).toEqual(before);
    }
  }
}

function check(h: Harness, m: Model): void {
  const d = dump(h.engine) as { keys: [string, string, unknown][]; usage: number };
  const expected = [...m.map].map(([k, v]) => [k, v.type, v.type === "set" ? v.members : v.text]);
  expect(d.keys.map(([k, t, v]) => [k, t, v])).toEqual(expected);
  expect(d.usage).toBe(m.usage());
}

describe("engine vs model", () => {
  it("random command sequences, with restarts from storage", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const h = new Harness({ persist: true });
        const m = new Model();
        for (const o of ops) {
          apply(h, m, o);
          check(h, m);
        }
        h.restart();
        check(h, m);
      }),
      { numRuns: 200 },
    );
  });
});
