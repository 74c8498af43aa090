// Strings past the old 1 MiB cap, up to proto-max-bulk-len, as a user meets them: ioredis writes a
// 20 MB value through the shim (the command crosses /mux in parts), and it reads back whole there,
// over Upstash REST and over WebSocket /resp; past the limit, Redis's errors. The workerd test
// test/worker/string-chunks.test.ts shows the chunk rows and the restart.

import Redis from "ioredis";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROTO_MAX_BULK_LEN } from "../../src/limits.ts";
import type { LocalWorker } from "../../src/node/local-worker.ts";
import { freshNamespace, startTestShim, startTestWorker } from "./support/shim-harness.ts";
import type { TestShim } from "./support/shim-harness.ts";

const SIZE = 20_000_000;

let worker: LocalWorker;
let shim: TestShim;
let redis: Redis;
const ns = freshNamespace("big");

beforeAll(async () => {
  worker = await startTestWorker();
  shim = await startTestShim(worker.url.href, { namespace: ns, dialects: ["redis"] });
  redis = new Redis({ port: shim.port("redis"), host: "127.0.0.1", lazyConnect: true });
  await redis.connect();
});
afterAll(async () => {
  redis.disconnect();
  await shim.close();
  await worker.dispose();
});

/** A value whose every megabyte differs (a misplaced part would show). */
function value(n: number): Buffer {
  const b = Buffer.alloc(n, "abcdefghijklmnopqrstuvwxyz0123456789");
  for (let i = 0; i < n; i += 1_000_000) b.write(`<${i}>`, i);
  return b;
}

describe("a 20 MB string", () => {
  const v = value(SIZE);

  it("is written with ioredis through the shim and read back whole by every Redis door", async () => {
    expect(await redis.set("big", v)).toBe("OK");
    expect(await redis.strlen("big")).toBe(SIZE);
    expect((await redis.getBuffer("big"))!.equals(v)).toBe(true);

    // Upstash REST: one command's reply passes REPLY_MAX_BYTES and still goes out whole.
    const rest = await fetch(`${worker.url.href}db/${ns}/`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(["GET", "big"]),
    });
    expect(rest.status).toBe(200);
    const { result } = (await rest.json()) as { result: string };
    expect(result.length).toBe(SIZE);
    expect(result === v.toString("latin1")).toBe(true);

    // WebSocket /resp: one message holds the bulk.
    const ws = new WebSocket(`${worker.url.href.replace(/^http/, "ws")}db/${ns}/resp`);
    await new Promise((ok, fail) => ws.once("open", ok).once("error", fail));
    const reply = new Promise<Buffer>((ok) => ws.once("message", (d: Buffer) => ok(d)));
    ws.send("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n");
    const got = await reply;
    ws.close();
    const head = Buffer.from(`$${SIZE}\r\n`);
    expect(got.length).toBe(head.length + SIZE + 2);
    expect(got.subarray(0, head.length).equals(head)).toBe(true);
    expect(got.subarray(head.length, head.length + SIZE).equals(v)).toBe(true);
  });

  it("answers Redis's errors past proto-max-bulk-len, and CONFIG round-trips the setting", async () => {
    const tooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    await expect(redis.setrange("big", PROTO_MAX_BULK_LEN, "x")).rejects.toThrow(tooLong);
    await expect(redis.append("big", Buffer.alloc(PROTO_MAX_BULK_LEN - SIZE + 1))).rejects.toThrow(
      tooLong,
    );
    expect(await redis.config("GET", "proto-max-bulk-len")).toEqual([
      "proto-max-bulk-len",
      String(PROTO_MAX_BULK_LEN),
    ]);
    expect(await redis.config("SET", "proto-max-bulk-len", "1mb")).toBe("OK");
    expect(await redis.config("GET", "proto-max-bulk-len")).toEqual([
      "proto-max-bulk-len",
      "1048576",
    ]);
    // A bulk past it is a protocol error, and the connection ends (as Redis does).
    const raw = new Redis({ port: shim.port("redis"), host: "127.0.0.1", lazyConnect: true });
    raw.on("error", () => {});
    await raw.connect();
    await expect(raw.set("k", Buffer.alloc(1048577))).rejects.toThrow(
      "ERR Protocol error: invalid bulk length",
    );
    raw.disconnect();
    expect(await redis.config("SET", "proto-max-bulk-len", String(PROTO_MAX_BULK_LEN))).toBe("OK");
    expect(await redis.strlen("big")).toBe(SIZE);
  });
});
