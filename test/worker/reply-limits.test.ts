// Replies are bounded (issue 13 items 1 and 4): an HTTP request's replies stop at
// HTTP_REPLY_MAX_BYTES (later commands answered with the reply-limit error, not run; a socket's
// batch continues in a later turn instead), and an answer past HTTP_ANSWER_MAX_BYTES is the
// reply-too-large error — never 500 internal error.

import { describe, expect, it } from "vitest";
import { Errors } from "../../src/engine/errors.ts";
import { HTTP_REPLY_MAX_BYTES } from "../../src/limits.ts";
import { freshNs, post } from "./support/upstash.ts";

const MiB = 1024 * 1024;

describe("reply bounds over HTTP", () => {
  it(
    "a /pipeline of 40 GETs of a 1 MiB value: values up to HTTP_REPLY_MAX_BYTES, then the limit error",
    { timeout: 30_000 },
    async () => {
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
      expect(ran * MiB).toBeGreaterThanOrEqual(HTTP_REPLY_MAX_BYTES);
      expect((ran - 1) * MiB).toBeLessThan(HTTP_REPLY_MAX_BYTES);
      expect(out.slice(0, ran).every((r) => r.result?.length === MiB)).toBe(true);
      expect(out.slice(ran)).toEqual(
        Array.from({ length: 40 - ran }, () => ({ error: Errors.replyLimit().message })),
      );
    },
  );

  it(
    "an answer past HTTP_ANSWER_MAX_BYTES (escaped binary) is the reply-too-large error, not 500",
    { timeout: 30_000 },
    async () => {
      const b = freshNs("reply-limit");
      // Each control byte becomes six in JSON ("\u0001"): one MGET of twelve is 72 MiB of answer
      // (one command's reply is never cut by the reply budget).
      const ctl = "\u0001".repeat(MiB);
      expect((await post(`${b}/`, ["set", "c", ctl])).status).toBe(200);
      const mget = ["mget", ...Array.from({ length: 12 }, () => "c")];
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
    },
  );
});
