// Hostile input through every codec into the engine (issue 5): random and mutated bytes never
// throw, never hang, and never corrupt the store — after each run the store's totals recompute
// exactly and a restart from storage reproduces the same state. FUZZ_RUNS (default 10,000 per
// codec) sets the size; bench/fuzz.sh runs a longer campaign.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BatchItem, Dialect } from "../../src/engine/command.ts";
import { COMMANDS } from "../../src/engine/commands/index.ts";
import { isJsonObject } from "../../src/engine/json-value.ts";
import { encodeBlink, parseBlink } from "../../src/protocols/blink.ts";
import { encodeGevent, parseGeventRequests } from "../../src/protocols/gevent/gevent-wire.ts";
import { geventToCommand } from "../../src/protocols/gevent/gevent.ts";
import { encodeLightRedis, parseLightRedis } from "../../src/protocols/light-redis.ts";
import { parseJsonBytes } from "../../src/protocols/python-json.ts";
import { encodeResp } from "../../src/protocols/resp/resp-encode.ts";
import { parseRedisRequests } from "../../src/protocols/resp/resp-parse.ts";
import { Harness, checkInvariants, dump } from "./support/engine-harness.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const enc = new TextEncoder();

/** A codec under test: bytes -> batch -> engine -> bytes. */
interface Door {
  dialect: Dialect;
  seeds: string[];
  run(h: Harness, input: Uint8Array): void;
}

const isRedis = (n: string) => COMMANDS.lookup("redis", n) !== undefined;

const DOORS: Record<string, Door> = {
  blink: {
    dialect: "blink",
    seeds: [
      "SET a 1\nGET a\nDEL a\nUSAGE\n",
      "set k  v v \r\nGET k\n",
      "STATS\nQUIT\nSET x y\n",
      "GET é\nSET é ü\n",
    ],
    run(h, input) {
      const b = parseBlink(input, { lineMax: 4096, maxCommands: 1000 });
      encodeBlink(h.batch("blink", b.items));
    },
  },
  redis: {
    dialect: "redis",
    seeds: [
      "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n",
      "MULTI\r\nLPUSH l a b\r\nSADD s x\r\nHSET h f v\r\nZADD z 1 m\r\nEXEC\r\n",
      "SET k v EX 100\r\nAPPEND k w\r\nRENAME k j\r\nEXPIRE j 0\r\n",
      "WATCH a\r\nMULTI\r\nDEL a\r\nEXEC\r\nFLUSHDB\r\nSET a 'x y'\r\n",
    ],
    run(h, input) {
      const r = parseRedisRequests(input, 0, input.length, true);
      encodeResp(
        h.batch(
          "redis",
          r.argvs.map((argv) => ({ argv })),
        ),
        h.conn.resp,
      );
    },
  },
  gevent: {
    dialect: "gevent",
    seeds: [
      "*3\r\n$3\r\nSET\r\n$1\r\na\r\n:1\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n",
      "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n%1\r\n$1\r\nx\r\n*2\r\n:1\r\n$-1\r\n",
      "*5\r\n$4\r\nMSET\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$1\r\nv\r\n+get a\r\n*1\r\n$5\r\nFLUSH\r\n",
    ],
    run(h, input) {
      const r = parseGeventRequests(input, 0, input.length, true);
      const items = r.values.map((v): BatchItem => {
        const c = geventToCommand(v);
        return "argv" in c ? c : { reply: c };
      });
      encodeGevent(h.batch("gevent", items));
    },
  },
  lightredis: {
    dialect: "lightredis",
    seeds: [
      '{"cmd":"set","key":"people:john","value":{"name":"John Doe","age":32}}',
      '{"cmd":"sadd","key":"s","value":5}',
      '{"cmd":"incr","key":"n"}',
      '{"cmd":"hset","key":"h","args":["f","v",1.5]}',
      '{"cmd":"get","key":"people:john"}',
    ],
    run(h, input) {
      let body;
      try {
        body = parseJsonBytes(input);
      } catch {
        return;
      }
      if (!isJsonObject(body)) return;
      const req = parseLightRedis(body, isRedis);
      const [reply] = h.batch(req.dialect, [req.item]);
      encodeLightRedis(reply!, req.generic);
    },
  },
};

/** Random bytes, or a seed with random byte edits (flips, inserts, deletes, splices). */
function inputs(seeds: string[]): fc.Arbitrary<Uint8Array> {
  const seed = fc.constantFrom(...seeds.map((s) => enc.encode(s)));
  const edit = fc.tuple(
    fc.nat(),
    fc.integer({ min: 0, max: 255 }),
    fc.constantFrom("flip", "insert", "delete", "dup"),
  );
  const mutated = fc
    .tuple(seed, fc.array(edit, { minLength: 1, maxLength: 8 }))
    .map(([s, edits]) => {
      let b = Array.from(s);
      for (const [pos, byte, kind] of edits) {
        const i = b.length ? pos % b.length : 0;
        if (kind === "flip") b[i] = byte;
        else if (kind === "insert") b.splice(i, 0, byte);
        else if (kind === "delete") b.splice(i, 1);
        else b = b.concat(b.slice(i, i + 16));
      }
      return new Uint8Array(b);
    });
  const joined = fc
    .array(seed, { minLength: 1, maxLength: 4 })
    .map((parts) => new Uint8Array(parts.flatMap((p) => Array.from(p))));
  return fc.oneof(
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    { weight: 5, arbitrary: mutated },
    { weight: 1, arbitrary: joined },
  );
}

describe.each(Object.keys(DOORS))("fuzz %s", (name) => {
  const door = DOORS[name]!;
  it(`${RUNS} hostile inputs: no crash, store stays consistent and durable`, () => {
    const h = new Harness({ persist: true, config: { maxmemory: 4096 } });
    const started = performance.now();
    fc.assert(
      fc.property(inputs(door.seeds), (input) => {
        door.run(h, input);
        h.conn.closing = false;
        h.conn.multi = null;
      }),
      { numRuns: RUNS },
    );
    checkInvariants(h.engine);
    const before = dump(h.engine);
    h.restart();
    expect(dump(h.engine)).toEqual(before);
    console.log(
      `fuzz ${name}: ${RUNS} inputs in ${(performance.now() - started).toFixed(0)} ms, ${h.engine.dbsize} keys at the end`,
    );
  }, 120_000);
});
