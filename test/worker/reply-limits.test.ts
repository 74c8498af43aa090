// Replies are bounded (issue 13 items 1 and 4): a request's replies stop at REPLY_MAX_BYTES (later
// commands answered with the reply-limit error, not run), and an HTTP answer that could not leave
// the object (workerd's 32 MiB RPC limit) is the reply-too-large error — never 500 internal error.

import { describe, expect, it } from "vitest";
import { Errors } from "../../src/engine/errors.ts";
import { REPLY_MAX_BYTES } from "../../src/limits.ts";
import { freshNs, post } from "./support/upstash.ts";

const MiB = 1024 * 1024;

describe("reply bounds over HTTP", () => {
  it("a /pipeline of 40 GETs of a 1 MiB value: values up to REPLY_MAX_BYTES, then the limit error", async () => {
    const b = freshNs("reply-limit");
    expect((await post(`${b}/`, ["set", "big", "v".repeat(MiB)])).status).toBe(200);
    const a = await post(
      `${b}/pipeline`,
      Array.from({ length: 40 }, () => ["get", "big"]),
    );
    expect(a.status).toBe(200);
    const out = JSON.parse(a.text) as { result?: string; error?: string }[];
    expect(out).toHaveLength(40);
    // The command whose reply passes the cap still runs; none after it.
    const ran = out.findIndex((r) => r.error !== undefined);
    expect(ran * MiB).toBeGreaterThanOrEqual(REPLY_MAX_BYTES);
    expect((ran - 1) * MiB).toBeLessThan(REPLY_MAX_BYTES);
    expect(out.slice(0, ran).every((r) => r.result?.length === MiB)).toBe(true);
    expect(out.slice(ran)).toEqual(
      Array.from({ length: 40 - ran }, () => ({ error: Errors.replyLimit().message })),
    );
  });

  it("an answer past the RPC limit (escaped binary) is the reply-too-large error, not 500", async () => {
    const b = freshNs("reply-limit");
    // Each control byte becomes six in JSON ("\u0001"): one MGET of eight is 48 MiB of answer
    // (one command's reply is never cut by REPLY_MAX_BYTES).
    const ctl = "\u0001".repeat(MiB);
    expect((await post(`${b}/`, ["set", "c", ctl])).status).toBe(200);
    const mget = ["mget", ...Array.from({ length: 8 }, () => "c")];
    const a = await post(`${b}/pipeline`, [mget, ["ping"]]);
    expect(a.status).toBe(200);
    expect(JSON.parse(a.text)).toEqual(
      Array.from({ length: 2 }, () => ({ error: Errors.replyTooLarge().message })),
    );
    const one = await post(`${b}/`, mget);
    expect([one.status, JSON.parse(one.text)]).toEqual([
      400,
      { error: Errors.replyTooLarge().message },
    ]);
  });
});
