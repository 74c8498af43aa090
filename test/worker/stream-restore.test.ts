// A stream DUMPed and RESTOREd through the RESP door (RDB stream type, rdb-stream.ts) is the
// same stream, with its group, pending entry and consumer, after the object restarts.

import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { post, resp, Ws } from "./support/client.ts";

const rest = async (ns: string, argv: string[]) =>
  (await (await post(`/db/${ns}`, JSON.stringify(argv), "application/json")).json()) as {
    result?: unknown;
  };

/** A RESP command whose last argument is raw bytes (a DUMP payload). */
function respBytes(head: string[], payload: Uint8Array): Uint8Array {
  // resp() of the head, its count raised by one, then the payload's bulk
  const text = resp(...head).replace(/^\*\d+/, `*${head.length + 1}`) + `$${payload.length}\r\n`;
  const prefix = Uint8Array.from(text, (c) => c.charCodeAt(0));
  const out = new Uint8Array(prefix.length + payload.length + 2);
  out.set(prefix);
  out.set(payload, prefix.length);
  out.set([13, 10], out.length - 2);
  return out;
}

it("a restored stream keeps its entries, group, pending entry and consumer across a restart", async () => {
  const ws = await Ws.open("/db/srs1/resp");
  await ws.request(resp("XADD", "s", "1-1", "type", "signup"));
  await ws.request(resp("XADD", "s", "2-1", "type", "login", "user", "ann"));
  await ws.request(resp("XGROUP", "CREATE", "s", "workers", "0"));
  await ws.request(resp("XREADGROUP", "GROUP", "workers", "w1", "COUNT", "1", "STREAMS", "s", ">"));
  const dumped = (await ws.request(resp("DUMP", "s")))!;
  const body = dumped.slice(dumped.indexOf("\r\n") + 2, dumped.length - 2);
  const payload = Uint8Array.from(body, (c) => c.charCodeAt(0));
  expect(await ws.request(respBytes(["RESTORE", "r", "0"], payload))).toBe("+OK\r\n");
  ws.close();
  await evictDurableObject(env.NAMESPACE.getByName("srs1"));
  for (const cmd of [
    ["XRANGE", "*", "-", "+"],
    ["XPENDING", "*", "workers"],
    ["XINFO", "GROUPS", "*"],
  ]) {
    const original = await rest(
      "srs1",
      cmd.map((a) => (a === "*" ? "s" : a)),
    );
    expect(
      await rest(
        "srs1",
        cmd.map((a) => (a === "*" ? "r" : a)),
      ),
    ).toEqual(original);
  }
  expect((await rest("srs1", ["XPENDING", "r", "workers"])).result).toEqual([
    1,
    "1-1",
    "1-1",
    [["w1", "1"]],
  ]);
});
