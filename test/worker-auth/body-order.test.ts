// `POST B/` checks credentials before it reads a body, and refuses a body on its declared length
// before reading it (issue 13 item 8): an anonymous client cannot make the Worker read 10 MiB.

import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { BASE } from "../worker/support/client.ts";

const CHUNK = 64 * 1024;

/** A request body of `chunks` chunks that counts how many the Worker pulled. */
function countingBody(chunks: number, first = "[") {
  const seen = { pulls: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      seen.pulls++;
      if (seen.pulls > chunks) return c.close();
      const chunk = new Uint8Array(CHUNK).fill(0x20);
      if (seen.pulls === 1) chunk[0] = first.charCodeAt(0);
      c.enqueue(chunk);
    },
  });
  return { body, seen };
}

it("answers 401 to an anonymous POST / after one chunk, in the body's own format", async () => {
  for (const [first, text] of [
    ["[", '{"error":"WRONGPASS invalid or missing auth token"}'],
    ["{", '"ERROR"\n'],
  ]) {
    const { body, seen } = countingBody(160, first); // 10 MiB
    const res = await exports.default.fetch(`${BASE}/`, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/json" },
    });
    expect([res.status, await res.text()]).toEqual([401, text]);
    expect(seen.pulls).toBeLessThanOrEqual(3);
  }
  const { body, seen } = countingBody(160);
  const res = await exports.default.fetch(`${BASE}/`, {
    method: "POST",
    body,
    headers: { "Content-Type": "text/plain", Authorization: "Bearer nope" },
  });
  expect([res.status, await res.text()]).toEqual([
    401,
    "ERROR WRONGPASS invalid or missing auth token\n",
  ]);
  expect(seen.pulls).toBeLessThanOrEqual(2);
});

it("refuses a body declared over 10 MiB with 413 before reading it", async () => {
  for (const type of ["text/plain", "application/json"]) {
    const { body, seen } = countingBody(1600); // 100 MiB if it were read
    const res = await exports.default.fetch(`${BASE}/`, {
      method: "POST",
      body,
      headers: {
        "Content-Type": type,
        "Content-Length": String(100 * 1024 * 1024),
        Authorization: "Bearer full-token",
      },
    });
    expect(res.status).toBe(413);
    expect(seen.pulls).toBeLessThanOrEqual(2);
  }
});
