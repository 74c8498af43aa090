// An export of a namespace holding a 20 MiB string imports back (issue 17): the import body is
// read as a stream, record by record (src/protocols/transfer/import-parse.ts readJsonlImport),
// so one record may pass HTTP_BODY_MAX_BYTES, up to a string of proto-max-bulk-len.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HTTP_BODY_MAX_BYTES } from "../../src/limits.ts";
import {
  TcpClient,
  freshNamespace,
  sharedTestWorker,
  startTestShim,
} from "./support/shim-harness.ts";
import type { TestShim, TestWorker } from "./support/shim-harness.ts";
import { multibulk } from "../unit/support/resp-bytes.ts";

const SIZE = 20 * 1024 * 1024;
const PIECE = 1024 * 1024;

let worker: TestWorker;
let shim: TestShim;
const from = freshNamespace("bigexp");
const to = freshNamespace("bigimp");

beforeAll(async () => {
  worker = await sharedTestWorker();
  shim = await startTestShim(worker.url.href, { namespace: from, dialects: ["redis"] });
});
afterAll(async () => {
  await shim.close();
  await worker.dispose();
});

/** A RESP command. */
const cmd = (...args: (string | Buffer)[]): Buffer => multibulk(args);

/** Every mebibyte of the value starts with its own number (a misplaced piece would show). */
function value(): Buffer {
  const b = Buffer.alloc(SIZE, "abcdefghijklmnopqrstuvwxyz");
  for (let i = 0; i < SIZE / PIECE; i++) b.write(`<${i}>`, i * PIECE);
  return b;
}

async function rest(ns: string, command: string[]): Promise<unknown> {
  const r = await fetch(`${worker.url.href}db/${ns}/`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(command),
  });
  return ((await r.json()) as { result: unknown }).result;
}

describe("export and import of a 20 MiB string", () => {
  it("imports back what the export wrote", { timeout: 30_000 }, async () => {
    const c = await TcpClient.open(shim.port("redis"));
    c.write(Buffer.concat([cmd("SET", "big", value()), cmd("SET", "small", "s")]));
    await c.readBytes(10);
    c.destroy();

    const exported = await fetch(`${worker.url.href}db/${from}/_/export`);
    expect(exported.status).toBe(200);
    const body = Buffer.from(await exported.arrayBuffer());
    expect(body.length).toBeGreaterThan(HTTP_BODY_MAX_BYTES);

    const imported = await fetch(`${worker.url.href}db/${to}/_/import`, {
      method: "POST",
      body,
    });
    expect([imported.status, await imported.json()]).toEqual([
      200,
      { result: { imported: 2, skipped_expired: 0 } },
    ]);
    expect(await rest(to, ["STRLEN", "big"])).toBe(SIZE);
    expect(await rest(to, ["GET", "small"])).toBe("s");
    const v = value();
    for (const i of [0, 7, 19]) {
      const at = i * PIECE;
      expect(await rest(to, ["GETRANGE", "big", String(at), String(at + 5)])).toBe(
        v.toString("latin1", at, at + 6),
      );
    }
  });

  it("a body sent without a length (chunked) is read the same way", async () => {
    const lines = [
      JSON.stringify({ key: "a", type: "string", value: "x".repeat(12 * 1024 * 1024) }),
      JSON.stringify({ key: "b", type: "string", value: "y" }),
    ];
    const enc = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (const l of lines) c.enqueue(enc.encode(`${l}\n`));
        c.close();
      },
    });
    const r = await fetch(`${worker.url.href}db/${to}/_/import`, {
      method: "POST",
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect([r.status, await r.json()]).toEqual([
      200,
      { result: { imported: 2, skipped_expired: 0 } },
    ]);
    expect(await rest(to, ["STRLEN", "a"])).toBe(12 * 1024 * 1024);
  });
});
