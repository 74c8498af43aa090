// @upstash/redis 1.39.0, unchanged, against a locally started Worker (spec §11, §15): its
// defaults (auto-pipelining, base64 responses) and `enableAutoPipelining: false`, automatic
// JSON deserialization, and a read-only token whose refusals surface as UpstashError.

import { Redis } from "@upstash/redis";
import { errors } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorker } from "../../src/node/local-worker.ts";
import type { LocalWorker } from "../../src/node/local-worker.ts";
import { freshNamespace } from "./support/shim-harness.ts";

const TOKEN = "test-token";
const READONLY_TOKEN = "readonly-token";
const TTL_SECONDS = 100;

let worker: LocalWorker;
/** Requests seen by fetch (path and body), to check where the SDK sends what. */
const seen: { path: string; body: string; encoding: string | null }[] = [];
const realFetch = globalThis.fetch;

beforeAll(async () => {
  worker = await startLocalWorker({
    port: 0,
    persistTo: false,
    vars: { AUTH_TOKEN: TOKEN, AUTH_TOKEN_READONLY: READONLY_TOKEN },
  });
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const href = input instanceof Request ? input.url : String(input);
    if (href.startsWith(worker.url.origin)) {
      const encoding = new Headers(init?.headers).get("Upstash-Encoding");
      seen.push({ path: new URL(href).pathname, body: String(init?.body ?? ""), encoding });
    }
    return realFetch(input, init);
  };
});
afterAll(async () => {
  globalThis.fetch = realFetch;
  await worker?.dispose();
});

/** A namespace's base URL (spec §6.1: `/db/<name>` works as an Upstash URL). */
function nsUrl(ns: string): string {
  return new URL(`/db/${ns}`, worker.url).href;
}

type Options = { enableAutoPipelining?: boolean; automaticDeserialization?: boolean };

function client(ns: string, token: string, opts: Options = {}): Redis {
  return new Redis({ url: nsUrl(ns), token, enableTelemetry: false, ...opts });
}

/** The commands of the acceptance list, with the replies a Redis user expects. */
async function sequence(redis: Redis): Promise<void> {
  expect(await redis.set("k", "v")).toBe("OK");
  expect(await redis.get("k")).toBe("v");
  expect(await Promise.all([redis.incr("n"), redis.incr("n")])).toEqual([1, 2]);
  expect(await redis.expire("n", TTL_SECONDS)).toBe(1);
  expect(await redis.ttl("n")).toBe(TTL_SECONDS);
  expect(await redis.hset("h", { f: "v", g: 1 })).toBe(2);
  expect(await redis.hgetall("h")).toEqual({ f: "v", g: 1 });
  expect(await redis.hgetall("nohash")).toBeNull();

  const p = redis.pipeline();
  p.set("p", "1");
  p.incr("p");
  p.get("p");
  p.del("p");
  expect(await p.exec()).toEqual(["OK", 2, 2, 1]);

  const m = redis.multi();
  m.incr("c");
  m.incr("c");
  m.get("k");
  expect(await m.exec()).toEqual([1, 2, "v"]);

  // Automatic (de)serialization of JSON values; strings with non-ASCII and "OK" survive base64.
  const doc = { a: 1, b: [true, null, "x"], big: "9007199254740993" };
  expect(await redis.set("doc", doc)).toBe("OK");
  expect(await redis.get("doc")).toEqual(doc);
  expect(await redis.set("u", 'é😀 "OK"')).toBe("OK");
  expect(await redis.get("u")).toBe('é😀 "OK"');
  expect(await redis.set("ok", "OK")).toBe("OK");
  expect(await redis.get("ok")).toBe("OK");
  expect(await redis.mget("k", "u", "nokey")).toEqual(["v", 'é😀 "OK"', null]);

  await expect(redis.incr("k")).rejects.toThrow(errors.UpstashError);
  await expect(redis.incr("k")).rejects.toThrow(/ERR value is not an integer or out of range/);
  const bad = redis.pipeline();
  bad.set("x", "v");
  bad.incr("x");
  await expect(bad.exec()).rejects.toThrow(
    "Command 2 [ incr ] failed: ERR value is not an integer or out of range",
  );
}

describe("@upstash/redis with a full token", () => {
  it("runs the sequence with its defaults (auto-pipelining, base64)", async () => {
    const ns = freshNamespace("sdk");
    seen.length = 0;
    await sequence(client(ns, TOKEN));
    expect(new Set(seen.map((r) => r.path))).toEqual(
      new Set([`/db/${ns}`, `/db/${ns}/pipeline`, `/db/${ns}/multi-exec`]),
    );
    // Auto-pipelining leaves out a few commands (its EXCLUDE_COMMANDS: hgetall, keys, smembers,
    // lrange, scans …), which go to POST B/ one by one.
    expect(seen.filter((r) => r.path === `/db/${ns}`).map((r) => r.body)).toEqual([
      '["hgetall","h"]',
      '["hgetall","nohash"]',
    ]);
    expect(new Set(seen.map((r) => r.encoding))).toEqual(new Set(["base64"]));
  });

  it("runs the sequence with enableAutoPipelining: false (single commands to POST B/)", async () => {
    const ns = freshNamespace("sdk-single");
    seen.length = 0;
    await sequence(client(ns, TOKEN, { enableAutoPipelining: false }));
    expect(new Set(seen.map((r) => r.path))).toEqual(
      new Set([`/db/${ns}`, `/db/${ns}/pipeline`, `/db/${ns}/multi-exec`]),
    );
  });

  it("returns raw strings with automaticDeserialization: false", async () => {
    const ns = freshNamespace("sdk-raw");
    const redis = client(ns, TOKEN, { automaticDeserialization: false });
    expect(await redis.set("doc", { a: 1 })).toBe("OK");
    expect(await redis.get("doc")).toBe('{"a":1}');
    expect(await redis.incr("n")).toBe(1);
    expect(await redis.get("n")).toBe("1");
  });

  it("refuses a wrong token with UpstashError", async () => {
    const redis = client(freshNamespace("sdk-bad"), "wrong-token", { enableAutoPipelining: false });
    await expect(redis.get("k")).rejects.toThrow(/WRONGPASS invalid or missing auth token/);
  });
});

describe("@upstash/redis with a read-only token", () => {
  const NOPERM = (cmd: string) => `NOPERM this user has no permissions to run the '${cmd}' command`;

  for (const enableAutoPipelining of [true, false]) {
    it(`reads, and surfaces NOPERM as UpstashError (enableAutoPipelining: ${enableAutoPipelining})`, async () => {
      const ns = freshNamespace("sdk-ro");
      const full = client(ns, TOKEN);
      await full.set("k", "v");
      await full.hset("h", { f: "v" });
      const ro = client(ns, READONLY_TOKEN, { enableAutoPipelining });
      expect(await ro.get("k")).toBe("v");
      expect(await ro.hgetall("h")).toEqual({ f: "v" });
      expect(await ro.keys("*")).toEqual(["k", "h"]);
      await expect(ro.set("k", "w")).rejects.toThrow(errors.UpstashError);
      await expect(ro.incr("n")).rejects.toThrow(NOPERM("incr"));
      await expect(ro.expire("k", TTL_SECONDS)).rejects.toThrow(NOPERM("expire"));
      await expect(ro.hset("h", { g: "w" })).rejects.toThrow(NOPERM("hset"));
      const p = ro.pipeline();
      p.get("k");
      p.set("k", "w");
      await expect(p.exec()).rejects.toThrow(`Command 2 [ set ] failed: ${NOPERM("set")}`);
      const m = ro.multi();
      m.get("k");
      m.incr("c");
      await expect(m.exec()).rejects.toThrow(NOPERM("incr"));
      expect(await full.get("k")).toBe("v");
      expect(await full.exists("c", "n")).toBe(0);
    });
  }
});
