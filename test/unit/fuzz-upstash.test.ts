// Hostile input through the Upstash REST codec into the engine (issue 5; fuzz-doors.test.ts
// covers Blink, Redis, gevent and Light-Redis): random and mutated JSON bodies for `POST B/`,
// `/pipeline` and `/multi-exec`, and path-form routes. Nothing throws; a rejected request names
// one of the surface's errors; every reply renders as JSON and RESP2; a read-only request never
// changes the store; a transaction that passes the up-front check runs whole; and the store's
// totals recompute exactly and survive a restart. FUZZ_RUNS (default 10,000) per form.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BatchItem } from "../../src/engine/command.ts";
import { COMMANDS } from "../../src/engine/commands/index.ts";
import { newConn } from "../../src/engine/conn-state.ts";
import type { Reply } from "../../src/engine/reply.ts";
import { VALUE_MAX_BYTES } from "../../src/limits.ts";
import { encodeResp } from "../../src/protocols/resp/resp-encode.ts";
import { envelopeJson, envelopesJson } from "../../src/protocols/upstash/upstash-reply.ts";
import {
  UPSTASH_ERRORS,
  parseCommandBody,
  parsePathCommand,
  parsePipelineBody,
} from "../../src/protocols/upstash/upstash-request.ts";
import type { Argv, Parsed } from "../../src/protocols/upstash/upstash-request.ts";
import { transactionError } from "../../src/protocols/upstash/upstash.ts";
import { mutated } from "./support/byte-mutation.ts";
import { Harness, checkInvariants, dump } from "./support/engine-harness.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const enc = new TextEncoder();
const KNOWN_ERRORS: readonly string[] = Object.values(UPSTASH_ERRORS);

/** Command names the engine knows, some it does not, and junk. */
const NAMES = [
  "SET",
  "get",
  "INCR",
  "incrbyfloat",
  "DEL",
  "MSET",
  "HSET",
  "hgetall",
  "LPUSH",
  "LRANGE",
  "SADD",
  "ZADD",
  "zrange",
  "EXPIRE",
  "TTL",
  "APPEND",
  "GETDEL",
  "RENAME",
  "FLUSHDB",
  "MULTI",
  "EXEC",
  "WATCH",
  "QUIT",
  "SELECT",
  "AUTH",
  "CONFIG",
  "KEYS",
  "SCAN",
  "NOPE",
  "",
];
const ARGS = [
  "k",
  "n",
  "h",
  "l",
  "s",
  "z",
  "f",
  "v",
  "1",
  "-1",
  "0",
  "1.5",
  "EX",
  "PX",
  "NX",
  "XX",
  "GET",
  "WITHSCORES",
  "*",
  "é",
  "\u0000",
  "100",
  "9223372036854775807",
  "set",
  "maxmemory",
];

const jsonArg = fc.oneof(
  fc.constantFrom(...ARGS),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 6 }),
);
const command = fc
  .tuple(fc.constantFrom(...NAMES), fc.array(jsonArg, { maxLength: 5 }))
  .map(([name, args]) => [name, ...args]);
/** A valid-looking body, a JSON value of the wrong shape, or random bytes; then byte edits. */
function bodies(shape: fc.Arbitrary<unknown>): fc.Arbitrary<Uint8Array> {
  const wellFormed = shape.map((v) => enc.encode(JSON.stringify(v)));
  const wrong = fc.jsonValue({ maxDepth: 3 }).map((v) => enc.encode(JSON.stringify(v)));
  return fc.oneof(
    { weight: 4, arbitrary: wellFormed },
    { weight: 4, arbitrary: mutated(wellFormed) },
    { weight: 1, arbitrary: wrong },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  );
}
const pipeline = fc.array(command, { maxLength: 6 });
/** Commands of the right arity, so that most transactions pass the up-front check and run. */
const key = fc.constantFrom("k", "n", "h", "l", "s", "z");
const word = fc.oneof(fc.constantFrom(...ARGS), fc.string({ maxLength: 4 }));
const wellFormed = fc.oneof(
  fc.tuple(fc.constant("SET"), key, word),
  fc.tuple(fc.constant("INCR"), key),
  fc.tuple(fc.constant("INCRBYFLOAT"), key, word),
  fc.tuple(fc.constant("HSET"), key, word, word),
  fc.tuple(fc.constant("LPUSH"), key, word),
  fc.tuple(fc.constant("SADD"), key, word),
  fc.tuple(fc.constant("ZADD"), key, fc.integer({ min: -5, max: 5 }), word),
  fc.tuple(fc.constant("APPEND"), key, word),
  fc.tuple(fc.constant("EXPIRE"), key, fc.integer({ min: -5, max: 1000 })),
  fc.tuple(fc.constant("DEL"), key),
  fc.tuple(fc.constant("GET"), key),
);
const transaction = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: wellFormed.map((c) => [...c]) },
    { weight: 1, arbitrary: command },
  ),
  { maxLength: 6 },
);

/** Path-form routes: segments of names and arguments, percent escapes and stray `%`. */
const segment = fc.oneof(
  fc.constantFrom(...NAMES, ...ARGS),
  fc.constantFrom("%20", "%2F", "%ff", "%", "%4", "%C3%A9", "+"),
  fc.string({ maxLength: 4 }).map(encodeURIComponent),
);
const route = fc.array(segment, { minLength: 0, maxLength: 5 }).map((s) => s.join("/"));
const search = fc.constantFrom("", "?EX=100", "?_token=x", "?NX", "?a=1&b", "?%ff=%");
const pathBody = fc.option(fc.uint8Array({ maxLength: 16 }), { nil: null });

/** One request's fresh connection context (spec §11: each request is its own context). */
function request(h: Harness, readonly: boolean): void {
  h.conn = newConn(1, { authed: true, readonly, now: h.now });
}

/** Inputs that reached the engine vs. were answered 400 by the codec, per form. */
const reached = { engine: 0, rejected: 0 };

function expectKnownError(p: Parsed<unknown>): void {
  if (!p.ok) {
    reached.rejected++;
    expect(KNOWN_ERRORS).toContain(p.error);
  }
}

/** Renders replies every way the door can; none may throw or produce invalid JSON. */
function render(replies: readonly Reply[], single: boolean): void {
  for (const base64 of [false, true]) {
    const text = single ? envelopeJson(replies[0]!, base64) : envelopesJson(replies, base64);
    JSON.parse(text);
  }
  encodeResp(replies, 2);
}

/** Runs `body` with read-only or full scope; read-only must leave the store as it was. */
function runScoped(h: Harness, readonly: boolean, items: BatchItem[]): Reply[] {
  reached.engine++;
  request(h, readonly);
  const before = readonly ? dump(h.engine) : null;
  const replies = h.batch("redis", items);
  if (before) expect(dump(h.engine)).toEqual(before);
  return replies;
}

function report(name: string, started: number, h: Harness): void {
  const ms = (performance.now() - started).toFixed(0);
  console.log(
    `fuzz upstash ${name}: ${RUNS} inputs in ${ms} ms (${reached.engine} ran, ${reached.rejected} rejected with a 400), ${h.engine.dbsize} keys at the end`,
  );
}

type Form = (h: Harness, input: [Uint8Array, boolean]) => void;

const FORMS: Record<string, { arb: fc.Arbitrary<Uint8Array>; run: Form }> = {
  "POST B/ (one command)": {
    arb: bodies(command),
    run(h, [bytes, readonly]) {
      const argv = parseCommandBody(bytes);
      expectKnownError(argv);
      if (argv.ok) render(runScoped(h, readonly, [{ argv: argv.value }]), true);
    },
  },
  "POST B/pipeline": {
    arb: bodies(pipeline),
    run(h, [bytes, readonly]) {
      const argvs = parsePipelineBody(bytes);
      expectKnownError(argvs);
      if (!argvs.ok || argvs.value.length === 0) return;
      render(
        runScoped(
          h,
          readonly,
          argvs.value.map((argv) => ({ argv })),
        ),
        false,
      );
    },
  },
  "POST B/multi-exec": {
    arb: bodies(transaction),
    run(h, [bytes, readonly]) {
      const parsed = parsePipelineBody(bytes);
      expectKnownError(parsed);
      if (!parsed.ok || parsed.value.length === 0) return;
      const argvs: Argv[] = parsed.value;
      if (transactionError(COMMANDS, argvs, { readonly, valueMax: VALUE_MAX_BYTES }) !== null)
        return void reached.rejected++; // 400, nothing runs
      const items: BatchItem[] = [
        { argv: ["multi"] },
        ...argvs.map((argv) => ({ argv })),
        { argv: ["exec"] },
      ];
      const replies = runScoped(h, readonly, items);
      const exec = replies.at(-1)!;
      // The up-front check is what makes /multi-exec all-or-nothing: EXEC must run every command.
      expect(exec.k).toBe("array");
      if (exec.k === "array") {
        expect(exec.v).toHaveLength(argvs.length);
        render(exec.v, false);
      }
    },
  },
};

describe.each(Object.keys(FORMS))("fuzz Upstash %s", (name) => {
  const form = FORMS[name]!;
  it(`${RUNS} hostile bodies: known errors, valid JSON, read-only changes nothing, store consistent and durable`, () => {
    const h = new Harness({ persist: true, config: { maxmemory: 4096 } });
    const started = performance.now();
    reached.engine = reached.rejected = 0;
    fc.assert(
      fc.property(fc.tuple(form.arb, fc.boolean()), (input) => form.run(h, input)),
      { numRuns: RUNS },
    );
    checkInvariants(h.engine);
    const before = dump(h.engine);
    h.restart();
    expect(dump(h.engine)).toEqual(before);
    report(name, started, h);
  }, 300_000);
});

describe("fuzz Upstash path form", () => {
  it(`${RUNS} hostile routes: known errors, valid JSON, store consistent and durable`, () => {
    const h = new Harness({ persist: true, config: { maxmemory: 4096 } });
    const started = performance.now();
    reached.engine = reached.rejected = 0;
    fc.assert(
      fc.property(route, search, pathBody, fc.boolean(), (r, q, body, readonly) => {
        const argv = parsePathCommand(r, q, body);
        expectKnownError(argv);
        if (argv.ok) render(runScoped(h, readonly, [{ argv: argv.value }]), true);
      }),
      { numRuns: RUNS },
    );
    checkInvariants(h.engine);
    const before = dump(h.engine);
    h.restart();
    expect(dump(h.engine)).toEqual(before);
    report("path form", started, h);
  }, 300_000);
});
