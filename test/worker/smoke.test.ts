import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("serves Blink over HTTP", async () => {
  const res = await exports.default.fetch("https://x/", {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: "SET k v\nGET k",
  });
  expect(res.status).toBe(200);
  expect(await res.text()).toBe("OK\nVALUE dg==\n");
});
