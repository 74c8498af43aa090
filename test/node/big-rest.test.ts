// A string of proto-max-bulk-len (32 MiB) read over Upstash REST as a user meets it (issue 17):
// the answer, past workerd's 32 MiB cap on one RPC value once JSON or base64 wraps it, leaves
// the namespace object as a stream (src/worker/doors/door.ts forRpc).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROTO_MAX_BULK_LEN } from "../../src/limits.ts";
import { freshNamespace, sharedTestWorker } from "./support/shim-harness.ts";
import type { TestWorker } from "./support/shim-harness.ts";

const PIECE = PROTO_MAX_BULK_LEN / 4;

let worker: TestWorker;
let base: string;

beforeAll(async () => {
  worker = await sharedTestWorker();
  base = `${worker.url.href}db/${freshNamespace("bigrest")}`;
  // Four APPENDs of 8 MiB, each piece its own letter (a misplaced piece would show); each
  // request stays under the REST body limit.
  for (let i = 0; i < 4; i++) {
    const r = await rest("/", ["APPEND", "big", String.fromCharCode(97 + i).repeat(PIECE)]);
    expect(r.status).toBe(200);
  }
});
afterAll(async () => {
  await worker.dispose();
});

function rest(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** The value's four pieces are where they belong. */
function checkValue(v: string): void {
  expect(v.length).toBe(PROTO_MAX_BULK_LEN);
  for (let i = 0; i < 4; i++) {
    const piece = v.slice(i * PIECE, (i + 1) * PIECE);
    expect(piece === String.fromCharCode(97 + i).repeat(PIECE)).toBe(true);
  }
}

describe("a 32 MiB string over Upstash REST", () => {
  it("GET answers it whole", async () => {
    const r = await rest("/", ["GET", "big"]);
    expect(r.status).toBe(200);
    checkValue(((await r.json()) as { result: string }).result);
  });

  it("GET with Upstash-Encoding: base64 (a 43 MiB answer) answers it whole", async () => {
    const r = await rest("/", ["GET", "big"], { "Upstash-Encoding": "base64" });
    expect(r.status).toBe(200);
    const { result } = (await r.json()) as { result: string };
    checkValue(Buffer.from(result, "base64").toString("latin1"));
  });

  it("a pipeline's replies stop at HTTP_REPLY_MAX_BYTES: the GET past it runs, the next is refused", async () => {
    const r = await rest("/pipeline", [
      ["STRLEN", "big"],
      ["GET", "big"],
      ["GET", "big"],
    ]);
    expect(r.status).toBe(200);
    const out = (await r.json()) as { result?: unknown; error?: string }[];
    expect(out[0]).toEqual({ result: PROTO_MAX_BULK_LEN });
    checkValue(out[1]!.result as string);
    expect(out[2]!.error).toMatch(/^ERR reply limit/);
  });
});
