// Secure by default (spec §5.2): with no token configured and ALLOW_ANONYMOUS unset, every
// request is refused with a header that says how to set a token.

import { expect, it } from "vitest";
import { BASE, Ws, post } from "../worker/support/client.ts";
import { exports } from "cloudflare:workers";

const HOW =
  "ERR no auth token configured; set one with wrangler secret put AUTH_TOKEN, or set ALLOW_ANONYMOUS=true";

it("refuses every door with 401 and explains how to set a token", async () => {
  let r = await post("/blink", "GET k", "text/plain");
  expect([r.status, r.headers.get("Blink-Edge-Error")]).toEqual([401, HOW]);
  r = await post("/", '{"cmd":"info"}', "application/json");
  expect([r.status, await r.text(), r.headers.get("Blink-Edge-Error")]).toEqual([
    401,
    '"ERROR"\n',
    HOW,
  ]);
  const ws = await Ws.open("/blink");
  expect(await ws.waitClose()).toEqual({ code: 1008, reason: HOW });
  r = await exports.default.fetch(`${BASE}/_/health`);
  expect(r.status).toBe(200);
});
