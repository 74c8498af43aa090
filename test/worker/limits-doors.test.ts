// README's limits table, walked door by door (issue 13 item 3): every input limit holds on every
// door that can meet it, each with its refusal, and a refused request changes nothing. The shim's
// own limits (TCP connections, idle timeout) are in test/node/shim-limits.test.ts; memory in
// test/worker/memory-guard.test.ts.

import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE, Ws, post, resp } from "./support/client.ts";
import {
  HTTP_BODY_MAX_BYTES,
  KEY_MAX_BYTES,
  PIPELINE_MAX_COMMANDS,
  RESP_INLINE_MAX_BYTES,
  VALUE_MAX_BYTES,
  WS_MESSAGE_MAX_BYTES,
} from "../../src/limits.ts";

let n = 0;
const fresh = () => `/db/limits-${++n}`;
const KEY_TEXT = `key too large (max ${KEY_MAX_BYTES} bytes)`;
const VALUE_TEXT = `value too large (max ${VALUE_MAX_BYTES} bytes)`;
const BODY_ERR = `ERR request body too large (max ${HTTP_BODY_MAX_BYTES} bytes)`;
const TOO_MANY = `too many commands in one request (max ${PIPELINE_MAX_COMMANDS})`;
const bigKey = "k".repeat(KEY_MAX_BYTES + 1);
const bigValue = "v".repeat(VALUE_MAX_BYTES + 1);

async function send(path: string, body: BodyInit, type: string) {
  const res = await post(path, body, type);
  return { status: res.status, text: await res.text(), error: res.headers.get("Blink-Edge-Error") };
}

async function get(path: string) {
  const res = await exports.default.fetch(BASE + path);
  return { status: res.status, text: await res.text() };
}

/** DBSIZE of a namespace, through the Upstash door. */
async function dbsize(base: string): Promise<number> {
  const r = await send(`${base}/`, '["DBSIZE"]', "application/json");
  return (JSON.parse(r.text) as { result: number }).result;
}

/** The HTTP doors that take a body, with a body for `argv` in their own format. */
const HTTP_DOORS: Record<
  string,
  (base: string, argv: string[]) => Promise<{ status: number; text: string; error: string | null }>
> = {
  "POST / text/plain": (b, a) => send(`${b}/`, a.join(" "), "text/plain"),
  "POST /blink": (b, a) => send(`${b}/blink`, a.join(" "), "text/plain"),
  "POST / JSON array": (b, a) => send(`${b}/`, JSON.stringify(a), "application/json"),
  "POST /pipeline": (b, a) => send(`${b}/pipeline`, JSON.stringify([a]), "application/json"),
  "POST /multi-exec": (b, a) => send(`${b}/multi-exec`, JSON.stringify([a]), "application/json"),
  "POST /<command>": (b, a) =>
    send(`${b}/${a.slice(0, -1).map(encodeURIComponent).join("/")}`, a.at(-1)!, "text/plain"),
  "Light-Redis JSON": (b, a) =>
    send(
      `${b}/`,
      JSON.stringify({ cmd: a[0]!.toLowerCase(), key: a[1], value: a[2] }),
      "application/json",
    ),
};

/** The WebSocket doors, with one message for `argv`. */
const WS_DOORS: Record<string, { path: string; msg: (argv: string[]) => string }> = {
  "WS /blink": { path: "/blink", msg: (a) => a.join(" ") },
  "WS /resp": { path: "/resp", msg: (a) => resp(...a) },
  "WS /resp?dialect=gevent": { path: "/resp?dialect=gevent", msg: (a) => resp(...a) },
};

/**
 * The Redis doors: a value over VALUE_MAX_BYTES is tried as a JSON document there (strings and
 * members may be longer: up to proto-max-bulk-len).
 */
const REDIS_DOORS = new Set([
  "POST / JSON array",
  "POST /pipeline",
  "POST /multi-exec",
  "POST /<command>",
  "WS /resp",
]);
const redisDoor = (door: string, argv: readonly string[]): string[] =>
  REDIS_DOORS.has(door) && argv[2] === bigValue ? ["JSON.SET", "k", "$", bigValue] : [...argv];

describe("key and value sizes, on every door", () => {
  for (const [what, argv, text] of [
    ["key", ["SET", bigKey, "v"], KEY_TEXT],
    // A value within VALUE_MAX_BYTES on every door: a string on the Blink, Light-Redis and
    // gevent doors, a JSON document on the Redis doors (whose strings and members may be
    // longer: see below).
    ["value", ["SET", "k", bigValue], VALUE_TEXT],
  ] as const) {
    for (const [door, call] of Object.entries(HTTP_DOORS)) {
      it(`${what} over the limit: ${door}`, async () => {
        const base = fresh();
        const r = await call(base, redisDoor(door, argv));
        // Each door renders the one error its own way (spec §4.2); Light-Redis answers "ERROR"
        // with the canonical text in a header.
        const shown = door === "Light-Redis JSON" ? r.error : r.text;
        expect(shown, door).toContain(text);
        expect(await dbsize(base)).toBe(0);
      });
    }
    for (const [door, { path, msg }] of Object.entries(WS_DOORS)) {
      it(`${what} over the limit: ${door}`, async () => {
        const base = fresh();
        const ws = await Ws.open(base + path);
        const reply = await ws.request(msg(redisDoor(door, argv)));
        expect(reply, door).toContain(text);
        ws.close();
        expect(await dbsize(base)).toBe(0);
      });
    }
  }
});

describe("a string past proto-max-bulk-len, on every Redis door", () => {
  const REDIS_HTTP = ["POST / JSON array", "POST /pipeline", "POST /multi-exec", "POST /<command>"];
  const TOO_LONG = "string exceeds maximum allowed size (proto-max-bulk-len)";
  for (const door of [...REDIS_HTTP, "WS /resp"]) {
    it(door, async () => {
      const base = fresh();
      await send(`${base}/`, '["CONFIG","SET","proto-max-bulk-len","1mb"]', "application/json");
      const argv = ["SET", "k", bigValue];
      let shown: string | null;
      if (door === "WS /resp") {
        const ws = await Ws.open(`${base}/resp`);
        shown = await ws.request(resp(...argv));
        ws.close();
      } else shown = (await HTTP_DOORS[door]!(base, argv)).text;
      expect(shown, door).toContain(TOO_LONG);
      expect(await dbsize(base)).toBe(0);
    });
  }
});

// Not `/_/import`: its JSON lines are read as a stream, each record bounded (IMPORT_LINE_MAX_BYTES,
// IMPORT_BODY_MAX_BYTES: test/worker/export-import.test.ts, test/node/big-import.test.ts).
describe("HTTP body over 10 MiB: 413 on every HTTP door, refused on its declared length", () => {
  const body = new Uint8Array(HTTP_BODY_MAX_BYTES + 1).fill(0x61);
  for (const [door, path, type] of [
    ["POST / text/plain", "/", "text/plain"],
    ["POST /blink", "/blink", "text/plain"],
    ["POST / JSON", "/", "application/json"],
    ["POST /pipeline", "/pipeline", "application/json"],
    ["POST /multi-exec", "/multi-exec", "application/json"],
    ["POST /<command>", "/set/k", "text/plain"],
  ] as const) {
    it(door, async () => {
      const r = await send(fresh() + path, body, type);
      expect(r.status, door).toBe(413);
      expect(r.text + (r.error ?? ""), door).toContain(BODY_ERR.slice(4));
    });
  }
});

describe("commands per request: more than 1000 is refused on every door", () => {
  const lines = Array.from({ length: PIPELINE_MAX_COMMANDS + 1 }, (_, i) => `SET k${i} v`);

  for (const path of ["/", "/blink"]) {
    it(`Blink text over HTTP (POST ${path}): 400, nothing runs`, async () => {
      const base = fresh();
      const r = await send(base + path, lines.join("\n"), "text/plain");
      expect(r).toEqual({ status: 400, text: `ERROR ${TOO_MANY}\n`, error: `ERR ${TOO_MANY}` });
      expect(await dbsize(base)).toBe(0);
      // Exactly the limit still runs whole.
      const ok = await send(base + path, lines.slice(1).join("\n"), "text/plain");
      expect(ok.status).toBe(200);
      expect(ok.text).toBe("OK\n".repeat(PIPELINE_MAX_COMMANDS));
    });
  }

  for (const path of ["/pipeline", "/multi-exec"]) {
    it(`POST ${path}: 400, nothing runs`, async () => {
      const base = fresh();
      const cmds = lines.map((l) => l.split(" "));
      const r = await send(base + path, JSON.stringify(cmds), "application/json");
      expect([r.status, r.text]).toEqual([400, JSON.stringify({ error: `ERR ${TOO_MANY}` })]);
      expect(await dbsize(base)).toBe(0);
    });
  }

  for (const [door, { path, msg }] of Object.entries(WS_DOORS)) {
    it(`${door}: the first 1000 replies, the error, close 1008`, async () => {
      const ws = await Ws.open(fresh() + path);
      const all = lines.map((l) => msg(l.split(" "))).join(door === "WS /blink" ? "\n" : "");
      const reply = (await ws.request(all))!;
      expect(
        reply.endsWith(door === "WS /blink" ? `ERROR ${TOO_MANY}\n` : `-ERR ${TOO_MANY}\r\n`),
      ).toBe(true);
      expect((await ws.waitClose()).code).toBe(1008);
    });
  }
});

describe("WebSocket message over 16 MiB: error reply, close 1009", () => {
  for (const [door, { path }] of Object.entries(WS_DOORS)) {
    it(door, async () => {
      const ws = await Ws.open(fresh() + path);
      const reply = await ws.request(new Uint8Array(WS_MESSAGE_MAX_BYTES + 1).fill(0x61));
      expect(reply, door).toMatch(/message too large/);
      expect((await ws.waitClose()).code).toBe(1009);
    });
  }
});

describe("Blink line longer than value + key + 16 bytes", () => {
  const line = `SET k ${"v".repeat(VALUE_MAX_BYTES + KEY_MAX_BYTES + 16)}`;
  it("over HTTP: the error is the last line, later lines do not run", async () => {
    const base = fresh();
    const r = await send(`${base}/blink`, `SET a 1\n${line}\nSET b 2`, "text/plain");
    expect([r.status, r.text]).toEqual([200, "OK\nERROR line too long\n"]);
    expect(await dbsize(base)).toBe(1);
  });
  it("over WS /blink: the error, then close", async () => {
    const ws = await Ws.open(`${fresh()}/blink`);
    expect(await ws.request(`SET a 1\n${line}`)).toBe("OK\nERROR line too long\n");
    expect((await ws.waitClose()).code).toBe(1008);
  });
});

describe("RESP inline command over 64 KiB", () => {
  for (const door of ["WS /resp", "WS /resp?dialect=gevent"] as const) {
    it(door, async () => {
      const ws = await Ws.open(fresh() + WS_DOORS[door]!.path);
      // An inline command (Redis), or a header line (gevent has no inline form).
      const long = "1".repeat(RESP_INLINE_MAX_BYTES);
      const msg = door === "WS /resp" ? `SET k ${long}\r\n` : `*1\r\n$${long}\r\n`;
      const reply = await ws.request(msg);
      expect(reply).toContain("Protocol error: too big inline request");
      expect((await ws.waitClose()).code).toBe(1008);
    });
  }
});

it("GET-with-path commands keep working (Upstash path form)", async () => {
  const base = fresh();
  await send(`${base}/`, '["SET","k","v"]', "application/json");
  expect(await get(`${base}/get/k`)).toEqual({ status: 200, text: '{"result":"v"}' });
});
